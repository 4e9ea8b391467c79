//! Capability-backed workers: what a session requires (restart policy, metadata
//! expectation), the metadata and doctor envelopes a capability reports, and
//! [`LeanWorkerCapabilityBuilder`], which checks all of it before any request and opens a worker
//! with the capability.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lean_rs::{LeanBuiltCapability, LeanCapabilityPreflight, LeanLoaderCode};
use lean_toolchain::lake::{CapabilityManifest, ExportSignature};
use serde::{Deserialize, Serialize};

use crate::command::{LeanWorkerJsonCommand, LeanWorkerRowSink, LeanWorkerStreamingCommand};
use crate::error::{LeanWorkerError, LeanWorkerRestartReason, LeanWorkerResult, bound};
use crate::launcher::LeanWorkerLocalLauncher;
use crate::observe::LeanWorkerStreamObservers;
use crate::planner::{LeanWorkerCapabilitySpec, LeanWorkerPlanDiagnostic};
use crate::value::{LeanWorkerSignature, LeanWorkerType, LeanWorkerValue};
use crate::worker::{
    LeanWorker, LeanWorkerCancellationToken, LeanWorkerCapability, LeanWorkerConfig,
    LeanWorkerRuntimeMetadata, LeanWorkerStreamSummary,
};

/// When a worker opened for a capability replaces its child on purpose, besides the
/// replacements every failure causes. The policy's [`class`](Self::class) is part of the
/// session key, so work planned under different policies never shares a worker.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LeanWorkerRestartPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_requests: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_rss_kib: Option<u64>,
}

impl LeanWorkerRestartPolicy {
    /// No policy restarts: the child is replaced only after a failure.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replace the child after it served `requests` requests (at least 1), to bound the
    /// memory Lean's process-global state can accumulate.
    #[must_use]
    pub fn max_requests(mut self, requests: u64) -> Self {
        self.max_requests = Some(requests.max(1));
        self
    }

    /// Replace the child before a request when its sampled RSS is at least `kib`.
    #[must_use]
    pub fn max_rss_kib(mut self, kib: u64) -> Self {
        self.max_rss_kib = Some(kib);
        self
    }

    /// The request limit, when set.
    pub fn request_limit(&self) -> Option<u64> {
        self.max_requests
    }

    /// The RSS limit in KiB, when set.
    pub fn rss_limit_kib(&self) -> Option<u64> {
        self.max_rss_kib
    }

    /// A stable label of the policy (`default`, or e.g. `requests<=100,rss<=2097152KiB`).
    pub fn class(&self) -> String {
        let parts: Vec<String> = [
            self.max_requests.map(|n| format!("requests<={n}")),
            self.max_rss_kib.map(|k| format!("rss<={k}KiB")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "default".to_owned()
        } else {
            parts.join(",")
        }
    }
}

/// The capability metadata a session expects: the export (`String → IO String`, returning a
/// JSON object) that reports it, and the JSON fields it must contain with equal values.
/// Fields the expectation does not name are not compared, so a capability can add facts
/// without breaking its consumers; what the fields mean is the capability's business.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeanWorkerMetadataExpectation {
    export: String,
    expected: serde_json::Value,
}

impl LeanWorkerMetadataExpectation {
    /// Expect `export`'s metadata object to contain every field of `expected` (an object;
    /// nested objects are compared the same way, other values by equality).
    pub fn new(export: impl Into<String>, expected: serde_json::Value) -> Self {
        Self {
            export: export.into(),
            expected,
        }
    }

    /// The metadata export.
    pub fn export(&self) -> &str {
        &self.export
    }

    /// The expected fields.
    pub fn expected(&self) -> &serde_json::Value {
        &self.expected
    }

    /// The expectation as canonical text (object keys sorted), for session keys.
    pub fn canonical(&self) -> String {
        // `serde_json::Value` objects keep their keys sorted (no `preserve_order`), so the
        // text is the same for equal expectations however they were written.
        serde_json::json!({ "export": self.export, "expected": self.expected }).to_string()
    }

    /// The first field of the expectation that `actual` lacks or holds differently, as a
    /// dotted path with both values; `None` when `actual` satisfies it.
    pub fn mismatch(&self, actual: &serde_json::Value) -> Option<String> {
        first_mismatch(&self.expected, actual, "")
    }
}

fn first_mismatch(
    expected: &serde_json::Value,
    actual: &serde_json::Value,
    at: &str,
) -> Option<String> {
    match (expected, actual) {
        (serde_json::Value::Object(want), serde_json::Value::Object(have)) => {
            want.iter().find_map(|(field, value)| {
                let path = if at.is_empty() {
                    field.clone()
                } else {
                    format!("{at}.{field}")
                };
                match have.get(field) {
                    Some(found) => first_mismatch(value, found, &path),
                    None => Some(format!("`{path}` is missing (expected {value})")),
                }
            })
        }
        _ if expected == actual => None,
        _ => {
            let path = if at.is_empty() { "metadata" } else { at };
            Some(format!("`{path}` is {actual}, expected {expected}"))
        }
    }
}

/// Longest capability, command, feature or check name accepted from a metadata envelope.
const MAX_NAME_BYTES: usize = 256;
/// Most commands, features or doctor checks accepted from one envelope.
const MAX_ENTRIES: usize = 1024;

/// What a capability says about itself through its metadata export (`String → IO String`
/// answering a JSON object `{"protocol", "name", "version", "commands", "features", …}`),
/// together with the worker facts of the child that answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeanWorkerCapabilityMetadata {
    /// The worker protocol version the child speaks.
    pub worker_protocol: u32,
    /// The Lean version the child's runtime reports.
    pub lean_version: String,
    /// The Lean commit, when known.
    pub lean_commit: Option<String>,
    /// The version of the capability's own metadata envelope (`protocol`).
    pub metadata_protocol: u32,
    /// The capability's name.
    pub name: String,
    /// The capability's version.
    pub version: String,
    /// The commands (export names) it supports.
    pub commands: Vec<String>,
    /// The features it supports.
    pub features: Vec<String>,
    /// The whole object, for fields this crate does not interpret.
    pub raw: serde_json::Value,
}

#[derive(Deserialize)]
struct MetadataEnvelope {
    protocol: u32,
    name: String,
    version: String,
    #[serde(default)]
    commands: Vec<String>,
    #[serde(default)]
    features: Vec<String>,
}

fn checked_names(what: &str, names: &[String]) -> Result<(), String> {
    if names.len() > MAX_ENTRIES {
        return Err(format!("more than {MAX_ENTRIES} {what}"));
    }
    match names
        .iter()
        .find(|n| n.is_empty() || n.len() > MAX_NAME_BYTES)
    {
        Some(bad) => Err(format!(
            "a {what} entry is empty or longer than {MAX_NAME_BYTES} bytes ({} bytes)",
            bad.len()
        )),
        None => Ok(()),
    }
}

impl LeanWorkerCapabilityMetadata {
    /// Decodes a metadata export's answer; `runtime` is the answering child's handshake.
    pub fn decode(text: &str, runtime: &LeanWorkerRuntimeMetadata) -> Result<Self, String> {
        let raw: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if !raw.is_object() {
            return Err("the metadata is not a JSON object".to_owned());
        }
        let envelope: MetadataEnvelope =
            serde_json::from_value(raw.clone()).map_err(|e| e.to_string())?;
        checked_names("name", std::slice::from_ref(&envelope.name))?;
        checked_names("version", std::slice::from_ref(&envelope.version))?;
        checked_names("commands", &envelope.commands)?;
        checked_names("features", &envelope.features)?;
        Ok(Self {
            worker_protocol: runtime.protocol,
            lean_version: runtime.lean_version.clone(),
            lean_commit: runtime.lean_commit.clone(),
            metadata_protocol: envelope.protocol,
            name: envelope.name,
            version: envelope.version,
            commands: envelope.commands,
            features: envelope.features,
            raw,
        })
    }
}

/// The status of one health check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeanWorkerHealth {
    /// Healthy.
    Ok,
    /// Works, with a limitation the message names.
    Warning,
    /// Broken.
    Error,
}

/// One health check a capability's doctor export reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeanWorkerDoctorCheck {
    /// What was checked.
    pub name: String,
    /// The outcome.
    pub status: LeanWorkerHealth,
    /// What the capability says about it (bounded, one line).
    #[serde(default)]
    pub message: String,
}

/// A capability's doctor export's answer (`String → IO String` answering
/// `{"checks": [{"name", "status": "ok"|"warning"|"error", "message"}, …]}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeanWorkerCapabilityDoctorReport {
    /// The checks, in the capability's order.
    pub checks: Vec<LeanWorkerDoctorCheck>,
}

impl LeanWorkerCapabilityDoctorReport {
    /// Decodes a doctor export's answer.
    pub fn decode(text: &str) -> Result<Self, String> {
        let mut report: Self = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let names: Vec<String> = report.checks.iter().map(|c| c.name.clone()).collect();
        checked_names("checks", &names)?;
        for check in &mut report.checks {
            check.message = bound(std::mem::take(&mut check.message));
        }
        Ok(report)
    }

    /// The worst status (`Ok` for no checks).
    pub fn status(&self) -> LeanWorkerHealth {
        self.checks
            .iter()
            .map(|c| c.status)
            .max()
            .unwrap_or(LeanWorkerHealth::Ok)
    }
}

/// Calls `export` (`String → IO String`) with `{}` and returns its answer text.
fn call_envelope(
    worker: &mut LeanWorker,
    capability: &LeanWorkerCapability,
    export: &str,
) -> LeanWorkerResult<String> {
    LeanWorkerJsonCommand::<(), String>::with_codec(
        export,
        |()| Ok("{}".to_owned()),
        |text| Ok(text.to_owned()),
    )
    .run(worker, capability, &())
}

/// Stable identifiers of bootstrap findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeanWorkerBootstrapCode {
    /// The configured worker child does not resolve to a file.
    WorkerChildUnresolved,
    /// The worker child is not executable.
    WorkerChildNotExecutable,
    /// The manifest-backed loader preflight failed (or warned) with this loader code.
    CapabilityPreflight(LeanLoaderCode),
    /// A required export is not in the manifest.
    MissingExport,
    /// A required export's recorded C signature differs from the requested one.
    ExportSignatureMismatch,
    /// The child started but did not speak the worker protocol.
    WorkerHandshakeFailed,
    /// Start-up failed outside a more specific class.
    WorkerStartupFailed,
    /// The child could not open the capability.
    CapabilityOpenFailed,
    /// The metadata or doctor export failed or answered something that is not its envelope.
    CapabilityMetadataInvalid,
    /// The capability metadata does not match the expectation.
    CapabilityMetadataMismatch,
    /// The capability's doctor reported a check (error: unhealthy; warning: a limitation).
    CapabilityHealth,
}

impl LeanWorkerBootstrapCode {
    /// The stable dotted identifier (a preflight finding keeps its loader code).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::WorkerChildUnresolved => "lean_rs.worker.bootstrap.child_unresolved",
            Self::WorkerChildNotExecutable => "lean_rs.worker.bootstrap.child_not_executable",
            Self::CapabilityPreflight(code) => code.as_str(),
            Self::MissingExport => "lean_rs.worker.bootstrap.missing_export",
            Self::ExportSignatureMismatch => "lean_rs.worker.bootstrap.signature_mismatch",
            Self::WorkerHandshakeFailed => "lean_rs.worker.bootstrap.handshake_failed",
            Self::WorkerStartupFailed => "lean_rs.worker.bootstrap.startup_failed",
            Self::CapabilityOpenFailed => "lean_rs.worker.bootstrap.open_failed",
            Self::CapabilityMetadataInvalid => "lean_rs.worker.bootstrap.metadata_invalid",
            Self::CapabilityMetadataMismatch => "lean_rs.worker.bootstrap.metadata_mismatch",
            Self::CapabilityHealth => "lean_rs.worker.bootstrap.capability_health",
        }
    }

    /// What to do about it, in one line.
    pub const fn repair_hint(self) -> &'static str {
        match self {
            Self::WorkerChildUnresolved => {
                "ship the worker child binary beside the application or set LEAN_RS_WORKER_CHILD"
            }
            Self::WorkerChildNotExecutable => {
                "build the worker child binary and package it with executable permissions"
            }
            Self::CapabilityPreflight(code) => code.repair_hint(),
            Self::MissingExport => {
                "check the @[export] name and rebuild the capability so its manifest records it"
            }
            Self::ExportSignatureMismatch => {
                "request the export with the Lean types it was compiled with, or rebuild the capability"
            }
            Self::WorkerHandshakeFailed => {
                "make sure the binary calls lean_rs_worker::run_worker_child and matches this crate's version"
            }
            Self::WorkerStartupFailed => {
                "run the bootstrap check in the deployment environment and read the bounded message"
            }
            Self::CapabilityOpenFailed => {
                "rebuild the capability against the child's Lean runtime and package its dependencies"
            }
            Self::CapabilityMetadataInvalid => {
                "make the metadata/doctor export a String -> IO String answering its JSON envelope"
            }
            Self::CapabilityMetadataMismatch => "select or rebuild the intended capability package",
            Self::CapabilityHealth => "follow the capability's own doctor message",
        }
    }
}

impl std::fmt::Display for LeanWorkerBootstrapCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One bootstrap finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanWorkerBootstrapCheck {
    code: LeanWorkerBootstrapCode,
    message: String,
}

impl LeanWorkerBootstrapCheck {
    fn new(code: LeanWorkerBootstrapCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: bound(message.into()),
        }
    }

    /// The stable code.
    pub fn code(&self) -> LeanWorkerBootstrapCode {
        self.code
    }

    /// The bounded, one-line description.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The code's repair hint.
    pub fn repair_hint(&self) -> &'static str {
        self.code.repair_hint()
    }
}

impl std::fmt::Display for LeanWorkerBootstrapCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} ({})",
            self.code,
            self.message,
            self.repair_hint()
        )
    }
}

/// What [`LeanWorkerCapabilityBuilder::check`] found: errors (the capability cannot be served),
/// warnings, and the facts gathered on the way (the child's handshake, the capability's
/// metadata and doctor report). Names no child process, pipe or loader setting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeanWorkerBootstrapReport {
    manifest: PathBuf,
    errors: Vec<LeanWorkerBootstrapCheck>,
    warnings: Vec<LeanWorkerBootstrapCheck>,
    runtime: Option<LeanWorkerRuntimeMetadata>,
    metadata: Option<LeanWorkerCapabilityMetadata>,
    doctor: Option<LeanWorkerCapabilityDoctorReport>,
}

impl LeanWorkerBootstrapReport {
    /// Whether no check failed (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The first error, in check order.
    pub fn first_error(&self) -> Option<&LeanWorkerBootstrapCheck> {
        self.errors.first()
    }

    /// Every error, in check order.
    pub fn errors(&self) -> &[LeanWorkerBootstrapCheck] {
        &self.errors
    }

    /// Every warning, in check order.
    pub fn warnings(&self) -> &[LeanWorkerBootstrapCheck] {
        &self.warnings
    }

    /// The capability manifest checked.
    pub fn manifest(&self) -> &Path {
        &self.manifest
    }

    /// The child's handshake facts, when a child started.
    pub fn runtime(&self) -> Option<&LeanWorkerRuntimeMetadata> {
        self.runtime.as_ref()
    }

    /// The capability's metadata, when a metadata export is configured and answered.
    pub fn metadata(&self) -> Option<&LeanWorkerCapabilityMetadata> {
        self.metadata.as_ref()
    }

    /// The capability's doctor report, when a doctor export is configured and answered.
    pub fn doctor(&self) -> Option<&LeanWorkerCapabilityDoctorReport> {
        self.doctor.as_ref()
    }

    fn push(&mut self, code: LeanWorkerBootstrapCode, message: impl Into<String>) {
        self.errors
            .push(LeanWorkerBootstrapCheck::new(code, message));
    }

    fn warn(&mut self, code: LeanWorkerBootstrapCode, message: impl Into<String>) {
        self.warnings
            .push(LeanWorkerBootstrapCheck::new(code, message));
    }

    /// The report as one JSON document (for `lean-rs doctor --worker … --json` and other
    /// machine readers).
    pub fn to_json(&self) -> serde_json::Value {
        let checks = |list: &[LeanWorkerBootstrapCheck]| -> Vec<serde_json::Value> {
            list.iter()
                .map(|c| {
                    serde_json::json!({
                        "code": c.code.as_str(),
                        "message": c.message,
                        "repair_hint": c.repair_hint(),
                    })
                })
                .collect()
        };
        serde_json::json!({
            "manifest": self.manifest.display().to_string(),
            "ok": self.is_ok(),
            "errors": checks(&self.errors),
            "warnings": checks(&self.warnings),
            "runtime": self.runtime.as_ref().map(|r| serde_json::json!({
                "protocol": r.protocol,
                "worker_version": r.worker_version,
                "lean_version": r.lean_version,
                "lean_commit": r.lean_commit,
                "platform": r.platform,
                "startup_ms": r.startup.as_secs_f64() * 1e3,
                "lean_init_ms": r.lean_init.as_secs_f64() * 1e3,
            })),
            "metadata": self.metadata,
            "doctor": self.doctor,
        })
    }
}

/// [`LeanWorkerCapabilityBuilder::open`] refused: the report says why (its first error is the
/// `Display`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("worker capability bootstrap failed: {}", .0.first_error().map_or_else(|| "no error recorded".to_owned(), ToString::to_string))]
pub struct LeanWorkerBootstrapError(pub Box<LeanWorkerBootstrapReport>);

enum Child {
    /// `LeanWorkerLocalLauncher::default_child` (next to this executable, or the override).
    Default,
    /// A child binary at this path.
    Path(PathBuf),
    /// A caller-built configuration (its launcher is opaque: no child file checks).
    Config(LeanWorkerConfig),
}

/// Opens a worker with one capability, after checking everything that can be checked before a
/// request: the worker child file, the manifest-backed artifacts (loader preflight: missing or
/// stale files, toolchain, initializer), the exports the caller will call and their C
/// signatures, the child's handshake, the capability opening in the child, and the
/// capability's metadata expectation and doctor. Each failure is a typed
/// [`LeanWorkerBootstrapCheck`]; nothing reaches the caller's first request unchecked.
pub struct LeanWorkerCapabilityBuilder {
    manifest: PathBuf,
    child: Child,
    startup_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    metadata_export: Option<String>,
    doctor_export: Option<String>,
    expectation: Option<LeanWorkerMetadataExpectation>,
    restart: LeanWorkerRestartPolicy,
    exports: Vec<(String, LeanWorkerSignature)>,
}

impl std::fmt::Debug for LeanWorkerCapabilityBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanWorkerCapabilityBuilder")
            .field("manifest", &self.manifest)
            .field("restart", &self.restart)
            .field("exports", &self.exports)
            .finish_non_exhaustive()
    }
}

impl LeanWorkerCapabilityBuilder {
    /// A builder for the capability described by the build manifest at `manifest`
    /// (`<Lib>.capability.json`), served by the shipped child found next to this executable.
    pub fn from_manifest(manifest: impl Into<PathBuf>) -> Self {
        Self {
            manifest: manifest.into(),
            child: Child::Default,
            startup_timeout: None,
            request_timeout: None,
            metadata_export: None,
            doctor_export: None,
            expectation: None,
            restart: LeanWorkerRestartPolicy::default(),
            exports: Vec::new(),
        }
    }

    /// A builder for a planned batch's capability (its manifest, metadata expectation and
    /// restart policy).
    pub fn from_spec(spec: &LeanWorkerCapabilitySpec) -> Self {
        let mut builder =
            Self::from_manifest(spec.manifest()).restart_policy(spec.restart().clone());
        if let Some(expectation) = spec.metadata_expectation() {
            builder = builder.expect_metadata(expectation.clone());
        }
        builder
    }

    /// A builder for `lean_lib` `target` of the Lake project at `lake_root`, from the
    /// project's own facts: the lakefile's package name and the natively built manifest in
    /// the nearest `.lean-rs/native` (see `lean_toolchain::native::local_capability_manifest`).
    /// Crates built with `CargoLeanCapability` pass its manifest to
    /// [`from_manifest`](Self::from_manifest) instead.
    pub fn from_lake_target(
        lake_root: impl AsRef<Path>,
        target: &str,
    ) -> Result<Self, LeanWorkerPlanDiagnostic> {
        let lake_root = lake_root.as_ref();
        let set = lean_toolchain::discover_lake_modules(lake_root, None)?;
        let package = set
            .package
            .ok_or_else(|| LeanWorkerPlanDiagnostic::Capability {
                manifest: set.lakefile.clone(),
                detail: "the lakefile names no package".to_owned(),
            })?;
        let manifest =
            lean_toolchain::native::local_capability_manifest(&set.lake_root, &package, target)
                .map_err(|detail| LeanWorkerPlanDiagnostic::Capability {
                    manifest: set.lake_root.join(format!("{target}.capability.json")),
                    detail,
                })?;
        Ok(Self::from_manifest(manifest))
    }

    /// Serve the capability with the worker child binary at `path`.
    #[must_use]
    pub fn worker_child(mut self, path: impl Into<PathBuf>) -> Self {
        self.child = Child::Path(path.into());
        self
    }

    /// Start workers with `config` (its own launcher; the child file checks are skipped).
    #[must_use]
    pub fn worker_config(mut self, config: LeanWorkerConfig) -> Self {
        self.child = Child::Config(config);
        self
    }

    /// The deadline for the child's handshake.
    #[must_use]
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = Some(timeout);
        self
    }

    /// The default deadline of one request.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The capability's metadata export (`String → IO String`, a JSON metadata envelope),
    /// read and decoded at start-up.
    #[must_use]
    pub fn metadata_export(mut self, export: impl Into<String>) -> Self {
        self.metadata_export = Some(export.into());
        self
    }

    /// The capability's doctor export (`String → IO String`, a JSON checks envelope), run at
    /// start-up: an `error` check fails the bootstrap, a `warning` is reported.
    #[must_use]
    pub fn doctor_export(mut self, export: impl Into<String>) -> Self {
        self.doctor_export = Some(export.into());
        self
    }

    /// The metadata the capability must report (its export is the metadata export).
    #[must_use]
    pub fn expect_metadata(mut self, expectation: LeanWorkerMetadataExpectation) -> Self {
        self.metadata_export = Some(expectation.export().to_owned());
        self.expectation = Some(expectation);
        self
    }

    /// When the opened worker replaces its child on purpose.
    #[must_use]
    pub fn restart_policy(mut self, policy: LeanWorkerRestartPolicy) -> Self {
        self.restart = policy;
        self
    }

    /// An export the caller will call, with its Lean signature: checked against the
    /// manifest's recorded C signature before any child starts.
    #[must_use]
    pub fn require_export(
        mut self,
        export: impl Into<String>,
        signature: LeanWorkerSignature,
    ) -> Self {
        self.exports.push((export.into(), signature));
        self
    }

    /// Every check, ending with a started child that is shut down again. Never panics; every
    /// problem is a finding in the report.
    pub fn check(&self) -> LeanWorkerBootstrapReport {
        let (report, worker, _) = self.bootstrap();
        if let Some(worker) = worker {
            worker.shutdown(Duration::from_secs(2));
        }
        report
    }

    /// Checks everything and opens the worker with the capability; the first failed check is
    /// the error (no child is left running).
    pub fn open(&self) -> Result<LeanWorkerCapabilityWorker, LeanWorkerBootstrapError> {
        match self.bootstrap() {
            (report, Some(worker), Some(capability)) if report.is_ok() => {
                let served_generation = worker.generation();
                Ok(LeanWorkerCapabilityWorker {
                    worker,
                    capability,
                    restart: self.restart.clone(),
                    served: 0,
                    served_generation,
                    metadata_export: self.metadata_export.clone(),
                    doctor_export: self.doctor_export.clone(),
                    report,
                })
            }
            (report, worker, _) => {
                if let Some(worker) = worker {
                    worker.shutdown(Duration::from_secs(2));
                }
                Err(LeanWorkerBootstrapError(Box::new(report)))
            }
        }
    }

    /// The worker configuration, or the finding that the child cannot be used.
    fn config(&self, report: &mut LeanWorkerBootstrapReport) -> Option<LeanWorkerConfig> {
        let program = match &self.child {
            Child::Config(config) => return Some(config.clone()),
            Child::Path(path) => path.clone(),
            Child::Default => match LeanWorkerLocalLauncher::default_child() {
                Ok(launcher) => launcher.program().to_path_buf(),
                Err(err) => {
                    report.push(
                        LeanWorkerBootstrapCode::WorkerChildUnresolved,
                        err.to_string(),
                    );
                    return None;
                }
            },
        };
        if !program.is_file() {
            report.push(
                LeanWorkerBootstrapCode::WorkerChildUnresolved,
                format!("worker child {} is not a file", program.display()),
            );
            return None;
        }
        if !is_executable(&program) {
            report.push(
                LeanWorkerBootstrapCode::WorkerChildNotExecutable,
                format!("worker child {} is not executable", program.display()),
            );
            return None;
        }
        Some(LeanWorkerConfig::new(LeanWorkerLocalLauncher::new(program)))
    }

    /// The static checks (no child): artifacts and exports.
    fn check_artifacts(&self, report: &mut LeanWorkerBootstrapReport) {
        let preflight =
            LeanCapabilityPreflight::new(LeanBuiltCapability::manifest_path(&self.manifest))
                .check();
        for finding in preflight.errors() {
            report.push(
                LeanWorkerBootstrapCode::CapabilityPreflight(finding.code()),
                finding.message(),
            );
        }
        for finding in preflight.warnings() {
            report.warn(
                LeanWorkerBootstrapCode::CapabilityPreflight(finding.code()),
                finding.message(),
            );
        }
        // The preflight reported an unreadable manifest already.
        let Ok(manifest) = CapabilityManifest::load(&self.manifest) else {
            return;
        };
        let envelope = LeanWorkerSignature::io([LeanWorkerType::String], LeanWorkerType::String);
        let envelopes = [&self.metadata_export, &self.doctor_export]
            .into_iter()
            .flatten()
            .map(|export| (export.clone(), envelope.clone()));
        for (export, signature) in self.exports.iter().cloned().chain(envelopes) {
            let wanted = signature.c_signature();
            match manifest.exports.get(&export) {
                None => report.push(
                    LeanWorkerBootstrapCode::MissingExport,
                    format!("{} records no export `{export}`", self.manifest.display()),
                ),
                Some(found) if !same_prototype(found, &wanted) => report.push(
                    LeanWorkerBootstrapCode::ExportSignatureMismatch,
                    format!(
                        "`{export}` was compiled as {}, but {} was requested",
                        prototype(found),
                        prototype(&wanted)
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    /// Runs the checks in order; returns the report, the started worker (if any) and the
    /// opened capability (if it opened).
    fn bootstrap(
        &self,
    ) -> (
        LeanWorkerBootstrapReport,
        Option<LeanWorker>,
        Option<LeanWorkerCapability>,
    ) {
        let mut report = LeanWorkerBootstrapReport {
            manifest: self.manifest.clone(),
            ..LeanWorkerBootstrapReport::default()
        };
        let config = self.config(&mut report);
        self.check_artifacts(&mut report);
        let Some(mut config) = config.filter(|_| report.is_ok()) else {
            return (report, None, None);
        };
        if let Some(timeout) = self.startup_timeout {
            config = config.startup_timeout(timeout);
        }
        if let Some(timeout) = self.request_timeout {
            config = config.request_timeout(timeout);
        }
        let mut worker = match LeanWorker::spawn(config) {
            Ok(worker) => worker,
            Err(err) => {
                let code = match err {
                    LeanWorkerError::Handshake(_) | LeanWorkerError::Protocol(_) => {
                        LeanWorkerBootstrapCode::WorkerHandshakeFailed
                    }
                    _ => LeanWorkerBootstrapCode::WorkerStartupFailed,
                };
                report.push(code, err.to_string());
                return (report, None, None);
            }
        };
        report.runtime = worker.runtime_metadata().cloned();
        let capability = match worker.open_capability(&self.manifest) {
            Ok(capability) => capability,
            Err(err) => {
                report.push(
                    LeanWorkerBootstrapCode::CapabilityOpenFailed,
                    err.to_string(),
                );
                return (report, Some(worker), None);
            }
        };
        self.check_envelopes(&mut worker, &capability, &mut report);
        (report, Some(worker), Some(capability))
    }

    fn check_envelopes(
        &self,
        worker: &mut LeanWorker,
        capability: &LeanWorkerCapability,
        report: &mut LeanWorkerBootstrapReport,
    ) {
        if let Some(export) = &self.metadata_export {
            match read_metadata(worker, capability, export) {
                Ok(metadata) => {
                    if let Some(mismatch) = self
                        .expectation
                        .as_ref()
                        .and_then(|e| e.mismatch(&metadata.raw))
                    {
                        report.push(
                            LeanWorkerBootstrapCode::CapabilityMetadataMismatch,
                            format!("`{export}`: {mismatch}"),
                        );
                    }
                    report.metadata = Some(metadata);
                }
                Err(message) => {
                    report.push(LeanWorkerBootstrapCode::CapabilityMetadataInvalid, message);
                }
            }
        }
        if let Some(export) = &self.doctor_export {
            match read_doctor(worker, capability, export) {
                Ok(doctor) => {
                    for check in &doctor.checks {
                        let message = format!("{}: {}", check.name, check.message);
                        match check.status {
                            LeanWorkerHealth::Ok => {}
                            LeanWorkerHealth::Warning => {
                                report.warn(LeanWorkerBootstrapCode::CapabilityHealth, message);
                            }
                            LeanWorkerHealth::Error => {
                                report.push(LeanWorkerBootstrapCode::CapabilityHealth, message);
                            }
                        }
                    }
                    report.doctor = Some(doctor);
                }
                Err(message) => {
                    report.push(LeanWorkerBootstrapCode::CapabilityMetadataInvalid, message);
                }
            }
        }
    }
}

fn read_metadata(
    worker: &mut LeanWorker,
    capability: &LeanWorkerCapability,
    export: &str,
) -> Result<LeanWorkerCapabilityMetadata, String> {
    let text = call_envelope(worker, capability, export).map_err(|e| format!("`{export}`: {e}"))?;
    let runtime = worker
        .runtime_metadata()
        .cloned()
        .ok_or_else(|| format!("`{export}`: the child that answered is gone"))?;
    LeanWorkerCapabilityMetadata::decode(&text, &runtime)
        .map_err(|e| format!("`{export}` answered no metadata envelope: {e}"))
}

fn read_doctor(
    worker: &mut LeanWorker,
    capability: &LeanWorkerCapability,
    export: &str,
) -> Result<LeanWorkerCapabilityDoctorReport, String> {
    let text = call_envelope(worker, capability, export).map_err(|e| format!("`{export}`: {e}"))?;
    LeanWorkerCapabilityDoctorReport::decode(&text)
        .map_err(|e| format!("`{export}` answered no doctor envelope: {e}"))
}

/// Borrowing is invisible in emitted C, so only the C types are compared.
fn same_prototype(a: &ExportSignature, b: &ExportSignature) -> bool {
    a.returns == b.returns && a.params == b.params
}

fn prototype(signature: &ExportSignature) -> String {
    let params: Vec<&str> = signature.params.iter().map(|p| p.as_c()).collect();
    format!("{}({})", signature.returns.as_c(), params.join(", "))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

/// A worker with one checked capability open, following its restart policy. Requests go
/// through [`run_json`](Self::run_json), [`run_stream`](Self::run_stream) and
/// [`call`](Self::call); before each, a child that reached the policy's request count or RSS
/// limit is replaced (reason [`LeanWorkerRestartReason::Policy`]).
#[derive(Debug)]
pub struct LeanWorkerCapabilityWorker {
    worker: LeanWorker,
    capability: LeanWorkerCapability,
    restart: LeanWorkerRestartPolicy,
    /// Requests served by the child of generation `served_generation`.
    served: u64,
    served_generation: u64,
    metadata_export: Option<String>,
    doctor_export: Option<String>,
    report: LeanWorkerBootstrapReport,
}

impl LeanWorkerCapabilityWorker {
    /// The opened capability.
    pub fn capability(&self) -> &LeanWorkerCapability {
        &self.capability
    }

    /// The bootstrap report of the open (its metadata and doctor answers, its warnings).
    pub fn bootstrap_report(&self) -> &LeanWorkerBootstrapReport {
        &self.report
    }

    /// The underlying worker, for anything the facade does not cover (requests made through
    /// it are not counted by the restart policy).
    pub fn worker(&mut self) -> &mut LeanWorker {
        &mut self.worker
    }

    /// Gives up the facade.
    pub fn into_worker(self) -> LeanWorker {
        self.worker
    }

    fn before_request(&mut self) -> LeanWorkerResult<()> {
        // A child replaced outside the policy (a failure, `cycle`) starts a fresh count; a dead
        // one is replaced by the request itself (as the generation after it), not by the policy.
        let alive = self.worker.is_alive();
        let generation = self.worker.generation() + u64::from(!alive);
        if generation != self.served_generation {
            self.served = 0;
            self.served_generation = generation;
        }
        let reason = if !alive {
            None
        } else if self
            .restart
            .request_limit()
            .is_some_and(|limit| self.served >= limit)
        {
            Some(format!("served {} requests", self.served))
        } else {
            self.restart.rss_limit_kib().and_then(|limit| {
                self.worker
                    .child_rss_kib()
                    .filter(|rss| *rss >= limit)
                    .map(|rss| format!("RSS {rss} KiB reached the {limit} KiB limit"))
            })
        };
        if let Some(reason) = reason {
            tracing::info!(target: "lean_rs_worker", %reason, "restart policy replaces the child");
            self.worker
                .replace(LeanWorkerRestartReason::Policy(reason))?;
            self.served = 0;
            self.served_generation = self.worker.generation();
        }
        self.served += 1;
        Ok(())
    }

    /// Runs a JSON (or text) command against the capability.
    pub fn run_json<Req, Resp>(
        &mut self,
        command: &LeanWorkerJsonCommand<Req, Resp>,
        request: &Req,
    ) -> LeanWorkerResult<Resp> {
        self.before_request()?;
        command.run(&mut self.worker, &self.capability, request)
    }

    /// Runs a streaming command against the capability; rows reach `sink` live and are
    /// committed only on success.
    pub fn run_stream<Row>(
        &mut self,
        command: &LeanWorkerStreamingCommand<Row>,
        args: Vec<LeanWorkerValue>,
        sink: &mut dyn LeanWorkerRowSink<Row>,
        cancel: Option<&LeanWorkerCancellationToken>,
    ) -> LeanWorkerResult<LeanWorkerStreamSummary> {
        self.before_request()?;
        command.run(&mut self.worker, &self.capability, args, sink, cancel)
    }

    /// [`run_stream`](Self::run_stream) with the stream's diagnostics and progress sinks.
    pub fn run_stream_observed<Row>(
        &mut self,
        command: &LeanWorkerStreamingCommand<Row>,
        args: Vec<LeanWorkerValue>,
        sink: &mut dyn LeanWorkerRowSink<Row>,
        observers: LeanWorkerStreamObservers<'_>,
        cancel: Option<&LeanWorkerCancellationToken>,
    ) -> LeanWorkerResult<LeanWorkerStreamSummary> {
        self.before_request()?;
        command.run_observed(
            &mut self.worker,
            &self.capability,
            args,
            sink,
            observers,
            cancel,
        )
    }

    /// A typed export call against the capability.
    pub fn call(
        &mut self,
        export: &str,
        signature: &LeanWorkerSignature,
        args: Vec<LeanWorkerValue>,
    ) -> LeanWorkerResult<LeanWorkerValue> {
        self.before_request()?;
        self.worker.call(&self.capability, export, signature, args)
    }

    /// Reads the capability's metadata again (from the current child).
    pub fn metadata(&mut self) -> LeanWorkerResult<LeanWorkerCapabilityMetadata> {
        let export = self.metadata_export.clone().ok_or_else(|| {
            LeanWorkerError::InvalidRequest("no metadata export was configured".into())
        })?;
        self.before_request()?;
        read_metadata(&mut self.worker, &self.capability, &export).map_err(|message| {
            LeanWorkerError::Codec {
                export,
                message: bound(message),
            }
        })
    }

    /// Runs the capability's doctor export now.
    pub fn doctor(&mut self) -> LeanWorkerResult<LeanWorkerCapabilityDoctorReport> {
        let export = self.doctor_export.clone().ok_or_else(|| {
            LeanWorkerError::InvalidRequest("no doctor export was configured".into())
        })?;
        self.before_request()?;
        read_doctor(&mut self.worker, &self.capability, &export).map_err(|message| {
            LeanWorkerError::Codec {
                export,
                message: bound(message),
            }
        })
    }
}
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn restart_classes_are_stable_labels() {
        assert_eq!(LeanWorkerRestartPolicy::new().class(), "default");
        assert_eq!(
            LeanWorkerRestartPolicy::new()
                .max_rss_kib(2048)
                .max_requests(0)
                .class(),
            "requests<=1,rss<=2048KiB"
        );
    }

    #[test]
    fn metadata_expectations_compare_named_fields_only() {
        let expect = LeanWorkerMetadataExpectation::new(
            "m",
            serde_json::json!({"name": "x", "caps": {"rows": true}}),
        );
        assert_eq!(
            expect.mismatch(
                &serde_json::json!({"name": "x", "extra": 1, "caps": {"rows": true, "y": 2}})
            ),
            None
        );
        assert_eq!(
            expect.mismatch(&serde_json::json!({"name": "x", "caps": {"rows": false}})),
            Some("`caps.rows` is false, expected true".to_owned())
        );
        assert_eq!(
            expect.mismatch(&serde_json::json!({"caps": {}})),
            Some("`caps.rows` is missing (expected true)".to_owned())
        );
        assert_eq!(
            expect.mismatch(&serde_json::json!([1])),
            Some(
                "`metadata` is [1], expected {\"caps\":{\"rows\":true},\"name\":\"x\"}".to_owned()
            )
        );
        let reordered = LeanWorkerMetadataExpectation::new(
            "m",
            serde_json::json!({"caps": {"rows": true}, "name": "x"}),
        );
        assert_eq!(expect.canonical(), reordered.canonical());
    }

    fn runtime() -> LeanWorkerRuntimeMetadata {
        LeanWorkerRuntimeMetadata {
            protocol: 2,
            worker_version: "0.1.0".into(),
            lean_version: "4.35.0".into(),
            lean_commit: None,
            platform: "x86_64-linux".into(),
            instance: "n".into(),
            startup: Duration::ZERO,
            lean_init: Duration::ZERO,
        }
    }

    #[test]
    fn metadata_envelopes_are_validated_before_use() {
        let ok = LeanWorkerCapabilityMetadata::decode(
            r#"{"protocol":1,"name":"x","version":"1","commands":["a"],"extra":{"k":2}}"#,
            &runtime(),
        )
        .unwrap();
        assert_eq!(
            (ok.worker_protocol, ok.lean_version.as_str()),
            (2, "4.35.0")
        );
        assert_eq!(ok.commands, ["a"]);
        assert!(ok.features.is_empty());
        assert_eq!(ok.raw["extra"]["k"], 2);
        let long = "n".repeat(MAX_NAME_BYTES + 1);
        let many: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("c{i}")).collect();
        for bad in [
            "[1]".to_owned(),
            "not json".to_owned(),
            r#"{"name":"x","version":"1"}"#.to_owned(),
            r#"{"protocol":1,"name":"","version":"1"}"#.to_owned(),
            r#"{"protocol":-1,"name":"x","version":"1"}"#.to_owned(),
            r#"{"protocol":1,"name":"x","version":"1","commands":[""]}"#.to_owned(),
            r#"{"protocol":1,"name":"x","version":"1","commands":"a"}"#.to_owned(),
            serde_json::json!({"protocol": 1, "name": long, "version": "1"}).to_string(),
            serde_json::json!({"protocol": 1, "name": "x", "version": "1", "features": many})
                .to_string(),
        ] {
            assert!(
                LeanWorkerCapabilityMetadata::decode(&bad, &runtime()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn doctor_envelopes_are_validated_and_bounded() {
        let report = LeanWorkerCapabilityDoctorReport::decode(&format!(
            r#"{{"checks":[{{"name":"a","status":"ok"}},{{"name":"b","status":"error","message":"{}\nsecond line"}}]}}"#,
            "m".repeat(WORKER_MESSAGE_PROBE)
        ))
        .unwrap();
        assert_eq!(report.status(), LeanWorkerHealth::Error);
        assert_eq!(report.checks[0].message, "");
        assert!(!report.checks[1].message.contains('\n'));
        assert!(
            report.checks[1].message.len() <= crate::WORKER_ERROR_MESSAGE_LIMIT + '…'.len_utf8()
        );
        assert_eq!(
            LeanWorkerCapabilityDoctorReport::decode(r#"{"checks":[]}"#)
                .unwrap()
                .status(),
            LeanWorkerHealth::Ok
        );
        for bad in [
            r#"{"checks":[{"name":"a","status":"fine"}]}"#,
            r#"{"checks":[{"name":"a","status":"ok","extra":1}]}"#,
            r#"{"checks":[{"name":"","status":"ok"}]}"#,
            r#"{"check":[]}"#,
            "",
        ] {
            assert!(
                LeanWorkerCapabilityDoctorReport::decode(bad).is_err(),
                "{bad}"
            );
        }
    }

    /// Longer than the message bound, so decoding must cut it.
    const WORKER_MESSAGE_PROBE: usize = crate::WORKER_ERROR_MESSAGE_LIMIT + 100;
}
