//! Reading a shared library's dynamic symbol table without loading it, for preflight checks.

use std::collections::HashSet;
use std::path::Path;

use object::{Object, ObjectKind, ObjectSymbol};

/// Defined and Lean-imported dynamic symbols of one shared object.
pub(crate) struct SymbolTable {
    defined: HashSet<String>,
    lean_imports: Vec<String>,
}

/// Prefixes of symbols Lean-compiled code imports from other Lean libraries.
const LEAN_SYMBOL_PREFIXES: [&str; 4] = ["lean_", "l_", "lp_", "initialize_"];

impl SymbolTable {
    /// Parses `path` as a shared object for this target. The error is a one-line description
    /// (not a native shared object, wrong architecture, unreadable).
    pub(crate) fn read(path: &Path) -> Result<Self, String> {
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let cache = object::ReadCache::new(file);
        let parsed = object::File::parse(&cache)
            .map_err(|e| format!("{} is not a native shared object: {e}", path.display()))?;
        if parsed.kind() != ObjectKind::Dynamic {
            return Err(format!("{} is not a shared library ({:?})", path.display(), parsed.kind()));
        }
        let arch = parsed.architecture();
        if Some(arch) != target_architecture() {
            return Err(format!(
                "{} is built for {arch:?}, not for this target ({})",
                path.display(),
                std::env::consts::ARCH
            ));
        }
        let mut defined = HashSet::new();
        let mut lean_imports = Vec::new();
        for symbol in parsed.dynamic_symbols() {
            let Ok(name) = symbol.name() else { continue };
            if symbol.is_undefined() {
                if !symbol.is_weak() && LEAN_SYMBOL_PREFIXES.iter().any(|p| name.starts_with(p)) {
                    lean_imports.push(name.to_owned());
                }
            } else if symbol.is_definition() || symbol.is_global() {
                defined.insert(name.to_owned());
            }
        }
        Ok(Self { defined, lean_imports })
    }

    pub(crate) fn defines(&self, symbol: &str) -> bool {
        self.defined.contains(symbol)
    }

    pub(crate) fn lean_imports(&self) -> impl Iterator<Item = &str> {
        self.lean_imports.iter().map(String::as_str)
    }
}

fn target_architecture() -> Option<object::Architecture> {
    if cfg!(target_arch = "x86_64") {
        Some(object::Architecture::X86_64)
    } else if cfg!(target_arch = "aarch64") {
        Some(object::Architecture::Aarch64)
    } else if cfg!(target_arch = "riscv64") {
        Some(object::Architecture::Riscv64)
    } else {
        None
    }
}
