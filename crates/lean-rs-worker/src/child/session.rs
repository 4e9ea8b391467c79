//! The child's side of the session adapter: lean-rs-host sessions, answered with copies.

use std::cell::RefCell;
use std::sync::Arc;

use lean_rs::LeanRuntime;
use lean_rs_host::{
    EvidenceStatus, LeanCapabilities, LeanElabFailure, LeanElabOptions, LeanHost,
    LeanKernelOutcome, LeanProgressEvent, LeanProgressSink, LeanSession, LeanSeverity,
};

use super::Out;

use super::call::{CallFailure, lean_failure};
use crate::observe::{
    LeanWorkerDiagnostic, LeanWorkerDiagnosticSource, LeanWorkerPosition, LeanWorkerSeverity,
    ProgressCoalescer, ProgressFrame,
};
use crate::protocol::FrameKind;
use crate::protocol::{SessionOp, SessionValue};
use crate::session::{
    LeanWorkerElabFailure, LeanWorkerElabOptions, LeanWorkerElabResult, LeanWorkerEvidence,
    LeanWorkerEvidenceStatus, LeanWorkerKernelResult, LeanWorkerSessionConfig,
};

/// Host configurations one child keeps loaded. Loaded shims are never unloaded (Lean code
/// stays mapped for the process's life), so the count is bounded; the pool's session key keeps
/// one configuration per warm child in practice.
const MAX_HOSTS: usize = 4;

/// What identifies a loaded host: everything of the config except the imports.
#[derive(PartialEq, Eq)]
struct HostKey {
    project: std::path::PathBuf,
    shim_library: Option<std::path::PathBuf>,
    search_paths: Vec<std::path::PathBuf>,
}

/// lean-rs-host progress of one session request, sent as coalesced progress frames.
pub(super) struct ProgressOut {
    id: u64,
    out: Arc<Out>,
    coalescer: RefCell<ProgressCoalescer>,
}

impl ProgressOut {
    pub(super) fn new(id: u64, out: Arc<Out>) -> Self {
        Self {
            id,
            out,
            coalescer: RefCell::new(ProgressCoalescer::default()),
        }
    }

    fn send(&self, frame: &ProgressFrame) {
        // A failed write shows as the child's end of the pipe; the request goes on.
        if let Ok(payload) = serde_json::to_vec(frame) {
            let _ = self.out.row(FrameKind::Progress, self.id, &payload);
        }
    }

    /// Sends the pending event, before the reply.
    pub(super) fn finish(&self) {
        let pending = self.coalescer.borrow_mut().finish();
        if let Some(frame) = pending {
            self.send(&frame);
        }
    }
}

impl LeanProgressSink for ProgressOut {
    fn report(&self, event: LeanProgressEvent) {
        let frame = ProgressFrame {
            phase: event.phase.to_owned(),
            current: event.current,
            total: event.total,
        };
        let due = self.coalescer.borrow_mut().offer(frame);
        if let Some(frame) = due {
            self.send(&frame);
        }
    }
}

/// The child's loaded hosts and its one open session.
pub(super) struct ChildSessions {
    hosts: Vec<(HostKey, &'static LeanCapabilities<'static, 'static>)>,
    open: Option<(u64, LeanSession<'static, 'static>)>,
    next: u64,
}

fn failure(code: &str, message: impl Into<String>) -> CallFailure {
    (code.to_owned(), message.into())
}

fn elab_options(options: &LeanWorkerElabOptions) -> LeanElabOptions {
    let mut out = LeanElabOptions::new();
    if let Some(thousands) = options.heartbeats {
        out = out.heartbeats(thousands);
    }
    if let Some(label) = &options.file_label {
        out = out.file_label(label);
    }
    out
}

fn copy_failure(failure: &LeanElabFailure) -> LeanWorkerElabFailure {
    let diagnostics = failure
        .diagnostics()
        .iter()
        .map(|d| LeanWorkerDiagnostic {
            source: LeanWorkerDiagnosticSource::Lean,
            severity: match d.severity() {
                LeanSeverity::Warning => LeanWorkerSeverity::Warning,
                LeanSeverity::Error => LeanWorkerSeverity::Error,
                // `Information`, and any severity a later host adds.
                _ => LeanWorkerSeverity::Info,
            },
            code: None,
            message: d.message().to_owned(),
            file_label: Some(d.file_label().to_owned()),
            position: d.position().map(|p| LeanWorkerPosition {
                line: p.line,
                column: p.column,
                end_line: p.end_line,
                end_column: p.end_column,
            }),
        })
        .collect();
    LeanWorkerElabFailure {
        diagnostics,
        truncated: failure.truncated(),
    }
}

impl ChildSessions {
    pub(super) fn new() -> Self {
        Self {
            hosts: Vec::new(),
            open: None,
            next: 0,
        }
    }

    fn capabilities(
        &mut self,
        runtime: &'static LeanRuntime,
        config: &LeanWorkerSessionConfig,
    ) -> Result<&'static LeanCapabilities<'static, 'static>, CallFailure> {
        let key = HostKey {
            project: config.project.clone(),
            shim_library: config.shim_library.clone(),
            search_paths: config.search_paths.clone(),
        };
        if let Some((_, caps)) = self.hosts.iter().find(|(k, _)| *k == key) {
            return Ok(caps);
        }
        if self.hosts.len() == MAX_HOSTS {
            return Err(failure(
                "lean_rs_worker.too_many_hosts",
                format!(
                    "this child already loaded {MAX_HOSTS} host configurations; use another worker (or cycle this one)"
                ),
            ));
        }
        let mut host =
            LeanHost::from_lake_project(runtime, &config.project).map_err(|e| lean_failure(&e))?;
        if let Some(shims) = &config.shim_library {
            host = host.with_shim_library(shims);
        }
        for dir in &config.search_paths {
            host = host.with_search_path(dir);
        }
        // The shims stay loaded for the child's life (Lean code is never unloaded), so the
        // host and its capabilities do too: leaking them gives sessions a 'static borrow.
        let host: &'static LeanHost<'static> = Box::leak(Box::new(host));
        let caps = host
            .load_host_capabilities()
            .map_err(|e| lean_failure(&e))?;
        let caps: &'static LeanCapabilities<'static, 'static> = Box::leak(Box::new(caps));
        self.hosts.push((key, caps));
        Ok(caps)
    }

    /// Opens a session (closing the previous one) and returns its id.
    pub(super) fn open(
        &mut self,
        runtime: &'static LeanRuntime,
        config: &LeanWorkerSessionConfig,
        progress: Option<&ProgressOut>,
    ) -> Result<u64, CallFailure> {
        self.open = None;
        let caps = self.capabilities(runtime, config)?;
        let imports: Vec<&str> = config.imports.iter().map(String::as_str).collect();
        let session = caps
            .session(&imports, None, progress.map(|p| p as &dyn LeanProgressSink))
            .map_err(|e| lean_failure(&e))?;
        self.next += 1;
        self.open = Some((self.next, session));
        Ok(self.next)
    }

    /// Runs `op` on session `id`.
    pub(super) fn run(
        &mut self,
        id: u64,
        op: SessionOp,
        progress: Option<&ProgressOut>,
    ) -> Result<SessionValue, CallFailure> {
        let progress = progress.map(|p| p as &dyn LeanProgressSink);
        let session = match self.open.as_mut() {
            Some((open, session)) if *open == id => session,
            _ => {
                return Err(failure(
                    "lean_rs_worker.stale_session",
                    format!("worker session {id} is not open in this child"),
                ));
            }
        };
        let lean = |e: lean_rs::LeanError| lean_failure(&e);
        Ok(match op {
            SessionOp::DeclarationKinds { names } => {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                SessionValue::Strings(
                    session
                        .declaration_kind_bulk(&names, None, progress)
                        .map_err(lean)?,
                )
            }
            SessionOp::DeclarationNames => {
                let names = session.list_declarations(None).map_err(lean)?;
                let rendered = names
                    .iter()
                    .map(|name| session.name_to_string(name))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(lean)?;
                SessionValue::Strings(rendered)
            }
            SessionOp::Elaborate { source, options } => {
                let outcome = session
                    .elaborate(&source, None, &elab_options(&options), None)
                    .map_err(lean)?;
                SessionValue::Elab(match outcome {
                    Ok(expr) => LeanWorkerElabResult::Elaborated {
                        expression: session.expr_to_string(&expr).map_err(lean)?,
                    },
                    Err(failure) => LeanWorkerElabResult::Failed(copy_failure(&failure)),
                })
            }
            SessionOp::KernelCheck { source, options } => {
                let outcome = session
                    .kernel_check(&source, &elab_options(&options), None, progress)
                    .map_err(lean)?;
                SessionValue::Kernel(match outcome {
                    LeanKernelOutcome::Checked(evidence) => {
                        let status = match session.check_evidence(&evidence, None).map_err(lean)? {
                            EvidenceStatus::Checked => LeanWorkerEvidenceStatus::Checked,
                            EvidenceStatus::UsesSorry => LeanWorkerEvidenceStatus::UsesSorry,
                            EvidenceStatus::Rejected(why) => {
                                LeanWorkerEvidenceStatus::Rejected(why)
                            }
                            EvidenceStatus::Unavailable => LeanWorkerEvidenceStatus::Unavailable,
                            // `Unsupported`, and any status a later host adds.
                            _ => LeanWorkerEvidenceStatus::Unsupported,
                        };
                        let summary = session.summarize_evidence(&evidence, None).map_err(lean)?;
                        LeanWorkerKernelResult::Checked(LeanWorkerEvidence {
                            status,
                            declared_name: summary.declared_name,
                            kind: summary.kind,
                            type_signature: summary.type_signature,
                        })
                    }
                    LeanKernelOutcome::ElabFailed(failure) => {
                        LeanWorkerKernelResult::ElabFailed(copy_failure(&failure))
                    }
                    LeanKernelOutcome::KernelRejected(failure) => {
                        LeanWorkerKernelResult::KernelRejected(copy_failure(&failure))
                    }
                    other => {
                        return Err(failure(
                            "lean_rs_worker.unsupported",
                            format!("a kernel outcome this worker cannot copy: {other:?}"),
                        ));
                    }
                })
            }
        })
    }
}
