// Pure text parsing shared by `build.rs` (via `include!`) and this crate's unit tests: Lean's
// self-reported identity, elan's settings and directory naming. No I/O here.

/// `default_toolchain` from elan's `settings.toml` (e.g. `leanprover/lean4:v4.35.0`).
pub fn elan_default_toolchain_name(settings: &str) -> Option<String> {
    settings.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "default_toolchain").then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// elan's directory name for a toolchain: `/` becomes `--`, `:` becomes `---`.
pub fn elan_toolchain_dir_name(name: &str) -> String {
    name.replace('/', "--").replace(':', "---")
}

/// (version, commit) from `lean --version`:
/// `Lean (version 4.35.0, x86_64-unknown-linux-gnu, commit eb6c..., Release)`.
pub fn parse_lean_version_output(out: &str) -> Option<(String, Option<String>)> {
    let field = |key: &str| {
        out.split([',', '(', ')'])
            .find_map(|part| part.trim().strip_prefix(key).map(|v| v.trim().to_owned()))
            .filter(|v| !v.is_empty())
    };
    Some((field("version ")?, field("commit ")))
}

/// First `"key": "value"` string in a flat JSON document without escapes in the wanted fields
/// (the project's `lean-rs-sysroot.json`).
pub fn json_string_field(json: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let after = json.get(json.find(&quoted)? + quoted.len()..)?;
    let value = after.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(value.get(..value.find('"')?)?.to_owned())
}

/// The `--cfg` name for a Lean version: `4.35.0-rc3` -> `lean_v_4_35_0_rc3`.
pub fn version_cfg_name(version: &str) -> String {
    format!("lean_v_{}", version.replace(['.', '-'], "_"))
}
