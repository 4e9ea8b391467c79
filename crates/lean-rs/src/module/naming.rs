//! Initializer symbol names for the loader.
//!
//! The mangling itself (`String.mangle`, `Name.mangle`) and the two Lake conventions live in
//! `lean_toolchain::lake` (one implementation for build time and run time); this module adds the
//! run-time checks that turn a bad name into a typed link error, and the order in which the two
//! conventions are tried. The tests check the shared mangler against the real `Name.mangle` of
//! `libleanshared`, which needs the runtime and so cannot live in `lean-toolchain`.

use lean_toolchain::lake::NamingConvention;

use crate::error::{LeanError, LeanResult};

/// Longest module or package name accepted, in bytes (real names are far shorter).
const NAME_LIMIT: usize = 1024;

/// Rejects empty, oversized or NUL-containing module names and empty components.
fn validate_module(module: &str) -> LeanResult<()> {
    validate(module, "module")?;
    if module.split('.').any(str::is_empty) {
        return Err(LeanError::link(format!(
            "module name `{}` has an empty component",
            clip(module)
        )));
    }
    Ok(())
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
    validate_module(module)?;
    // The unqualified convention ignores the package.
    Ok(NamingConvention::Unqualified.initializer_symbol("", module))
}

/// The Lean ≥ 4.27 initializer symbol for a module of a Lake package:
/// `initialize_<package>_<Module>`.
pub(crate) fn package_initializer_symbol(package: &str, module: &str) -> LeanResult<String> {
    validate(package, "package")?;
    validate_module(module)?;
    Ok(NamingConvention::PackageQualified.initializer_symbol(package, module))
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
    use lean_toolchain::lake::{NamePart, mangle_parts};

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
            // lean-toolchain's own unit-test names, checked against the real thing too.
            &[NamePart::Str("my_mod"), NamePart::Str("Sub")],
            &[NamePart::Str("Café"), NamePart::Str("λ")],
            &[NamePart::Str("A"), NamePart::Str("x12")],
            &[NamePart::Str("a_"), NamePart::Str("B")],
            &[NamePart::Str("Emoji"), NamePart::Str("😀")],
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
            let ours = mangle_parts(parts, "initialize_");
            // SAFETY: `out` is an owned Lean String returned by Lean.
            let theirs = unsafe { crate::runtime::obj::Obj::from_owned_raw(runtime, out) };
            assert_eq!(theirs.borrow().string().unwrap(), ours, "{parts:?}");
        }
    }
}
