//! Opaque handles to Lean's own semantic objects: names, universe levels, expressions and
//! kernel declarations.
//!
//! Every operation is delegated to a function Lean itself exports (`lean_name_mk_string`,
//! `lean_expr_mk_app`, `Name.toString`, `Expr.dbgToString`, structural equality, hashing);
//! Rust never inspects or rebuilds the structure of these values. All handles are bound to
//! the runtime lifetime and are `!Send + !Sync`.

#![allow(unsafe_code)]

use std::fmt;

use lean_rs_sys::lean_object;

use crate::abi::traits::{IntoLean, LeanAbi, LeanArrayElement, TryFromLean, sealed::SealedAbi};
use crate::error::LeanResult;
use crate::runtime::LeanRuntime;
use crate::runtime::exports::exports;
use crate::runtime::obj::{Obj, ObjRef};

/// Wraps an owned result of a Lean export.
///
/// # Safety
/// `raw` must be an owned object returned by a Lean export under the initialized runtime.
unsafe fn owned(runtime: &LeanRuntime, raw: *mut lean_object) -> Obj<'_> {
    // SAFETY: forwarded caller contract.
    unsafe { Obj::from_owned_raw(runtime, raw) }
}

/// Renders an owned Lean `String` result.
fn string_result(text: &Obj<'_>) -> LeanResult<String> {
    String::try_from_lean(text.borrow())
}

macro_rules! semantic_handle {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name<'lean> {
            obj: Obj<'lean>,
        }

        impl<'lean> $name<'lean> {
            fn from_obj(obj: Obj<'lean>) -> Self {
                Self { obj }
            }

            /// The runtime this value belongs to.
            pub fn runtime(&self) -> &'lean LeanRuntime {
                self.obj.runtime()
            }
        }

        impl SealedAbi for $name<'_> {}
        impl LeanArrayElement for $name<'_> {}
        impl<'lean> LeanAbi<'lean> for $name<'lean> {
            type CRepr = *mut lean_object;
        }
        impl<'lean> IntoLean<'lean> for $name<'lean> {
            fn into_lean(self, _runtime: &'lean LeanRuntime) -> LeanResult<Obj<'lean>> {
                Ok(self.obj)
            }
            fn into_c(self, _runtime: &'lean LeanRuntime) -> LeanResult<*mut lean_object> {
                Ok(self.obj.into_raw())
            }
        }
        /// Decoding only takes a reference: these types have no cheap shape check, so the
        /// value is trusted to be what the Lean signature says.
        impl<'lean> TryFromLean<'lean> for $name<'lean> {
            fn try_from_lean(obj: ObjRef<'lean, '_>) -> LeanResult<Self> {
                Ok(Self::from_obj(obj.to_owned_obj()))
            }
            fn try_from_lean_owned(obj: Obj<'lean>) -> LeanResult<Self> {
                Ok(Self::from_obj(obj))
            }
            unsafe fn try_from_c(c: *mut lean_object, runtime: &'lean LeanRuntime) -> LeanResult<Self> {
                // SAFETY: forwarded caller contract (an owned object).
                Ok(Self::from_obj(unsafe { Obj::from_owned_raw(runtime, c) }))
            }
        }
    };
}

semantic_handle!(
    /// A Lean `Name` (hierarchical identifier such as `Nat.add`).
    LeanName,
    "Name"
);
semantic_handle!(
    /// A Lean universe `Level`.
    LeanLevel,
    "Level"
);
semantic_handle!(
    /// A Lean kernel `Expr`.
    LeanExpr,
    "Expr"
);
semantic_handle!(
    /// A Lean kernel `Declaration`, ready to be added to an environment by higher layers.
    LeanDeclaration,
    "Declaration"
);
semantic_handle!(
    /// Any Lean value, owned and opaque: an `Environment`, a `MessageLog`, a closure, a value
    /// of a type `lean-rs` has no conversion for. It passes through typed calls as an argument
    /// or a result and keeps its reference count; Rust never looks inside it. The raw pointer
    /// is reachable through the `unsafe` escape hatches [`LeanObject::from_owned_raw`] and
    /// [`LeanObject::into_owned_raw`].
    LeanObject,
    "any value"
);

impl<'lean> LeanObject<'lean> {
    /// Takes ownership of a raw Lean object.
    ///
    /// # Safety
    /// `raw` must be a valid Lean object (or a boxed scalar) of the initialized runtime, and
    /// the caller must own one reference to it, which moves into the handle.
    pub unsafe fn from_owned_raw(runtime: &'lean LeanRuntime, raw: *mut lean_object) -> Self {
        // SAFETY: forwarded caller contract.
        Self::from_obj(unsafe { owned(runtime, raw) })
    }

    /// Gives up the handle's reference as a raw pointer: the caller now owns it and must
    /// pass it to Lean code that consumes it, or release it with `lean_dec`, exactly once.
    pub fn into_owned_raw(self) -> *mut lean_object {
        self.obj.into_raw()
    }

    /// Whether the value is a boxed scalar (a small `Nat`, an enum constructor, `Unit`…)
    /// rather than a heap object.
    pub fn is_scalar(&self) -> bool {
        self.obj.borrow().is_scalar()
    }

    /// The Lean value of `value`, built by the same conversion a typed call uses for an
    /// argument of type `T` (so `LeanObject::new(rt, LeanNat(7u64))` is the `Nat` 7). Lets a
    /// caller build a value once and pass it to several calls, or keep it in a container.
    ///
    /// # Errors
    /// The conversion's own errors (a size over the conversion limits, an unrepresentable
    /// value).
    #[inline]
    pub fn new<T: IntoLean<'lean>>(runtime: &'lean LeanRuntime, value: T) -> LeanResult<Self> {
        Ok(Self::from_obj(value.into_lean(runtime)?))
    }

    /// Reads the value as `T`, exactly as a typed call decodes a result of type `T`; the
    /// handle keeps its reference.
    ///
    /// # Errors
    /// `lean_rs.conversion` when the value does not have `T`'s shape or does not fit it.
    #[inline]
    pub fn decode<T: TryFromLean<'lean>>(&self) -> LeanResult<T> {
        T::try_from_lean(self.obj.borrow())
    }
}

impl<'lean> LeanName<'lean> {
    /// The anonymous (empty) name.
    pub fn anonymous(runtime: &'lean LeanRuntime) -> Self {
        Self::from_obj(Obj::boxed(runtime, 0))
    }

    /// `Name.str self component` (e.g. `Nat` → `Nat.add`).
    pub fn str(&self, component: &str) -> LeanResult<Self> {
        let runtime = self.runtime();
        let f = exports()?.name_mk_string;
        let component = component.into_lean(runtime)?;
        // SAFETY: both arguments are owned references handed to the export, which returns an
        // owned `Name`.
        Ok(Self::from_obj(unsafe {
            owned(
                runtime,
                f(self.obj.clone().into_raw(), component.into_raw()),
            )
        }))
    }

    /// `Name.num self index` (e.g. `_uniq` → `_uniq.7`).
    pub fn num(&self, index: u64) -> LeanResult<Self> {
        let runtime = self.runtime();
        let f = exports()?.name_mk_numeral;
        let index = num_bigint::BigUint::from(index).into_lean(runtime)?;
        // SAFETY: owned `Name` and owned `Nat` in, owned `Name` out.
        Ok(Self::from_obj(unsafe {
            owned(runtime, f(self.obj.clone().into_raw(), index.into_raw()))
        }))
    }

    /// Builds `a.b.c` from its string components, left to right.
    pub fn from_components<'s>(
        runtime: &'lean LeanRuntime,
        components: impl IntoIterator<Item = &'s str>,
    ) -> LeanResult<Self> {
        components
            .into_iter()
            .try_fold(Self::anonymous(runtime), |acc, part| acc.str(part))
    }

    /// Whether this is the anonymous name.
    pub fn is_anonymous(&self) -> bool {
        self.obj.borrow().scalar() == Some(0)
    }

    /// Lean's `Name.hash`.
    pub fn hash_value(&self) -> LeanResult<u64> {
        let f = exports()?.name_hash;
        // SAFETY: the export consumes one owned reference (a clone of ours).
        Ok(unsafe { f(self.obj.clone().into_raw()) })
    }

    /// Lean's rendering (`Name.toString`, with escaping of non-identifier components).
    pub fn to_lean_string(&self) -> LeanResult<String> {
        let runtime = self.runtime();
        let f = exports()?.name_to_string;
        // SAFETY: the export consumes an owned `Name` and returns an owned `String`.
        let text = unsafe { owned(runtime, f(self.obj.clone().into_raw(), 1)) };
        string_result(&text)
    }
}

impl<'lean> LeanLevel<'lean> {
    /// Universe level `0`.
    pub fn zero(runtime: &'lean LeanRuntime) -> LeanResult<Self> {
        let f = exports()?.level_mk_zero;
        // SAFETY: takes the unit value, returns an owned `Level`.
        Ok(Self::from_obj(unsafe {
            owned(runtime, f(lean_rs_sys::lean_box(0)))
        }))
    }

    /// `succ self`.
    pub fn succ(&self) -> LeanResult<Self> {
        let f = exports()?.level_mk_succ;
        // SAFETY: owned `Level` in, owned `Level` out.
        Ok(Self::from_obj(unsafe {
            owned(self.runtime(), f(self.obj.clone().into_raw()))
        }))
    }

    /// `max self other`.
    pub fn max(&self, other: &Self) -> LeanResult<Self> {
        Ok(self.combine(other, exports()?.level_mk_max))
    }

    /// `imax self other`.
    pub fn imax(&self, other: &Self) -> LeanResult<Self> {
        Ok(self.combine(other, exports()?.level_mk_imax))
    }

    /// Applies `mk`, one of Lean's `Level → Level → Level` constructor exports.
    fn combine(
        &self,
        other: &Self,
        mk: unsafe extern "C" fn(*mut lean_object, *mut lean_object) -> *mut lean_object,
    ) -> Self {
        // SAFETY: `mk` is `level_mk_max` or `level_mk_imax`: two owned `Level`s in, owned
        // `Level` out.
        Self::from_obj(unsafe {
            owned(
                self.runtime(),
                mk(self.obj.clone().into_raw(), other.obj.clone().into_raw()),
            )
        })
    }

    /// The universe parameter named `name`.
    pub fn param(name: &LeanName<'lean>) -> LeanResult<Self> {
        let f = exports()?.level_mk_param;
        // SAFETY: owned `Name` in, owned `Level` out.
        Ok(Self::from_obj(unsafe {
            owned(name.runtime(), f(name.obj.clone().into_raw()))
        }))
    }

    /// Lean's own rendering (`toString` of `instance : ToString Level`), e.g. `max u 1`.
    /// Goes through the instance closure rather than `Level.format`, whose compiled argument
    /// list differs between releases.
    pub fn to_lean_string(&self) -> LeanResult<String> {
        let text = exports()?
            .level_to_string
            .apply_1("instance ToString Level", self.obj.clone())?;
        string_result(&text)
    }
}

/// How a binder's argument is supplied (`BinderInfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeanBinderInfo {
    /// `(x : α)`
    Default,
    /// `{x : α}`
    Implicit,
    /// `⦃x : α⦄`
    StrictImplicit,
    /// `[x : α]`
    InstImplicit,
}

impl LeanBinderInfo {
    fn tag(self) -> u8 {
        match self {
            Self::Default => 0,
            Self::Implicit => 1,
            Self::StrictImplicit => 2,
            Self::InstImplicit => 3,
        }
    }
}

/// Encodes `List α` (`nil` = scalar 0, `cons` = constructor 1 `[head, tail]`).
fn list_of<'lean, T: IntoLean<'lean>>(
    runtime: &'lean LeanRuntime,
    items: Vec<T>,
) -> LeanResult<Obj<'lean>> {
    let mut list = Obj::boxed(runtime, 0);
    let encoded: Vec<Obj<'lean>> = items
        .into_iter()
        .map(|x| x.into_lean(runtime))
        .collect::<LeanResult<_>>()?;
    for head in encoded.into_iter().rev() {
        list = crate::abi::containers::ctor_with_fields(runtime, 1, [head, list]);
    }
    Ok(list)
}

impl<'lean> LeanExpr<'lean> {
    /// The bound variable with de Bruijn index `index`.
    pub fn bvar(runtime: &'lean LeanRuntime, index: u64) -> LeanResult<Self> {
        let f = exports()?.expr_mk_bvar;
        let index = num_bigint::BigUint::from(index).into_lean(runtime)?;
        // SAFETY: owned `Nat` in, owned `Expr` out.
        Ok(Self::from_obj(unsafe {
            owned(runtime, f(index.into_raw()))
        }))
    }

    /// `Sort level`.
    pub fn sort(level: &LeanLevel<'lean>) -> LeanResult<Self> {
        let f = exports()?.expr_mk_sort;
        // SAFETY: owned `Level` in, owned `Expr` out.
        Ok(Self::from_obj(unsafe {
            owned(level.runtime(), f(level.obj.clone().into_raw()))
        }))
    }

    /// The constant `name.{levels}`.
    pub fn constant(name: &LeanName<'lean>, levels: &[LeanLevel<'lean>]) -> LeanResult<Self> {
        let runtime = name.runtime();
        let f = exports()?.expr_mk_const;
        let levels = list_of(runtime, levels.to_vec())?;
        // SAFETY: owned `Name` and owned `List Level` in, owned `Expr` out.
        Ok(Self::from_obj(unsafe {
            owned(runtime, f(name.obj.clone().into_raw(), levels.into_raw()))
        }))
    }

    /// The application `self arg`.
    pub fn app(&self, arg: &Self) -> LeanResult<Self> {
        let f = exports()?.expr_mk_app;
        // SAFETY: two owned `Expr`s in, owned `Expr` out.
        Ok(Self::from_obj(unsafe {
            owned(
                self.runtime(),
                f(self.obj.clone().into_raw(), arg.obj.clone().into_raw()),
            )
        }))
    }

    fn binder(
        which: unsafe extern "C" fn(
            *mut lean_object,
            *mut lean_object,
            *mut lean_object,
            u8,
        ) -> *mut lean_object,
        name: &LeanName<'lean>,
        ty: &Self,
        body: &Self,
        info: LeanBinderInfo,
    ) -> Self {
        // SAFETY: owned `Name`, `Expr`, `Expr` and an unboxed `BinderInfo` in, owned `Expr`
        // out.
        Self::from_obj(unsafe {
            owned(
                name.runtime(),
                which(
                    name.obj.clone().into_raw(),
                    ty.obj.clone().into_raw(),
                    body.obj.clone().into_raw(),
                    info.tag(),
                ),
            )
        })
    }

    /// `fun (name : ty) => body`.
    pub fn lambda(
        name: &LeanName<'lean>,
        ty: &Self,
        body: &Self,
        info: LeanBinderInfo,
    ) -> LeanResult<Self> {
        Ok(Self::binder(
            exports()?.expr_mk_lambda,
            name,
            ty,
            body,
            info,
        ))
    }

    /// `(name : ty) → body`.
    pub fn forall(
        name: &LeanName<'lean>,
        ty: &Self,
        body: &Self,
        info: LeanBinderInfo,
    ) -> LeanResult<Self> {
        Ok(Self::binder(
            exports()?.expr_mk_forall,
            name,
            ty,
            body,
            info,
        ))
    }

    /// Lean's `Expr.hash`.
    pub fn hash_value(&self) -> LeanResult<u64> {
        let f = exports()?.expr_hash;
        // SAFETY: the export consumes one owned reference (a clone of ours).
        Ok(unsafe { f(self.obj.clone().into_raw()) })
    }

    /// Lean's debug rendering (`Expr.dbgToString`).
    pub fn to_lean_string(&self) -> LeanResult<String> {
        let f = exports()?.expr_dbg_to_string;
        // SAFETY: borrowed `Expr` in (kept alive by `self`), owned `String` out.
        let text = unsafe { owned(self.runtime(), f(self.obj.as_raw())) };
        string_result(&text)
    }
}

impl<'lean> LeanDeclaration<'lean> {
    /// `axiom name.{level_params} : ty` (the kernel `Declaration.axiomDecl`).
    pub fn axiom(
        name: &LeanName<'lean>,
        level_params: &[LeanName<'lean>],
        ty: &LeanExpr<'lean>,
        is_unsafe: bool,
    ) -> LeanResult<Self> {
        let runtime = name.runtime();
        let f = exports()?.mk_axiom_val;
        let params = list_of(runtime, level_params.to_vec())?;
        // SAFETY: owned `Name`, `List Name`, `Expr` and an unboxed `Bool` in, owned `AxiomVal`
        // out.
        let val = unsafe {
            owned(
                runtime,
                f(
                    name.obj.clone().into_raw(),
                    params.into_raw(),
                    ty.obj.clone().into_raw(),
                    u8::from(is_unsafe),
                ),
            )
        };
        // `Declaration.axiomDecl` is the first constructor, with the value as its only field.
        Ok(Self::from_obj(crate::abi::containers::ctor_with_fields(
            runtime,
            0,
            [val],
        )))
    }
}

fn lean_eq(
    f: &LeanResult<unsafe extern "C" fn(*mut lean_object, *mut lean_object) -> u8>,
    a: &Obj<'_>,
    b: &Obj<'_>,
) -> bool {
    match *f {
        // SAFETY: both arguments are borrowed and kept alive by the handles.
        Ok(f) => unsafe { f(a.as_raw(), b.as_raw()) != 0 },
        // Without Lean's comparison only identity can be asserted.
        Err(_) => a.as_raw() == b.as_raw(),
    }
}

impl PartialEq for LeanName<'_> {
    fn eq(&self, other: &Self) -> bool {
        lean_eq(&exports().map(|e| e.name_eq), &self.obj, &other.obj)
    }
}
/// Lean's level equivalence (`lean_level_eqv`): equal after Lean normalizes both sides, so
/// `max u 1 == max 1 u`.
impl PartialEq for LeanLevel<'_> {
    fn eq(&self, other: &Self) -> bool {
        lean_eq(&exports().map(|e| e.level_eqv), &self.obj, &other.obj)
    }
}
impl PartialEq for LeanExpr<'_> {
    fn eq(&self, other: &Self) -> bool {
        lean_eq(&exports().map(|e| e.expr_eqv), &self.obj, &other.obj)
    }
}

impl fmt::Display for LeanName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.to_lean_string().as_deref().unwrap_or("<Name>"))
    }
}

impl fmt::Display for LeanLevel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.to_lean_string().as_deref().unwrap_or("<Level>"))
    }
}

impl fmt::Display for LeanExpr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.to_lean_string().as_deref().unwrap_or("<Expr>"))
    }
}

impl fmt::Debug for LeanName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeanName({self})")
    }
}
impl fmt::Debug for LeanExpr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeanExpr({self})")
    }
}
impl fmt::Debug for LeanLevel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeanLevel({self})")
    }
}
impl fmt::Debug for LeanObject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeanObject")
            .field("shape", &self.obj.borrow().shape())
            .finish()
    }
}

impl fmt::Debug for LeanDeclaration<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LeanDeclaration(..)")
    }
}
