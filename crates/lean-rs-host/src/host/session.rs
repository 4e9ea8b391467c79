//! [`LeanSession`]: one imported environment and the questions asked of it.

use std::time::Instant;

use lean_rs::abi::{LeanCtorReader, LeanCtorWriter, LeanStructure};
use lean_rs::{
    LeanDeclaration, LeanExpr, LeanIo, LeanName, LeanNat, LeanObject, LeanResult, LeanStruct,
};

use crate::host::LeanCapabilities;
use crate::host::cancellation::{self, LeanCancellationToken};
use crate::host::contract::sym;
use crate::host::elaboration::{LeanElabFailure, LeanElabOptions};
use crate::host::errors;
use crate::host::evidence::{EvidenceStatus, LeanEvidence, LeanKernelOutcome, ProofSummary};
use crate::host::progress::{LeanProgressSink, Progress, TickRoute};
use crate::host::wire::Wire;

/// Per-session dispatch metrics (a snapshot).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionStats {
    /// Calls into the shim library.
    pub ffi_calls: u64,
    /// Items processed by bulk calls.
    pub batch_items: u64,
    /// Wall time spent inside shim calls, in nanoseconds.
    pub elapsed_ns: u64,
}

/// Which declarations `list_declarations_filtered` keeps. The default keeps private names
/// and drops generated and internal ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeanDeclarationFilter {
    /// Keep private (`_private.…`) names.
    pub include_private: bool,
    /// Keep names the elaborator generated (recursors, `noConfusion`, `match_`, …).
    pub include_generated: bool,
    /// Keep internal names (a component starting with `_`).
    pub include_internal: bool,
}

impl Default for LeanDeclarationFilter {
    fn default() -> Self {
        Self {
            include_private: true,
            include_generated: false,
            include_internal: false,
        }
    }
}

impl LeanDeclarationFilter {
    /// Keeps everything.
    pub fn all() -> Self {
        Self {
            include_private: true,
            include_generated: true,
            include_internal: true,
        }
    }
}

struct FilterWire(LeanDeclarationFilter);

impl<'lean> LeanStructure<'lean> for FilterWire {
    const OBJECT_FIELDS: usize = 3;
    const SCALAR_BYTES: usize = 0;
    fn write(self, out: &mut LeanCtorWriter<'lean>) -> LeanResult<()> {
        let f = self.0;
        out.set(0, LeanNat(u64::from(f.include_private)))?;
        out.set(1, LeanNat(u64::from(f.include_generated)))?;
        out.set(2, LeanNat(u64::from(f.include_internal)))
    }
    fn read(input: &LeanCtorReader<'lean, '_>) -> LeanResult<Self> {
        let flag = |i| input.get::<LeanNat<u64>>(i).map(|n| n.0 != 0);
        Ok(Self(LeanDeclarationFilter {
            include_private: flag(0)?,
            include_generated: flag(1)?,
            include_internal: flag(2)?,
        }))
    }
}

/// A declaration's source range: 1-based lines and columns, and the source file (or the
/// module name when the file was not found under a source root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanSourceRange {
    /// Source path, or module label.
    pub file: String,
    /// First line.
    pub start_line: u32,
    /// First column.
    pub start_column: u32,
    /// Last line.
    pub end_line: u32,
    /// Column after the end.
    pub end_column: u32,
}

/// A bulk answer must have one entry per request item (the shims cap bulk work at a million
/// items; a shorter answer is reported, never silently paired up).
fn same_length<T>(what: &str, got: Vec<T>, asked: usize) -> LeanResult<Vec<T>> {
    if got.len() == asked {
        Ok(got)
    } else {
        Err(errors::conversion(format!(
            "{what}: the shim answered {} items for {asked}",
            got.len()
        )))
    }
}

fn small(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// An imported Lean environment plus the capabilities to query it. `!Send + !Sync`: it stays
/// on the thread that made it.
pub struct LeanSession<'lean, 'c> {
    caps: &'c LeanCapabilities<'lean, 'c>,
    env: LeanObject<'lean>,
    imports: Vec<String>,
    stats: SessionStats,
    /// `lean_rs_host_name_from_string`, looked up (and signature-checked) once: strict bulk
    /// queries call it once per name.
    name_from_string: Option<NameFromString<'lean, 'c>>,
}

type NameFromString<'lean, 'c> = lean_rs::LeanExported<'lean, 'c, (String,), LeanName<'lean>>;

impl std::fmt::Debug for LeanSession<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanSession")
            .field("imports", &self.imports)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// Maps the status byte a `_progress` export returned through `Except.error`.
fn stopped(operation: &str, status: u8) -> lean_rs::LeanError {
    if status == lean_rs::LeanCallbackStatus::Stopped.as_u8() {
        errors::cancelled(format!("{operation} was cancelled at an item boundary"))
    } else {
        errors::internal(format!(
            "{operation}: the progress callback failed with status {status}"
        ))
    }
}

impl<'lean, 'c> LeanSession<'lean, 'c> {
    pub(crate) fn import(
        caps: &'c LeanCapabilities<'lean, 'c>,
        imports: &[&str],
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<Self> {
        let _span = tracing::info_span!(target: "lean_rs_host", "lean_rs.host.session.import", imports = imports.len()).entered();
        cancellation::check(cancellation, "session import")?;
        let search = caps.search_paths();
        let search: Vec<&str> = search.iter().map(String::as_str).collect();
        let names: Vec<&str> = imports.to_vec();
        let start = Instant::now();
        let progress = Progress::new(progress, "session_import");
        let module = caps.shim_module()?;
        let env = if progress.is_active() {
            let route = TickRoute::install(&progress, cancellation)?;
            let (h, t) = route.abi_parts();
            let r = module
                .exported::<(Vec<&str>, Vec<&str>, usize, usize), LeanIo<Result<LeanObject<'lean>, u8>>>(sym::SESSION_IMPORT_PROGRESS)?
                .call(search, names, h, t)?;
            r.map_err(|s| stopped("session import", s))?
        } else {
            module
                .exported::<(Vec<&str>, Vec<&str>), LeanIo<LeanObject<'lean>>>(sym::SESSION_IMPORT)?
                .call(search, names)?
        };
        let mut session = Self::from_environment(caps, env, imports);
        session.bump(start, 0);
        Ok(session)
    }

    pub(crate) fn from_environment(
        caps: &'c LeanCapabilities<'lean, 'c>,
        env: LeanObject<'lean>,
        imports: &[&str],
    ) -> Self {
        Self {
            caps,
            env,
            imports: imports.iter().map(|s| (*s).to_owned()).collect(),
            stats: SessionStats::default(),
            name_from_string: None,
        }
    }

    pub(crate) fn into_environment(self) -> LeanObject<'lean> {
        self.env
    }

    /// The modules this session imported.
    pub fn imports(&self) -> &[String] {
        &self.imports
    }

    /// The capabilities this session dispatches through.
    pub fn capabilities(&self) -> &'c LeanCapabilities<'lean, 'c> {
        self.caps
    }

    /// A snapshot of the dispatch metrics.
    pub fn stats(&self) -> SessionStats {
        self.stats
    }

    fn bump(&mut self, start: Instant, items: u64) {
        self.stats.ffi_calls += 1;
        self.stats.batch_items += items;
        self.stats.elapsed_ns += u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    }

    fn env(&self) -> LeanObject<'lean> {
        self.env.clone()
    }

    fn name(&mut self, name: &str) -> LeanResult<LeanName<'lean>> {
        let start = Instant::now();
        if self.name_from_string.is_none() {
            self.name_from_string = Some(
                self.caps
                    .shim_module()?
                    .exported::<(String,), LeanName<'lean>>(sym::NAME_FROM_STRING)?,
            );
        }
        let n = match &self.name_from_string {
            Some(export) => export.call(name.to_owned())?,
            None => return Err(errors::internal("name_from_string was just resolved")),
        };
        self.bump(start, 0);
        Ok(n)
    }

    /// Renders a name through Lean (`Name.toString`).
    ///
    /// # Errors
    /// A host error when the shim call fails.
    pub fn name_to_string(&mut self, name: &LeanName<'lean>) -> LeanResult<String> {
        let start = Instant::now();
        let s = self
            .caps
            .shim_module()?
            .exported::<(LeanName<'lean>,), String>(sym::NAME_TO_STRING)?
            .call(name.clone())?;
        self.bump(start, 0);
        Ok(s)
    }

    /// `Expr.toString` of `expr` (Lean's raw rendering).
    ///
    /// # Errors
    /// A host error when the shim call fails.
    pub fn expr_to_string(&mut self, expr: &LeanExpr<'lean>) -> LeanResult<String> {
        let start = Instant::now();
        let s = self
            .caps
            .shim_module()?
            .exported::<(LeanExpr<'lean>,), String>(sym::EXPR_TO_STRING_RAW)?
            .call(expr.clone())?;
        self.bump(start, 0);
        Ok(s)
    }

    /// The declaration `name` (strict: a missing one is an error).
    ///
    /// # Errors
    /// `lean_rs.cancelled`; `Host(Conversion)` naming a missing declaration.
    pub fn query_declaration(
        &mut self,
        name: &str,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<LeanDeclaration<'lean>> {
        let found = self.query_by_name::<Option<LeanDeclaration<'lean>>>(
            "query_declaration",
            sym::QUERY_DECLARATION,
            name,
            cancellation,
        )?;
        found.ok_or_else(|| errors::conversion(format!("no declaration `{name}` in the session")))
    }

    /// Every declaration of `names`, in order (strict: the first missing name fails the
    /// batch). With a token, a per-name loop checks it between names; with progress and no
    /// token, one Lean-side dispatch reports per item; otherwise one bulk dispatch.
    ///
    /// # Errors
    /// `lean_rs.cancelled` (partial results are discarded); `Host(Conversion)` naming the
    /// first missing declaration.
    pub fn query_declarations_bulk(
        &mut self,
        names: &[&str],
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<Vec<LeanDeclaration<'lean>>> {
        let _span = tracing::debug_span!(target: "lean_rs_host", "lean_rs.host.session.query_declarations_bulk", n = names.len()).entered();
        let progress = Progress::new(progress, "query_declarations_bulk");
        if cancellation.is_some() {
            let mut out = Vec::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                cancellation::check(cancellation, "query_declarations_bulk")?;
                out.push(self.query_declaration(name, None)?);
                progress.report(i as u64 + 1, Some(names.len() as u64));
            }
            return Ok(out);
        }
        let lean_names = names
            .iter()
            .map(|n| self.name(n))
            .collect::<LeanResult<Vec<_>>>()?;
        let start = Instant::now();
        let module = self.caps.shim_module()?;
        let found: Vec<Option<LeanDeclaration<'lean>>> = if progress.is_active() {
            let route = TickRoute::install(&progress, None)?;
            let (h, t) = route.abi_parts();
            module
                .exported::<(LeanObject<'lean>, Vec<LeanName<'lean>>, usize, usize), LeanIo<Result<Vec<Option<LeanDeclaration<'lean>>>, u8>>>(sym::QUERY_DECLARATIONS_BULK_PROGRESS)?
                .call(self.env(), lean_names, h, t)?
                .map_err(|s| stopped("query_declarations_bulk", s))?
        } else {
            module
                .exported::<(LeanObject<'lean>, Vec<LeanName<'lean>>), LeanIo<Vec<Option<LeanDeclaration<'lean>>>>>(sym::QUERY_DECLARATIONS_BULK)?
                .call(self.env(), lean_names)?
        };
        self.bump(start, names.len() as u64);
        same_length("query_declarations_bulk", found, names.len())?
            .into_iter()
            .zip(names)
            .map(|(d, name)| {
                d.ok_or_else(|| {
                    errors::conversion(format!("no declaration `{name}` in the session"))
                })
            })
            .collect()
    }

    /// Every constant name in the environment (imported and local).
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn list_declarations(
        &mut self,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<Vec<LeanName<'lean>>> {
        cancellation::check(cancellation, "list_declarations")?;
        let start = Instant::now();
        let names = self
            .caps
            .shim_module()?
            .exported::<(LeanObject<'lean>,), LeanIo<Vec<LeanName<'lean>>>>(sym::LIST_DECLARATIONS)?
            .call(self.env())?;
        self.bump(start, names.len() as u64);
        Ok(names)
    }

    /// The names `filter` keeps, selected Lean-side in one environment fold.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn list_declarations_filtered(
        &mut self,
        filter: &LeanDeclarationFilter,
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<Vec<LeanName<'lean>>> {
        cancellation::check(cancellation, "list_declarations_filtered")?;
        let progress = Progress::new(progress, "list_declarations_filtered");
        let start = Instant::now();
        let module = self.caps.shim_module()?;
        let wire = LeanStruct(FilterWire(*filter));
        let names = if progress.is_active() {
            let route = TickRoute::install(&progress, cancellation)?;
            let (h, t) = route.abi_parts();
            module
                .exported::<(LeanObject<'lean>, LeanStruct<FilterWire>, usize, usize), LeanIo<Result<Vec<LeanName<'lean>>, u8>>>(sym::LIST_DECLARATIONS_FILTERED_PROGRESS)?
                .call(self.env(), wire, h, t)?
                .map_err(|s| stopped("list_declarations_filtered", s))?
        } else {
            module
                .exported::<(LeanObject<'lean>, LeanStruct<FilterWire>), LeanIo<Vec<LeanName<'lean>>>>(sym::LIST_DECLARATIONS_FILTERED)?
                .call(self.env(), wire)?
        };
        self.bump(start, names.len() as u64);
        Ok(names)
    }

    /// Where `name` is declared, when Lean recorded it.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn declaration_source_range(
        &mut self,
        name: &str,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<Option<LeanSourceRange>> {
        cancellation::check(cancellation, "declaration_source_range")?;
        let n = self.name(name)?;
        let roots = self.caps.source_roots();
        let roots: Vec<&str> = roots.iter().map(String::as_str).collect();
        let start = Instant::now();
        let found = self
            .caps
            .shim_module()?
            .exported::<(LeanObject<'lean>, LeanName<'lean>, Vec<&str>), LeanIo<Option<LeanObject<'lean>>>>(sym::DECLARATION_SOURCE_RANGE)?
            .call(self.env(), n, roots)?;
        self.bump(start, 0);
        found
            .map(|obj| {
                let w = Wire::new(obj, "SourceRange");
                w.expect(0, 5)?;
                Ok(LeanSourceRange {
                    file: w.string(0)?,
                    start_line: small(w.nat(1)?),
                    start_column: small(w.nat(2)?),
                    end_line: small(w.nat(3)?),
                    end_column: small(w.nat(4)?),
                })
            })
            .transpose()
    }

    /// The type of `name`, or `None` when it is missing.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn declaration_type(
        &mut self,
        name: &str,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<Option<LeanExpr<'lean>>> {
        let t = self.query_by_name::<Option<LeanExpr<'lean>>>(
            "declaration_type",
            sym::DECLARATION_TYPE,
            name,
            cancellation,
        )?;
        Ok(t)
    }

    /// The kind word of `name` (`definition`, `theorem`, `axiom`, `inductive`, …, or
    /// `missing`).
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn declaration_kind(
        &mut self,
        name: &str,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<String> {
        let k = self.query_by_name::<String>(
            "declaration_kind",
            sym::DECLARATION_KIND,
            name,
            cancellation,
        )?;
        Ok(k)
    }

    /// `name` as Lean renders it (round trip through `Name`).
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn declaration_name(
        &mut self,
        name: &str,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<String> {
        let s = self.query_by_name::<String>(
            "declaration_name",
            sym::DECLARATION_NAME,
            name,
            cancellation,
        )?;
        Ok(s)
    }

    /// One `(env, name) -> IO T` shim query: the cancellation check, the name, the dispatch
    /// and the metrics every name-keyed query shares.
    fn query_by_name<T>(
        &mut self,
        what: &'static str,
        symbol: &str,
        name: &str,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<T>
    where
        T: lean_rs::TryFromLean<'lean>,
    {
        cancellation::check(cancellation, what)?;
        let n = self.name(name)?;
        let start = Instant::now();
        let value = self
            .caps
            .shim_module()?
            .exported::<(LeanObject<'lean>, LeanName<'lean>), LeanIo<T>>(symbol)?
            .call(self.env(), n)?;
        self.bump(start, 0);
        Ok(value)
    }

    /// Shared shape of the three string-keyed bulk queries.
    fn bulk_by_string<T>(
        &mut self,
        names: &[&str],
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
        phase: &'static str,
        symbols: (&'static str, &'static str),
        single: fn(&mut Self, &str) -> LeanResult<T>,
    ) -> LeanResult<Vec<T>>
    where
        Vec<T>: lean_rs::TryFromLean<'lean>
            + lean_rs::LeanAbi<'lean, CRepr = *mut lean_rs_sys::lean_object>,
        T: lean_rs::TryFromLean<'lean> + lean_rs::abi::LeanArrayElement,
    {
        let _span = tracing::debug_span!(target: "lean_rs_host", "lean_rs.host.session.bulk", phase, n = names.len()).entered();
        let progress = Progress::new(progress, phase);
        if cancellation.is_some() {
            let mut out = Vec::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                cancellation::check(cancellation, phase)?;
                out.push(single(self, name)?);
                progress.report(i as u64 + 1, Some(names.len() as u64));
            }
            return Ok(out);
        }
        let start = Instant::now();
        let module = self.caps.shim_module()?;
        let out = if progress.is_active() {
            let route = TickRoute::install(&progress, None)?;
            let (h, t) = route.abi_parts();
            module
                .exported::<(LeanObject<'lean>, Vec<&str>, usize, usize), LeanIo<Result<Vec<T>, u8>>>(symbols.1)?
                .call(self.env(), names.to_vec(), h, t)?
                .map_err(|s| stopped(phase, s))?
        } else {
            module
                .exported::<(LeanObject<'lean>, Vec<&str>), LeanIo<Vec<T>>>(symbols.0)?
                .call(self.env(), names.to_vec())?
        };
        self.bump(start, names.len() as u64);
        same_length(phase, out, names.len())
    }

    /// [`declaration_type`](Self::declaration_type) of every name (missing → `None`).
    ///
    /// # Errors
    /// `lean_rs.cancelled` (partial results discarded); host errors.
    pub fn declaration_type_bulk(
        &mut self,
        names: &[&str],
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<Vec<Option<LeanExpr<'lean>>>> {
        self.bulk_by_string(
            names,
            cancellation,
            progress,
            "declaration_type_bulk",
            (
                sym::DECLARATION_TYPE_BULK,
                sym::DECLARATION_TYPE_BULK_PROGRESS,
            ),
            |s, n| s.declaration_type(n, None),
        )
    }

    /// [`declaration_kind`](Self::declaration_kind) of every name (missing → `"missing"`).
    ///
    /// # Errors
    /// `lean_rs.cancelled` (partial results discarded); host errors.
    pub fn declaration_kind_bulk(
        &mut self,
        names: &[&str],
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<Vec<String>> {
        self.bulk_by_string(
            names,
            cancellation,
            progress,
            "declaration_kind_bulk",
            (
                sym::DECLARATION_KIND_BULK,
                sym::DECLARATION_KIND_BULK_PROGRESS,
            ),
            |s, n| s.declaration_kind(n, None),
        )
    }

    /// [`declaration_name`](Self::declaration_name) of every name.
    ///
    /// # Errors
    /// `lean_rs.cancelled` (partial results discarded); host errors.
    pub fn declaration_name_bulk(
        &mut self,
        names: &[&str],
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<Vec<String>> {
        self.bulk_by_string(
            names,
            cancellation,
            progress,
            "declaration_name_bulk",
            (
                sym::DECLARATION_NAME_BULK,
                sym::DECLARATION_NAME_BULK_PROGRESS,
            ),
            |s, n| s.declaration_name(n, None),
        )
    }

    fn decode_elab(
        w: &Wire<'lean>,
        limit: usize,
    ) -> LeanResult<Result<LeanExpr<'lean>, LeanElabFailure>> {
        match w.tag() {
            0 => {
                w.expect(0, 1)?;
                Ok(Ok(w.field(0)?))
            }
            1 => {
                w.expect(1, 1)?;
                Ok(Err(LeanElabFailure::decode(
                    &w.wire(0, "ElabFailure")?,
                    limit,
                )?))
            }
            other => Err(errors::conversion(format!(
                "ElabResult: unknown constructor {other}"
            ))),
        }
    }

    /// Elaborates the term `source` (against `expected_type` when given). Lean's failures
    /// are values (`Err(LeanElabFailure)`, bounded); host failures are `LeanError`.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn elaborate(
        &mut self,
        source: &str,
        expected_type: Option<&LeanExpr<'lean>>,
        options: &LeanElabOptions,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<Result<LeanExpr<'lean>, LeanElabFailure>> {
        let _span = tracing::debug_span!(target: "lean_rs_host", "lean_rs.host.session.elaborate", bytes = source.len()).entered();
        cancellation::check(cancellation, "elaborate")?;
        let start = Instant::now();
        let r = self
            .caps
            .shim_module()?
            .exported::<(
                LeanObject<'lean>,
                &str,
                Option<LeanExpr<'lean>>,
                LeanStruct<crate::host::elaboration::ElabOptsWire>,
            ), LeanIo<LeanObject<'lean>>>(sym::ELABORATE)?
            .call(
                self.env(),
                source,
                expected_type.cloned(),
                options.to_wire(),
            )?;
        self.bump(start, 0);
        Self::decode_elab(&Wire::new(r, "ElabResult"), options.diagnostic_limit())
    }

    /// [`elaborate`](Self::elaborate) of every source (no expected type). With a token, a
    /// per-source loop checks it between sources.
    ///
    /// # Errors
    /// `lean_rs.cancelled` (partial results discarded); host errors.
    pub fn elaborate_bulk(
        &mut self,
        sources: &[&str],
        options: &LeanElabOptions,
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<Vec<Result<LeanExpr<'lean>, LeanElabFailure>>> {
        let progress = Progress::new(progress, "elaborate_bulk");
        if cancellation.is_some() {
            let mut out = Vec::with_capacity(sources.len());
            for (i, src) in sources.iter().enumerate() {
                cancellation::check(cancellation, "elaborate_bulk")?;
                out.push(self.elaborate(src, None, options, None)?);
                progress.report(i as u64 + 1, Some(sources.len() as u64));
            }
            return Ok(out);
        }
        let start = Instant::now();
        let module = self.caps.shim_module()?;
        let raw: Vec<LeanObject<'lean>> = if progress.is_active() {
            let route = TickRoute::install(&progress, None)?;
            let (h, t) = route.abi_parts();
            module
                .exported::<(
                    LeanObject<'lean>,
                    Vec<&str>,
                    LeanStruct<crate::host::elaboration::ElabOptsWire>,
                    usize,
                    usize,
                ), LeanIo<Result<Vec<LeanObject<'lean>>, u8>>>(
                    sym::ELABORATE_BULK_PROGRESS
                )?
                .call(self.env(), sources.to_vec(), options.to_wire(), h, t)?
                .map_err(|s| stopped("elaborate_bulk", s))?
        } else {
            module
                .exported::<(
                    LeanObject<'lean>,
                    Vec<&str>,
                    LeanStruct<crate::host::elaboration::ElabOptsWire>,
                ), LeanIo<Vec<LeanObject<'lean>>>>(sym::ELABORATE_BULK)?
                .call(self.env(), sources.to_vec(), options.to_wire())?
        };
        self.bump(start, sources.len() as u64);
        same_length("elaborate_bulk", raw, sources.len())?
            .into_iter()
            .map(|r| Self::decode_elab(&Wire::new(r, "ElabResult"), options.diagnostic_limit()))
            .collect()
    }

    /// Elaborates `source` as commands and reports how the kernel treated its declaration.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors. Lean's own failures are outcomes.
    pub fn kernel_check(
        &mut self,
        source: &str,
        options: &LeanElabOptions,
        cancellation: Option<&LeanCancellationToken>,
        progress: Option<&dyn LeanProgressSink>,
    ) -> LeanResult<LeanKernelOutcome<'lean>> {
        let _span = tracing::debug_span!(target: "lean_rs_host", "lean_rs.host.session.kernel_check", bytes = source.len()).entered();
        cancellation::check(cancellation, "kernel_check")?;
        let progress = Progress::new(progress, "kernel_check");
        let start = Instant::now();
        let module = self.caps.shim_module()?;
        let raw = if progress.is_active() {
            let route = TickRoute::install(&progress, cancellation)?;
            let (h, t) = route.abi_parts();
            module
                .exported::<(
                    LeanObject<'lean>,
                    &str,
                    LeanStruct<crate::host::elaboration::ElabOptsWire>,
                    usize,
                    usize,
                ), LeanIo<Result<LeanObject<'lean>, u8>>>(
                    sym::KERNEL_CHECK_PROGRESS
                )?
                .call(self.env(), source, options.to_wire(), h, t)?
                .map_err(|s| stopped("kernel_check", s))?
        } else {
            module
                .exported::<(
                    LeanObject<'lean>,
                    &str,
                    LeanStruct<crate::host::elaboration::ElabOptsWire>,
                ), LeanIo<LeanObject<'lean>>>(sym::KERNEL_CHECK)?
                .call(self.env(), source, options.to_wire())?
        };
        self.bump(start, 0);
        LeanKernelOutcome::decode(&Wire::new(raw, "KernelOutcome"), options.diagnostic_limit())
    }

    /// Re-runs the kernel on evidence.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn check_evidence(
        &mut self,
        handle: &LeanEvidence<'lean>,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<EvidenceStatus> {
        cancellation::check(cancellation, "check_evidence")?;
        let start = Instant::now();
        let raw = self
            .caps
            .shim_module()?
            .exported::<(LeanObject<'lean>, LeanObject<'lean>), LeanIo<LeanObject<'lean>>>(
                sym::CHECK_EVIDENCE,
            )?
            .call(self.env(), handle.object.clone())?;
        self.bump(start, 0);
        EvidenceStatus::decode(&Wire::new(raw, "EvidenceStatus"))
    }

    /// A bounded display projection of evidence.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn summarize_evidence(
        &mut self,
        handle: &LeanEvidence<'lean>,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<ProofSummary> {
        cancellation::check(cancellation, "summarize_evidence")?;
        let start = Instant::now();
        let raw = self
            .caps
            .shim_module()?
            .exported::<(LeanObject<'lean>, LeanObject<'lean>), LeanIo<LeanObject<'lean>>>(
                sym::EVIDENCE_SUMMARY,
            )?
            .call(self.env(), handle.object.clone())?;
        self.bump(start, 0);
        ProofSummary::decode(&Wire::new(raw, "ProofSummary"))
    }

    /// Calls optional export `symbol` taking `(env, arg, opts)` and returning an object.
    pub(crate) fn call_env_arg_opts<A, O>(
        &mut self,
        symbol: &str,
        arg: A,
        opts: O,
    ) -> LeanResult<LeanObject<'lean>>
    where
        A: lean_rs::IntoLean<'lean>,
        O: lean_rs::IntoLean<'lean>,
    {
        let start = Instant::now();
        let r = self
            .caps
            .shim_module()?
            .exported::<(LeanObject<'lean>, A, O), LeanIo<LeanObject<'lean>>>(symbol)?
            .call(self.env(), arg, opts)?;
        self.bump(start, 0);
        Ok(r)
    }

    pub(crate) fn call_process(
        &mut self,
        source: &str,
        namespace: &str,
        label: &str,
        heartbeats: u64,
        diag_bytes: usize,
    ) -> LeanResult<LeanObject<'lean>> {
        let start = Instant::now();
        let r = self
            .caps
            .shim_module()?
            .exported::<(LeanObject<'lean>, &str, &str, &str, u64, usize), LeanIo<LeanObject<'lean>>>(sym::PROCESS_WITH_INFO_TREE)?
            .call(self.env(), source, namespace, label, heartbeats, diag_bytes)?;
        self.bump(start, 0);
        Ok(r)
    }

    /// A typed export of the consumer capability library (function exports beyond the host
    /// contract), checked against the library's recorded signatures like any
    /// [`LeanModule::exported`](lean_rs::LeanModule::exported) lookup; counted in the
    /// session's stats and traced (`lean_rs.host.session.call_capability`). Call it with the
    /// handle's `call`.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; no consumer library; a missing symbol or a signature mismatch.
    pub fn capability_export<Args, R>(
        &mut self,
        name: &str,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<lean_rs::LeanExported<'lean, 'c, Args, R>>
    where
        Args: lean_rs::LeanArgs<'lean>,
        R: lean_rs::DecodeCallResult<'lean>,
    {
        let _span = tracing::debug_span!(target: "lean_rs_host", "lean_rs.host.session.call_capability", symbol = name, arity = Args::ARITY).entered();
        cancellation::check(cancellation, "call_capability")?;
        let export = self.caps.consumer_module()?.exported::<Args, R>(name)?;
        self.stats.ffi_calls += 1;
        Ok(export)
    }
}
