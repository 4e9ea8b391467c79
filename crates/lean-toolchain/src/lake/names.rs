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

/// Lean's escaping of one name component: ASCII letters and digits stay, `_` doubles,
/// anything else becomes `_xHH`, `_uHHHH` or `_UHHHHHHHH` (lower-case hex).
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

/// True when a mangled component could be misread as an escape or a number, so Lean
/// separates it with `_00` instead of `_` (or prefixes `00` at the start).
fn needs_disambiguation(mangled: &str) -> bool {
    let rest = mangled.trim_start_matches('_');
    let is_hex = |s: &str, n: usize| {
        s.len() >= n
            && s[..n]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    match rest.as_bytes().first() {
        None => true,
        Some(b'x') => is_hex(&rest[1..], 2),
        Some(b'u') => is_hex(&rest[1..], 4),
        Some(b'U') => is_hex(&rest[1..], 8),
        Some(b) => b.is_ascii_digit(),
    }
}

/// Lean's mangling of a dotted name (as used in C symbol names), without any prefix:
/// `Elpi.Ffi` → `Elpi_Ffi`, `my_mod.Sub` → `my__mod_Sub`.
pub fn mangle_name(dotted: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<&str> = None;
    for component in dotted.split('.') {
        let mangled = mangle_component(component);
        match previous {
            None if needs_disambiguation(&mangled) => out.push_str("00"),
            None => {}
            Some(prev) if prev.ends_with('_') || needs_disambiguation(&mangled) => {
                out.push_str("_00");
            }
            Some(_) => out.push('_'),
        }
        out.push_str(&mangled);
        previous = Some(component);
    }
    out
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
