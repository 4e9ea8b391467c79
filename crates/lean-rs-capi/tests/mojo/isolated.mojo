# A Mojo host of Lean through the lean-rs C ABI in worker mode: the natively compiled worker
# fixture opened as an isolated capability (a supervised child process), called from 8
# parallel Mojo workers (max.algorithm.parallelize) through the same lean_rs_call as an
# in-process capability. Halfway through, worker 0 calls an export that panics (with
# LEAN_ABORT_ON_PANIC) and one that overflows its stack: each comes back as a typed
# LEAN_RS_WORKER_* code, and every other call — before, during and after, on every worker —
# succeeds. Lean is never initialized in this Mojo process.
#
# The test that runs this file replaces the @…@ placeholders with paths and numbers.
# Struct offsets: LeanRsWorkerOptions {abi_version 0, startup_timeout_ms 4,
# request_timeout_ms 8, abort_on_panic 12, child_path 16, memory_limit_bytes 24,
# rss_watchdog_kib 32}, 40 bytes; LeanRsArg/LeanRsValue {kind 0,
# bits 8, real 16, data 24, len 32}, 40 bytes; LeanRsError {code 0, message_len 4, message 8}.
from std.ffi import OwnedDLHandle
from std.memory import alloc
from max.algorithm import parallelize


def lcg(rounds: Int) -> UInt64:
    # lean_rs_worker_spin's loop, computed here: `rounds` steps of a 64-bit LCG from 1.
    var x: UInt64 = 1
    for _ in range(rounds):
        x = x * 6364136223846793005 + 1442695040888963407
    return x


def main() raises:
    var lib = OwnedDLHandle(String("@CAPI@"))
    var manifest = String("@WORKER_MANIFEST@\0")
    var child = String("@CHILD@\0")
    var iterations = @ITERATIONS@

    var opts = alloc[UInt8](40)
    lib.call["lean_rs_worker_options_default", NoneType](opts)
    (opts + 4).bitcast[UInt32]()[] = 20000  # startup_timeout_ms
    (opts + 8).bitcast[UInt32]()[] = 20000  # request_timeout_ms
    opts[12] = 1  # abort_on_panic
    (opts + 16).bitcast[Int]()[] = Int(child.unsafe_ptr())
    var err = alloc[UInt8](520)
    var handle = alloc[UInt64](1)
    var rc = lib.call["lean_rs_capability_open_isolated", Int32](manifest.unsafe_ptr(), opts, handle, err)
    if rc != 0:
        print("FAIL open isolated", rc)
        return
    var cap = handle[0]

    var spin = String("lean_rs_worker_spin\0")
    var panic_export = String("lean_rs_worker_panic\0")
    var deep = String("lean_rs_worker_deep\0")
    var boom = String("boom")
    var very_deep = String("100000000")
    # Per worker: [ok, panic, stack overflow, failures].
    var counts = alloc[Int](32)
    for k in range(32):
        counts[k] = 0

    def work(i: Int) {imm lib, imm cap, imm spin, imm panic_export, imm deep, imm boom, imm very_deep, imm iterations, imm counts}:
        var a = alloc[UInt8](40)
        var v = alloc[UInt8](40)
        var e = alloc[UInt8](520)
        for it in range(iterations):
            if i == 0 and it == iterations // 2:
                a.bitcast[UInt32]()[0] = 8  # STRING
                (a + 24).bitcast[Int]()[] = Int(boom.unsafe_ptr())
                (a + 32).bitcast[Int]()[] = boom.byte_length()
                var r = lib.call["lean_rs_call", Int32](cap, panic_export.unsafe_ptr(), a, 1, UInt32(10), v, e)
                # LEAN_RS_WORKER_PANIC, with Lean's panic text ("…boom…") in the message.
                var n = Int((e + 4).bitcast[UInt32]()[])
                var found = False
                for k in range(n - 3):
                    if e[8 + k] == UInt8(ord("b")) and e[9 + k] == UInt8(ord("o")) and e[10 + k] == UInt8(ord("o")) and e[11 + k] == UInt8(ord("m")):
                        found = True
                if r == 16 and found:
                    counts[i * 4 + 1] += 1
                else:
                    counts[i * 4 + 3] += 1
                a.bitcast[UInt32]()[0] = 10  # NAT
                (a + 24).bitcast[Int]()[] = Int(very_deep.unsafe_ptr())
                (a + 32).bitcast[Int]()[] = very_deep.byte_length()
                r = lib.call["lean_rs_call", Int32](cap, deep.unsafe_ptr(), a, 1, UInt32(10), v, e)
                if r == 17:  # LEAN_RS_WORKER_STACK_OVERFLOW
                    counts[i * 4 + 2] += 1
                else:
                    counts[i * 4 + 3] += 1
            var rounds = i * 10 + it
            a.bitcast[UInt32]()[0] = 5  # U64
            (a + 8).bitcast[UInt64]()[] = UInt64(rounds)
            var r = lib.call["lean_rs_call", Int32](cap, spin.unsafe_ptr(), a, 1, UInt32(5), v, e)
            if r == 0 and (v + 8).bitcast[UInt64]()[] == lcg(rounds):
                counts[i * 4] += 1
            else:
                counts[i * 4 + 3] += 1
            lib.call["lean_rs_value_free", NoneType](v)
        a.free()
        v.free()
        e.free()

    parallelize(work, 8)

    var ok = 0
    var panics = 0
    var overflows = 0
    var failures = 0
    for w in range(8):
        ok += counts[w * 4]
        panics += counts[w * 4 + 1]
        overflows += counts[w * 4 + 2]
        failures += counts[w * 4 + 3]
    rc = lib.call["lean_rs_capability_close", Int32](cap, err)
    if rc != 0:
        failures += 1
    var in_process = lib.call["lean_rs_is_initialized", Int32]()
    print("mojo-isolated workers=8 ok=", ok, " panic=", panics, " stack_overflow=", overflows, " failures=", failures, " in_process_lean=", in_process, sep="")
