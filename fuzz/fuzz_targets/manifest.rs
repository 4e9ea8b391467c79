//! `CapabilityManifest::parse`: JSON a build wrote, read back by the loader.
//! Oracle: no panic; whatever `parse` accepts validates and survives its own writer
//! (which writes the current schema).
#![no_main]

use lean_toolchain::lake::{CAPABILITY_MANIFEST_SCHEMA, CapabilityManifest};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(manifest) = CapabilityManifest::parse(data) else {
        return;
    };
    assert!(
        manifest.validate().is_ok(),
        "parse accepted an invalid manifest"
    );
    match manifest.to_json() {
        Ok(json) => match CapabilityManifest::parse(&json) {
            // The writer always writes the current schema (a schema-1 manifest is upgraded).
            Ok(again) => assert_eq!(
                again,
                CapabilityManifest {
                    schema: CAPABILITY_MANIFEST_SCHEMA,
                    ..manifest
                },
                "manifest changed through its writer"
            ),
            Err(e) => panic!("the writer's output does not parse: {e}"),
        },
        Err(e) => panic!("an accepted manifest cannot be written: {e}"),
    }
});
