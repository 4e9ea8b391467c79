//! The capability manifest: the one definition of the JSON file that hands a built Lean
//! capability from build time ([`CargoLeanCapability`](super::CargoLeanCapability) writes it)
//! to run time (`lean-rs` reads it to open the capability without rediscovering Lake's output).
//!
//! Schema 2, smallest form (every other field is optional):
//!
//! ```json
//! {
//!   "schema": 2,
//!   "package": "lean-elpi",
//!   "module": "Elpi.Ffi",
//!   "dylib": "libleanelpi.so",
//!   "dependencies": [{ "dylib": "libleanshared.so", "export_symbols": true }]
//! }
//! ```
//!
//! A dependency may also be a bare path (opened with its symbols exported, as Lean's runtime
//! must be).
//!
//! Schema 2 adds `exports`: the C signature of each `@[export]` of the dylib, by symbol, in
//! the ABI tables' shape, as the build read it from the C the Lean compiler emitted
//! ([`extract_exports`](super::extract_exports)). `lean-rs` checks every safe typed lookup
//! against it:
//!
//! ```json
//! "exports": {
//!   "leanelpi_ffi_load": {"returns": "lean_object*", "params": ["lean_object*"], "borrowed": []}
//! }
//! ```
//!
//! Schema 1 files (no `exports`) are still read; [`CapabilityManifest::to_json`] always writes
//! schema 2. The file is untrusted: [`CapabilityManifest::load`] bounds its size, checks the
//! schema number before anything else, parses strictly and validates every field.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::names::{NamingConvention, validate_module_name, validate_package_name};
use super::signature::{ExportSignature, MAX_EXPORT_SYMBOL_BYTES};
use crate::diagnostics::one_line;
use crate::digest::read_bounded;
use crate::version::{LeanVersion, is_commit_hash, is_sha256_hex};

/// Schema number [`CapabilityManifest`] writes. [`CapabilityManifest::parse`] also reads
/// [`CAPABILITY_MANIFEST_SCHEMA_V1`]; any other number is rejected.
pub const CAPABILITY_MANIFEST_SCHEMA: u32 = 2;

/// The previous schema, still read: the same fields without `exports`.
pub const CAPABILITY_MANIFEST_SCHEMA_V1: u32 = 1;

/// Largest capability manifest accepted, in bytes.
pub const CAPABILITY_MANIFEST_LIMIT: u64 = 1024 * 1024;

const MAX_DEPENDENCIES: usize = 64;
const MAX_SEARCH_ROOTS: usize = 64;
const MAX_PATH_BYTES: usize = 4096;
const MAX_SYMBOL_BYTES: usize = MAX_EXPORT_SYMBOL_BYTES;
const MAX_EXPORTS: usize = 65_536;
const MAX_TOKEN_BYTES: usize = 128;

/// Why a capability manifest was rejected; one line, bounded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CapabilityManifestError {
    /// The file is absent, not a regular file, or cannot be read.
    #[error("cannot read it: {0}")]
    Unreadable(String),
    /// The file exceeds [`CAPABILITY_MANIFEST_LIMIT`].
    #[error("it is larger than {CAPABILITY_MANIFEST_LIMIT} bytes")]
    TooLarge,
    /// The `schema` number is not [`CAPABILITY_MANIFEST_SCHEMA`].
    #[error(
        "schema {0} is not supported (this build reads schemas {CAPABILITY_MANIFEST_SCHEMA_V1} and {CAPABILITY_MANIFEST_SCHEMA})"
    )]
    UnsupportedSchema(u64),
    /// Not JSON, a missing or unknown field, or a field with an invalid value.
    #[error("{0}")]
    Malformed(String),
}

fn malformed(detail: impl fmt::Display) -> CapabilityManifestError {
    CapabilityManifestError::Malformed(one_line(&detail.to_string()))
}

/// The toolchain facts recorded in a capability manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestToolchain {
    /// Lean release, e.g. `4.35.0`.
    pub version: String,
    /// Full commit, 40 lower-case hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// `full` or `runtime-only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Target triple, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// `lean.h` digest, for full toolchains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_digest: Option<String>,
}

/// A shared library to open before the capability's own dylib.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestDependency {
    /// The library file.
    pub dylib: PathBuf,
    /// Open it with its symbols visible to later libraries (Lean's runtime needs this).
    pub export_symbols: bool,
    /// With [`module`](Self::module): the Lake package whose module initializer runs right
    /// after the library is opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// With [`package`](Self::package): that module.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
}

impl ManifestDependency {
    /// A library opened globally with no initializer (the bare-path form).
    pub fn global(dylib: impl Into<PathBuf>) -> Self {
        Self {
            dylib: dylib.into(),
            export_symbols: true,
            package: None,
            module: None,
        }
    }
}

/// The object form of a dependency, parsed strictly.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DependencyObject {
    dylib: PathBuf,
    #[serde(default)]
    export_symbols: bool,
    #[serde(default)]
    package: Option<String>,
    #[serde(default)]
    module: Option<String>,
}

impl<'de> Deserialize<'de> for ManifestDependency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Form;
        impl<'de> Visitor<'de> for Form {
            type Value = ManifestDependency;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a dylib path or an object with a `dylib` field")
            }

            fn visit_str<E: de::Error>(self, path: &str) -> Result<Self::Value, E> {
                Ok(ManifestDependency::global(path))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let o = DependencyObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ManifestDependency {
                    dylib: o.dylib,
                    export_symbols: o.export_symbols,
                    package: o.package,
                    module: o.module,
                })
            }
        }
        deserializer.deserialize_any(Form)
    }
}

/// The self-describing record a runtime loader needs to reopen a built capability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilityManifest {
    /// Always [`CAPABILITY_MANIFEST_SCHEMA`].
    pub schema: u32,
    /// Lake package name.
    pub package: String,
    /// The root module to initialize.
    pub module: String,
    /// The primary shared library.
    pub dylib: PathBuf,
    /// Libraries to open first, in order.
    #[serde(default)]
    pub dependencies: Vec<ManifestDependency>,
    /// The toolchain it was built with; when present the loader requires the same version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<ManifestToolchain>,
    /// The `lean_lib` target (provenance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The module's initializer symbol in `dylib`, as the build computed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initializer: Option<String>,
    /// Which Lake naming scheme the dylib follows (provenance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naming: Option<NamingConvention>,
    /// Directories holding the dylib and its dependencies (provenance).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_roots: Vec<PathBuf>,
    /// The Lake build cache key (provenance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_key: Option<String>,
    /// The C signature of each `@[export]` of `dylib`, by symbol, as the Lean compiler emitted
    /// it (schema 2). `lean-rs` refuses a safe typed lookup whose types disagree with it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exports: BTreeMap<String, ExportSignature>,
}

impl CapabilityManifest {
    /// A manifest with only the required fields.
    pub fn new(
        package: impl Into<String>,
        module: impl Into<String>,
        dylib: impl Into<PathBuf>,
    ) -> Self {
        Self {
            schema: CAPABILITY_MANIFEST_SCHEMA,
            package: package.into(),
            module: module.into(),
            dylib: dylib.into(),
            dependencies: Vec::new(),
            toolchain: None,
            target: None,
            initializer: None,
            naming: None,
            search_roots: Vec::new(),
            cache_key: None,
            exports: BTreeMap::new(),
        }
    }

    /// Reads and validates the manifest at `path`, resolving relative paths against its
    /// directory.
    pub fn load(path: &Path) -> Result<Self, CapabilityManifestError> {
        let unreadable =
            |e: &dyn fmt::Display| CapabilityManifestError::Unreadable(one_line(&e.to_string()));
        let meta = std::fs::metadata(path).map_err(|e| unreadable(&e))?;
        if !meta.is_file() {
            return Err(unreadable(&"it is not a regular file"));
        }
        if meta.len() > CAPABILITY_MANIFEST_LIMIT {
            return Err(CapabilityManifestError::TooLarge);
        }
        let bytes = read_bounded(path, CAPABILITY_MANIFEST_LIMIT).map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidData {
                CapabilityManifestError::TooLarge
            } else {
                unreadable(&e)
            }
        })?;
        let mut manifest = Self::parse(&bytes)?;
        manifest.resolve_paths(path.parent().unwrap_or_else(|| Path::new(".")));
        Ok(manifest)
    }

    /// Parses and validates manifest bytes; paths stay as written.
    pub fn parse(bytes: &[u8]) -> Result<Self, CapabilityManifestError> {
        if bytes.len() as u64 > CAPABILITY_MANIFEST_LIMIT {
            return Err(CapabilityManifestError::TooLarge);
        }
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| malformed(format!("not valid JSON: {e}")))?;
        // The schema first: a newer schema may add fields this build would call unknown.
        let schema = value
            .as_object()
            .ok_or_else(|| malformed("not a JSON object"))?
            .get("schema")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| malformed("no numeric `schema` field"))?;
        if schema != u64::from(CAPABILITY_MANIFEST_SCHEMA)
            && schema != u64::from(CAPABILITY_MANIFEST_SCHEMA_V1)
        {
            return Err(CapabilityManifestError::UnsupportedSchema(schema));
        }
        let manifest: Self = serde_json::from_value(value).map_err(malformed)?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// Checks every field: names are valid Lean/Lake names, paths non-empty and bounded,
    /// toolchain facts well-formed, lists bounded, export symbols C names and their signatures
    /// consistent (`exports` needs schema 2).
    pub fn validate(&self) -> Result<(), CapabilityManifestError> {
        if self.schema != CAPABILITY_MANIFEST_SCHEMA && self.schema != CAPABILITY_MANIFEST_SCHEMA_V1
        {
            return Err(CapabilityManifestError::UnsupportedSchema(u64::from(
                self.schema,
            )));
        }
        if self.schema == CAPABILITY_MANIFEST_SCHEMA_V1 && !self.exports.is_empty() {
            return Err(malformed(format!(
                "`exports` needs schema {CAPABILITY_MANIFEST_SCHEMA}, not {CAPABILITY_MANIFEST_SCHEMA_V1}"
            )));
        }
        if self.exports.len() > MAX_EXPORTS {
            return Err(malformed(format!("more than {MAX_EXPORTS} exports")));
        }
        for (symbol, signature) in &self.exports {
            if !is_c_symbol(symbol) {
                return Err(malformed(format!(
                    "export `{}` is not a C symbol name",
                    clip(symbol)
                )));
            }
            signature
                .validate()
                .map_err(|e| malformed(format!("export `{symbol}`: {e}")))?;
        }
        validate_package_name(&self.package).map_err(|e| malformed(format!("`package`: {e}")))?;
        validate_module_name(&self.module).map_err(|e| malformed(format!("`module`: {e}")))?;
        check_path("dylib", &self.dylib)?;
        if self.dependencies.len() > MAX_DEPENDENCIES {
            return Err(malformed(format!(
                "more than {MAX_DEPENDENCIES} dependencies"
            )));
        }
        for (index, dep) in self.dependencies.iter().enumerate() {
            check_path(&format!("dependency {index}"), &dep.dylib)?;
            match (&dep.package, &dep.module) {
                (Some(package), Some(module)) => {
                    validate_package_name(package)
                        .map_err(|e| malformed(format!("dependency {index} `package`: {e}")))?;
                    validate_module_name(module)
                        .map_err(|e| malformed(format!("dependency {index} `module`: {e}")))?;
                }
                (None, None) => {}
                _ => {
                    return Err(malformed(format!(
                        "dependency {index} names only one of `package` and `module`"
                    )));
                }
            }
        }
        if let Some(toolchain) = &self.toolchain {
            toolchain.validate()?;
        }
        if let Some(target) = &self.target {
            validate_module_name(target).map_err(|e| malformed(format!("`target`: {e}")))?;
        }
        if let Some(symbol) = &self.initializer {
            if !is_c_symbol(symbol) {
                return Err(malformed(format!(
                    "`initializer` `{}` is not a C symbol name",
                    clip(symbol)
                )));
            }
        }
        if self.search_roots.len() > MAX_SEARCH_ROOTS {
            return Err(malformed(format!(
                "more than {MAX_SEARCH_ROOTS} search roots"
            )));
        }
        for root in &self.search_roots {
            check_path("search root", root)?;
        }
        if let Some(key) = &self.cache_key {
            check_token("cache_key", key)?;
        }
        Ok(())
    }

    /// Validates, then renders the manifest as pretty JSON (what the build writes), always as
    /// schema [`CAPABILITY_MANIFEST_SCHEMA`].
    pub fn to_json(&self) -> Result<Vec<u8>, CapabilityManifestError> {
        self.validate()?;
        let current = Self {
            schema: CAPABILITY_MANIFEST_SCHEMA,
            ..self.clone()
        };
        serde_json::to_vec_pretty(&current).map_err(malformed)
    }

    /// Joins every relative path (dylib, dependencies, search roots) onto `base`.
    pub fn resolve_paths(&mut self, base: &Path) {
        let join = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        join(&mut self.dylib);
        self.dependencies
            .iter_mut()
            .for_each(|d| join(&mut d.dylib));
        self.search_roots.iter_mut().for_each(join);
    }
}

impl ManifestToolchain {
    fn validate(&self) -> Result<(), CapabilityManifestError> {
        if LeanVersion::parse(&self.version).is_none() {
            return Err(malformed(format!(
                "toolchain version `{}` is not a Lean release",
                clip(&self.version)
            )));
        }
        if let Some(commit) = &self.commit {
            if !is_commit_hash(commit) {
                return Err(malformed(format!(
                    "toolchain commit `{}` is not 40 lower-case hex digits",
                    clip(commit)
                )));
            }
        }
        if let Some(kind) = &self.kind {
            if kind != "full" && kind != "runtime-only" {
                return Err(malformed(format!(
                    "toolchain kind `{}` is neither `full` nor `runtime-only`",
                    clip(kind)
                )));
            }
        }
        if let Some(platform) = &self.platform {
            check_token("toolchain platform", platform)?;
        }
        if let Some(digest) = &self.header_digest {
            if !is_sha256_hex(digest) {
                return Err(malformed(
                    "toolchain header_digest is not 64 lower-case hex digits",
                ));
            }
        }
        Ok(())
    }
}

fn check_path(what: &str, path: &Path) -> Result<(), CapabilityManifestError> {
    let bytes = path.as_os_str().as_encoded_bytes();
    if bytes.is_empty() {
        return Err(malformed(format!("{what} path is empty")));
    }
    if bytes.len() > MAX_PATH_BYTES {
        return Err(malformed(format!(
            "{what} path is longer than {MAX_PATH_BYTES} bytes"
        )));
    }
    if bytes.contains(&0) {
        return Err(malformed(format!("{what} path contains a NUL byte")));
    }
    Ok(())
}

fn is_c_symbol(symbol: &str) -> bool {
    !symbol.is_empty()
        && symbol.len() <= MAX_SYMBOL_BYTES
        && !symbol.as_bytes()[0].is_ascii_digit()
        && symbol
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn check_token(what: &str, text: &str) -> Result<(), CapabilityManifestError> {
    let ok = !text.is_empty()
        && text.len() <= MAX_TOKEN_BYTES
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.+".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(malformed(format!(
            "{what} `{}` is not a short identifier",
            clip(text)
        )))
    }
}

fn clip(text: &str) -> String {
    text.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lake::CType;

    const GOOD: &str = r#"{
  "schema": 2, "package": "lean-elpi", "module": "Elpi.Ffi", "dylib": "libleanelpi.so",
  "dependencies": ["/lib/libleanshared.so",
                   {"dylib": "libdep.so", "package": "dep", "module": "Dep"}],
  "toolchain": {"version": "4.35.0", "commit": "eb6cafb7290e8bd5f2937522d8d804f58f02bafc",
                "kind": "runtime-only", "platform": "x86_64-unknown-linux-gnu"},
  "target": "Elpi", "initializer": "initialize_lean_x2delpi_Elpi_Ffi",
  "naming": "package-qualified", "search_roots": ["."], "cache_key": "00ff",
  "exports": {
    "leanelpi_ffi_solve": {"returns": "lean_object*",
                           "params": ["uint64_t", "lean_object*", "uint64_t", "uint64_t"],
                           "borrowed": []},
    "leanelpi_ffi_version": {"returns": "lean_object*", "params": []}
  }
}"#;

    #[test]
    fn parses_both_dependency_forms_and_round_trips() {
        let m = CapabilityManifest::parse(GOOD.as_bytes()).unwrap();
        assert_eq!(
            m.dependencies[0],
            ManifestDependency::global("/lib/libleanshared.so")
        );
        assert!(!m.dependencies[1].export_symbols);
        assert_eq!(m.dependencies[1].module.as_deref(), Some("Dep"));
        assert_eq!(m.naming, Some(NamingConvention::PackageQualified));
        assert_eq!(
            m.exports["leanelpi_ffi_solve"],
            ExportSignature::new(
                CType::Object,
                [CType::U64, CType::Object, CType::U64, CType::U64]
            )
        );
        assert_eq!(
            m.exports["leanelpi_ffi_version"],
            ExportSignature::new(CType::Object, [])
        );
        let json = m.to_json().unwrap();
        let again = CapabilityManifest::parse(&json).unwrap();
        assert_eq!(again, m);
        // The exports are written in the ABI tables' shape.
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(
            value["exports"]["leanelpi_ffi_version"],
            serde_json::json!({"returns": "lean_object*", "params": [], "borrowed": []})
        );
    }

    #[test]
    fn schema_1_is_read_without_exports_and_written_as_schema_2() {
        let old = GOOD.replacen("\"schema\": 2", "\"schema\": 1", 1);
        let err = CapabilityManifest::parse(old.as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("`exports` needs schema 2"),
            "{err}"
        );
        let start = old.find(",\n  \"exports\"").unwrap();
        let old = format!("{}\n}}", &old[..start]);
        let m = CapabilityManifest::parse(old.as_bytes()).unwrap();
        assert_eq!(m.schema, 1);
        assert!(m.exports.is_empty());
        let written = CapabilityManifest::parse(&m.to_json().unwrap()).unwrap();
        assert_eq!(written.schema, CAPABILITY_MANIFEST_SCHEMA);
        assert_eq!(CapabilityManifest::new("p", "M", "l.so").schema, 2);
    }

    #[test]
    fn rejects_each_malformation() {
        let cases = [
            (
                "\"schema\": 2",
                "\"schema\": 3",
                "schema 3 is not supported",
            ),
            ("\"schema\": 2", "\"schema\": \"2\"", "no numeric `schema`"),
            (
                "\"leanelpi_ffi_version\":",
                "\"leanelpi ffi\":",
                "export `leanelpi ffi` is not a C symbol",
            ),
            (
                "\"uint64_t\", \"lean_object*\"",
                "\"int\", \"lean_object*\"",
                "`int` is not a C type",
            ),
            (
                "\"borrowed\": []",
                "\"borrowed\": [0]",
                "a `uint64_t`, not an object",
            ),
            (
                "\"borrowed\": []",
                "\"borrowed\": [1, 1]",
                "not strictly ascending",
            ),
            (
                "\"borrowed\": []",
                "\"borrowed\": [], \"z\": 0",
                "unknown field",
            ),
            (
                "\"package\": \"lean-elpi\"",
                "\"package\": \"\"",
                "`package`",
            ),
            (
                "\"module\": \"Elpi.Ffi\"",
                "\"module\": \"Elpi..Ffi\"",
                "`module`",
            ),
            ("\"libleanelpi.so\"", "\"\"", "dylib path is empty"),
            ("\"package\": \"dep\", ", "", "only one of"),
            ("\"4.35.0\"", "\"four\"", "version `four`"),
            (
                "eb6cafb7290e8bd5f2937522d8d804f58f02bafc",
                "EB6C",
                "commit `EB6C`",
            ),
            ("\"runtime-only\"", "\"partial\"", "kind `partial`"),
            (
                "initialize_lean_x2delpi_Elpi_Ffi",
                "init ialize",
                "not a C symbol",
            ),
            (
                "\"package-qualified\"",
                "\"package_qualified\"",
                "unknown variant",
            ),
            (
                "\"cache_key\": \"00ff\"",
                "\"cache_key\": \"00ff\", \"x\": 1",
                "unknown field",
            ),
            (
                "\"module\": \"Dep\"}",
                "\"module\": \"Dep\", \"y\": 1}",
                "unknown field",
            ),
            (
                "\"/lib/libleanshared.so\"",
                "7",
                "a dylib path or an object",
            ),
        ];
        for (from, to, expect) in cases {
            let text = GOOD.replacen(from, to, 1);
            assert_ne!(text, GOOD, "{from}");
            let err = CapabilityManifest::parse(text.as_bytes()).unwrap_err();
            assert!(err.to_string().contains(expect), "{to}: {err}");
        }
        assert!(matches!(
            CapabilityManifest::parse(b"[]"),
            Err(CapabilityManifestError::Malformed(_))
        ));
        let huge = vec![b' '; usize::try_from(CAPABILITY_MANIFEST_LIMIT).unwrap() + 1];
        assert_eq!(
            CapabilityManifest::parse(&huge),
            Err(CapabilityManifestError::TooLarge)
        );
    }

    #[test]
    fn load_bounds_the_file_and_resolves_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        std::fs::write(&path, GOOD).unwrap();
        let m = CapabilityManifest::load(&path).unwrap();
        assert_eq!(m.dylib, dir.path().join("libleanelpi.so"));
        assert_eq!(m.dependencies[0].dylib, Path::new("/lib/libleanshared.so"));
        assert_eq!(m.dependencies[1].dylib, dir.path().join("libdep.so"));
        assert!(matches!(
            CapabilityManifest::load(&dir.path().join("absent.json")),
            Err(CapabilityManifestError::Unreadable(_))
        ));
        assert!(matches!(
            CapabilityManifest::load(dir.path()),
            Err(CapabilityManifestError::Unreadable(_))
        ));
        std::fs::write(&path, vec![b' '; 2 * 1024 * 1024]).unwrap();
        assert_eq!(
            CapabilityManifest::load(&path),
            Err(CapabilityManifestError::TooLarge)
        );
    }
}
