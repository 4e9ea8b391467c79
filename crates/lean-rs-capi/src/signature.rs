//! The kind check every call makes before anything runs: the argument and result kinds a C
//! caller passed, against the C signature the capability manifest recorded for the export.
//! In-process calls and isolated (worker-mode) calls share it, so both refuse the same
//! mismatches with the same code and message.

use lean_rs::{CType, ExportSignature};

use crate::core::{ArgValue, CapiError, CapiResult};

fn ctype_name(c: CType) -> &'static str {
    c.as_c()
}

fn arg_ctype(arg: &ArgValue) -> CType {
    match arg {
        ArgValue::Bool(_) | ArgValue::U8(_) => CType::U8,
        ArgValue::U16(_) => CType::U16,
        ArgValue::U32(_) => CType::U32,
        ArgValue::U64(_) => CType::U64,
        ArgValue::Usize(_) => CType::Usize,
        ArgValue::F64(_) => CType::F64,
        ArgValue::Str(_) | ArgValue::Bytes(_) | ArgValue::Nat(_) | ArgValue::Int(_) => {
            CType::Object
        }
    }
}

fn result_ctype(kind: u32) -> CapiResult<CType> {
    if kind & crate::LEAN_RS_KIND_IO != 0 {
        return Ok(CType::Object);
    }
    Ok(match kind {
        crate::LEAN_RS_KIND_BOOL | crate::LEAN_RS_KIND_U8 => CType::U8,
        crate::LEAN_RS_KIND_U16 => CType::U16,
        crate::LEAN_RS_KIND_U32 => CType::U32,
        crate::LEAN_RS_KIND_U64 => CType::U64,
        crate::LEAN_RS_KIND_USIZE => CType::Usize,
        crate::LEAN_RS_KIND_F64 => CType::F64,
        crate::LEAN_RS_KIND_UNIT
        | crate::LEAN_RS_KIND_STRING
        | crate::LEAN_RS_KIND_BYTES
        | crate::LEAN_RS_KIND_NAT
        | crate::LEAN_RS_KIND_INT => CType::Object,
        other => {
            return Err(CapiError::new(
                crate::LEAN_RS_INVALID_ARGUMENT,
                format!("unknown result kind {other:#x}"),
            ));
        }
    })
}

pub(crate) fn check_signature(
    symbol: &str,
    signature: &ExportSignature,
    args: &[ArgValue],
    kind: u32,
) -> CapiResult<()> {
    let wanted = result_ctype(kind)?;
    let mismatch = |what: String| {
        CapiError::new(
            crate::LEAN_RS_SIGNATURE_MISMATCH,
            format!("{symbol}: {what} (recorded: {})", describe(signature)),
        )
    };
    if signature.params.len() != args.len() {
        return Err(mismatch(format!(
            "{} arguments given, {} expected",
            args.len(),
            signature.params.len()
        )));
    }
    if signature.returns != wanted {
        return Err(mismatch(format!(
            "result kind {kind:#x} is C `{}`",
            ctype_name(wanted)
        )));
    }
    for (i, (arg, param)) in args.iter().zip(&signature.params).enumerate() {
        if arg_ctype(arg) != *param {
            return Err(mismatch(format!(
                "argument {i} is C `{}`",
                ctype_name(arg_ctype(arg))
            )));
        }
    }
    Ok(())
}

fn describe(signature: &ExportSignature) -> String {
    let params: Vec<&str> = signature.params.iter().map(|c| ctype_name(*c)).collect();
    format!("{} ({})", ctype_name(signature.returns), params.join(", "))
}
