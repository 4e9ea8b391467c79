//! The optional info-tree projection (`lean_rs_host_process_with_info_tree`).

use lean_rs::{LeanObject, LeanResult};

use crate::host::cancellation::{self, LeanCancellationToken};
use crate::host::contract::sym;
use crate::host::elaboration::{LeanElabFailure, LeanElabOptions};
use crate::host::session::LeanSession;
use crate::host::wire::Wire;

/// A 1-based range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// First line.
    pub start_line: u32,
    /// First column.
    pub start_column: u32,
    /// Last line.
    pub end_line: u32,
    /// Column after the end.
    pub end_column: u32,
}

/// One top-level command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandInfoNode {
    /// The declared name (empty for non-declarations).
    pub decl_name: String,
    /// The elaborator that ran.
    pub kind: String,
    /// Where.
    pub range: Range,
}

/// One elaborated term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermInfoNode {
    /// Raw `Expr.toString`.
    pub expr_text: String,
    /// Its type.
    pub type_text: String,
    /// The expected type, when recorded.
    pub expected_type_text: String,
    /// Where.
    pub range: Range,
}

/// One tactic step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TacticInfoNode {
    /// The tactic's text.
    pub tactic_text: String,
    /// Goals before.
    pub goals_before: Vec<String>,
    /// Goals after.
    pub goals_after: Vec<String>,
    /// Where.
    pub range: Range,
}

/// One identifier occurrence naming a constant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameRefNode {
    /// The constant.
    pub name: String,
    /// Whether it is a binding site.
    pub is_binder: bool,
    /// Where.
    pub range: Range,
}

/// The projection of one processed source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessedFile {
    /// Commands.
    pub commands: Vec<CommandInfoNode>,
    /// Terms.
    pub terms: Vec<TermInfoNode>,
    /// Tactic steps.
    pub tactics: Vec<TacticInfoNode>,
    /// Name references.
    pub name_refs: Vec<NameRefNode>,
    /// Lean's messages.
    pub diagnostics: LeanElabFailure,
}

/// What `process_with_info_tree` answered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProcessOutcome {
    /// The projection.
    Processed(ProcessedFile),
    /// The shim library lacks the optional export.
    Unsupported,
}

fn small(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn range(w: &Wire<'_>, first: u32) -> LeanResult<Range> {
    Ok(Range {
        start_line: small(w.nat(first)?),
        start_column: small(w.nat(first + 1)?),
        end_line: small(w.nat(first + 2)?),
        end_column: small(w.nat(first + 3)?),
    })
}

fn items<'lean>(
    w: &Wire<'lean>,
    i: u32,
    what: &'static str,
    fields: u32,
) -> LeanResult<Vec<Wire<'lean>>> {
    let objs: Vec<LeanObject<'lean>> = w.field(i)?;
    objs.into_iter()
        .map(|o| {
            let item = Wire::new(o, what);
            item.expect(0, fields)?;
            Ok(item)
        })
        .collect()
}

fn decode(w: &Wire<'_>, limit: usize) -> LeanResult<ProcessedFile> {
    w.expect(0, 5)?;
    Ok(ProcessedFile {
        commands: items(w, 0, "CommandInfoNode", 6)?
            .iter()
            .map(|c| {
                Ok(CommandInfoNode {
                    decl_name: c.string(0)?,
                    kind: c.string(1)?,
                    range: range(c, 2)?,
                })
            })
            .collect::<LeanResult<_>>()?,
        terms: items(w, 1, "TermInfoNode", 7)?
            .iter()
            .map(|t| {
                Ok(TermInfoNode {
                    expr_text: t.string(0)?,
                    type_text: t.string(1)?,
                    expected_type_text: t.string(2)?,
                    range: range(t, 3)?,
                })
            })
            .collect::<LeanResult<_>>()?,
        tactics: items(w, 2, "TacticInfoNode", 7)?
            .iter()
            .map(|t| {
                Ok(TacticInfoNode {
                    tactic_text: t.string(0)?,
                    goals_before: t.field(1)?,
                    goals_after: t.field(2)?,
                    range: range(t, 3)?,
                })
            })
            .collect::<LeanResult<_>>()?,
        name_refs: items(w, 3, "NameRefNode", 6)?
            .iter()
            .map(|n| {
                Ok(NameRefNode {
                    name: n.string(0)?,
                    is_binder: n.nat(1)? != 0,
                    range: range(n, 2)?,
                })
            })
            .collect::<LeanResult<_>>()?,
        diagnostics: LeanElabFailure::decode(&w.wire(4, "ElabFailure")?, limit)?,
    })
}

impl LeanSession<'_, '_> {
    /// Elaborates `source` as commands and projects its info trees.
    ///
    /// # Errors
    /// `lean_rs.cancelled`; host errors.
    pub fn process_with_info_tree(
        &mut self,
        source: &str,
        options: &LeanElabOptions,
        cancellation: Option<&LeanCancellationToken>,
    ) -> LeanResult<ProcessOutcome> {
        cancellation::check(cancellation, "process_with_info_tree")?;
        if !self.capabilities().supports(sym::PROCESS_WITH_INFO_TREE) {
            return Ok(ProcessOutcome::Unsupported);
        }
        let (ns, label) = options.namespace_and_label();
        let raw = self.call_process(
            source,
            ns,
            label,
            options.heartbeat_limit(),
            options.diagnostic_limit(),
        )?;
        Ok(ProcessOutcome::Processed(decode(
            &Wire::new(raw, "ProcessedFile"),
            options.diagnostic_limit(),
        )?))
    }
}
