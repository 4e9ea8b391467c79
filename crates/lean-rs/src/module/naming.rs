//! Lean's symbol-name mangling, as far as the loader needs it: module initializer names.
//!
//! This mirrors `Lean.Compiler.NameMangling` (`String.mangle`, `Name.mangle`) so the loader can
//! compute `initialize_*` symbols without calling into Lean before the module exists. The
//! tests check it against the real `lean_name_mangle` export of `libleanshared`.
//!
//! Two initializer conventions exist in the supported window:
//! - Lean ≤ 4.26: `initialize_<Module>` (module name mangled alone);
//! - Lean ≥ 4.27 (Lake packages): `initialize_<package>_<Module>`, the package id mangled as a
//!   string and used as the prefix of the module-name mangling.

use std::fmt::Write as _;

use crate::error::{LeanError, LeanResult};

/// Longest module or package name accepted, in bytes (real names are far shorter).
const NAME_LIMIT: usize = 1024;

/// One component of a hierarchical Lean name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum NamePart<'a> {
    Str(&'a str),
    /// Numeric components never occur in module names; kept so the mangler stays complete.
    #[cfg_attr(not(test), allow(dead_code))]
    Num(u64),
}

/// `String.mangle`: ASCII letters and digits stay, `_` doubles, everything else is escaped as
/// `_xHH`, `_uHHHH` or `_UHHHHHHHH` (lower-case hex of the code point).
pub(crate) fn mangle_str(s: &str, out: &mut String) {
    for c in s.chars() {
        let code = u32::from(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c == '_' {
            out.push_str("__");
        } else if code < 0x100 {
            let _ = write!(out, "_x{code:02x}");
        } else if code < 0x1_0000 {
            let _ = write!(out, "_u{code:04x}");
        } else {
            let _ = write!(out, "_U{code:08x}");
        }
    }
}

/// `checkDisambiguation`: a mangled component needs a `00` marker when, after leading
/// underscores, it is empty or starts like an escape (`x`/`u`/`U` + hex) or a number.
fn needs_disambiguation(mangled: &str) -> bool {
    let bytes = mangled.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i] == b'_' {
        i += 1;
    }
    let Some(&first) = bytes.get(i) else {
        return true;
    };
    let hex_after = |n: usize| {
        bytes.len() >= i + 1 + n
            && bytes[i + 1..i + 1 + n]
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    };
    match first {
        b'x' => hex_after(2),
        b'u' => hex_after(4),
        b'U' => hex_after(8),
        b'0'..=b'9' => true,
        _ => false,
    }
}

/// `Name.mangle n pre`: components joined by `_` (`_00` where a component would otherwise be
/// ambiguous), numbers written as `_<n>_`.
pub(crate) fn mangle_name(parts: &[NamePart<'_>], prefix: &str) -> String {
    let mut body = String::new();
    for (index, part) in parts.iter().enumerate() {
        match part {
            NamePart::Str(s) => {
                let mut m = String::new();
                mangle_str(s, &mut m);
                if index == 0 {
                    if needs_disambiguation(&m) {
                        body.push_str("00");
                    }
                } else if body.ends_with("__") || needs_disambiguation(&m) {
                    body.push_str("_00");
                } else {
                    body.push('_');
                }
                body.push_str(&m);
            }
            NamePart::Num(n) => {
                if index > 0 {
                    body.push('_');
                }
                let _ = write!(body, "{n}_");
            }
        }
    }
    let mut out = String::with_capacity(prefix.len() + body.len());
    out.push_str(prefix);
    out.push_str(&body);
    out
}

/// Splits a dotted module name (`Elpi.Ffi`) into components, rejecting empty or oversized names.
pub(crate) fn module_parts(module: &str) -> LeanResult<Vec<NamePart<'_>>> {
    validate(module, "module")?;
    module
        .split('.')
        .map(|part| {
            if part.is_empty() {
                Err(LeanError::link(format!(
                    "module name `{}` has an empty component",
                    clip(module)
                )))
            } else {
                Ok(NamePart::Str(part))
            }
        })
        .collect()
}

fn validate(name: &str, what: &str) -> LeanResult<()> {
    if name.is_empty() {
        return Err(LeanError::link(format!("{what} name is empty")));
    }
    if name.len() > NAME_LIMIT {
        return Err(LeanError::link(format!(
            "{what} name is longer than {NAME_LIMIT} bytes"
        )));
    }
    if name.contains('\0') {
        return Err(LeanError::link(format!(
            "{what} name `{}` contains a NUL byte",
            clip(name)
        )));
    }
    Ok(())
}

fn clip(name: &str) -> &str {
    let mut end = name.len().min(80);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// The Lean ≤ 4.26 initializer symbol: `initialize_<Module>`.
pub(crate) fn legacy_initializer_symbol(module: &str) -> LeanResult<String> {
    let parts = module_parts(module)?;
    Ok(mangle_name(&parts, "initialize_"))
}

/// The Lean ≥ 4.27 initializer symbol for a module of a Lake package:
/// `initialize_<package>_<Module>`.
pub(crate) fn package_initializer_symbol(package: &str, module: &str) -> LeanResult<String> {
    validate(package, "package")?;
    let parts = module_parts(module)?;
    let mut prefix = String::from("initialize_");
    mangle_str(package, &mut prefix);
    prefix.push('_');
    Ok(mangle_name(&parts, &prefix))
}

/// The initializer symbols to try for `(package, module)`, the convention of the Lean version
/// this crate was built for first, the other one as a fallback.
pub(crate) fn initializer_candidates(package: &str, module: &str) -> LeanResult<[String; 2]> {
    let qualified = package_initializer_symbol(package, module)?;
    let legacy = legacy_initializer_symbol(module)?;
    if crate::module::PACKAGE_QUALIFIED_INITIALIZERS_FIRST {
        Ok([qualified, legacy])
    } else {
        Ok([legacy, qualified])
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn mangle(parts: &[NamePart<'_>]) -> String {
        mangle_name(parts, "")
    }

    #[test]
    fn strings_escape_like_lean() {
        let mut out = String::new();
        mangle_str("lean-elpi", &mut out);
        assert_eq!(out, "lean_x2delpi");
        let mut out = String::new();
        mangle_str("a_b.λ😀", &mut out);
        assert_eq!(out, "a__b_x2e_u03bb_U0001f600");
    }

    #[test]
    fn hierarchical_names_join_and_disambiguate() {
        use NamePart::{Num, Str};
        assert_eq!(mangle(&[Str("Elpi"), Str("Ffi")]), "Elpi_Ffi");
        assert_eq!(mangle(&[Str("a_"), Str("b")]), "a___00b");
        assert_eq!(mangle(&[Str("x12"), Str("y")]), "00x12_y");
        assert_eq!(mangle(&[Str("a"), Str("1b")]), "a_001b");
        assert_eq!(mangle(&[Str("a"), Num(7), Str("b")]), "a_7__b");
        assert_eq!(mangle(&[Num(3)]), "3_");
        assert_eq!(mangle(&[Str("xyz")]), "xyz");
    }

    #[test]
    fn initializer_symbols_match_the_real_elpi_library() {
        assert_eq!(
            package_initializer_symbol("lean-elpi", "Elpi.Ffi").unwrap(),
            "initialize_lean_x2delpi_Elpi_Ffi"
        );
        assert_eq!(
            legacy_initializer_symbol("Elpi.Ffi").unwrap(),
            "initialize_Elpi_Ffi"
        );
    }

    #[test]
    fn bad_names_are_link_errors() {
        for bad in ["", "A..B", ".A", "A.", "A\0B"] {
            let err = legacy_initializer_symbol(bad).unwrap_err();
            assert_eq!(
                err.code(),
                crate::error::LeanDiagnosticCode::Linking,
                "{bad:?}"
            );
        }
        assert!(package_initializer_symbol("", "A").is_err());
        assert!(legacy_initializer_symbol(&"A".repeat(NAME_LIMIT + 1)).is_err());
    }

    /// The mangler agrees with Lean's own `Name.mangle` compiled into libleanshared.
    #[test]
    #[allow(unsafe_code)]
    fn matches_the_real_lean_name_mangle() {
        use lean_rs_sys::lean_object;
        type Str = unsafe extern "C" fn(*mut lean_object, *mut lean_object) -> *mut lean_object;
        type Num = unsafe extern "C" fn(*mut lean_object, *mut lean_object) -> *mut lean_object;
        type Mangle = unsafe extern "C" fn(*mut lean_object, *mut lean_object) -> *mut lean_object;
        fn symbol<T: Copy>(name: &str) -> T {
            let this = libloading::os::unix::Library::this();
            // SAFETY: `T` is the C signature of the named 4.35.0 Lean function (see below).
            unsafe { *this.get::<T>(name.as_bytes()).unwrap() }
        }
        fn lean_str(text: &str) -> *mut lean_object {
            // SAFETY: valid UTF-8 with its byte length; runtime initialized.
            unsafe { lean_rs_sys::lean_mk_string_from_bytes(text.as_ptr().cast(), text.len()) }
        }
        let runtime = crate::runtime::LeanRuntime::init().unwrap();
        // `Name.str`/`Name.num` (constructor overrides) and `Name.mangle (n) (pre) : String`.
        let mk_str: Str = symbol("l_Lean_Name_str___override");
        let mk_num: Num = symbol("l_Lean_Name_num___override");
        let mangle: Mangle = symbol("l_Lean_Name_mangle");
        let cases: &[&[NamePart<'_>]] = &[
            &[NamePart::Str("Elpi"), NamePart::Str("Ffi")],
            &[NamePart::Str("lean-elpi")],
            &[NamePart::Str("a_"), NamePart::Str("b")],
            &[NamePart::Str("x12"), NamePart::Str("y")],
            &[NamePart::Str("a"), NamePart::Str("1b")],
            &[NamePart::Str("a"), NamePart::Num(7), NamePart::Str("b")],
            &[NamePart::Num(3), NamePart::Str("z")],
            &[
                NamePart::Str("λ"),
                NamePart::Str("_u1234"),
                NamePart::Str("😀x"),
            ],
            &[NamePart::Str("Foo__"), NamePart::Str("uabcd")],
            &[NamePart::Str(""), NamePart::Str("_")],
        ];
        for parts in cases {
            let mut name = lean_rs_sys::lean_box(0);
            for part in *parts {
                // SAFETY: both take owned `Name`/`String`/`Nat` arguments and return a Name.
                name = unsafe {
                    match part {
                        NamePart::Str(s) => mk_str(name, lean_str(s)),
                        NamePart::Num(n) => {
                            mk_num(name, lean_rs_sys::lean_box(usize::try_from(*n).unwrap()))
                        }
                    }
                };
            }
            // SAFETY: owned `Name` and `String` in, owned `String` out.
            let out = unsafe { mangle(name, lean_str("initialize_")) };
            let ours = mangle_name(parts, "initialize_");
            // SAFETY: `out` is an owned Lean String returned by Lean.
            let theirs = unsafe { crate::runtime::obj::Obj::from_owned_raw(runtime, out) };
            assert_eq!(theirs.borrow().string().unwrap(), ours, "{parts:?}");
        }
    }
}
