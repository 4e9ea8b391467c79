//! The host shim contract: the 28 mandatory and 6 optional `lean_rs_host_*` exports and
//! their C prototypes, read from the ABI table that `scripts/lean-check` holds to the real
//! shims' emitted C (`shims/lean-rs-host-shims/abi/lean-rs-host-shims.abi.json`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use lean_rs::ExportSignature;
use serde::Deserialize;

/// The ABI table of the bundled host shims, as checked in.
pub const HOST_ABI_TABLE: &str =
    include_str!("../../shims/lean-rs-host-shims/abi/lean-rs-host-shims.abi.json");

/// The Lake package of the host shims.
pub const HOST_SHIM_PACKAGE: &str = "lean_rs_host_shims";
/// The Lean library (and root module) of the host shims.
pub const HOST_SHIM_LIBRARY: &str = "LeanRsHostShims";

/// Whether a missing symbol fails loading or degrades a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contract {
    /// Loading fails without it.
    Mandatory,
    /// A missing symbol makes its service report `Unsupported`.
    Optional,
    /// Test-only export; never required.
    Test,
}

/// One row of the table.
#[derive(Clone, Debug)]
pub struct ContractRow {
    /// The C symbol.
    pub symbol: String,
    /// Mandatory, optional or test.
    pub contract: Contract,
    /// The Lean signature, for messages.
    pub lean_signature: String,
    /// The C prototype.
    pub signature: ExportSignature,
}

#[derive(Deserialize)]
struct RawTable {
    counts: RawCounts,
    symbols: Vec<RawRow>,
}

#[derive(Deserialize)]
struct RawCounts {
    mandatory: usize,
    optional: usize,
}

#[derive(Deserialize)]
struct RawRow {
    symbol: String,
    kind: String,
    contract: String,
    signature: String,
    c: ExportSignature,
    #[serde(default)]
    borrowed: Vec<usize>,
}

/// The contract: every `export` row of the table, by symbol.
#[derive(Debug)]
pub struct HostContract {
    rows: BTreeMap<String, ContractRow>,
}

impl HostContract {
    /// The table compiled into this crate, parsed once. It is checked in beside the shims and
    /// verified by tests, so a parse failure is a build defect reported as an error string.
    pub fn bundled() -> Result<&'static Self, String> {
        static CONTRACT: OnceLock<Result<HostContract, String>> = OnceLock::new();
        CONTRACT
            .get_or_init(|| Self::parse(HOST_ABI_TABLE))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parses a table and checks its counts.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawTable =
            serde_json::from_str(text).map_err(|e| format!("host ABI table: {e}"))?;
        let mut rows = BTreeMap::new();
        for row in raw.symbols {
            if row.kind != "export" {
                continue;
            }
            let contract = match row.contract.as_str() {
                "mandatory" => Contract::Mandatory,
                "optional" => Contract::Optional,
                "test" => Contract::Test,
                other => return Err(format!("host ABI table: unknown contract `{other}`")),
            };
            let mut signature = row.c;
            signature.borrowed = row.borrowed;
            rows.insert(
                row.symbol.clone(),
                ContractRow {
                    symbol: row.symbol,
                    contract,
                    lean_signature: row.signature,
                    signature,
                },
            );
        }
        let table = Self { rows };
        let (m, o) = (
            table.of(Contract::Mandatory).count(),
            table.of(Contract::Optional).count(),
        );
        if (m, o) != (raw.counts.mandatory, raw.counts.optional) {
            return Err(format!(
                "host ABI table: counts say {}+{}, rows have {m}+{o}",
                raw.counts.mandatory, raw.counts.optional
            ));
        }
        Ok(table)
    }

    /// Rows of one contract kind, in symbol order.
    pub fn of(&self, contract: Contract) -> impl Iterator<Item = &ContractRow> {
        self.rows.values().filter(move |r| r.contract == contract)
    }

    /// Every row.
    pub fn rows(&self) -> impl Iterator<Item = &ContractRow> {
        self.rows.values()
    }

    /// One row.
    pub fn row(&self, symbol: &str) -> Option<&ContractRow> {
        self.rows.get(symbol)
    }
}

/// The symbols the session calls (names of the contract's exports).
pub mod sym {
    macro_rules! symbols {
        ($($id:ident = $s:literal;)*) => { $(#[allow(missing_docs)] pub const $id: &str = $s;)* };
    }
    symbols! {
        SESSION_IMPORT = "lean_rs_host_session_import";
        SESSION_IMPORT_PROGRESS = "lean_rs_host_session_import_progress";
        NAME_FROM_STRING = "lean_rs_host_name_from_string";
        NAME_TO_STRING = "lean_rs_host_name_to_string";
        QUERY_DECLARATION = "lean_rs_host_env_query_declaration";
        QUERY_DECLARATIONS_BULK = "lean_rs_host_env_query_declarations_bulk";
        QUERY_DECLARATIONS_BULK_PROGRESS = "lean_rs_host_env_query_declarations_bulk_progress";
        LIST_DECLARATIONS = "lean_rs_host_env_list_declarations";
        LIST_DECLARATIONS_FILTERED = "lean_rs_host_env_list_declarations_filtered";
        LIST_DECLARATIONS_FILTERED_PROGRESS = "lean_rs_host_env_list_declarations_filtered_progress";
        DECLARATION_SOURCE_RANGE = "lean_rs_host_env_declaration_source_range";
        DECLARATION_TYPE = "lean_rs_host_env_declaration_type";
        DECLARATION_TYPE_BULK = "lean_rs_host_env_declaration_type_bulk";
        DECLARATION_TYPE_BULK_PROGRESS = "lean_rs_host_env_declaration_type_bulk_progress";
        DECLARATION_KIND = "lean_rs_host_env_declaration_kind";
        DECLARATION_KIND_BULK = "lean_rs_host_env_declaration_kind_bulk";
        DECLARATION_KIND_BULK_PROGRESS = "lean_rs_host_env_declaration_kind_bulk_progress";
        DECLARATION_NAME = "lean_rs_host_env_declaration_name";
        DECLARATION_NAME_BULK = "lean_rs_host_env_declaration_name_bulk";
        DECLARATION_NAME_BULK_PROGRESS = "lean_rs_host_env_declaration_name_bulk_progress";
        EXPR_TO_STRING_RAW = "lean_rs_host_env_expr_to_string_raw";
        ELABORATE = "lean_rs_host_elaborate";
        ELABORATE_BULK = "lean_rs_host_elaborate_bulk";
        ELABORATE_BULK_PROGRESS = "lean_rs_host_elaborate_bulk_progress";
        KERNEL_CHECK = "lean_rs_host_kernel_check";
        KERNEL_CHECK_PROGRESS = "lean_rs_host_kernel_check_progress";
        CHECK_EVIDENCE = "lean_rs_host_check_evidence";
        EVIDENCE_SUMMARY = "lean_rs_host_evidence_summary";
        META_INFER_TYPE = "lean_rs_host_meta_infer_type";
        META_WHNF = "lean_rs_host_meta_whnf";
        META_HEARTBEAT_BURN = "lean_rs_host_meta_heartbeat_burn";
        META_IS_DEF_EQ = "lean_rs_host_meta_is_def_eq";
        META_PP_EXPR = "lean_rs_host_meta_pp_expr";
        PROCESS_WITH_INFO_TREE = "lean_rs_host_process_with_info_tree";
    }
}
