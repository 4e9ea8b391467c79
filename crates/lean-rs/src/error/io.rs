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
/// Lean's rendering (`IO.Error.toString`). A value that is not a well-formed `IO.Error`
/// yields a Conversion failure instead.
pub(crate) fn decode_io_error(err: Obj<'_>) -> LeanError {
    match decode_io_error_fields(err.borrow()) {
        Ok((kind, os_code, filename)) => {
            let message = match crate::runtime::exports::io_error_to_string(err) {
                Ok(text) => text,
                Err(e) => format!("{} (message unavailable: {})", kind.as_str(), e.message()),
            };
            LeanError::exception(kind, os_code, filename, message)
        }
        Err(e) => e,
    }
}

fn decode_io_error_fields(
    err: ObjRef<'_, '_>,
) -> LeanResult<(LeanExceptionKind, Option<u32>, Option<String>)> {
    let tag = err.tag();
    let kind = LeanExceptionKind::from_tag(tag).ok_or_else(|| {
        LeanError::conversion(format!("IO.Error constructor tag {tag} is unknown"))
    })?;
    if kind == LeanExceptionKind::UnexpectedEof {
        return Ok((kind, None, None));
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
    let _details = err.ctor_field(fields - 1)?.string()?;
    let filename = if fields == 2 {
        file_name(err.ctor_field(0)?)?
    } else {
        None
    };
    let os_code = if has_code { Some(ctor.u32(0)?) } else { None };
    Ok((kind, os_code, filename.map(crate::error::bound_message)))
}

/// A `String` or `Option String` file-name field.
fn file_name(field: ObjRef<'_, '_>) -> LeanResult<Option<String>> {
    if field.scalar() == Some(0) {
        return Ok(None);
    }
    if let Ok(name) = field.string() {
        return Ok(Some(name.to_owned()));
    }
    field.expect_ctor(1, 1, 0)?;
    Ok(Some(field.ctor_field(0)?.string()?.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::LeanExceptionKind;

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
