// A C++ host of Lean through the lean-rs C ABI in worker mode: the natively compiled worker
// fixture opened as an isolated capability (a supervised child process), called with the same
// lean_rs_call as an in-process capability. Exports that panic (LEAN_ABORT_ON_PANIC), overflow
// the stack, outgrow a memory cgroup, run away, and a child killed with SIGKILL while idle
// each come back as a typed LEAN_RS_WORKER_* code, and the next call works — in this one host
// process, whose SIGPIPE keeps its default action. Then the same process initializes Lean in-process and calls the
// shapes capability there, as before.
//
// usage: isolated <worker fixture manifest> <worker child binary> <shapes manifest>
// Prints one summary line; exits non-zero on any failure.

#include "lean_rs_capi.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

int g_failures = 0;

void fail(const std::string &what, int32_t code, const LeanRsError &err) {
  std::fprintf(stderr, "FAIL %s: %s (%d): %s\n", what.c_str(), lean_rs_error_name(code), code,
               err.message);
  ++g_failures;
}

LeanRsArg text_arg(uint32_t kind, const std::string &s) {
  LeanRsArg a{};
  a.kind = kind;
  a.data = reinterpret_cast<const uint8_t *>(s.data());
  a.len = s.size();
  return a;
}

LeanRsArg u64_arg(uint64_t v) {
  LeanRsArg a{};
  a.kind = LEAN_RS_KIND_U64;
  a.bits = v;
  return a;
}

std::string take_text(LeanRsValue &v) {
  std::string s(v.data ? reinterpret_cast<const char *>(v.data) : "", v.len);
  lean_rs_value_free(&v);
  return s;
}

// One call expected to succeed with a text result equal to `expected`.
bool call_text(uint64_t cap, const char *symbol, const LeanRsArg &arg, uint32_t kind,
               const std::string &expected) {
  LeanRsValue v;
  LeanRsError err;
  int32_t code = lean_rs_call(cap, symbol, &arg, 1, kind, &v, &err);
  if (code != LEAN_RS_OK) {
    fail(symbol, code, err);
    return false;
  }
  std::string got = take_text(v);
  if (got != expected) {
    std::fprintf(stderr, "FAIL %s: got `%s`, expected `%s`\n", symbol, got.c_str(),
                 expected.c_str());
    ++g_failures;
    return false;
  }
  return true;
}

bool ping(uint64_t cap) {
  return call_text(cap, "lean_rs_worker_command", text_arg(LEAN_RS_KIND_STRING, "ping"),
                   LEAN_RS_KIND_STRING | LEAN_RS_KIND_IO, "ok pong");
}

// One call expected to fail with `want`, its message containing `needle`.
bool call_fails(uint64_t cap, const char *symbol, const LeanRsArg &arg, uint32_t kind,
                int32_t want, const char *needle) {
  LeanRsValue v;
  LeanRsError err;
  int32_t code = lean_rs_call(cap, symbol, &arg, 1, kind, &v, &err);
  if (code != want || err.code != want || v.kind != LEAN_RS_KIND_UNIT || v.data != nullptr ||
      std::strstr(err.message, needle) == nullptr) {
    std::fprintf(stderr, "FAIL %s: wanted %s containing `%s`, got %s: %s\n", symbol,
                 lean_rs_error_name(want), needle, lean_rs_error_name(code), err.message);
    ++g_failures;
    lean_rs_value_free(&v);
    return false;
  }
  std::printf("%s -> %s: %s\n", symbol, lean_rs_error_name(code), err.message);
  return true;
}

// Live (not zombie) child processes of this process.
std::vector<int> children() {
  std::vector<int> found;
  const int me = getpid();
  DIR *proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (dirent *entry = readdir(proc)) {
    char *end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0') continue;
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::stringstream text;
    text << stat.rdbuf();
    std::string line = text.str();
    size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    std::string state;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == me && state != "Z") found.push_back(static_cast<int>(pid));
  }
  closedir(proc);
  return found;
}

bool wait_no_children() {
  for (int i = 0; i < 200; ++i) {
    if (children().empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s WORKER_MANIFEST WORKER_CHILD SHAPES_MANIFEST\n", argv[0]);
    return 2;
  }
  const char *worker_manifest = argv[1];
  const char *child = argv[2];
  const char *shapes_manifest = argv[3];

  // A plain C host: SIGPIPE at its default action (ending the process) and not blocked,
  // whatever the launching process left behind (a Rust parent ignores it, for one).
  signal(SIGPIPE, SIG_DFL);
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_UNBLOCK, &pipe_only, nullptr);

  LeanRsWorkerOptions options;
  lean_rs_worker_options_default(&options);
  options.child_path = child;
  options.abort_on_panic = 1;
  options.startup_timeout_ms = 20000;
  options.request_timeout_ms = 20000;
  LeanRsError err;
  uint64_t worker = 0;
  int32_t code = lean_rs_capability_open_isolated(worker_manifest, &options, &worker, &err);
  if (code != LEAN_RS_OK) {
    fail("open isolated", code, err);
    return 1;
  }
  // Worker mode needs no lean_rs_init: this process has not started Lean.
  if (lean_rs_is_initialized() != 0) {
    std::fprintf(stderr, "FAIL Lean was initialized in the host by an isolated open\n");
    ++g_failures;
  }
  int ok = 0, panics = 0, overflows = 0, kills = 0, timeouts = 0, inprocess = 0;
  ok += ping(worker);
  using clock = std::chrono::steady_clock;
  auto micros = [](clock::duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  };
  // Figures (printed, not asserted): a warm round trip, and a call that first replaces a
  // crashed child (spawn, Lean start-up, handshake, reopening the capability).
  const int warm = 200;
  auto t0 = clock::now();
  bool warm_ok = true;
  for (int i = 0; i < warm; ++i) warm_ok = ping(worker) && warm_ok;
  const long long ping_us = micros(clock::now() - t0) / warm;
  if (!warm_ok) ++g_failures;

  // A Lean panic with LEAN_ABORT_ON_PANIC=1 ends the child, not this process.
  panics += call_fails(worker, "lean_rs_worker_panic", text_arg(LEAN_RS_KIND_STRING, "boom"),
                       LEAN_RS_KIND_NAT, LEAN_RS_WORKER_PANIC, "lean-rs worker panic: boom");
  t0 = clock::now();
  ok += ping(worker);
  const long long restart_us = micros(clock::now() - t0);

  // Non-tail recursion 10^8 deep overflows the child's stack.
  overflows += call_fails(worker, "lean_rs_worker_deep", text_arg(LEAN_RS_KIND_NAT, "100000000"),
                          LEAN_RS_KIND_NAT, LEAN_RS_WORKER_STACK_OVERFLOW, "stack overflow");
  ok += call_text(worker, "lean_rs_worker_deep", text_arg(LEAN_RS_KIND_NAT, "1000"),
                  LEAN_RS_KIND_NAT, "1000");

  // kill -9 of the idle child: the next call writes to a dead pipe (SIGPIPE, blocked by the
  // library for the call) and reports the kill; the one after runs in a fresh child.
  std::vector<int> pids = children();
  if (pids.size() != 1) {
    std::fprintf(stderr, "FAIL expected one worker child, found %zu\n", pids.size());
    ++g_failures;
  }
  for (int pid : pids) kill(pid, SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  kills += call_fails(worker, "lean_rs_worker_command", text_arg(LEAN_RS_KIND_STRING, "ping"),
                      LEAN_RS_KIND_STRING | LEAN_RS_KIND_IO, LEAN_RS_WORKER_KILLED, "SIGKILL");
  ok += ping(worker);

  // Another isolated capability whose child runs in a 256 MiB memory cgroup: growth within
  // the limit is fine, growth past it is an OOM kill reported as such, and the next call runs.
  int ooms = 0;
  {
    LeanRsWorkerOptions capped_options = options;
    capped_options.memory_limit_bytes = 256ull << 20;
    uint64_t capped = 0;
    code = lean_rs_capability_open_isolated(worker_manifest, &capped_options, &capped, &err);
    if (code != LEAN_RS_OK) {
      fail("open capped", code, err);
      return 1;
    }
    ok += call_text(capped, "lean_rs_worker_grow", text_arg(LEAN_RS_KIND_NAT, "10000"),
                    LEAN_RS_KIND_NAT, "10000");
    ooms += call_fails(capped, "lean_rs_worker_grow", text_arg(LEAN_RS_KIND_NAT, "200000000"),
                       LEAN_RS_KIND_NAT, LEAN_RS_WORKER_OUT_OF_MEMORY, "cgroup limit");
    ok += ping(capped);
    if ((code = lean_rs_capability_close(capped, &err)) != LEAN_RS_OK) fail("close capped", code, err);
  }

  // A second isolated capability (its own child) with a short deadline: a runaway call is
  // killed at the deadline, and the handle keeps working. No child_path this time: the
  // library finds the child beside itself (in Cargo's layout, in the parent of its `deps`).
  options.request_timeout_ms = 500;
  options.child_path = nullptr;
  uint64_t fast = 0;
  code = lean_rs_capability_open_isolated(worker_manifest, &options, &fast, &err);
  if (code != LEAN_RS_OK) {
    fail("open second isolated", code, err);
    return 1;
  }
  if (fast == worker) {
    std::fprintf(stderr, "FAIL two isolated opens gave the same handle\n");
    ++g_failures;
  }
  timeouts += call_fails(fast, "lean_rs_worker_spin", u64_arg(UINT64_MAX), LEAN_RS_KIND_U64,
                         LEAN_RS_WORKER_TIMEOUT, "timed out");
  {
    LeanRsArg a = u64_arg(3);
    LeanRsValue v;
    code = lean_rs_call(fast, "lean_rs_worker_spin", &a, 1, LEAN_RS_KIND_U64, &v, &err);
    // Three LCG rounds from 1, computed here too.
    uint64_t x = 1;
    for (int i = 0; i < 3; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    if (code != LEAN_RS_OK || v.bits != x) {
      fail("spin 3", code, err);
    } else {
      ++ok;
    }
  }

  // Close: the handles become unknown, the children stop.
  if ((code = lean_rs_capability_close(fast, &err)) != LEAN_RS_OK) fail("close fast", code, err);
  if ((code = lean_rs_capability_close(worker, &err)) != LEAN_RS_OK) fail("close", code, err);
  if ((code = lean_rs_capability_close(worker, &err)) != LEAN_RS_SYMBOL_NOT_FOUND) {
    fail("second close", code, err);
  }
  {
    LeanRsArg a = text_arg(LEAN_RS_KIND_STRING, "ping");
    LeanRsValue v;
    code = lean_rs_call(worker, "lean_rs_worker_command", &a, 1,
                        LEAN_RS_KIND_STRING | LEAN_RS_KIND_IO, &v, &err);
    if (code != LEAN_RS_SYMBOL_NOT_FOUND) fail("call after close", code, err);
  }
  if (!wait_no_children()) {
    std::fprintf(stderr, "FAIL worker children left after close\n");
    ++g_failures;
  }

  // In-process mode in the same host, as before: init, open, call on the executor.
  LeanRsInitOptions init;
  lean_rs_init_options_default(&init);
  init.workers = 1;
  if ((code = lean_rs_init(&init, &err)) != LEAN_RS_OK) {
    fail("lean_rs_init", code, err);
    return 1;
  }
  uint64_t shapes = 0;
  if ((code = lean_rs_capability_open(shapes_manifest, &shapes, &err)) != LEAN_RS_OK) {
    fail("open shapes", code, err);
    return 1;
  }
  {
    LeanRsArg a[2] = {u64_arg(40), u64_arg(2)};
    LeanRsValue v;
    code = lean_rs_call(shapes, "lean_rs_shapes_add_u64", a, 2, LEAN_RS_KIND_U64, &v, &err);
    if (code != LEAN_RS_OK || v.bits != 42) {
      fail("in-process add_u64", code, err);
    } else {
      ++inprocess;
    }
  }
  if ((code = lean_rs_capability_close(shapes, &err)) != LEAN_RS_UNSUPPORTED) {
    fail("close in-process", code, err);
  }

  std::printf("figures: isolated_ping_us=%lld first_call_after_crash_us=%lld\n", ping_us,
              restart_us);
  std::printf(
      "cpp-isolated ok=%d panic=%d stack_overflow=%d killed=%d out_of_memory=%d timeout=%d "
      "in_process=%d failures=%d\n",
      ok, panics, overflows, kills, ooms, timeouts, inprocess, g_failures);
  return g_failures == 0 ? 0 : 1;
}
