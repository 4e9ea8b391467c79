// The "direct C++ route": the C that the Lean compiler emitted for a native fixture package
// is compiled into this C++ program and called through extern "C" declarations — no lean-rs
// at run time, only libleanshared. Threads Lean did not create attach themselves.
//
// usage: direct ITERATIONS

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

extern "C" {
struct lean_object;
// Exports of the emitted fixture C (prototypes as the Lean compiler wrote them).
uint64_t lean_rs_shapes_add_u64(uint64_t, uint64_t);
lean_object *lean_rs_shapes_string_append(lean_object *, lean_object *);
// The C glue (direct_glue.c).
int direct_init_runtime_and_module(void);
void direct_attach(void);
void direct_detach(void);
lean_object *direct_mk_string(const char *);
const char *direct_string_cstr(lean_object *);
void direct_dec(lean_object *);
}

int main(int argc, char **argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 100;
  if (!direct_init_runtime_and_module()) {
    std::fprintf(stderr, "FAIL module initializer\n");
    return 1;
  }
  std::atomic<int> adds{0}, appends{0}, failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 8; ++t) {
    pool.emplace_back([&, t] {
      direct_attach();
      for (int i = 0; i < iterations; ++i) {
        uint64_t x = static_cast<uint64_t>(t) << 32 | static_cast<uint64_t>(i);
        if (lean_rs_shapes_add_u64(x, 5) == x + 5) adds.fetch_add(1); else failures.fetch_add(1);
        std::string left = "t" + std::to_string(t), right = "-" + std::to_string(i);
        lean_object *s = lean_rs_shapes_string_append(direct_mk_string(left.c_str()), direct_mk_string(right.c_str()));
        if (left + right == direct_string_cstr(s)) appends.fetch_add(1); else failures.fetch_add(1);
        direct_dec(s);
      }
      direct_detach();
    });
  }
  for (auto &th : pool) th.join();
  std::printf("direct-cpp threads=8 add_u64=%d string_append=%d failures=%d\n", adds.load(), appends.load(),
              failures.load());
  return failures.load() == 0 ? 0 : 1;
}
