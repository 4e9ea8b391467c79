//! (Internal; public only as a sealed-trait argument type.) Reading the host shims' wire records: constructor objects whose fields are all boxed
//! objects in declaration order (no scalar area), and nullary constructors as boxed scalars.
//! This is the crate's one module with `unsafe` code: it reads a constructor's header and
//! fields through `lean-rs-sys`'s mirrors of `lean.h`'s inline helpers.
#![allow(unsafe_code)]

use lean_rs::{LeanObject, LeanResult, TryFromLean};

use crate::host::errors;

/// The largest constructor tag (`LeanMaxCtorTag` in `lean.h`); larger tags are arrays,
/// strings, closures and other non-constructor objects.
const MAX_CTOR_TAG: u32 = 243;

/// An owned wire value.
pub struct Wire<'lean> {
    obj: LeanObject<'lean>,
    what: &'static str,
}

impl<'lean> Wire<'lean> {
    /// Wraps a value returned by a shim export; `what` names its Lean type in errors.
    pub(crate) fn new(obj: LeanObject<'lean>, what: &'static str) -> Self {
        Self { obj, what }
    }

    fn raw(&self) -> *mut lean_rs_sys::lean_object {
        // Borrow the pointer without giving the count away: take it out and put it back.
        let runtime = self.obj.runtime();
        let raw = self.obj.clone().into_owned_raw();
        // SAFETY: `raw` came from `into_owned_raw` of a clone, so we own exactly the one
        // reference the clone took; wrapping it again releases that reference on drop while
        // `self.obj` keeps the value alive, so the returned pointer stays valid.
        drop(unsafe { LeanObject::from_owned_raw(runtime, raw) });
        raw
    }

    /// The constructor index: a boxed scalar's value, or the object's tag.
    pub(crate) fn tag(&self) -> u32 {
        let raw = self.raw();
        if lean_rs_sys::lean_is_scalar(raw) {
            u32::try_from(lean_rs_sys::lean_unbox(raw)).unwrap_or(u32::MAX)
        } else {
            // SAFETY: `raw` is a live heap object (not a scalar), which has a header.
            unsafe { lean_rs_sys::lean_obj_tag(raw) }
        }
    }

    /// Checks the constructor has `tag` and `fields` object fields.
    pub(crate) fn expect(&self, tag: u32, fields: u32) -> LeanResult<()> {
        let raw = self.raw();
        if lean_rs_sys::lean_is_scalar(raw) {
            if fields == 0 && self.tag() == tag {
                return Ok(());
            }
            return Err(errors::conversion(format!(
                "{}: expected constructor {tag} with {fields} fields, got a scalar",
                self.what
            )));
        }
        // SAFETY: `raw` is a live heap object.
        let (got_tag, got_fields) = unsafe {
            (
                lean_rs_sys::lean_obj_tag(raw),
                if lean_rs_sys::lean_obj_tag(raw) <= MAX_CTOR_TAG {
                    lean_rs_sys::lean_ctor_num_objs(raw)
                } else {
                    u32::MAX
                },
            )
        };
        if got_tag != tag || got_fields != fields {
            return Err(errors::conversion(format!(
                "{}: expected constructor {tag} with {fields} fields, got tag {got_tag} with {got_fields}",
                self.what
            )));
        }
        Ok(())
    }

    /// Field `i` (after [`expect`](Self::expect)), converted to `T`.
    pub(crate) fn field<T: TryFromLean<'lean>>(&self, i: u32) -> LeanResult<T>
    where
        T::CRepr: From<*mut lean_rs_sys::lean_object>,
    {
        let raw = self.raw();
        if lean_rs_sys::lean_is_scalar(raw) {
            return Err(errors::conversion(format!("{}: no field {i}", self.what)));
        }
        // SAFETY: `raw` is a live constructor object; the index is checked against its field
        // count first.
        let field = unsafe {
            if lean_rs_sys::lean_obj_tag(raw) > MAX_CTOR_TAG
                || i >= lean_rs_sys::lean_ctor_num_objs(raw)
            {
                return Err(errors::conversion(format!("{}: no field {i}", self.what)));
            }
            let field = lean_rs_sys::lean_ctor_get(raw, i);
            lean_rs_sys::lean_inc(field);
            field
        };
        // SAFETY: `field` is a valid object of this runtime and we own the reference taken
        // just above, which `try_from_c` consumes.
        unsafe { T::try_from_c(T::CRepr::from(field), self.obj.runtime()) }
    }

    /// Field `i` as another wire value.
    pub(crate) fn wire(&self, i: u32, what: &'static str) -> LeanResult<Wire<'lean>> {
        Ok(Wire::new(self.field::<LeanObject<'lean>>(i)?, what))
    }

    /// Field `i` as a small `Nat`.
    pub(crate) fn nat(&self, i: u32) -> LeanResult<u64> {
        let value: lean_rs::LeanNat<u64> = self.field(i)?;
        Ok(value.0)
    }

    /// Field `i` as a `String`.
    pub(crate) fn string(&self, i: u32) -> LeanResult<String> {
        self.field(i)
    }
}
