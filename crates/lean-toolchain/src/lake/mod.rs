//! Lake helpers: module discovery, Lean name mangling, shared-library builds.

mod build;
mod capability;
mod lakefile;
mod manifest;
mod modules;
mod names;
mod signature;

pub use crate::native::LeanModuleHeader;
pub use build::{LakeBuild, LakeTarget, build_lake_target, build_lake_target_quiet};
pub use capability::{BuiltLeanCapability, CargoLeanCapability, screaming_snake};
#[doc(hidden)]
pub use lakefile::fuzz_parse_lakefile;
pub use lakefile::{Glob, LakeRequire, Lakefile, LeanLibDecl};
pub use manifest::{
    CAPABILITY_MANIFEST_LIMIT, CAPABILITY_MANIFEST_SCHEMA, CAPABILITY_MANIFEST_SCHEMA_V1,
    CapabilityManifest, CapabilityManifestError, ManifestDependency, ManifestToolchain,
};
pub use modules::{
    LeanModuleDescriptor, LeanModuleDiscoveryDiagnostic, LeanModuleSet, LeanModuleSetFingerprint,
    discover_lake_modules, read_module_header, resolve_lake_root,
};
pub use names::{
    NamePart, NamingConvention, mangle_component, mangle_name, mangle_parts, validate_module_name,
    validate_package_name,
};
pub use signature::{
    CExport, CExportKind, CType, EMITTED_C_LIMIT, EmittedExports, ExportSignature,
    MAX_EXPORT_LINE_BYTES, MAX_EXPORT_PARAMS, MAX_EXPORT_SYMBOL_BYTES, SignatureError,
    export_signatures, extract_exports, extract_exports_from_file, parse_export_line,
};
