//! Crate-private mirrors of the object layouts in `lean.h`.
//!
//! These are identical across the whole supported window (4.26.0 ..= 4.35.0) on 64-bit
//! little-endian targets; `tests/layout.rs` re-proves every offset on live objects allocated by
//! the real runtime. `m_cs_sz`/`m_other`/`m_tag` are C bit-fields (16/8/8 bits) packed into the
//! second 32-bit word; on little-endian targets that is bytes 4-5, 6 and 7.

#![allow(clippy::struct_field_names)]

use core::ffi::{c_char, c_void};

use crate::types::{lean_external_class, lean_object};

#[repr(C)]
pub(crate) struct LeanObjectRepr {
    /// Atomic only on the multi-threaded path, through `AtomicI32::from_ptr`.
    pub(crate) m_rc: i32,
    pub(crate) m_cs_sz: u16,
    pub(crate) m_other: u8,
    pub(crate) m_tag: u8,
}

#[repr(C)]
pub(crate) struct LeanCtorObjectRepr {
    pub(crate) m_header: LeanObjectRepr,
    pub(crate) m_objs: [*mut lean_object; 0],
}

#[repr(C)]
pub(crate) struct LeanArrayObjectRepr {
    pub(crate) m_header: LeanObjectRepr,
    pub(crate) m_size: usize,
    pub(crate) m_capacity: usize,
    pub(crate) m_data: [*mut lean_object; 0],
}

#[repr(C)]
pub(crate) struct LeanSArrayObjectRepr {
    pub(crate) m_header: LeanObjectRepr,
    pub(crate) m_size: usize,
    pub(crate) m_capacity: usize,
    pub(crate) m_data: [u8; 0],
}

#[repr(C)]
pub(crate) struct LeanStringObjectRepr {
    pub(crate) m_header: LeanObjectRepr,
    /// Bytes including the trailing NUL.
    pub(crate) m_size: usize,
    pub(crate) m_capacity: usize,
    /// Length in Unicode scalar values.
    pub(crate) m_length: usize,
    pub(crate) m_data: [c_char; 0],
}

#[repr(C)]
pub(crate) struct LeanClosureObjectRepr {
    pub(crate) m_header: LeanObjectRepr,
    pub(crate) m_fun: *mut c_void,
    pub(crate) m_arity: u16,
    pub(crate) m_num_fixed: u16,
    pub(crate) m_objs: [*mut lean_object; 0],
}

#[repr(C)]
pub(crate) struct LeanExternalObjectRepr {
    pub(crate) m_header: LeanObjectRepr,
    pub(crate) m_class: *mut lean_external_class,
    pub(crate) m_data: *mut c_void,
}

/// Views `o` as its header.
#[inline(always)]
pub(crate) const fn header(o: *mut lean_object) -> *mut LeanObjectRepr {
    o.cast()
}

#[cfg(test)]
mod tests {
    use core::mem::{offset_of, size_of};

    use super::*;

    #[test]
    fn repr_sizes_and_offsets_match_lean_h() {
        assert_eq!(size_of::<LeanObjectRepr>(), 8);
        assert_eq!(offset_of!(LeanObjectRepr, m_cs_sz), 4);
        assert_eq!(offset_of!(LeanObjectRepr, m_other), 6);
        assert_eq!(offset_of!(LeanObjectRepr, m_tag), 7);
        assert_eq!(offset_of!(LeanCtorObjectRepr, m_objs), 8);
        assert_eq!(offset_of!(LeanArrayObjectRepr, m_size), 8);
        assert_eq!(offset_of!(LeanArrayObjectRepr, m_capacity), 16);
        assert_eq!(offset_of!(LeanArrayObjectRepr, m_data), 24);
        assert_eq!(offset_of!(LeanSArrayObjectRepr, m_data), 24);
        assert_eq!(offset_of!(LeanStringObjectRepr, m_length), 24);
        assert_eq!(offset_of!(LeanStringObjectRepr, m_data), 32);
        assert_eq!(offset_of!(LeanClosureObjectRepr, m_arity), 16);
        assert_eq!(offset_of!(LeanClosureObjectRepr, m_num_fixed), 18);
        assert_eq!(offset_of!(LeanClosureObjectRepr, m_objs), 24);
        assert_eq!(offset_of!(LeanExternalObjectRepr, m_data), 16);
        assert_eq!(size_of::<LeanExternalObjectRepr>(), 24);
    }
}
