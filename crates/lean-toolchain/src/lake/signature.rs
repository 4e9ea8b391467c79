//! C signatures of Lean `@[export]`s, read from the C the Lean compiler emits.
//!
//! A typed call through a function pointer is sound only when the caller's idea of the C
//! prototype is the real one. The real one is written by the Lean compiler: every exported
//! function of a module appears in its emitted C as
//!
//! ```c
//! LEAN_EXPORT uint8_t l_Char_isAlpha(uint32_t);                      // prototype
//! LEAN_EXPORT lean_object* my_keep(lean_object* v_x_1_, lean_object* v_y_2_){  // definition
//! LEAN_EXPORT lean_object* l_Unit_unit;                               // global (closed term)
//! LEAN_EXPORT const lean_object* my_const = (const lean_object*)&l_cst___closed__0_value;
//! ```
//!
//! [`extract_exports`] collects those lines into [`CExport`]s; [`ExportSignature`] is the
//! prototype in the `{"returns": …, "params": […], "borrowed": […]}` shape that the ABI
//! tables (`*/abi/*.abi.json`) and the capability manifest's `exports` map share.
//!
//! Borrowing (`@&`) is not visible in emitted C: Lean 4.35 refuses `@&` on an `@[export]`
//! (unless `compiler.ignoreBorrowAnnotation` drops it), and for other definitions the compiler
//! prints a borrowed parameter as a plain `lean_object*`. `borrowed` is therefore empty in
//! everything extracted from emitted C; it is filled only from hand-written C that uses
//! `lean.h`'s `b_lean_obj_arg`, or from a table row.
//!
//! The input is untrusted text (a build directory's files): it is bounded
//! ([`EMITTED_C_LIMIT`], [`MAX_EXPORT_LINE_BYTES`], [`MAX_EXPORT_PARAMS`]) and every
//! malformed `LEAN_EXPORT` line is a typed [`SignatureError`] with its line number, never a
//! panic.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::digest::read_bounded;

/// Largest emitted C file [`extract_exports`] reads, in bytes (the biggest modules of Lean's
/// own library emit a few MiB).
pub const EMITTED_C_LIMIT: usize = 64 * 1024 * 1024;

/// Longest `LEAN_EXPORT` line (prototype or definition header) accepted, in bytes.
pub const MAX_EXPORT_LINE_BYTES: usize = 64 * 1024;

/// Most parameters one export may have.
pub const MAX_EXPORT_PARAMS: usize = 1024;

/// Longest symbol name accepted, in bytes.
pub const MAX_EXPORT_SYMBOL_BYTES: usize = 1024;

/// A C type that appears in the signature of a Lean-compiled function.
///
/// Lean unboxes `Bool`/`UInt8`/enumerations to `uint8_t`, `UInt16`, `UInt32`/`Char`,
/// `UInt64`, `USize`, `Float` and `Float32`; every other value is a `lean_object*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CType {
    /// `uint8_t`
    U8,
    /// `uint16_t`
    U16,
    /// `uint32_t`
    U32,
    /// `uint64_t`
    U64,
    /// `size_t`
    Usize,
    /// `double`
    F64,
    /// `float`
    F32,
    /// `lean_object*` (also written `lean_obj_arg`/`lean_obj_res`, or `b_lean_obj_arg` for a
    /// borrowed parameter)
    Object,
}

impl CType {
    /// Every C type, in declaration order.
    pub const ALL: [Self; 8] = [
        Self::U8,
        Self::U16,
        Self::U32,
        Self::U64,
        Self::Usize,
        Self::F64,
        Self::F32,
        Self::Object,
    ];

    /// The spelling the Lean compiler emits (and the ABI tables use).
    pub const fn as_c(self) -> &'static str {
        match self {
            Self::U8 => "uint8_t",
            Self::U16 => "uint16_t",
            Self::U32 => "uint32_t",
            Self::U64 => "uint64_t",
            Self::Usize => "size_t",
            Self::F64 => "double",
            Self::F32 => "float",
            Self::Object => "lean_object*",
        }
    }

    /// Reads a type in the compiler's spelling (exactly [`as_c`](Self::as_c)).
    pub fn from_c(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_c() == text)
    }
}

impl fmt::Display for CType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_c())
    }
}

impl Serialize for CType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_c())
    }
}

impl<'de> Deserialize<'de> for CType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::from_c(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{}` is not a C type of a Lean export (one of {})",
                clip(&text),
                Self::ALL.map(Self::as_c).join(", ")
            ))
        })
    }
}

/// The C prototype of one export: return type, parameter types, and the 0-based indices of
/// parameters the callee only borrows (every other object parameter is consumed).
///
/// A nullary closed term compiled to a global variable is recorded with no parameters and
/// its variable's type as `returns` (see [`CExportKind::Global`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportSignature {
    /// The C return type.
    pub returns: CType,
    /// The C parameter types, in order.
    pub params: Vec<CType>,
    /// Indices into `params` of borrowed (`@&`) object parameters, ascending.
    #[serde(default)]
    pub borrowed: Vec<usize>,
}

impl ExportSignature {
    /// A signature whose object parameters are all owned.
    pub fn new(returns: CType, params: impl Into<Vec<CType>>) -> Self {
        Self {
            returns,
            params: params.into(),
            borrowed: Vec::new(),
        }
    }

    /// Checks the invariants a parsed or deserialized signature must hold: at most
    /// [`MAX_EXPORT_PARAMS`] parameters; `borrowed` ascending, without duplicates, and naming
    /// only `lean_object*` parameters.
    pub fn validate(&self) -> Result<(), String> {
        if self.params.len() > MAX_EXPORT_PARAMS {
            return Err(format!("more than {MAX_EXPORT_PARAMS} parameters"));
        }
        let mut previous = None;
        for &index in &self.borrowed {
            if previous.is_some_and(|p| p >= index) {
                return Err("`borrowed` is not strictly ascending".to_owned());
            }
            previous = Some(index);
            match self.params.get(index) {
                Some(CType::Object) => {}
                Some(other) => {
                    return Err(format!(
                        "`borrowed` names parameter {index}, a `{other}`, not an object"
                    ));
                }
                None => {
                    return Err(format!(
                        "`borrowed` names parameter {index} of {}",
                        self.params.len()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// `uint8_t (uint32_t)`; borrowed parameters are marked `b_lean_obj_arg`.
impl fmt::Display for ExportSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (", self.returns)?;
        for (i, param) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if self.borrowed.contains(&i) {
                f.write_str("b_lean_obj_arg")?;
            } else {
                f.write_str(param.as_c())?;
            }
        }
        f.write_str(")")
    }
}

/// Whether an export is a function or a global variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CExportKind {
    /// `LEAN_EXPORT <type> <symbol>(<params>)`: called.
    Function,
    /// `LEAN_EXPORT <type> <symbol>;` or `… = <initializer>;`: a nullary closed term that the
    /// module initializer (or a static initializer) fills in; read, never called.
    Global,
}

/// One `LEAN_EXPORT` declaration of emitted C.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CExport {
    /// The C symbol.
    pub symbol: String,
    /// Function or global.
    pub kind: CExportKind,
    /// Its prototype (for a global: no parameters, the variable's type as `returns`).
    pub signature: ExportSignature,
}

/// Why emitted C (or one line of it) was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The file could not be read.
    #[error("cannot read emitted C: {0}")]
    Unreadable(String),
    /// The text exceeds [`EMITTED_C_LIMIT`].
    #[error("emitted C is larger than {EMITTED_C_LIMIT} bytes")]
    TooLarge,
    /// A `LEAN_EXPORT` line is not a declaration this parser understands.
    #[error("line {line}: {detail}")]
    Malformed {
        /// 1-based line number (1 for a lone line given to [`parse_export_line`]).
        line: usize,
        /// What is wrong, bounded.
        detail: String,
    },
    /// A well-formed declaration with a C type outside Lean's ABI set (e.g. the
    /// `lean_object**` argument array of a `…___boxed` function with more than 16
    /// parameters). [`extract_exports`] lists such exports as skipped.
    #[error("line {line}: `{symbol}` {detail}")]
    Unsupported {
        /// 1-based line number.
        line: usize,
        /// The symbol.
        symbol: String,
        /// Which type is unsupported, bounded.
        detail: String,
    },
    /// The same symbol is declared twice with different prototypes.
    #[error("line {line}: `{symbol}` was declared as `{first}` and is now `{second}`")]
    Conflict {
        /// 1-based line number of the second declaration.
        line: usize,
        /// The symbol.
        symbol: String,
        /// The first prototype.
        first: String,
        /// The disagreeing one.
        second: String,
    },
}

const EXPORT_PREFIX: &str = "LEAN_EXPORT ";

/// Parses one `LEAN_EXPORT` line: a prototype (`…(…);`), a definition header (`…(…){` or
/// `…(…) {`) or a global (`… sym;` / `… sym = …;`). Lines that do not start with
/// `LEAN_EXPORT ` give `Ok(None)`.
pub fn parse_export_line(line: &str) -> Result<Option<CExport>, SignatureError> {
    parse_line(line, 1)
}

fn parse_line(line: &str, number: usize) -> Result<Option<CExport>, SignatureError> {
    let Some(rest) = line.strip_prefix(EXPORT_PREFIX) else {
        return Ok(None);
    };
    let bad = |detail: String| SignatureError::Malformed {
        line: number,
        detail: clip(&detail),
    };
    // A type error names the symbol once it is known.
    let type_error = |symbol: &str, what: String, e: TypeError| match e {
        TypeError::Unsupported(detail) => SignatureError::Unsupported {
            line: number,
            symbol: symbol.to_owned(),
            detail: clip(&format!("{what} {detail}")),
        },
        TypeError::Malformed(detail) => bad(format!("`{symbol}` {what} {detail}")),
    };
    if line.len() > MAX_EXPORT_LINE_BYTES {
        return Err(bad(format!(
            "a LEAN_EXPORT line longer than {MAX_EXPORT_LINE_BYTES} bytes"
        )));
    }
    let rest = rest.trim();
    // A global: no parenthesis before the first `=` or `;`.
    let paren = rest.find('(');
    let stop = rest.find(['=', ';']);
    let is_global = match (paren, stop) {
        (None, _) => true,
        (Some(p), Some(s)) => s < p,
        (Some(_), None) => false,
    };
    if is_global {
        let Some(stop) = stop else {
            return Err(bad(format!("`{rest}` is neither a prototype nor a global")));
        };
        let decl = rest[..stop].trim();
        let decl = decl.strip_prefix("const ").unwrap_or(decl);
        let (ty, symbol) = split_declarator(decl)
            .ok_or_else(|| bad(format!("cannot read a type and a name from `{decl}`")))?;
        check_symbol(symbol).map_err(bad)?;
        let returns = parse_type(&ty, Position::Global)
            .map_err(|e| type_error(symbol, "is a global of".to_owned(), e))?;
        return Ok(Some(CExport {
            symbol: symbol.to_owned(),
            kind: CExportKind::Global,
            signature: ExportSignature::new(returns.0, Vec::new()),
        }));
    }
    let Some(open) = paren else {
        return Err(bad(format!("`{rest}` is neither a prototype nor a global")));
    };
    let close = rest[open..]
        .find(')')
        .map(|c| open + c)
        .ok_or_else(|| bad("the parameter list is not closed".to_owned()))?;
    let tail = rest[close + 1..].trim();
    if tail != ";" && tail != "{" {
        return Err(bad(format!(
            "expected `;` or `{{` after the parameter list, found `{tail}`"
        )));
    }
    let head = rest[..open].trim();
    let (ty, symbol) = split_declarator(head).ok_or_else(|| {
        bad(format!(
            "cannot read a return type and a name from `{head}`"
        ))
    })?;
    check_symbol(symbol).map_err(bad)?;
    let returns = parse_type(&ty, Position::Return)
        .map_err(|e| type_error(symbol, "returns".to_owned(), e))?
        .0;
    let list = rest[open + 1..close].trim();
    let mut params = Vec::new();
    let mut borrowed = Vec::new();
    if !(list.is_empty() || list == "void") {
        for (index, param) in list.split(',').enumerate() {
            if index >= MAX_EXPORT_PARAMS {
                return Err(bad(format!(
                    "`{symbol}` has more than {MAX_EXPORT_PARAMS} parameters"
                )));
            }
            let (ty, is_borrowed) = parse_param(param)
                .map_err(|e| type_error(symbol, format!("takes as parameter {index}"), e))?;
            if is_borrowed {
                borrowed.push(index);
            }
            params.push(ty);
        }
    }
    Ok(Some(CExport {
        symbol: symbol.to_owned(),
        kind: CExportKind::Function,
        signature: ExportSignature {
            returns,
            params,
            borrowed,
        },
    }))
}

/// The `LEAN_EXPORT` declarations of one emitted C file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmittedExports {
    /// Every export whose types are all in [`CType`], by symbol.
    pub exports: BTreeMap<String, CExport>,
    /// Well-formed exports with a type outside [`CType`] (no typed call can request them),
    /// as their [`SignatureError::Unsupported`] errors, in file order.
    pub skipped: Vec<SignatureError>,
}

impl EmittedExports {
    /// The signatures alone, as the capability manifest's `exports` map records them.
    pub fn signatures(&self) -> BTreeMap<String, ExportSignature> {
        export_signatures(self)
    }
}

/// Every `LEAN_EXPORT` declaration of one emitted C file. A symbol declared by a prototype and
/// again by its definition must agree; a declaration with a type outside [`CType`] is
/// skipped (and listed); anything malformed fails the whole text.
pub fn extract_exports(c_text: &str) -> Result<EmittedExports, SignatureError> {
    if c_text.len() > EMITTED_C_LIMIT {
        return Err(SignatureError::TooLarge);
    }
    let mut exports: BTreeMap<String, CExport> = BTreeMap::new();
    let mut skipped = Vec::new();
    // Skipped symbols and what they were declared as, so a prototype and its definition
    // cannot disagree across the supported/unsupported line either.
    let mut skipped_as: BTreeMap<String, String> = BTreeMap::new();
    for (index, line) in c_text.lines().enumerate() {
        let line_number = index + 1;
        let export = match parse_line(line, line_number) {
            Ok(Some(export)) => export,
            Ok(None) => continue,
            Err(SignatureError::Unsupported {
                line,
                symbol,
                detail,
            }) => {
                if let Some(first) = exports.get(&symbol) {
                    return Err(SignatureError::Conflict {
                        line,
                        first: describe(first),
                        second: detail,
                        symbol,
                    });
                }
                skipped_as.insert(symbol.clone(), detail.clone());
                skipped.push(SignatureError::Unsupported {
                    line,
                    symbol,
                    detail,
                });
                continue;
            }
            Err(other) => return Err(other),
        };
        if let Some(first) = skipped_as.get(&export.symbol) {
            return Err(SignatureError::Conflict {
                line: line_number,
                first: first.clone(),
                second: describe(&export),
                symbol: export.symbol,
            });
        }
        if let Some(first) = exports.get(&export.symbol) {
            if first.kind != export.kind || first.signature != export.signature {
                return Err(SignatureError::Conflict {
                    line: line_number,
                    first: describe(first),
                    second: describe(&export),
                    symbol: export.symbol,
                });
            }
            continue;
        }
        exports.insert(export.symbol.clone(), export);
    }
    Ok(EmittedExports { exports, skipped })
}

/// [`extract_exports`] of the file at `path`, read with the [`EMITTED_C_LIMIT`] bound (the
/// file must be UTF-8, as the Lean compiler writes it).
pub fn extract_exports_from_file(path: &Path) -> Result<EmittedExports, SignatureError> {
    let bytes = read_bounded(path, EMITTED_C_LIMIT as u64).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            SignatureError::TooLarge
        } else {
            SignatureError::Unreadable(clip(&format!("{}: {e}", path.display())))
        }
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        SignatureError::Unreadable(clip(&format!("{} is not UTF-8: {e}", path.display())))
    })?;
    extract_exports(text)
}

/// The signatures alone, as the capability manifest's `exports` map records them.
pub fn export_signatures(emitted: &EmittedExports) -> BTreeMap<String, ExportSignature> {
    emitted
        .exports
        .iter()
        .map(|(symbol, export)| (symbol.clone(), export.signature.clone()))
        .collect()
}

fn describe(export: &CExport) -> String {
    match export.kind {
        CExportKind::Function => export.signature.to_string(),
        CExportKind::Global => format!("global {}", export.signature.returns),
    }
}

#[derive(Clone, Copy)]
enum Position {
    Return,
    Param,
    Global,
}

/// Why a type was not read: outside Lean's ABI set but well-formed, or not a type at all.
enum TypeError {
    Unsupported(String),
    Malformed(String),
}

/// Reads a type, with `lean.h`'s aliases. Returns the type and whether it is borrowed.
fn parse_type(text: &str, position: Position) -> Result<(CType, bool), TypeError> {
    let canonical = canonical_type(text);
    if let Some(ty) = CType::from_c(&canonical) {
        return Ok((ty, false));
    }
    match (canonical.as_str(), position) {
        ("lean_obj_arg", Position::Param) | ("lean_obj_res", Position::Return) => {
            Ok((CType::Object, false))
        }
        ("b_lean_obj_arg", Position::Param) => Ok((CType::Object, true)),
        ("b_lean_obj_res", Position::Return) => Err(TypeError::Unsupported(
            "a borrowed `b_lean_obj_res`, which typed calls cannot take (they own every result)"
                .to_owned(),
        )),
        (other, _) if is_type_like(other) => Err(TypeError::Unsupported(format!(
            "the unsupported C type `{other}`"
        ))),
        (other, _) => Err(TypeError::Malformed(format!(
            "`{other}`, which is not a C type"
        ))),
    }
}

/// Identifier words and `*`s, starting with a letter or `_`: a C type, if not one of ours.
fn is_type_like(text: &str) -> bool {
    text.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b' ' || b == b'*')
}

/// One parameter declaration, with or without a name (`uint64_t`, `uint64_t x_2`,
/// `lean_object* v_x_1_`, `lean_object *x`).
fn parse_param(text: &str) -> Result<(CType, bool), TypeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(TypeError::Malformed("an empty parameter".to_owned()));
    }
    if let Ok(found) = parse_type(text, Position::Param) {
        return Ok(found);
    }
    match split_declarator(text) {
        Some((ty, _name)) => parse_type(&ty, Position::Param),
        None => parse_type(text, Position::Param),
    }
}

/// Splits `<type> <name>` at the last identifier; `*`s stay with the type.
fn split_declarator(text: &str) -> Option<(String, &str)> {
    let text = text.trim();
    let start = text
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_ascii_alphanumeric() || c == '_')
        .last()
        .map(|(i, _)| i)?;
    let (ty, name) = text.split_at(start);
    let ty = ty.trim();
    if ty.is_empty() || name.bytes().next().is_none_or(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((canonical_type(ty), name))
}

/// Collapses whitespace and attaches `*` to the type name: `lean_object *` → `lean_object*`.
fn canonical_type(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() && !word.starts_with('*') {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn check_symbol(symbol: &str) -> Result<(), String> {
    let ok = symbol.bytes().next().is_some_and(|b| !b.is_ascii_digit())
        && symbol.len() <= MAX_EXPORT_SYMBOL_BYTES
        && symbol
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(())
    } else {
        let head: String = symbol.chars().take(64).collect();
        Err(format!("`{head}` is not a C symbol name"))
    }
}

fn clip(text: &str) -> String {
    const LIMIT: usize = 256;
    let mut out: String = text.chars().take(LIMIT).collect();
    if text.chars().nth(LIMIT).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> CExport {
        parse_export_line(line).unwrap().unwrap()
    }

    #[test]
    fn reads_prototypes_definitions_and_globals() {
        let e = one("LEAN_EXPORT uint8_t l_Char_isAlpha(uint32_t);");
        assert_eq!(e.symbol, "l_Char_isAlpha");
        assert_eq!(e.kind, CExportKind::Function);
        assert_eq!(e.signature, ExportSignature::new(CType::U8, [CType::U32]));
        assert_eq!(e.signature.to_string(), "uint8_t (uint32_t)");

        let e = one("LEAN_EXPORT lean_object* f(lean_object* x_1, uint64_t x_2) {");
        assert_eq!(
            e.signature,
            ExportSignature::new(CType::Object, [CType::Object, CType::U64])
        );
        let e = one("LEAN_EXPORT lean_object* l_un___redArg(){");
        assert!(e.signature.params.is_empty());
        let e = one("LEAN_EXPORT double g(void);");
        assert_eq!(e.signature, ExportSignature::new(CType::F64, []));

        let e = one("LEAN_EXPORT lean_object* l_Unit_unit;");
        assert_eq!(e.kind, CExportKind::Global);
        assert_eq!(e.signature, ExportSignature::new(CType::Object, []));
        let e = one(
            "LEAN_EXPORT const lean_object* my_const = (const lean_object*)&l_cst___closed__0_value;",
        );
        assert_eq!(
            (e.symbol.as_str(), e.kind),
            ("my_const", CExportKind::Global)
        );

        let e = one("LEAN_EXPORT lean_obj_res h(b_lean_obj_arg a, size_t i, lean_object *o);");
        assert_eq!(
            e.signature,
            ExportSignature {
                returns: CType::Object,
                params: vec![CType::Object, CType::Usize, CType::Object],
                borrowed: vec![0],
            }
        );
        assert_eq!(
            e.signature.to_string(),
            "lean_object* (b_lean_obj_arg, size_t, lean_object*)"
        );
        assert_eq!(
            parse_export_line("static lean_object* f(lean_object*);"),
            Ok(None)
        );
    }

    #[test]
    fn rejects_bad_lines_without_panicking() {
        let cases = [
            (
                "LEAN_EXPORT void f(lean_object*);",
                "unsupported C type `void`",
            ),
            ("LEAN_EXPORT lean_object* f(lean_object*", "not closed"),
            (
                "LEAN_EXPORT lean_object* f(lean_object**);",
                "`lean_object**`",
            ),
            ("LEAN_EXPORT lean_object* f(-1);", "not a C type"),
            (
                "LEAN_EXPORT lean_object* f(int);",
                "unsupported C type `int`",
            ),
            (
                "LEAN_EXPORT lean_object* f(lean_object*,);",
                "empty parameter",
            ),
            (
                "LEAN_EXPORT lean_object* f(lean_object*) x;",
                "expected `;`",
            ),
            ("LEAN_EXPORT b_lean_obj_res f(lean_object*);", "borrowed"),
            (
                "LEAN_EXPORT b_lean_obj_arg g;",
                "unsupported C type `b_lean_obj_arg`",
            ),
            ("LEAN_EXPORT lean_object* 9f(lean_object*);", "cannot read"),
            ("LEAN_EXPORT (", "not closed"),
            ("LEAN_EXPORT ", "neither"),
            ("LEAN_EXPORT \u{0}\u{ffff}();", "cannot read"),
        ];
        for (line, expect) in cases {
            let err = parse_export_line(line).unwrap_err();
            assert!(err.to_string().contains(expect), "{line}: {err}");
        }
        let many = vec!["uint8_t"; MAX_EXPORT_PARAMS + 1].join(", ");
        let err = parse_export_line(&format!("LEAN_EXPORT uint8_t f({many});")).unwrap_err();
        assert!(err.to_string().contains("more than"), "{err}");
        let long = format!(
            "LEAN_EXPORT uint8_t {}(uint8_t);",
            "a".repeat(MAX_EXPORT_LINE_BYTES)
        );
        assert!(parse_export_line(&long).is_err());
        let sym = format!(
            "LEAN_EXPORT uint8_t {}(uint8_t);",
            "a".repeat(MAX_EXPORT_SYMBOL_BYTES + 1)
        );
        assert!(
            parse_export_line(&sym)
                .unwrap_err()
                .to_string()
                .contains("C symbol")
        );
    }

    #[test]
    fn extraction_checks_prototypes_against_definitions() {
        let text = "LEAN_EXPORT uint8_t f(uint8_t);\nstatic int x;\nLEAN_EXPORT uint8_t f(uint8_t v_x_1_){\n\
                    LEAN_EXPORT lean_object* g___boxed(lean_object**);\n";
        let found = extract_exports(text).unwrap();
        assert_eq!(found.exports.len(), 1);
        assert_eq!(
            found.signatures()["f"],
            ExportSignature::new(CType::U8, [CType::U8])
        );
        assert!(matches!(
            &found.skipped[..],
            [SignatureError::Unsupported { line: 4, symbol, .. }] if symbol == "g___boxed"
        ));
        for text in [
            "LEAN_EXPORT long f(uint8_t);\nLEAN_EXPORT uint8_t f(uint8_t x){\n",
            "LEAN_EXPORT uint8_t f(uint8_t);\nLEAN_EXPORT long f(uint8_t x){\n",
        ] {
            let err = extract_exports(text).unwrap_err();
            assert!(
                matches!(err, SignatureError::Conflict { line: 2, ref symbol, .. } if symbol == "f"),
                "{err:?}"
            );
        }
        let text = "LEAN_EXPORT uint8_t f(uint8_t);\n\nLEAN_EXPORT uint8_t f(uint32_t v_x_1_){\n";
        assert_eq!(
            extract_exports(text),
            Err(SignatureError::Conflict {
                line: 3,
                symbol: "f".into(),
                first: "uint8_t (uint8_t)".into(),
                second: "uint8_t (uint32_t)".into(),
            })
        );
        let text = "LEAN_EXPORT lean_object* f;\nLEAN_EXPORT lean_object* f(){\n";
        assert!(matches!(
            extract_exports(text),
            Err(SignatureError::Conflict { .. })
        ));
        let text = "x\nLEAN_EXPORT lean_object* f(lean_object* a\n";
        assert!(matches!(
            extract_exports(text),
            Err(SignatureError::Malformed { line: 2, .. })
        ));
    }

    #[test]
    fn signatures_serialize_in_the_abi_table_shape() {
        let sig = ExportSignature::new(CType::Object, [CType::U64, CType::Object]);
        let json = serde_json::to_string(&sig).unwrap();
        assert_eq!(
            json,
            r#"{"returns":"lean_object*","params":["uint64_t","lean_object*"],"borrowed":[]}"#
        );
        let back: ExportSignature = serde_json::from_str(
            r#"{"returns":"lean_object*","params":["uint64_t","lean_object*"]}"#,
        )
        .unwrap();
        assert_eq!(back, sig);
        assert!(
            serde_json::from_str::<ExportSignature>(r#"{"returns":"int","params":[]}"#).is_err()
        );
        assert!(
            serde_json::from_str::<ExportSignature>(r#"{"returns":"double","params":[],"x":1}"#)
                .is_err()
        );
        let bad = ExportSignature {
            returns: CType::U8,
            params: vec![CType::U8, CType::Object],
            borrowed: vec![0],
        };
        assert!(bad.validate().unwrap_err().contains("not an object"));
        let bad = ExportSignature {
            borrowed: vec![1, 1],
            ..bad
        };
        assert!(bad.validate().unwrap_err().contains("ascending"));
        let bad = ExportSignature {
            borrowed: vec![5],
            ..bad
        };
        assert!(bad.validate().unwrap_err().contains("parameter 5 of 2"));
    }
}
