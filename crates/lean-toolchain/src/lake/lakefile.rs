//! Reading `lean_lib` declarations out of `lakefile.lean` and `lakefile.toml`.
//!
//! Only the declarative subset matters here: package name, package/library
//! `srcDir`, and each `lean_lib`'s name, `roots`, `globs` and `libName`.
//! `lakefile.lean` is Lean code, so it is scanned with a small tokenizer rather
//! than elaborated; computed configuration values are out of reach.

use std::path::{Path, PathBuf};

use crate::digest::read_bounded;

/// Largest lakefile read.
const MAX_LAKEFILE_BYTES: u64 = 1024 * 1024;

/// A module glob of a `lean_lib`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Glob {
    /// Just this module.
    One(String),
    /// Its submodules, not the module itself.
    Submodules(String),
    /// The module and all its submodules.
    AndSubmodules(String),
}

/// One `lean_lib` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeanLibDecl {
    /// The target name.
    pub name: String,
    /// Root modules (defaults to the target name).
    pub roots: Vec<String>,
    /// Explicit globs, if any.
    pub globs: Vec<Glob>,
    /// Library source directory, relative to the package source directory.
    pub src_dir: Option<String>,
    /// Library artifact base name (defaults to the target name).
    pub lib_name: Option<String>,
}

impl LeanLibDecl {
    /// The globs that define the library's source set: the explicit globs, else every
    /// root with its submodules (Lake counts a root's submodules as part of the library).
    pub fn effective_globs(&self) -> Vec<Glob> {
        if self.globs.is_empty() {
            self.roots
                .iter()
                .cloned()
                .map(Glob::AndSubmodules)
                .collect()
        } else {
            self.globs.clone()
        }
    }

    /// The artifact base name.
    pub fn artifact_name(&self) -> &str {
        self.lib_name.as_deref().unwrap_or(&self.name)
    }
}

/// What a lakefile declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lakefile {
    /// The lakefile path.
    pub path: PathBuf,
    /// The package name.
    pub package: Option<String>,
    /// The package source directory (relative to the Lake root).
    pub src_dir: Option<String>,
    /// Every `lean_lib`, in declaration order.
    pub libs: Vec<LeanLibDecl>,
    /// Path dependencies (`[[require]]` with a `path`, TOML lakefiles only).
    pub requires: Vec<LakeRequire>,
}

/// A `[[require]]` of a `lakefile.toml` that points at a local directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LakeRequire {
    /// The required package's name.
    pub name: String,
    /// Its directory, relative to the requiring package's root.
    pub path: PathBuf,
}

impl Lakefile {
    /// Finds and reads `lakefile.lean` (preferred) or `lakefile.toml` in `root`.
    /// `Ok(None)` when there is neither; `Err` carries a one-line reason.
    pub fn load(root: &Path) -> Result<Option<Self>, (PathBuf, String)> {
        for (file, parse) in [
            (
                "lakefile.lean",
                parse_lean as fn(&str) -> Result<Parsed, String>,
            ),
            ("lakefile.toml", parse_toml),
        ] {
            let path = root.join(file);
            if !path.is_file() {
                continue;
            }
            let bytes = read_bounded(&path, MAX_LAKEFILE_BYTES)
                .map_err(|e| (path.clone(), format!("cannot read it: {e}")))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| (path.clone(), "it is not UTF-8".to_owned()))?;
            let parsed = parse(&text).map_err(|e| (path.clone(), e))?;
            return Ok(Some(Self {
                path,
                package: parsed.package,
                src_dir: parsed.src_dir,
                libs: parsed.libs,
                requires: parsed.requires,
            }));
        }
        Ok(None)
    }

    /// The declaration of `target`, if any.
    pub fn lib(&self, target: &str) -> Option<&LeanLibDecl> {
        self.libs.iter().find(|lib| lib.name == target)
    }

    /// The declared library names, comma-separated, or `none`.
    pub fn declared(&self) -> String {
        if self.libs.is_empty() {
            "none".to_owned()
        } else {
            self.libs
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

/// Reads lakefile `text` as `lakefile.lean` (`lean`) or `lakefile.toml` without touching
/// the file system; the result's `path` is empty. The fuzz harness's entry point (the
/// readers are otherwise reached only through [`Lakefile::load`]); not public API.
#[doc(hidden)]
pub fn fuzz_parse_lakefile(text: &str, lean: bool) -> Result<Lakefile, String> {
    let parsed = if lean {
        parse_lean(text)?
    } else {
        parse_toml(text)?
    };
    Ok(Lakefile {
        path: PathBuf::new(),
        package: parsed.package,
        src_dir: parsed.src_dir,
        libs: parsed.libs,
        requires: parsed.requires,
    })
}

#[derive(Default)]
struct Parsed {
    package: Option<String>,
    src_dir: Option<String>,
    libs: Vec<LeanLibDecl>,
    requires: Vec<LakeRequire>,
}

// ---------- lakefile.toml ----------

fn parse_toml(text: &str) -> Result<Parsed, String> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| format!("invalid TOML: {}", e.message()))?;
    let string =
        |t: &toml::Table, key: &str| t.get(key).and_then(toml::Value::as_str).map(str::to_owned);
    let strings = |t: &toml::Table, key: &str| -> Vec<String> {
        match t.get(key) {
            Some(toml::Value::String(s)) => vec![s.clone()],
            Some(toml::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut parsed = Parsed {
        package: string(&table, "name"),
        src_dir: string(&table, "srcDir"),
        libs: Vec::new(),
        requires: Vec::new(),
    };
    if let Some(requires) = table.get("require") {
        let requires = requires
            .as_array()
            .ok_or("`require` must be an array of tables ([[require]])")?;
        for req in requires {
            let req = req.as_table().ok_or("a [[require]] entry is not a table")?;
            let name = string(req, "name").ok_or("a [[require]] entry has no `name`")?;
            // Only path requires are read; git/registry requires are Lake's business.
            if let Some(path) = string(req, "path") {
                parsed.requires.push(LakeRequire {
                    name,
                    path: PathBuf::from(path),
                });
            }
        }
    }
    let libs = match table.get("lean_lib") {
        None => &Vec::new(),
        Some(toml::Value::Array(libs)) => libs,
        Some(_) => return Err("`lean_lib` must be an array of tables ([[lean_lib]])".to_owned()),
    };
    for lib in libs {
        let lib = lib
            .as_table()
            .ok_or("a [[lean_lib]] entry is not a table")?;
        let name = string(lib, "name").ok_or("a [[lean_lib]] entry has no `name`")?;
        let roots = strings(lib, "roots");
        let globs = strings(lib, "globs")
            .into_iter()
            .map(|g| glob_from_toml(&g))
            .collect();
        parsed.libs.push(LeanLibDecl {
            roots: if roots.is_empty() {
                vec![name.clone()]
            } else {
                roots
            },
            globs,
            src_dir: string(lib, "srcDir"),
            lib_name: string(lib, "libName"),
            name,
        });
    }
    Ok(parsed)
}

/// Lake's TOML glob syntax: `A.*` submodules, `A.+` module and submodules, `A` just `A`.
fn glob_from_toml(text: &str) -> Glob {
    if let Some(base) = text.strip_suffix(".*") {
        Glob::Submodules(base.to_owned())
    } else if let Some(base) = text.strip_suffix(".+") {
        Glob::AndSubmodules(base.to_owned())
    } else {
        Glob::One(text.to_owned())
    }
}

// ---------- lakefile.lean ----------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Tick(String),
    Str(String),
    Sym(&'static str),
    Other(char),
}

#[derive(Debug)]
struct Token {
    tok: Tok,
    /// The token starts in column 0, so it begins a top-level command.
    line_start: bool,
}

const MAX_TOKENS: usize = 200_000;

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_rest(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '\'' | '!' | '?')
}

/// Skips a (nestable) `/- … -/` comment starting at `i`; returns the index after it.
fn skip_block_comment(chars: &[char], mut i: usize) -> Result<usize, String> {
    let mut depth = 0usize;
    loop {
        match (chars.get(i), chars.get(i + 1)) {
            (Some('/'), Some('-')) => {
                depth += 1;
                i += 2;
            }
            (Some('-'), Some('/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Ok(i);
                }
            }
            (Some(_), _) => i += 1,
            (None, _) => return Err("an unterminated /- comment".to_owned()),
        }
    }
}

/// Reads a string literal whose body starts at `i`; returns it and the index after the quote.
fn read_string(chars: &[char], mut i: usize) -> Result<(String, usize), String> {
    let mut s = String::new();
    loop {
        match chars.get(i) {
            None => return Err("an unterminated string".to_owned()),
            Some('"') => return Ok((s, i + 1)),
            Some('\\') => {
                if let Some(&next) = chars.get(i + 1) {
                    s.push(match next {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                i += 2;
            }
            Some(&other) => {
                s.push(other);
                i += 1;
            }
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let at_line_start = |i: usize| i == 0 || chars[i - 1] == '\n';
    while i < chars.len() {
        if tokens.len() > MAX_TOKENS {
            return Err("the lakefile is too long".to_owned());
        }
        let c = chars[i];
        let line_start = at_line_start(i);
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'-') {
            i = skip_block_comment(&chars, i)?;
        } else if c == '"' {
            let (string, next) = read_string(&chars, i + 1)?;
            tokens.push(Token {
                tok: Tok::Str(string),
                line_start,
            });
            i = next;
        } else if c == '`' {
            let (name, next) = read_name(&chars, i + 1)?;
            if name.is_empty() {
                tokens.push(Token {
                    tok: Tok::Other('`'),
                    line_start,
                });
                i += 1;
            } else {
                tokens.push(Token {
                    tok: Tok::Tick(name),
                    line_start,
                });
                i = next;
            }
        } else if is_ident_start(c) || c == '«' {
            let (name, next) = read_name(&chars, i)?;
            tokens.push(Token {
                tok: Tok::Ident(name),
                line_start,
            });
            i = next;
        } else {
            let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let sym = match two.as_str() {
                ":=" => Some(":="),
                "#[" => Some("#["),
                "@[" => Some("@["),
                _ => None,
            };
            if let Some(sym) = sym {
                tokens.push(Token {
                    tok: Tok::Sym(sym),
                    line_start,
                });
                i += 2;
            } else {
                tokens.push(Token {
                    tok: Tok::Other(c),
                    line_start,
                });
                i += 1;
            }
        }
    }
    Ok(tokens)
}

/// Reads a dotted name starting at `i` (components are identifiers or `«…»`).
fn read_name(chars: &[char], mut i: usize) -> Result<(String, usize), String> {
    let mut name = String::new();
    loop {
        match chars.get(i) {
            Some('«') => {
                let close = chars[i..]
                    .iter()
                    .position(|&c| c == '»')
                    .ok_or("an unterminated «name»")?;
                name.extend(&chars[i + 1..i + close]);
                i += close + 1;
            }
            Some(&c) if is_ident_start(c) => {
                while let Some(&c) = chars.get(i) {
                    if !is_ident_rest(c) {
                        break;
                    }
                    name.push(c);
                    i += 1;
                }
            }
            _ => return Ok((name, i)),
        }
        match (chars.get(i), chars.get(i + 1)) {
            (Some('.'), Some(&c)) if is_ident_start(c) || c == '«' => {
                name.push('.');
                i += 1;
            }
            _ => return Ok((name, i)),
        }
    }
}

/// Top-level commands end the body of the previous declaration.
fn begins_command(token: &Token) -> bool {
    token.line_start && !matches!(token.tok, Tok::Other('}' | ')' | ']' | ','))
}

fn parse_lean(text: &str) -> Result<Parsed, String> {
    let tokens = tokenize(text)?;
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < tokens.len() {
        let keyword = match &tokens[i].tok {
            Tok::Ident(k) if k == "package" || k == "lean_lib" => k.clone(),
            _ => {
                i += 1;
                continue;
            }
        };
        let Some(Tok::Ident(name)) = tokens.get(i + 1).map(|t| &t.tok) else {
            return Err(format!("`{keyword}` is not followed by a name"));
        };
        let name = name.clone();
        let body_start = i + 2;
        let mut end = body_start;
        while end < tokens.len() && !begins_command(&tokens[end]) {
            end += 1;
        }
        let body = &tokens[body_start..end];
        if keyword == "package" {
            parsed.package = Some(name);
            parsed.src_dir = field_string(body, "srcDir");
        } else {
            let roots = field_array(body, "roots").map(|items| {
                items
                    .into_iter()
                    .filter_map(|(_, t)| if let Tok::Tick(n) = t { Some(n) } else { None })
                    .collect::<Vec<_>>()
            });
            let globs = field_array(body, "globs")
                .map(|items| items_to_globs(&items))
                .unwrap_or_default();
            parsed.libs.push(LeanLibDecl {
                roots: roots
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| vec![name.clone()]),
                globs,
                src_dir: field_string(body, "srcDir"),
                lib_name: field_string(body, "libName"),
                name,
            });
        }
        i = end;
    }
    Ok(parsed)
}

fn field_value<'t>(body: &'t [Token], field: &str) -> Option<&'t [Token]> {
    body.windows(2)
        .position(|w| w[0].tok == Tok::Ident(field.to_owned()) && w[1].tok == Tok::Sym(":="))
        .map(|at| &body[at + 2..])
}

fn field_string(body: &[Token], field: &str) -> Option<String> {
    match field_value(body, field)?.first().map(|t| &t.tok) {
        Some(Tok::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The items of `field := #[ … ]`, each a group of tokens split at top-level commas.
fn field_array(body: &[Token], field: &str) -> Option<Vec<(Option<String>, Tok)>> {
    let value = field_value(body, field)?;
    if value.first().map(|t| &t.tok) != Some(&Tok::Sym("#[")) {
        return None;
    }
    // Each item is reduced to (optional constructor such as `andSubmodules`, name token).
    let mut items = Vec::new();
    let mut ctor: Option<String> = None;
    for token in &value[1..] {
        match &token.tok {
            Tok::Other(']') => break,
            Tok::Other(',') => ctor = None,
            Tok::Ident(id) => ctor = Some(id.rsplit('.').next().unwrap_or(id).to_owned()),
            Tok::Tick(name) => items.push((ctor.take(), Tok::Tick(name.clone()))),
            _ => {}
        }
    }
    Some(items)
}

fn items_to_globs(items: &[(Option<String>, Tok)]) -> Vec<Glob> {
    items
        .iter()
        .filter_map(|(ctor, tok)| {
            let Tok::Tick(name) = tok else { return None };
            Some(match ctor.as_deref() {
                Some("submodules") => Glob::Submodules(name.clone()),
                Some("andSubmodules") => Glob::AndSubmodules(name.clone()),
                _ => Glob::One(name.clone()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_lean_lakefile() {
        let text = r#"import Lake
open Lake DSL

/- a block /- nested -/ comment with lean_lib Fake -/
package «lean-elpi» where
  srcDir := "src" -- lean_lib NotThis

@[default_target]
lean_lib LeanElpi where
  roots := #[`Elpi, `Elpi.Extra]
  globs := #[.andSubmodules `Elpi, Glob.one `Top, .submodules `Sub]
  libName := "leanelpi"

lean_lib «Other» {
  srcDir := "other"
}

lean_exe tool where
  root := `Main
"#;
        let parsed = parse_lean(text).unwrap();
        assert_eq!(parsed.package.as_deref(), Some("lean-elpi"));
        assert_eq!(parsed.src_dir.as_deref(), Some("src"));
        assert_eq!(parsed.libs.len(), 2);
        let lib = &parsed.libs[0];
        assert_eq!(lib.name, "LeanElpi");
        assert_eq!(lib.roots, ["Elpi", "Elpi.Extra"]);
        assert_eq!(
            lib.globs,
            [
                Glob::AndSubmodules("Elpi".into()),
                Glob::One("Top".into()),
                Glob::Submodules("Sub".into())
            ]
        );
        assert_eq!(lib.artifact_name(), "leanelpi");
        assert_eq!(parsed.libs[1].name, "Other");
        assert_eq!(parsed.libs[1].roots, ["Other"]);
        assert_eq!(parsed.libs[1].src_dir.as_deref(), Some("other"));
    }

    #[test]
    fn reads_a_toml_lakefile() {
        let text = r#"
name = "demo"
srcDir = "lean"
[[lean_lib]]
name = "Demo"
roots = ["Demo", "Extra"]
globs = ["Demo.+", "Extra", "Sub.*"]
[[lean_lib]]
name = "Plain"
"#;
        let parsed = parse_toml(text).unwrap();
        assert_eq!(parsed.package.as_deref(), Some("demo"));
        assert_eq!(parsed.src_dir.as_deref(), Some("lean"));
        assert_eq!(parsed.libs[0].roots, ["Demo", "Extra"]);
        assert_eq!(
            parsed.libs[0].globs,
            [
                Glob::AndSubmodules("Demo".into()),
                Glob::One("Extra".into()),
                Glob::Submodules("Sub".into())
            ]
        );
        assert_eq!(parsed.libs[1].roots, ["Plain"]);
        assert!(parse_toml("name = ").is_err());
        assert!(parse_toml("lean_lib = 3").is_err());
    }

    #[test]
    fn malformed_lean_lakefiles_are_errors_not_panics() {
        assert!(parse_lean("package").is_err());
        assert!(parse_lean("/- open").is_err());
        assert!(parse_lean("lean_lib A where\n  srcDir := \"x").is_err());
        assert!(parse_lean("lean_lib «A").is_err());
        assert!(parse_lean("").unwrap().libs.is_empty());
    }
}
