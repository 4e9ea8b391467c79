//! The worker session adapter: a narrow, process-safe subset of a lean-rs-host `LeanSession`
//! hosted in the child.
//!
//! The child opens the host shims, imports the modules and answers declaration queries,
//! elaboration and kernel checks with lean-rs-host; the parent only ever sees copied values:
//! rendered names and expressions, kinds, diagnostics, kernel verdicts and evidence summaries.
//! No Lean handle (expression, name, declaration, evidence) crosses the process boundary.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{LeanWorkerError, LeanWorkerResult};
use crate::observe::{LeanWorkerDiagnostic, LeanWorkerProgressSink};
use crate::protocol::{Reply, Request, SessionOp, SessionValue};
use crate::worker::{LeanWorker, LeanWorkerCancellationToken};

/// What a worker session imports, and from where.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeanWorkerSessionConfig {
    pub(crate) project: PathBuf,
    pub(crate) imports: Vec<String>,
    pub(crate) shim_library: Option<PathBuf>,
    pub(crate) search_paths: Vec<PathBuf>,
}

impl LeanWorkerSessionConfig {
    /// A session of the Lake project at `project` importing `imports`. The child finds the host
    /// shims as `LeanHost` does (`$LEAN_RS_HOST_SHIMS`, else the bundled packages built with
    /// Lake) unless [`shim_library`](Self::shim_library) names one.
    pub fn new(
        project: impl Into<PathBuf>,
        imports: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            project: project.into(),
            imports: imports.into_iter().map(Into::into).collect(),
            shim_library: None,
            search_paths: Vec::new(),
        }
    }

    /// The host shim library to open in the child.
    #[must_use]
    pub fn shim_library(mut self, dylib: impl Into<PathBuf>) -> Self {
        self.shim_library = Some(dylib.into());
        self
    }

    /// An olean directory searched before the project's own (later calls come first, as with
    /// `LeanHost::with_search_path`).
    #[must_use]
    pub fn search_path(mut self, dir: impl Into<PathBuf>) -> Self {
        self.search_paths.push(dir.into());
        self
    }

    /// The Lake project.
    pub fn project(&self) -> &Path {
        &self.project
    }

    /// The imported modules.
    pub fn imports(&self) -> &[String] {
        &self.imports
    }
}

/// Elaboration settings of one worker session request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeanWorkerElabOptions {
    /// Heartbeat budget in thousands (lean-rs-host's default when `None`).
    pub heartbeats: Option<u64>,
    /// The file label Lean's messages carry (lean-rs-host's default when `None`).
    pub file_label: Option<String>,
}

/// Lean's messages of a failed elaboration or kernel check, copied out of the child.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeanWorkerElabFailure {
    /// Every diagnostic (within the diagnostic budget).
    pub diagnostics: Vec<LeanWorkerDiagnostic>,
    /// Whether the budget cut something.
    pub truncated: bool,
}

/// What [`LeanWorkerSession::elaborate`] answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LeanWorkerElabResult {
    /// The term elaborated; the expression as Lean's debug printer renders it.
    Elaborated {
        /// The rendered expression.
        expression: String,
    },
    /// Elaboration failed with Lean's messages.
    Failed(LeanWorkerElabFailure),
}

/// The kernel's verdict on accepted evidence, copied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LeanWorkerEvidenceStatus {
    /// Accepted, without `sorry`.
    Checked,
    /// Accepted, but it uses `sorry`.
    UsesSorry,
    /// The kernel refused it on re-check (Lean's message).
    Rejected(String),
    /// The declaration is not in the evidence's environment.
    Unavailable,
    /// The shim cannot re-check evidence.
    Unsupported,
}

/// Accepted evidence, summarised: the child keeps the evidence handle, the parent gets this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeanWorkerEvidence {
    /// The re-check of the evidence.
    pub status: LeanWorkerEvidenceStatus,
    /// The declaration's name.
    pub declared_name: String,
    /// Its kind (`theorem`, `definition`, …).
    pub kind: String,
    /// Its type, as Lean printed it.
    pub type_signature: String,
}

/// What [`LeanWorkerSession::kernel_check`] answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LeanWorkerKernelResult {
    /// The kernel accepted the declaration.
    Checked(LeanWorkerEvidence),
    /// Parsing or elaboration failed.
    ElabFailed(LeanWorkerElabFailure),
    /// The kernel refused the declaration.
    KernelRejected(LeanWorkerElabFailure),
}

/// A host session in the worker child, borrowed from its [`LeanWorker`].
///
/// It lives as long as the child that imported it, and until another session is opened in that
/// child: when the child is replaced (a crash, a timeout, a cancelled call, a cycle) the
/// session is gone, and every method answers [`LeanWorkerError::InvalidRequest`] until a new
/// one is opened.
///
/// Requests report progress to the sink set with [`with_progress`](Self::with_progress) (the
/// bulk declaration query and kernel checks report it in lean-rs-host) and watch the token set
/// with [`with_cancellation`](Self::with_cancellation): a token cancelled before a request
/// returns [`LeanWorkerError::Cancelled`] without sending it; cancelled during one, the child
/// is replaced (a request has no boundary to stop at), which ends the session.
pub struct LeanWorkerSession<'w> {
    worker: &'w mut LeanWorker,
    id: u64,
    generation: u64,
    // Borrowed, not owned: a session has no drop glue, so its borrow of the worker ends at
    // its last use.
    progress: Option<&'w mut dyn LeanWorkerProgressSink>,
    cancel: Option<&'w LeanWorkerCancellationToken>,
}

impl std::fmt::Debug for LeanWorkerSession<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeanWorkerSession")
            .field("id", &self.id)
            .field("generation", &self.generation)
            .field("progress", &self.progress.is_some())
            .field("cancel", &self.cancel.is_some())
            .finish_non_exhaustive()
    }
}

impl LeanWorker {
    /// Opens a host session in the child: loads the host shims (once per child and shim
    /// configuration) and imports `config`'s modules. A session opened earlier in this child is
    /// closed.
    pub fn open_session(
        &mut self,
        config: &LeanWorkerSessionConfig,
    ) -> LeanWorkerResult<LeanWorkerSession<'_>> {
        self.open_session_observed(config, None, None)
    }

    /// [`open_session`](Self::open_session) reporting the import's progress to `progress` and
    /// watching `cancel` (cancelled during the import, the child is replaced).
    pub fn open_session_observed(
        &mut self,
        config: &LeanWorkerSessionConfig,
        progress: Option<&mut dyn LeanWorkerProgressSink>,
        cancel: Option<&LeanWorkerCancellationToken>,
    ) -> LeanWorkerResult<LeanWorkerSession<'_>> {
        let request = Request::SessionOpen {
            config: config.clone(),
            progress: progress.is_some(),
        };
        // The child closes its previous session before importing.
        self.open_session = None;
        match self.session_exchange(&request, "open session", progress, cancel)? {
            Reply::SessionOpened { session } => {
                let generation = self.generation();
                self.open_session = Some((session, generation));
                Ok(LeanWorkerSession::resume(self, session, generation))
            }
            other => Err(self.answered_wrongly("open session", &other)),
        }
    }
}

impl<'w> LeanWorkerSession<'w> {
    /// Session `id` of child generation `generation` of `worker` (checked at each request).
    pub(crate) fn resume(worker: &'w mut LeanWorker, id: u64, generation: u64) -> Self {
        Self {
            worker,
            id,
            generation,
            progress: None,
            cancel: None,
        }
    }

    /// Reports the progress of later requests to `sink`.
    #[must_use]
    pub fn with_progress(mut self, sink: &'w mut dyn LeanWorkerProgressSink) -> Self {
        self.progress = Some(sink);
        self
    }

    /// Watches `token` during later requests.
    #[must_use]
    pub fn with_cancellation(mut self, token: &'w LeanWorkerCancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// (session id, child generation), to resume the session later.
    pub(crate) fn handle(&self) -> (u64, u64) {
        (self.id, self.generation)
    }
}

impl LeanWorkerSession<'_> {
    fn run(&mut self, op: SessionOp, operation: &str) -> LeanWorkerResult<SessionValue> {
        if !self.worker.is_alive() || self.worker.generation() != self.generation {
            return Err(LeanWorkerError::InvalidRequest(
                "this worker session ended with the child that hosted it; open a new one".into(),
            ));
        }
        if self.worker.open_session != Some(self.handle()) {
            return Err(LeanWorkerError::InvalidRequest(
                "another session was opened in this worker since; open this one again".into(),
            ));
        }
        let request = Request::Session {
            session: self.id,
            operation: op,
            progress: self.progress.is_some(),
        };
        let progress = self
            .progress
            .as_mut()
            .map(|sink| &mut **sink as &mut dyn LeanWorkerProgressSink);
        match self
            .worker
            .session_exchange(&request, operation, progress, self.cancel)?
        {
            Reply::Session { value } => Ok(value),
            other => Err(self.worker.answered_wrongly(operation, &other)),
        }
    }

    /// The kind of each named declaration (`definition`, `theorem`, `axiom`, `inductive`,
    /// `constructor`, …, or `missing`).
    pub fn declaration_kinds(&mut self, names: &[&str]) -> LeanWorkerResult<Vec<String>> {
        let op = SessionOp::DeclarationKinds {
            names: names.iter().map(|n| (*n).to_owned()).collect(),
        };
        match self.run(op, "declaration kinds")? {
            SessionValue::Strings(kinds) if kinds.len() == names.len() => Ok(kinds),
            other => Err(self.wrong_shape("declaration kinds", &other)),
        }
    }

    /// The names of every declaration of the session's environment, rendered.
    pub fn declaration_names(&mut self) -> LeanWorkerResult<Vec<String>> {
        match self.run(SessionOp::DeclarationNames, "declaration names")? {
            SessionValue::Strings(names) => Ok(names),
            other => Err(self.wrong_shape("declaration names", &other)),
        }
    }

    /// Elaborates `source` as a term.
    pub fn elaborate(
        &mut self,
        source: &str,
        options: &LeanWorkerElabOptions,
    ) -> LeanWorkerResult<LeanWorkerElabResult> {
        let op = SessionOp::Elaborate {
            source: source.to_owned(),
            options: options.clone(),
        };
        match self.run(op, "elaborate")? {
            SessionValue::Elab(result) => Ok(result),
            other => Err(self.wrong_shape("elaborate", &other)),
        }
    }

    /// Elaborates `source` as declarations and checks the last one with the kernel; accepted
    /// evidence is re-checked and summarised in the child.
    pub fn kernel_check(
        &mut self,
        source: &str,
        options: &LeanWorkerElabOptions,
    ) -> LeanWorkerResult<LeanWorkerKernelResult> {
        let op = SessionOp::KernelCheck {
            source: source.to_owned(),
            options: options.clone(),
        };
        match self.run(op, "kernel check")? {
            SessionValue::Kernel(result) => Ok(result),
            other => Err(self.wrong_shape("kernel check", &other)),
        }
    }

    fn wrong_shape(&mut self, operation: &str, value: &SessionValue) -> LeanWorkerError {
        self.worker.answered_wrongly(operation, value)
    }
}
