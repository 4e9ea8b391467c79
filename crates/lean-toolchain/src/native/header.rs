//! Reading the import header of a Lean source file.
//!
//! The build needs each module's imports before Lean runs, to order the modules and to
//! name a missing import with the file that asks for it. Only the header is read: an
//! optional `module`, an optional `prelude`, then `import` commands (with the `public`,
//! `meta` and `all` modifiers of the module system). Comments are skipped; the first other
//! token ends the header.

/// What a module's import header says (read by [`read_module_header`](crate::lake::read_module_header)).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct LeanModuleHeader {
    /// `module`: the file takes part in the module system.
    pub is_module: bool,
    /// `prelude`: the file does not import `Init` implicitly.
    pub is_prelude: bool,
    /// Imported module names, in order.
    pub imports: Vec<String>,
}

/// Parses the header of `text`. An error names what is malformed, in one line.
pub(crate) fn parse_header(text: &str) -> Result<LeanModuleHeader, String> {
    let mut tokens = Tokens { text, pos: 0 };
    let mut header = LeanModuleHeader::default();
    let mut pending_modifier = false;
    while let Some(token) = tokens.next()? {
        match token {
            "module" if !header.is_module && !header.is_prelude && header.imports.is_empty() => {
                header.is_module = true;
            }
            "prelude" if !header.is_prelude && header.imports.is_empty() => {
                header.is_prelude = true;
            }
            "public" | "meta" => pending_modifier = true,
            "import" => {
                let mut name = tokens
                    .next()?
                    .ok_or("`import` at the end of the file names no module")?;
                if name == "all" {
                    name = tokens.next()?.ok_or("`import all` names no module")?;
                }
                check_module_name(name)?;
                header.imports.push(name.to_owned());
                pending_modifier = false;
            }
            _ if pending_modifier => {
                return Err(format!(
                    "expected `import` after a modifier, found `{token}`"
                ));
            }
            _ => break,
        }
    }
    if !header.is_prelude {
        // Without `prelude` every file imports `Init` first.
        header.imports.insert(0, "Init".to_owned());
    }
    Ok(header)
}

fn check_module_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.split('.').all(|part| {
            !part.is_empty()
                && (part.starts_with('«')
                    || part.chars().all(|c| {
                        c.is_alphanumeric() || c == '_' || c == '\'' || c == '!' || c == '?'
                    }))
        });
    if ok {
        Ok(())
    } else {
        Err(format!("`{name}` is not a module name"))
    }
}

struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    /// The next token, skipping whitespace and comments; `None` at the end.
    fn next(&mut self) -> Result<Option<&'a str>, String> {
        self.skip_trivia()?;
        let rest = &self.text[self.pos..];
        if rest.is_empty() {
            return Ok(None);
        }
        let len = if rest.starts_with('«') {
            // A guillemet-quoted name part runs to its closing guillemet; keep going for
            // the rest of a dotted name.
            name_len(rest)
        } else {
            let n = name_len(rest);
            if n == 0 {
                // Punctuation: one character is enough to end the header.
                rest.chars().next().map_or(1, char::len_utf8)
            } else {
                n
            }
        };
        let token = &rest[..len];
        self.pos += len;
        Ok(Some(token))
    }

    fn skip_trivia(&mut self) -> Result<(), String> {
        loop {
            let rest = &self.text[self.pos..];
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with("--") {
                let end = trimmed.find('\n').unwrap_or(trimmed.len());
                self.pos += end;
            } else if trimmed.starts_with("/-") && !trimmed.starts_with("/-!") {
                self.pos += block_comment_len(trimmed)?;
            } else {
                return Ok(());
            }
        }
    }
}

/// Length of a dotted name at the start of `s` (0 if none).
fn name_len(s: &str) -> usize {
    let mut len = 0;
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c == '«' {
            match s[i..].find('»') {
                Some(close) => {
                    let end = i + close + '»'.len_utf8();
                    while chars.peek().is_some_and(|&(j, _)| j < end) {
                        chars.next();
                    }
                    len = end;
                }
                None => return s.len(),
            }
        } else if c.is_alphanumeric() || matches!(c, '_' | '\'' | '!' | '?' | '.') {
            chars.next();
            len = i + c.len_utf8();
        } else {
            break;
        }
    }
    len
}

/// Length of a (nested) block comment at the start of `s`.
fn block_comment_len(s: &str) -> Result<usize, String> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'-') => {
                depth += 1;
                i += 2;
            }
            (b'-', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => i += 1,
        }
    }
    Err("a block comment in the header is not closed".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_module_prelude_and_imports_with_modifiers() {
        let h = parse_header(
            "/- copyright -/\nmodule\n\nprelude\n-- a comment\npublic import A.B\nmeta import all C\nimport «D E».F\n\nnamespace X\nimport Nope\n",
        )
        .unwrap();
        assert!(h.is_module && h.is_prelude);
        assert_eq!(h.imports, ["A.B", "C", "«D E».F"]);
    }

    #[test]
    fn a_file_without_prelude_imports_init() {
        let h = parse_header("import Foo\ndef x := 1").unwrap();
        assert_eq!(h.imports, ["Init", "Foo"]);
        assert!(!h.is_module);
    }

    #[test]
    fn module_docs_end_the_header() {
        let h = parse_header("prelude\n/-! # Docs\nimport Fake -/\nimport Real").unwrap();
        assert!(h.imports.is_empty());
    }

    #[test]
    fn malformed_headers_are_errors_not_panics() {
        assert!(parse_header("prelude\n/- open").is_err());
        assert!(parse_header("prelude\nimport").is_err());
        assert!(parse_header("prelude\npublic def").is_err());
        assert!(parse_header("prelude\nimport (x)").is_err());
        for text in [
            "",
            "«",
            "import «",
            "/-",
            "--",
            "prelude import ..",
            "\u{0}",
        ] {
            let _ = parse_header(text);
        }
    }
}
