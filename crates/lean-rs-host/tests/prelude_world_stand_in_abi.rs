//! The STAND-IN shim library against the real host shims' contract (a tier-2-style check
//! that needs no Lean): every `LEAN_EXPORT` of `stand-in/lean_rs_host_stand_in.c` is a row of
//! `shims/lean-rs-host-shims/abi/lean-rs-host-shims.abi.json` with the same C prototype, every
//! mandatory row is exported, and each `wire_<Record>` builder takes the fields of the real
//! shims' `structure <Record>` (`LeanRsHostShims/*.lean`) in the same order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use lean_rs_host::__stand_in::{Contract, HostContract};

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `LEAN_EXPORT <ret> <name>(<params>) {` definitions, joined across lines: name → (return
/// type, parameter types), with `lean_object *x` spelled `lean_object*`.
fn c_exports(c: &str) -> BTreeMap<String, (String, Vec<String>)> {
    let mut out = BTreeMap::new();
    let mut rest = c;
    while let Some(at) = rest.find("LEAN_EXPORT ") {
        let after = &rest[at + "LEAN_EXPORT ".len()..];
        let end = after.find('{').unwrap();
        let decl: String = after[..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        rest = &after[end..];
        let open = decl.find('(').unwrap();
        let head = &decl[..open];
        let name_at = head.rfind([' ', '*']).unwrap() + 1;
        let name = head[name_at..].to_owned();
        let returns = normalize(&head[..name_at]);
        let params = decl[open + 1..decl.rfind(')').unwrap()]
            .split(',')
            .map(|p| {
                let p = p.trim();
                let cut = p.rfind([' ', '*']).unwrap() + 1;
                normalize(&p[..cut])
            })
            .collect();
        out.insert(name, (returns, params));
    }
    out
}

fn normalize(ty: &str) -> String {
    ty.replace(' ', "")
}

#[test]
fn prelude_world_stand_in_exports_match_the_abi_table_row_by_row() {
    let table = HostContract::parse(lean_rs_host::__stand_in::HOST_ABI_TABLE).unwrap();
    let exports = c_exports(&read("stand-in/lean_rs_host_stand_in.c"));
    let mut checked = 0;
    for row in table.rows() {
        let Some((ret, params)) = exports.get(&row.symbol) else {
            assert_ne!(
                row.contract,
                Contract::Mandatory,
                "mandatory {} missing from the stand-in",
                row.symbol
            );
            continue;
        };
        let want_params: Vec<String> = row
            .signature
            .params
            .iter()
            .map(|p| normalize(&p.to_string()))
            .collect();
        assert_eq!(
            ret,
            &normalize(&row.signature.returns.to_string()),
            "{}: return type",
            row.symbol
        );
        assert_eq!(params, &want_params, "{}: parameters", row.symbol);
        checked += 1;
    }
    assert_eq!(table.of(Contract::Mandatory).count(), 28);
    assert_eq!(table.of(Contract::Optional).count(), 6);
    assert_eq!(
        checked,
        28 + 4 + 1,
        "28 mandatory, 4 optional and the test export"
    );
    for name in exports.keys() {
        assert!(
            name.starts_with("initialize_") || table.row(name).is_some(),
            "{name} is not in the table"
        );
    }
    // The two optional exports the stand-in leaves out, on purpose.
    assert!(!exports.contains_key("lean_rs_host_meta_pp_expr"));
    assert!(!exports.contains_key("lean_rs_host_process_with_info_tree"));
}

/// `structure <Name> where` field names in order, from the real shim sources.
fn lean_structures(src: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut lines = src.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix("structure ")
            .and_then(|l| l.strip_suffix(" where"))
        else {
            continue;
        };
        let mut fields = Vec::new();
        while let Some(next) = lines.peek() {
            let Some(field) = next.strip_prefix("  ") else {
                break;
            };
            if field.starts_with("deriving") {
                break;
            }
            let (names, _ty) = field.split_once(" : ").unwrap();
            fields.extend(names.split_whitespace().map(str::to_owned));
            lines.next();
        }
        out.insert(name.to_owned(), fields);
    }
    out
}

/// `static lean_object *wire_<Name>(lean_object *a, …)` parameter names, from the stand-in.
fn c_builders(c: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut rest = c;
    while let Some(at) = rest.find("static lean_object *wire_") {
        let after = &rest[at + "static lean_object *wire_".len()..];
        let open = after.find('(').unwrap();
        let close = after.find(')').unwrap();
        let params = after[open + 1..close]
            .split(',')
            .map(|p| p.trim().rsplit(['*', ' ']).next().unwrap().to_owned())
            .collect();
        out.insert(after[..open].to_owned(), params);
        rest = &after[close..];
    }
    out
}

#[test]
fn prelude_world_stand_in_wire_records_are_the_real_shims_records() {
    let mut real = lean_structures(&read(
        "shims/lean-rs-host-shims/LeanRsHostShims/Elaboration.lean",
    ));
    real.extend(lean_structures(&read(
        "shims/lean-rs-host-shims/LeanRsHostShims/Meta.lean",
    )));
    let builders = c_builders(&read("stand-in/lean_rs_host_stand_in.c"));
    assert!(builders.len() >= 5, "{builders:?}");
    for (record, params) in &builders {
        let fields = real
            .get(record)
            .unwrap_or_else(|| panic!("wire_{record}: no structure {record} in the shims"));
        assert_eq!(
            params, fields,
            "wire_{record} builds {record}'s fields in order"
        );
    }
    // The Rust decoders read the same records: field counts as the shims declare them.
    for (record, count) in [
        ("ElabOpts", 4),
        ("Diagnostic", 7),
        ("ElabFailure", 2),
        ("Evidence", 3),
        ("ProofSummary", 3),
        ("DeclarationFilter", 3),
        ("SourceRange", 5),
        ("MetaOpts", 2),
        ("ProcessedFile", 5),
        ("CommandInfoNode", 6),
        ("TermInfoNode", 7),
        ("TacticInfoNode", 7),
        ("NameRefNode", 6),
    ] {
        assert_eq!(real[record].len(), count, "{record}");
    }
}
