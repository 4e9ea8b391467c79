//! `IO.Error` constructors and the decoder that turns a raised error into [`LeanError`].

use crate::error::{LeanError, LeanResult};
use crate::runtime::obj::{Obj, ObjRef};

/// The `IO.Error` constructor Lean raised with.
///
/// Variants follow the constructor order of `inductive IO.Error` in Lean 4.35.0; the
/// runtime tests pin every one of them against the `lean_mk_io_error_*` exports of the real
/// runtime. Field layouts are read from the value itself (a constructor with two object
/// fields starts with its file name, `String` or `Option String`), so a release that adds
/// a file name to another constructor still decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeanExceptionKind {
    /// `alreadyExists` (`EEXIST`, …), optionally with a file name.
    AlreadyExists,
    /// `otherError` (anything unclassified).
    OtherError,
    /// `resourceBusy` (`EBUSY`, …).
    ResourceBusy,
    /// `resourceVanished` (`EPIPE`, …).
    ResourceVanished,
    /// `unsupportedOperation` (`ENOSYS`, …).
    UnsupportedOperation,
    /// `hardwareFault` (`EIO`).
    HardwareFault,
    /// `unsatisfiedConstraints` (`ENOTEMPTY`).
    UnsatisfiedConstraints,
    /// `illegalOperation` (`ENOTTY`).
    IllegalOperation,
    /// `protocolError` (`EPROTO`, …).
    ProtocolError,
    /// `timeExpired` (`ETIMEDOUT`, …).
    TimeExpired,
    /// `interrupted` (`EINTR`), with a file name.
    Interrupted,
    /// `noFileOrDirectory` (`ENOENT`), with a file name.
    NoFileOrDirectory,
    /// `invalidArgument` (`EINVAL`, …), optionally with a file name.
    InvalidArgument,
    /// `permissionDenied` (`EACCES`, …), optionally with a file name.
    PermissionDenied,
    /// `resourceExhausted` (`ENOMEM`, `ENOSPC`, …), optionally with a file name.
    ResourceExhausted,
    /// `inappropriateType` (`EISDIR`, …), optionally with a file name.
    InappropriateType,
    /// `noSuchThing` (`ENXIO`, …), optionally with a file name.
    NoSuchThing,
    /// `unexpectedEof`.
    UnexpectedEof,
    /// `userError msg`: raised by `throw (IO.userError msg)`.
    UserError,
}

impl LeanExceptionKind {
    /// Constructors in tag order.
    const BY_TAG: [Self; 19] = [
        Self::AlreadyExists,
        Self::OtherError,
        Self::ResourceBusy,
        Self::ResourceVanished,
        Self::UnsupportedOperation,
        Self::HardwareFault,
        Self::UnsatisfiedConstraints,
        Self::IllegalOperation,
        Self::ProtocolError,
        Self::TimeExpired,
        Self::Interrupted,
        Self::NoFileOrDirectory,
        Self::InvalidArgument,
        Self::PermissionDenied,
        Self::ResourceExhausted,
        Self::InappropriateType,
        Self::NoSuchThing,
        Self::UnexpectedEof,
        Self::UserError,
    ];

    pub(crate) fn from_tag(tag: u32) -> Option<Self> {
        usize::try_from(tag)
            .ok()
            .and_then(|t| Self::BY_TAG.get(t).copied())
    }

    /// The Lean constructor name, e.g. `noFileOrDirectory`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AlreadyExists => "alreadyExists",
            Self::OtherError => "otherError",
            Self::ResourceBusy => "resourceBusy",
            Self::ResourceVanished => "resourceVanished",
            Self::UnsupportedOperation => "unsupportedOperation",
            Self::HardwareFault => "hardwareFault",
            Self::UnsatisfiedConstraints => "unsatisfiedConstraints",
            Self::IllegalOperation => "illegalOperation",
            Self::ProtocolError => "protocolError",
            Self::TimeExpired => "timeExpired",
            Self::Interrupted => "interrupted",
            Self::NoFileOrDirectory => "noFileOrDirectory",
            Self::InvalidArgument => "invalidArgument",
            Self::PermissionDenied => "permissionDenied",
            Self::ResourceExhausted => "resourceExhausted",
            Self::InappropriateType => "inappropriateType",
            Self::NoSuchThing => "noSuchThing",
            Self::UnexpectedEof => "unexpectedEof",
            Self::UserError => "userError",
        }
    }
}

/// Decodes an owned `IO.Error` value into a [`LeanError::LeanException`].
///
/// The kind, file name and OS code come from the constructor's own fields; the message is
/// Lean's rendering (`IO.Error.toString`) when the value has exactly the layout that
/// Lean-compiled function reads, and a rendering of the decoded fields otherwise (Lean's
/// code trusts the type: given another layout it reads fields that are not there). A value
/// that is not a well-formed `IO.Error` yields a Conversion failure instead.
pub(crate) fn decode_io_error(err: Obj<'_>) -> LeanError {
    match decode_io_error_fields(err.borrow()) {
        Ok(fields) => {
            let message = if fields.lean_layout {
                match crate::runtime::exports::io_error_to_string(err) {
                    Ok(text) => text,
                    Err(e) => format!(
                        "{} (message unavailable: {})",
                        fields.kind.as_str(),
                        e.message()
                    ),
                }
            } else {
                fields.render()
            };
            LeanError::exception(fields.kind, fields.os_code, fields.filename, message)
        }
        Err(e) => e,
    }
}

/// What [`decode_io_error_fields`] read.
struct IoErrorFields {
    kind: LeanExceptionKind,
    os_code: Option<u32>,
    filename: Option<String>,
    details: String,
    /// The value has exactly the layout of its constructor in this Lean version, so Lean's
    /// own `IO.Error.toString` may read it.
    lean_layout: bool,
}

impl IoErrorFields {
    /// The message without Lean's help: kind, file, code, details.
    fn render(&self) -> String {
        let file = self
            .filename
            .as_ref()
            .map(|f| format!(" ({f})"))
            .unwrap_or_default();
        let code = self
            .os_code
            .map(|c| format!(" (error code: {c})"))
            .unwrap_or_default();
        let details = if self.details.is_empty() {
            String::new()
        } else {
            format!(": {}", self.details)
        };
        crate::error::bound_message(format!("{}{file}{code}{details}", self.kind.as_str()))
    }
}

/// How a constructor of Lean 4.35's `IO.Error` stores its file name (field 0).
#[derive(PartialEq, Eq)]
enum FileField {
    None,
    String,
    OptionString,
}

impl LeanExceptionKind {
    /// The file-name field of this constructor in Lean 4.35.
    fn file_field(self) -> FileField {
        match self {
            Self::Interrupted | Self::NoFileOrDirectory => FileField::String,
            Self::AlreadyExists
            | Self::InvalidArgument
            | Self::PermissionDenied
            | Self::ResourceExhausted
            | Self::InappropriateType
            | Self::NoSuchThing => FileField::OptionString,
            _ => FileField::None,
        }
    }
}

fn decode_io_error_fields(err: ObjRef<'_, '_>) -> LeanResult<IoErrorFields> {
    let tag = err.tag();
    let kind = LeanExceptionKind::from_tag(tag).ok_or_else(|| {
        LeanError::conversion(format!("IO.Error constructor tag {tag} is unknown"))
    })?;
    if kind == LeanExceptionKind::UnexpectedEof {
        // Lean's `toString` reads only the tag of this field-less constructor.
        return Ok(IoErrorFields {
            kind,
            os_code: None,
            filename: None,
            details: String::new(),
            lean_layout: true,
        });
    }
    // Every other constructor ends with `details : String`; constructors with two object
    // fields start with a file name (`String` or `Option String`); all but `userError`
    // carry `osCode : UInt32` as their only scalar.
    let (_, fields) = err.ctor_shape()?;
    if !(1..=2).contains(&fields) {
        return Err(LeanError::conversion(format!(
            "IO.Error.{} has {fields} object fields, expected 1 or 2",
            kind.as_str()
        )));
    }
    let has_code = kind != LeanExceptionKind::UserError;
    let ctor = err.expect_ctor(tag, fields, if has_code { 4 } else { 0 })?;
    let details = err.ctor_field(fields - 1)?.string()?.to_owned();
    let (filename, file_form) = if fields == 2 {
        file_name(err.ctor_field(0)?)?
    } else {
        (None, FileField::None)
    };
    let os_code = if has_code { Some(ctor.u32(0)?) } else { None };
    Ok(IoErrorFields {
        lean_layout: file_form == kind.file_field(),
        kind,
        os_code,
        filename: filename.map(crate::error::bound_message),
        details: crate::error::bound_message(details),
    })
}

/// A `String` or `Option String` file-name field, and which of the two it is.
fn file_name(field: ObjRef<'_, '_>) -> LeanResult<(Option<String>, FileField)> {
    if field.scalar() == Some(0) {
        return Ok((None, FileField::OptionString));
    }
    if let Ok(name) = field.string() {
        return Ok((Some(name.to_owned()), FileField::String));
    }
    field.expect_ctor(1, 1, 0)?;
    Ok((
        Some(field.ctor_field(0)?.string()?.to_owned()),
        FileField::OptionString,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(unsafe_code, clippy::unwrap_used, clippy::panic)]

    use super::{LeanExceptionKind, decode_io_error};
    use crate::abi::IntoLean;
    use crate::error::LeanError;
    use crate::runtime::LeanRuntime;
    use crate::runtime::obj::Obj;

    /// Constructor `tag` with `fields` and a zeroed 4-byte scalar area holding `code`.
    fn io_error<'lean>(
        runtime: &'lean LeanRuntime,
        tag: u32,
        fields: Vec<Obj<'lean>>,
        code: u32,
    ) -> Obj<'lean> {
        // SAFETY: tag and field count within Lean's limits; every object field is set with
        // an owned reference and the 4-byte scalar area is written before use.
        unsafe {
            #[allow(clippy::cast_possible_truncation)]
            let raw = lean_rs_sys::lean_alloc_ctor(tag, fields.len() as u32, 4);
            for (i, field) in fields.into_iter().enumerate() {
                #[allow(clippy::cast_possible_truncation)]
                lean_rs_sys::lean_ctor_set(raw, i as u32, field.into_raw());
            }
            let area = lean_rs_sys::lean_ctor_scalar_cptr(raw);
            std::ptr::copy_nonoverlapping(code.to_ne_bytes().as_ptr(), area, 4);
            Obj::from_owned_raw(runtime, raw)
        }
    }

    fn text<'lean>(runtime: &'lean LeanRuntime, s: &str) -> Obj<'lean> {
        s.into_lean(runtime).unwrap()
    }

    fn some<'lean>(runtime: &'lean LeanRuntime, s: &str) -> Obj<'lean> {
        crate::abi::containers::ctor_with_fields(runtime, 1, [text(runtime, s)])
    }

    fn exception(err: LeanError) -> crate::error::LeanException {
        match err {
            LeanError::LeanException(exc) => exc,
            other => panic!("expected an exception, got {other:?}"),
        }
    }

    /// Layouts other than Lean 4.35's are decoded and rendered here, never handed to Lean's
    /// `IO.Error.toString`, which reads fields by the constructor's declared layout (these
    /// inputs crashed the process inside Lean before: the fuzz finding in docs/fuzzing.md).
    #[test]
    fn layouts_lean_does_not_expect_are_rendered_without_lean() {
        let rt = LeanRuntime::init().unwrap();
        let _attached = crate::runtime::LeanThreadGuard::attach(rt);
        // inappropriateType (filename : Option String) with the file name missing.
        let exc = exception(decode_io_error(io_error(rt, 15, vec![text(rt, "bad")], 21)));
        assert_eq!(exc.kind(), LeanExceptionKind::InappropriateType);
        assert_eq!(exc.message(), "inappropriateType (error code: 21): bad");
        // alreadyExists with a `String` where Lean stores an `Option String`.
        let exc = exception(decode_io_error(io_error(
            rt,
            0,
            vec![text(rt, "f.txt"), text(rt, "exists")],
            17,
        )));
        assert_eq!(exc.filename(), Some("f.txt"));
        assert_eq!(
            exc.message(),
            "alreadyExists (f.txt) (error code: 17): exists"
        );
        // noFileOrDirectory with an `Option String` where Lean stores a `String`.
        let exc = exception(decode_io_error(io_error(
            rt,
            11,
            vec![some(rt, "g"), text(rt, "gone")],
            2,
        )));
        assert_eq!(exc.filename(), Some("g"));
        assert!(exc.message().starts_with("noFileOrDirectory (g)"));
        // userError with a second field.
        let exc = exception(decode_io_error(io_error(
            rt,
            18,
            vec![text(rt, "x"), text(rt, "boom")],
            0,
        )));
        assert_eq!(exc.message(), "userError (x): boom");
    }

    /// The exact layouts still get Lean's own message.
    #[test]
    fn lean_layouts_get_leans_message() {
        let rt = LeanRuntime::init().unwrap();
        let _attached = crate::runtime::LeanThreadGuard::attach(rt);
        let exc = exception(decode_io_error(io_error(
            rt,
            11,
            vec![text(rt, "g"), text(rt, "gone")],
            2,
        )));
        assert_eq!(exc.filename(), Some("g"));
        // Lean's wording, not ours.
        assert!(
            exc.message()
                .starts_with("no such file or directory (error code: 2)"),
            "{}",
            exc.message()
        );
    }

    #[test]
    fn tags_follow_constructor_order() {
        assert_eq!(
            LeanExceptionKind::from_tag(0),
            Some(LeanExceptionKind::AlreadyExists)
        );
        assert_eq!(
            LeanExceptionKind::from_tag(11),
            Some(LeanExceptionKind::NoFileOrDirectory)
        );
        assert_eq!(
            LeanExceptionKind::from_tag(17),
            Some(LeanExceptionKind::UnexpectedEof)
        );
        assert_eq!(
            LeanExceptionKind::from_tag(18),
            Some(LeanExceptionKind::UserError)
        );
        assert_eq!(LeanExceptionKind::from_tag(19), None);
        assert_eq!(LeanExceptionKind::from_tag(u32::MAX), None);
    }
}
