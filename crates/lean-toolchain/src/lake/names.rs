//! Lean module names, Lean's C-symbol name mangling, and Lake's dylib naming.

use std::fmt::Write;

use crate::version::LeanVersion;

const MAX_NAME_CHARS: usize = 512;

/// Checks a dotted Lean module name such as `MyLib.Basic`; returns its components.
///
/// Each component starts with a letter or `_` and continues with letters, digits,
/// `_`, `'`, `!` or `?` (Lean's identifier rules without `«»` escapes).
pub fn validate_module_name(name: &str) -> Result<Vec<&str>, String> {
    if name.is_empty() {
        return Err("it is empty".to_owned());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("longer than {MAX_NAME_CHARS} characters"));
    }
    let components: Vec<&str> = name.split('.').collect();
    for component in &components {
        let mut chars = component.chars();
        match chars.next() {
            None => return Err("it has an empty component".to_owned()),
            Some(c) if !(c.is_alphabetic() || c == '_') => {
                return Err(format!(
                    "component `{component}` must start with a letter or `_`"
                ));
            }
            Some(_) => {}
        }
        if let Some(bad) =
            chars.find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '\'' | '!' | '?')))
        {
            return Err(format!(
                "component `{component}` contains `{}`",
                bad.escape_default()
            ));
        }
    }
    Ok(components)
}

/// Checks a Lake package name (letters, digits, `-`, `_`; e.g. `lean-elpi`).
pub fn validate_package_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the package name is empty".to_owned());
    }
    if name.chars().count() > 128 {
        return Err("the package name is longer than 128 characters".to_owned());
    }
    match name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_')))
    {
        Some(bad) => Err(format!(
            "the package name contains `{}`",
            bad.escape_default()
        )),
        None => Ok(()),
    }
}

/// One component of a hierarchical Lean name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamePart<'a> {
    /// A string component (every component of a module name).
    Str(&'a str),
    /// A numeric component; never in module names, kept so the mangler is complete.
    Num(u64),
}

/// Lean's `String.mangle`: ASCII letters and digits stay, `_` doubles, anything else becomes
/// `_xHH`, `_uHHHH` or `_UHHHHHHHH` (lower-case hex of the code point).
pub fn mangle_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let code = u32::from(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c == '_' {
            out.push_str("__");
        } else {
            // Writing to a String cannot fail.
            let _ = if code < 0x100 {
                write!(out, "_x{code:02x}")
            } else if code < 0x1_0000 {
                write!(out, "_u{code:04x}")
            } else {
                write!(out, "_U{code:08x}")
            };
        }
    }
    out
}

/// Lean's `checkDisambiguation`: after leading underscores, a mangled component that is empty
/// or starts like an escape (`x`/`u`/`U` + hex) or a number gets a `00` marker.
fn needs_disambiguation(mangled: &str) -> bool {
    // Mangled text is ASCII, so byte slicing is exact.
    let rest = mangled.trim_start_matches('_').as_bytes();
    let hex_after_first = |n: usize| {
        rest.len() > n
            && rest[1..=n]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    };
    match rest.first() {
        None => true,
        Some(b'x') => hex_after_first(2),
        Some(b'u') => hex_after_first(4),
        Some(b'U') => hex_after_first(8),
        Some(b) => b.is_ascii_digit(),
    }
}

/// Lean's `Name.mangle parts prefix`: components joined by `_` (`_00` where a component would
/// otherwise be ambiguous), numbers written as `_<n>_`.
pub fn mangle_parts(parts: &[NamePart<'_>], prefix: &str) -> String {
    let mut out = String::from(prefix);
    let body_start = out.len();
    for (index, part) in parts.iter().enumerate() {
        match part {
            NamePart::Str(text) => {
                let mangled = mangle_component(text);
                let body = &out[body_start..];
                if index == 0 {
                    if needs_disambiguation(&mangled) {
                        out.push_str("00");
                    }
                } else if body.ends_with("__") || needs_disambiguation(&mangled) {
                    out.push_str("_00");
                } else {
                    out.push('_');
                }
                out.push_str(&mangled);
            }
            NamePart::Num(n) => {
                if index > 0 {
                    out.push('_');
                }
                let _ = write!(out, "{n}_");
            }
        }
    }
    out
}

/// [`mangle_parts`] of a dotted module name, without prefix:
/// `Elpi.Ffi` → `Elpi_Ffi`, `my_mod.Sub` → `my__mod_Sub`.
pub fn mangle_name(dotted: &str) -> String {
    let parts: Vec<NamePart<'_>> = dotted.split('.').map(NamePart::Str).collect();
    mangle_parts(&parts, "")
}

/// The two Lake naming schemes for shared libraries and module initializers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NamingConvention {
    /// Lean ≤ 4.26: `lib{Lib}.so`, `initialize_{Module}`.
    Unqualified,
    /// Lean ≥ 4.27: `lib{package}_{Lib}.so`, `initialize_{package}_{Module}`.
    PackageQualified,
}

impl NamingConvention {
    /// The convention a given Lean release uses.
    pub fn for_version(version: &LeanVersion) -> Self {
        if (version.major, version.minor) <= (4, 26) {
            Self::Unqualified
        } else {
            Self::PackageQualified
        }
    }

    /// The shared-library file name Lake produces for `lib_name` of `package`.
    pub fn dylib_file_name(self, package: &str, lib_name: &str) -> String {
        let ext = if cfg!(target_os = "macos") {
            "dylib"
        } else {
            "so"
        };
        match self {
            Self::Unqualified => format!("lib{lib_name}.{ext}"),
            Self::PackageQualified => format!("lib{}_{lib_name}.{ext}", mangle_component(package)),
        }
    }

    /// The C symbol of `module`'s initializer.
    pub fn initializer_symbol(self, package: &str, module: &str) -> String {
        match self {
            Self::Unqualified => format!("initialize_{}", mangle_name(module)),
            Self::PackageQualified => format!(
                "initialize_{}_{}",
                mangle_component(package),
                mangle_name(module)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mangles_like_lean() {
        assert_eq!(mangle_component("lean-elpi"), "lean_x2delpi");
        assert_eq!(mangle_name("Elpi.Ffi"), "Elpi_Ffi");
        assert_eq!(mangle_name("my_mod.Sub"), "my__mod_Sub");
        assert_eq!(mangle_name("Café.λ"), "Caf_xe9_00_u03bb");
        assert_eq!(mangle_name("A.x12"), "A_00x12");
        assert_eq!(mangle_name("a_.B"), "a___00B");
        assert_eq!(mangle_name("Emoji.😀"), "Emoji_00_U0001f600");
        assert_eq!(mangle_component("a_b.λ😀"), "a__b_x2e_u03bb_U0001f600");
        assert_eq!(mangle_name("x12.y"), "00x12_y");
        assert_eq!(mangle_name("a.1b"), "a_001b");
        assert_eq!(mangle_name("xyz"), "xyz");
    }

    #[test]
    fn numeric_parts_and_prefix() {
        use NamePart::{Num, Str};
        assert_eq!(mangle_parts(&[Str("a"), Num(7), Str("b")], ""), "a_7__b");
        assert_eq!(mangle_parts(&[Num(3)], ""), "3_");
        assert_eq!(
            mangle_parts(&[Str("Elpi"), Str("Ffi")], "initialize_"),
            "initialize_Elpi_Ffi"
        );
        // A prefix ending in `__` does not count as a previous component.
        assert_eq!(mangle_parts(&[Str("b")], "p__"), "p__b");
    }

    #[test]
    fn both_conventions() {
        let old = NamingConvention::for_version(&LeanVersion::parse("4.26.0").unwrap());
        let new = NamingConvention::for_version(&LeanVersion::parse("4.27.0").unwrap());
        assert_eq!(old, NamingConvention::Unqualified);
        assert_eq!(new, NamingConvention::PackageQualified);
        assert_eq!(
            old.initializer_symbol("lean-elpi", "Elpi.Ffi"),
            "initialize_Elpi_Ffi"
        );
        assert_eq!(
            new.initializer_symbol("lean-elpi", "Elpi.Ffi"),
            "initialize_lean_x2delpi_Elpi_Ffi"
        );
        if cfg!(target_os = "linux") {
            assert_eq!(
                old.dylib_file_name("lean-elpi", "LeanElpi"),
                "libLeanElpi.so"
            );
            assert_eq!(
                new.dylib_file_name("lean-elpi", "LeanElpi"),
                "liblean_x2delpi_LeanElpi.so"
            );
        }
    }

    #[test]
    fn module_name_validation() {
        assert!(validate_module_name("MyLib.Basic").is_ok());
        assert!(validate_module_name("Élan.x'").is_ok());
        for bad in ["", "A..B", ".A", "A.", "1A", "my-mod", "A B", "A/B"] {
            assert!(validate_module_name(bad).is_err(), "{bad:?}");
        }
        assert!(validate_package_name("lean-elpi").is_ok());
        assert!(validate_package_name("a b").is_err());
    }
}
