//! Reading a shared library's dynamic symbol table without loading it, for preflight checks.
//!
//! A deliberately small ELF64 little-endian reader: the header (to check file type and
//! machine), the section headers, and `.dynsym` with its string table, each read with one
//! bounded `read`. Every offset is validated against the file before use.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Defined and Lean-imported dynamic symbols of one shared object.
pub(crate) struct SymbolTable {
    defined: HashSet<String>,
    lean_imports: Vec<String>,
}

/// Prefixes of symbols Lean-compiled code imports from other Lean libraries.
const LEAN_SYMBOL_PREFIXES: [&str; 4] = ["lean_", "l_", "lp_", "initialize_"];

/// Largest section read, in bytes (libleanshared's `.dynstr` is ~25 MiB).
const SECTION_LIMIT: u64 = 256 * 1024 * 1024;
const SECTION_HEADER_LIMIT: u64 = 1 << 16;

const ET_DYN: u16 = 3;
const SHT_DYNSYM: u32 = 11;
const SYMBOL_BYTES: usize = 24;
const STB_WEAK: u8 = 2;

impl SymbolTable {
    /// Parses `path` as an ELF shared object for this target, recording which of `wanted`
    /// it defines and which Lean symbols it imports. The error is a one-line description
    /// (unreadable, not ELF, wrong architecture, malformed).
    pub(crate) fn read(path: &Path, wanted: &HashSet<&str>) -> Result<Self, String> {
        let shown = path.display();
        let mut file =
            std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let file_len = file
            .metadata()
            .map_err(|e| format!("cannot read {shown}: {e}"))?
            .len();
        let mut read_at = |at: u64, len: u64| -> Result<Vec<u8>, String> {
            if len > SECTION_LIMIT || at.checked_add(len).is_none_or(|end| end > file_len) {
                return Err(format!("{shown} is truncated or malformed"));
            }
            let len = usize::try_from(len).map_err(|_| format!("{shown} is malformed"))?;
            let mut bytes = vec![0; len];
            file.seek(SeekFrom::Start(at))
                .map_err(|e| format!("cannot read {shown}: {e}"))?;
            file.read_exact(&mut bytes)
                .map_err(|e| format!("cannot read {shown}: {e}"))?;
            Ok(bytes)
        };
        let header = read_at(0, 64.min(file_len))
            .map_err(|_| format!("{shown} is not a native shared object"))?;
        if header.len() < 64 || &header[..4] != b"\x7fELF" {
            return Err(format!(
                "{shown} is not a native shared object (no ELF header)"
            ));
        }
        if header[4] != 2 || header[5] != 1 {
            return Err(format!(
                "{shown} is not a 64-bit little-endian ELF object, as this target needs"
            ));
        }
        let machine = u16_at(&header, 18);
        if Some(machine) != target_machine() {
            return Err(format!(
                "{shown} is built for ELF machine {machine}, not for this target ({})",
                std::env::consts::ARCH
            ));
        }
        if u16_at(&header, 16) != ET_DYN {
            return Err(format!("{shown} is not a shared library"));
        }
        let section_offset = u64_at(&header, 40);
        let entry_size = u64::from(u16_at(&header, 58));
        let count = u64::from(u16_at(&header, 60));
        if entry_size < 64 || count > SECTION_HEADER_LIMIT {
            return Err(format!("{shown} has malformed section headers"));
        }
        let sections = read_at(section_offset, entry_size * count)?;
        let section = |index: u64| {
            let start = usize::try_from(index * entry_size).ok()?;
            sections.get(start..start + 64)
        };
        let mut dynamic = None;
        for index in 0..count {
            let Some(s) = section(index) else { break };
            if u32_at(s, 4) == SHT_DYNSYM {
                let strings = section(u64::from(u32_at(s, 40)))
                    .ok_or_else(|| format!("{shown} is malformed"))?;
                dynamic = Some((
                    (u64_at(s, 24), u64_at(s, 32)),
                    (u64_at(strings, 24), u64_at(strings, 32)),
                ));
                break;
            }
        }
        let Some(((sym_at, sym_len), (str_at, str_len))) = dynamic else {
            return Err(format!("{shown} has no dynamic symbol table"));
        };
        let symbols = read_at(sym_at, sym_len)?;
        let strings = read_at(str_at, str_len)?;

        Ok(Self::collect(&symbols, &strings, wanted))
    }

    /// Walks the `Elf64_Sym` entries (24 bytes each) of a `.dynsym` section.
    fn collect(symbols: &[u8], strings: &[u8], wanted: &HashSet<&str>) -> Self {
        let mut defined = HashSet::new();
        let mut lean_imports = Vec::new();
        for entry in symbols.chunks_exact(SYMBOL_BYTES) {
            let Ok(name_at) = usize::try_from(u32_at(entry, 0)) else {
                continue;
            };
            let Some(tail) = strings.get(name_at..) else {
                continue;
            };
            // `CStr` finds the terminator with the (optimized) libcore `memchr`.
            let Ok(name) = std::ffi::CStr::from_bytes_until_nul(tail) else {
                continue;
            };
            let Ok(name) = name.to_str() else { continue };
            if name.is_empty() {
                continue;
            }
            let undefined = u16_at(entry, 6) == 0;
            if !undefined {
                if wanted.contains(name) {
                    defined.insert(name.to_owned());
                }
            } else if entry[4] >> 4 != STB_WEAK
                && LEAN_SYMBOL_PREFIXES.iter().any(|p| name.starts_with(p))
            {
                lean_imports.push(name.to_owned());
            }
        }
        Self {
            defined,
            lean_imports,
        }
    }

    pub(crate) fn defines(&self, symbol: &str) -> bool {
        self.defined.contains(symbol)
    }

    pub(crate) fn lean_imports(&self) -> impl Iterator<Item = &str> {
        self.lean_imports.iter().map(String::as_str)
    }
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// The ELF `e_machine` of this target.
fn target_machine() -> Option<u16> {
    if cfg!(target_arch = "x86_64") {
        Some(62)
    } else if cfg!(target_arch = "aarch64") {
        Some(183)
    } else if cfg!(target_arch = "riscv64") {
        Some(243)
    } else {
        None
    }
}
