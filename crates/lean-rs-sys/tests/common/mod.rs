//! Shared test setup: one runtime initialisation per process, and raw header reads used to prove
//! layout facts independently of the crate's own (private) repr structs.
#![allow(
    dead_code,
    unsafe_code,
    clippy::missing_safety_doc,
    clippy::undocumented_unsafe_blocks,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::sync::Once;

use lean_rs_sys::lean_object;

static INIT: Once = Once::new();

/// Initialises the bare runtime once for this process (enough for runtime objects).
pub fn init_runtime() {
    INIT.call_once(|| unsafe {
        lean_rs_sys::lean_initialize_runtime_module();
        lean_rs_sys::lean_set_panic_messages(false);
    });
}

/// Reads a value of type `T` at byte `offset` of object `o`.
pub unsafe fn read_at<T: Copy>(o: *mut lean_object, offset: usize) -> T {
    unsafe { o.cast::<u8>().add(offset).cast::<T>().read_unaligned() }
}

/// Writes a value of type `T` at byte `offset` of object `o`.
pub unsafe fn write_at<T: Copy>(o: *mut lean_object, offset: usize, v: T) {
    unsafe { o.cast::<u8>().add(offset).cast::<T>().write_unaligned(v) }
}

/// The raw `m_rc` word (offset 0).
pub unsafe fn raw_rc(o: *mut lean_object) -> i32 {
    unsafe { read_at::<i32>(o, 0) }
}

/// Path of the `libleanshared` this crate linked against.
pub fn libleanshared_path() -> std::path::PathBuf {
    let root = lean_rs_sys::LEAN_SYSROOT.expect("built against a real sysroot");
    std::path::Path::new(root).join("lib/lean").join(format!(
        "{}leanshared{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

/// Lean string object -> Rust string (through the mirrors under test).
pub unsafe fn to_rust_string(s: *mut lean_object) -> String {
    unsafe {
        let bytes = std::slice::from_raw_parts(
            lean_rs_sys::lean_string_cstr(s).cast::<u8>(),
            lean_rs_sys::lean_string_size(s) - 1,
        );
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}

/// A `Nat` as its decimal string, computed by Lean itself (`Nat.repr` is not exported, so this
/// goes through `lean_nat_big_*` division by 10 on big values).
pub unsafe fn nat_to_decimal(n: *mut lean_object) -> String {
    unsafe {
        let ten = lean_rs_sys::lean_box(10);
        let mut digits = Vec::new();
        let mut cur = n;
        lean_rs_sys::lean_inc(cur);
        loop {
            if lean_rs_sys::lean_is_scalar(cur) {
                let mut small = lean_rs_sys::lean_unbox(cur).to_string();
                if small == "0" && !digits.is_empty() {
                    small.clear();
                }
                digits.reverse();
                return small + &String::from_utf8(digits).unwrap();
            }
            let rem = lean_rs_sys::lean_nat_mod(cur, ten);
            digits.push(b'0' + u8::try_from(lean_rs_sys::lean_unbox(rem)).unwrap());
            let next = lean_rs_sys::lean_nat_div(cur, ten);
            lean_rs_sys::lean_dec(cur);
            cur = next;
        }
    }
}
