//! Finding the Lean toolchain lean-rs should use, with a reason for every candidate.
//!
//! Order (first usable, supported candidate wins):
//! 1. `LEAN_SYSROOT` — authoritative when set: if it is unusable, discovery fails
//!    rather than silently using something else;
//! 2. `lean` on `PATH`, via `lean --print-prefix`;
//! 3. elan's default toolchain (`$ELAN_HOME`, else `~/.elan`, `settings.toml`);
//! 4. the project-local runtime-only sysroot `.lean-rs/sysroot`, found by walking up
//!    from the start directory (disabled by `LEAN_RS_NO_LOCAL_SYSROOT=1`).
//!
//! `lean-rs-sys/build.rs` repeats this order in a minimal form to pick the runtime it links:
//! that build script cannot depend on this crate (this crate takes lean-rs-sys's facts as a
//! build-dependency). Change both together.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::diagnostics::{LinkDiagnostics, one_line};
use crate::fingerprint::{ToolchainFingerprint, exe};
use crate::manifest::SYSROOT_MANIFEST;
use crate::process::run_bounded;
use crate::sysroot::inspect_sysroot;

/// Environment variable naming an explicit sysroot.
pub const LEAN_SYSROOT_ENV: &str = "LEAN_SYSROOT";
/// Environment variable that disables the project-local sysroot when set to `1`.
pub const NO_LOCAL_SYSROOT_ENV: &str = "LEAN_RS_NO_LOCAL_SYSROOT";
/// Where the project-local sysroot lives, relative to a project root.
pub const LOCAL_SYSROOT_DIR: &str = ".lean-rs/sysroot";

const PRINT_PREFIX_TIMEOUT: Duration = Duration::from_secs(20);
const MAX_WALK_UP: usize = 64;

type Finder = fn(&DiscoveryInputs) -> Result<(PathBuf, String), String>;

/// The inputs discovery reads; [`DiscoveryInputs::from_env`] takes them from the process.
#[derive(Debug, Clone, Default)]
pub struct DiscoveryInputs {
    /// `LEAN_SYSROOT`, if set and non-empty.
    pub lean_sysroot: Option<PathBuf>,
    /// `PATH`, searched for `lean`.
    pub path: Option<OsString>,
    /// elan's home (`$ELAN_HOME`, else `$HOME/.elan`).
    pub elan_home: Option<PathBuf>,
    /// Where the walk up to `.lean-rs/sysroot` starts (default: the current directory).
    pub start_dir: Option<PathBuf>,
    /// True when `LEAN_RS_NO_LOCAL_SYSROOT=1`.
    pub local_disabled: bool,
}

impl DiscoveryInputs {
    /// Reads the inputs from this process's environment and current directory.
    pub fn from_env() -> Self {
        let non_empty = |key: &str| std::env::var_os(key).filter(|v| !v.is_empty());
        let elan_home = non_empty("ELAN_HOME")
            .map(PathBuf::from)
            .or_else(|| non_empty("HOME").map(|home| PathBuf::from(home).join(".elan")));
        Self {
            lean_sysroot: non_empty(LEAN_SYSROOT_ENV).map(PathBuf::from),
            path: non_empty("PATH"),
            elan_home,
            start_dir: std::env::current_dir().ok(),
            local_disabled: std::env::var_os(NO_LOCAL_SYSROOT_ENV).is_some_and(|v| v == "1"),
        }
    }
}

/// Where a candidate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CandidateSource {
    /// The `LEAN_SYSROOT` environment variable.
    LeanSysroot,
    /// `lean --print-prefix` of the `lean` found on `PATH`.
    LeanOnPath,
    /// elan's default toolchain.
    ElanDefault,
    /// The project-local `.lean-rs/sysroot`.
    ProjectLocal,
}

impl CandidateSource {
    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            Self::LeanSysroot => "LEAN_SYSROOT",
            Self::LeanOnPath => "lean on PATH",
            Self::ElanDefault => "elan default toolchain",
            Self::ProjectLocal => "project-local sysroot",
        }
    }
}

/// What happened to a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CandidateStatus {
    /// This candidate is the toolchain in use.
    Chosen,
    /// It exists but failed verification or the window check.
    Rejected,
    /// There was nothing to examine.
    Absent,
    /// Not examined, because an earlier source decided.
    NotConsulted,
}

/// One examined (or skipped) source, with the reason for its status.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// Where it came from.
    pub source: CandidateSource,
    /// The sysroot directory, when one was found.
    pub path: Option<PathBuf>,
    /// The outcome.
    pub status: CandidateStatus,
    /// Why: one line.
    pub reason: String,
    /// The diagnostic code of a rejection.
    pub code: Option<&'static str>,
    /// The fingerprint, when verification got that far.
    pub fingerprint: Option<ToolchainFingerprint>,
    #[serde(skip)]
    diagnostic: Option<LinkDiagnostics>,
}

impl Candidate {
    fn new(
        source: CandidateSource,
        path: Option<PathBuf>,
        status: CandidateStatus,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            source,
            path,
            status,
            reason: reason.into(),
            code: None,
            fingerprint: None,
            diagnostic: None,
        }
    }

    /// The typed diagnostic of a rejected candidate.
    pub fn diagnostic(&self) -> Option<&LinkDiagnostics> {
        self.diagnostic.as_ref()
    }
}

/// The outcome of discovery: every candidate and the chosen toolchain, if any.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    /// Every source, in discovery order.
    pub candidates: Vec<Candidate>,
    /// The chosen toolchain.
    pub chosen: Option<ToolchainFingerprint>,
    #[serde(skip)]
    failure: Option<LinkDiagnostics>,
}

impl Discovery {
    /// The chosen toolchain, or the diagnostic that explains why there is none.
    pub fn result(&self) -> Result<&ToolchainFingerprint, LinkDiagnostics> {
        match (&self.chosen, &self.failure) {
            (Some(chosen), _) => Ok(chosen),
            (None, Some(failure)) => Err(failure.clone()),
            (None, None) => Err(LinkDiagnostics::missing_lean(
                Path::new("."),
                "discovery found nothing",
            )),
        }
    }
}

/// Discovers the toolchain from this process's environment.
pub fn discover_toolchain() -> Result<ToolchainFingerprint, LinkDiagnostics> {
    discover(&DiscoveryInputs::from_env()).result().cloned()
}

/// Runs discovery over explicit inputs.
pub fn discover(inputs: &DiscoveryInputs) -> Discovery {
    let mut run = Run {
        candidates: Vec::new(),
        chosen: None,
        first_rejection: None,
        seen: Vec::new(),
    };

    if let Some(sysroot) = &inputs.lean_sysroot {
        run.examine(
            CandidateSource::LeanSysroot,
            sysroot.clone(),
            "named by LEAN_SYSROOT",
        );
        for source in [
            CandidateSource::LeanOnPath,
            CandidateSource::ElanDefault,
            CandidateSource::ProjectLocal,
        ] {
            run.candidates.push(Candidate::new(
                source,
                None,
                CandidateStatus::NotConsulted,
                "LEAN_SYSROOT is set and takes precedence",
            ));
        }
        return run.finish(inputs);
    }
    run.candidates.push(Candidate::new(
        CandidateSource::LeanSysroot,
        None,
        CandidateStatus::Absent,
        "LEAN_SYSROOT is not set",
    ));

    let finders: [(CandidateSource, Finder); 3] = [
        (CandidateSource::LeanOnPath, find_on_path),
        (CandidateSource::ElanDefault, find_elan_default),
        (CandidateSource::ProjectLocal, find_project_local),
    ];
    for (source, finder) in finders {
        if run.chosen.is_some() {
            run.candidates.push(Candidate::new(
                source,
                None,
                CandidateStatus::NotConsulted,
                "an earlier candidate was chosen",
            ));
            continue;
        }
        match finder(inputs) {
            Ok((path, how)) => run.examine(source, path, &how),
            Err(why) => run.candidates.push(Candidate::new(
                source,
                None,
                CandidateStatus::Absent,
                one_line(&why),
            )),
        }
    }
    run.finish(inputs)
}

struct Run {
    candidates: Vec<Candidate>,
    chosen: Option<ToolchainFingerprint>,
    first_rejection: Option<LinkDiagnostics>,
    seen: Vec<PathBuf>,
}

impl Run {
    fn examine(&mut self, source: CandidateSource, path: PathBuf, how: &str) {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        if self.seen.contains(&canonical) {
            self.candidates.push(Candidate::new(
                source,
                Some(path),
                CandidateStatus::Rejected,
                "same sysroot as an earlier candidate (see above)",
            ));
            return;
        }
        self.seen.push(canonical);
        let mut candidate = Candidate::new(
            source,
            Some(path.clone()),
            CandidateStatus::Rejected,
            String::new(),
        );
        let outcome = inspect_sysroot(&path).and_then(|fp| {
            candidate.fingerprint = Some(fp.clone());
            fp.require_supported().map(|_| fp.clone())
        });
        match outcome {
            Ok(fp) => {
                candidate.status = CandidateStatus::Chosen;
                candidate.reason = format!("{how}; {} is verified and supported", fp.summary());
                self.chosen = Some(fp);
            }
            Err(diagnostic) => {
                candidate.reason = diagnostic.to_string();
                candidate.code = Some(diagnostic.code());
                if self.first_rejection.is_none() {
                    self.first_rejection = Some(diagnostic.clone());
                }
                candidate.diagnostic = Some(diagnostic);
            }
        }
        self.candidates.push(candidate);
    }

    fn finish(self, inputs: &DiscoveryInputs) -> Discovery {
        let failure = if self.chosen.is_some() {
            None
        } else {
            Some(self.first_rejection.unwrap_or_else(|| {
                let here = inputs.start_dir.clone().unwrap_or_else(|| PathBuf::from("."));
                LinkDiagnostics::missing_lean(
                    &here,
                    "no toolchain found (LEAN_SYSROOT unset, no lean on PATH, no elan default toolchain, no .lean-rs/sysroot above this directory)",
                )
            }))
        };
        Discovery {
            candidates: self.candidates,
            chosen: self.chosen,
            failure,
        }
    }
}

fn find_on_path(inputs: &DiscoveryInputs) -> Result<(PathBuf, String), String> {
    let path = inputs.path.as_ref().ok_or("PATH is not set")?;
    let lean = std::env::split_paths(path)
        .map(|dir| dir.join(exe("lean")))
        .find(|candidate| candidate.is_file())
        .ok_or("no `lean` on PATH")?;
    let captured = run_bounded(
        &lean,
        ["--print-prefix"],
        None,
        &[],
        PRINT_PREFIX_TIMEOUT,
        4096,
    )
    .map_err(|e| format!("`{} --print-prefix` failed: {e}", lean.display()))?;
    let prefix = captured
        .stdout
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    if !captured.status.success() || prefix.is_empty() {
        return Err(format!(
            "`{} --print-prefix` printed no prefix ({}): {}",
            lean.display(),
            captured.status,
            captured.stderr.trim()
        ));
    }
    Ok((
        PathBuf::from(prefix),
        format!("prefix of {}", lean.display()),
    ))
}

fn find_elan_default(inputs: &DiscoveryInputs) -> Result<(PathBuf, String), String> {
    let home = inputs
        .elan_home
        .as_ref()
        .ok_or("neither ELAN_HOME nor HOME is set")?;
    let settings = home.join("settings.toml");
    if !settings.is_file() {
        return Err(format!("no elan settings at {}", settings.display()));
    }
    let bytes = crate::digest::read_bounded(&settings, 64 * 1024)
        .map_err(|e| format!("cannot read {}: {e}", settings.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", settings.display()))?;
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| format!("{} is not valid TOML: {e}", settings.display()))?;
    let name = table
        .get("default_toolchain")
        .and_then(toml::Value::as_str)
        .ok_or_else(|| format!("{} names no default_toolchain", settings.display()))?;
    let dir = home.join("toolchains").join(elan_toolchain_dir(name));
    Ok((dir, format!("elan default toolchain `{name}`")))
}

/// elan's directory name for a toolchain: `leanprover/lean4:v4.35.0` → `leanprover--lean4---v4.35.0`.
pub fn elan_toolchain_dir(name: &str) -> String {
    name.replace('/', "--").replace(':', "---")
}

fn find_project_local(inputs: &DiscoveryInputs) -> Result<(PathBuf, String), String> {
    if inputs.local_disabled {
        return Err(format!("disabled by {NO_LOCAL_SYSROOT_ENV}=1"));
    }
    let start = inputs.start_dir.as_ref().ok_or("no start directory")?;
    let sysroot = find_local_sysroot(start).ok_or_else(|| {
        format!(
            "no {LOCAL_SYSROOT_DIR}/{SYSROOT_MANIFEST} in {} or above",
            start.display()
        )
    })?;
    Ok((sysroot, format!("found above {}", start.display())))
}

/// Walks up from `start` to the nearest `.lean-rs/sysroot` holding a manifest.
pub fn find_local_sysroot(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .take(MAX_WALK_UP)
        .map(|dir| dir.join(LOCAL_SYSROOT_DIR))
        .find(|sysroot| sysroot.join(SYSROOT_MANIFEST).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elan_directory_names() {
        assert_eq!(
            elan_toolchain_dir("leanprover/lean4:v4.35.0"),
            "leanprover--lean4---v4.35.0"
        );
    }
}
