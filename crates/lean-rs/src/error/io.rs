//! `IO.Error` constructors and the decoder that turns a raised error into [`LeanError`].

use crate::error::{LeanError, LeanResult};
use crate::runtime::obj::{Obj, ObjRef};

/// The `IO.Error` constructor Lean raised with.
///
/// Discriminants follow the constructor order of `inductive IO.Error` in
/// `Init/System/IOError.lean` (Lean 4.35.0); the runtime tests pin every one of them against
/// the `lean_mk_io_error_*` exports of the real runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeanExceptionKind {
    /// `alreadyExists` (`EEXIST`, …).
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

    /// Where the constructor keeps its fields: `(filename slot, os-code present)`.
    fn layout(self) -> (FileSlot, bool) {
        match self {
            Self::Interrupted | Self::NoFileOrDirectory => (FileSlot::Required, true),
            Self::InvalidArgument
            | Self::PermissionDenied
            | Self::ResourceExhausted
            | Self::InappropriateType
            | Self::NoSuchThing => (FileSlot::Optional, true),
            Self::UnexpectedEof | Self::UserError => (FileSlot::None, false),
            _ => (FileSlot::None, true),
        }
    }
}

#[derive(Clone, Copy)]
enum FileSlot {
    None,
    Required,
    Optional,
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
    let (file_slot, has_code) = kind.layout();
    if kind == LeanExceptionKind::UnexpectedEof {
        return Ok((kind, None, None));
    }
    let mut field = 0usize;
    let filename = match file_slot {
        FileSlot::None => None,
        FileSlot::Required => {
            field += 1;
            Some(err.ctor_field(0)?.string()?.to_owned())
        }
        FileSlot::Optional => {
            field += 1;
            let opt = err.ctor_field(0)?;
            if opt.is_scalar() {
                None
            } else {
                Some(opt.ctor_field(0)?.string()?.to_owned())
            }
        }
    };
    // `details`/`msg` is the last object field; `osCode : UInt32` lives in the scalar area.
    err.expect_ctor(tag, field + 1, if has_code { 4 } else { 0 })?;
    let _details = err.ctor_field(field)?.string()?;
    let os_code = if has_code {
        Some(err.ctor_u32(0)?)
    } else {
        None
    };
    Ok((kind, os_code, filename.map(crate::error::bound_message)))
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
