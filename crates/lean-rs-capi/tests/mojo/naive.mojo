# The naive route, for contrast: Mojo loads libleanshared itself and calls Lean's compiled
# Json.parse on a 10^6-deep array from parallel workers (8 MiB stacks, no alternate signal
# stack). Expected to die by a signal; the test that runs it checks that it does.
from std.ffi import OwnedDLHandle
from std.memory import alloc
from max.algorithm import parallelize


def main() raises:
    var lean = OwnedDLHandle("@LIBLEANSHARED@")
    lean.call["lean_initialize_runtime_module", NoneType]()
    lean.call["lean_initialize", NoneType]()
    lean.call["lean_init_task_manager", NoneType]()
    lean.call["lean_io_mark_end_initialization", NoneType]()
    var depth = @DEPTH@
    var deep = String("[") * depth + String("]") * depth + String("\0")

    def work(i: Int) {imm lean, imm deep}:
        lean.call["lean_initialize_thread", NoneType]()
        var s = lean.call["lean_mk_string", Int](deep.unsafe_ptr())
        var r = lean.call["l_Lean_Json_parse", Int](s)
        print("worker", i, "returned", r != 0)

    parallelize(work, 2)
    print("naive: all workers returned")
