//! Bounded `MetaM` services (the optional `lean_rs_host_meta_*` exports). A service whose
//! symbol the shim library lacks answers [`LeanMetaResponse::Unsupported`].

use std::marker::PhantomData;

use lean_rs::abi::{LeanCtorReader, LeanCtorWriter, LeanStructure};
use lean_rs::{IntoLean, LeanExpr, LeanNat, LeanResult, LeanStruct};

use crate::host::cancellation::{self, LeanCancellationToken};
use crate::host::contract::sym;
use crate::host::elaboration::{
    LEAN_DIAGNOSTIC_BYTE_LIMIT_DEFAULT, LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX,
    LEAN_HEARTBEAT_LIMIT_DEFAULT, LEAN_HEARTBEAT_LIMIT_MAX, LeanElabFailure, cut,
};
use crate::host::errors;
use crate::host::session::LeanSession;
use crate::host::wire::Wire;

/// Budget of one service call. Setters saturate at the elaboration limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeanMetaOptions {
    heartbeats: u64,
    diagnostic_byte_limit: usize,
}

impl Default for LeanMetaOptions {
    fn default() -> Self {
        Self {
            heartbeats: LEAN_HEARTBEAT_LIMIT_DEFAULT,
            diagnostic_byte_limit: LEAN_DIAGNOSTIC_BYTE_LIMIT_DEFAULT,
        }
    }
}

impl LeanMetaOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Heartbeats in thousands (0 = unlimited), at most `LEAN_HEARTBEAT_LIMIT_MAX`.
    #[must_use]
    pub fn heartbeats(mut self, thousands: u64) -> Self {
        self.heartbeats = thousands.min(LEAN_HEARTBEAT_LIMIT_MAX);
        self
    }
    /// Diagnostic byte budget, at most `LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX`.
    #[must_use]
    pub fn diagnostic_byte_limit(mut self, bytes: usize) -> Self {
        self.diagnostic_byte_limit = bytes.min(LEAN_DIAGNOSTIC_BYTE_LIMIT_MAX);
        self
    }
}

/// `structure MetaOpts where heartbeats diagnosticByteLimit : Nat`.
pub(crate) struct MetaOptsWire(LeanMetaOptions);

impl<'lean> LeanStructure<'lean> for MetaOptsWire {
    const OBJECT_FIELDS: usize = 2;
    const SCALAR_BYTES: usize = 0;
    fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
        out.set(0, LeanNat(self.0.heartbeats))?;
        out.set(1, LeanNat(self.0.diagnostic_byte_limit as u64))
    }
    fn read(input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
        let h: LeanNat<u64> = input.get(0)?;
        let d: LeanNat<u64> = input.get(1)?;
        Ok(Self(LeanMetaOptions {
            heartbeats: h.0,
            diagnostic_byte_limit: usize::try_from(d.0).unwrap_or(usize::MAX),
        }))
    }
}

/// Transparency for `is_def_eq`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LeanMetaTransparency {
    /// Lean's default.
    #[default]
    Default,
    /// Reducible only.
    Reducible,
    /// Instances.
    Instances,
    /// Everything.
    All,
}

impl LeanMetaTransparency {
    fn byte(self) -> u8 {
        match self {
            Self::Default => 0,
            Self::Reducible => 1,
            Self::Instances => 2,
            Self::All => 3,
        }
    }
}

/// The status of a service call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetaCallStatus {
    /// A value came back.
    Ok,
    /// Lean raised an exception (diagnostics).
    Failed,
    /// The heartbeat budget ran out.
    HeartbeatsExhausted,
    /// The shim library lacks the service.
    Unsupported,
}

/// What a service call answered.
#[derive(Debug)]
#[non_exhaustive]
pub enum LeanMetaResponse<Resp> {
    /// The value.
    Ok(Resp),
    /// Lean's exception, as bounded diagnostics.
    Failed(LeanElabFailure),
    /// The heartbeat budget ran out (Lean's message, bounded).
    HeartbeatsExhausted(String),
    /// The shim library lacks this service.
    Unsupported,
}

impl<Resp> LeanMetaResponse<Resp> {
    /// The status.
    pub fn status(&self) -> MetaCallStatus {
        match self {
            Self::Ok(_) => MetaCallStatus::Ok,
            Self::Failed(_) => MetaCallStatus::Failed,
            Self::HeartbeatsExhausted(_) => MetaCallStatus::HeartbeatsExhausted,
            Self::Unsupported => MetaCallStatus::Unsupported,
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A value a service can answer with: an expression, a boolean or a text.
pub trait MetaValue<'lean>: sealed::Sealed + Sized {
    /// The `MetaResponse` constructor carrying it.
    #[doc(hidden)]
    const TAG: u32;
    #[doc(hidden)]
    fn decode(w: &Wire<'lean>) -> LeanResult<Self>;
}

impl sealed::Sealed for LeanExpr<'_> {}
impl<'lean> MetaValue<'lean> for LeanExpr<'lean> {
    const TAG: u32 = 0;
    fn decode(w: &Wire<'lean>) -> LeanResult<Self> {
        w.field(0)
    }
}
impl sealed::Sealed for bool {}
impl<'lean> MetaValue<'lean> for bool {
    const TAG: u32 = 1;
    fn decode(w: &Wire<'lean>) -> LeanResult<Self> {
        Ok(w.nat(0)? != 0)
    }
}
impl sealed::Sealed for String {}
impl<'lean> MetaValue<'lean> for String {
    const TAG: u32 = 2;
    fn decode(w: &Wire<'lean>) -> LeanResult<Self> {
        w.string(0)
    }
}

/// One service: its export and its request and response types.
#[derive(Debug)]
pub struct LeanMetaService<Req, Resp> {
    symbol: &'static str,
    _types: PhantomData<fn(Req) -> Resp>,
}

impl<Req, Resp> LeanMetaService<Req, Resp> {
    const fn new(symbol: &'static str) -> Self {
        Self {
            symbol,
            _types: PhantomData,
        }
    }

    /// The export the service calls.
    pub fn symbol(&self) -> &'static str {
        self.symbol
    }
}

/// `inferType e`.
pub fn infer_type<'lean>() -> LeanMetaService<LeanExpr<'lean>, LeanExpr<'lean>> {
    LeanMetaService::new(sym::META_INFER_TYPE)
}

/// `whnf e`.
pub fn whnf<'lean>() -> LeanMetaService<LeanExpr<'lean>, LeanExpr<'lean>> {
    LeanMetaService::new(sym::META_WHNF)
}

/// Spends heartbeats until the budget runs out (tests the heartbeat path).
pub fn heartbeat_burn<'lean>() -> LeanMetaService<LeanExpr<'lean>, String> {
    LeanMetaService::new(sym::META_HEARTBEAT_BURN)
}

/// `isDefEq lhs rhs` under a transparency.
pub fn is_def_eq<'lean>()
-> LeanMetaService<(LeanExpr<'lean>, LeanExpr<'lean>, LeanMetaTransparency), bool> {
    LeanMetaService::new(sym::META_IS_DEF_EQ)
}

/// `ppExpr e`.
pub fn pp_expr<'lean>() -> LeanMetaService<LeanExpr<'lean>, String> {
    LeanMetaService::new(sym::META_PP_EXPR)
}

/// A request a service takes.
pub trait MetaRequest<'lean>: sealed::Sealed {
    #[doc(hidden)]
    type Wire: IntoLean<'lean>;
    #[doc(hidden)]
    fn into_wire(self) -> Self::Wire;
}

impl<'lean> MetaRequest<'lean> for LeanExpr<'lean> {
    type Wire = LeanExpr<'lean>;
    fn into_wire(self) -> Self::Wire {
        self
    }
}

impl sealed::Sealed for (LeanExpr<'_>, LeanExpr<'_>, LeanMetaTransparency) {}
impl<'lean> MetaRequest<'lean> for (LeanExpr<'lean>, LeanExpr<'lean>, LeanMetaTransparency) {
    /// `Expr × Expr × UInt8` (right-nested; the byte boxed, as in any `Prod`).
    type Wire = (LeanExpr<'lean>, (LeanExpr<'lean>, u8));
    fn into_wire(self) -> Self::Wire {
        (self.0, (self.1, self.2.byte()))
    }
}

impl<'lean> LeanSession<'lean, '_> {
    /// Runs a service. A missing optional symbol answers `Unsupported`; Lean's exceptions
    /// and heartbeat exhaustion are responses, not errors.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn run_meta<Req, Resp>(
        &mut self,
        service: &LeanMetaService<Req, Resp>,
        request: Req,
        options: &LeanMetaOptions,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<LeanMetaResponse<Resp>>
    where
        Req: MetaRequest<'lean>,
        Resp: MetaValue<'lean>,
    {
        let _span = tracing::debug_span!(target: "lean_rs_host", "lean_rs.host.session.run_meta", symbol = service.symbol).entered();
        cancellation::check(cancellation, "run_meta")?;
        if !self.capabilities().supports(service.symbol) {
            return Ok(LeanMetaResponse::Unsupported);
        }
        let raw = self.call_env_arg_opts(
            service.symbol,
            request.into_wire(),
            LeanStruct(MetaOptsWire(*options)),
        )?;
        let w = Wire::new(raw, "MetaResponse");
        let limit = options.diagnostic_byte_limit;
        match w.tag() {
            3 => {
                w.expect(3, 1)?;
                Ok(LeanMetaResponse::Failed(LeanElabFailure::decode(
                    &w.wire(0, "ElabFailure")?,
                    limit,
                )?))
            }
            4 => {
                w.expect(4, 1)?;
                Ok(LeanMetaResponse::HeartbeatsExhausted(cut(
                    &w.string(0)?,
                    limit,
                )))
            }
            tag if tag == Resp::TAG => {
                w.expect(tag, 1)?;
                Ok(LeanMetaResponse::Ok(Resp::decode(&w)?))
            }
            other => Err(errors::conversion(format!(
                "{}: MetaResponse constructor {other} does not carry the service's value",
                service.symbol
            ))),
        }
    }
}
