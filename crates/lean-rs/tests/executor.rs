//! Tier 1, runtime: `LeanExecutor` — submission from many threads, contained panics,
//! backpressure, closing, the `Future` handle, MT-marked sharing, and the measured crash:
//! `Lean.Json.parse` of a 10^6-deep array kills an ordinary 8 MiB thread (reproduced in a
//! child process, which must die by a signal) and succeeds on executor workers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)] // the unchecked lookup of a libleanshared function, and a raw pthread

use std::future::Future;
use std::os::unix::process::ExitStatusExt;
use std::pin::pin;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use lean_rs::{
    LeanExecutor, LeanExecutorConfig, LeanExecutorError, LeanLibrary, LeanObject, LeanRuntime,
    LeanShared,
};

const DEPTH: usize = 1_000_000;
const RUNS: usize = 20;
const CHILD_MODE: &str = "LEAN_RS_EXECUTOR_TEST_CHILD";

/// `[[[…]]]`, `depth` levels.
fn deep_array(depth: usize) -> String {
    let mut s = String::with_capacity(2 * depth);
    s.extend(std::iter::repeat_n('[', depth));
    s.extend(std::iter::repeat_n(']', depth));
    s
}

/// Runs `Lean.Json.parse` (libleanshared's compiled `l_Lean_Json_parse : String → Except
/// String Json`, one owned argument, checked with objdump on 4.35.0) and reports whether it
/// parsed. Must run on an attached thread.
fn json_parse_ok(runtime: &'static LeanRuntime, text: &str) -> bool {
    let sysroot = lean_rs_sys::LEAN_SYSROOT.expect("built against a Lean sysroot");
    let library =
        LeanLibrary::open_globally(runtime, format!("{sysroot}/lib/lean/libleanshared.so"))
            .unwrap();
    let lean = library.initialize_module_unpackaged("Lean").unwrap();
    // SAFETY: `l_Lean_Json_parse` takes one owned `lean_object*` (a String) and returns an
    // owned `Except String Json` (ctor 0 = error with the message, 1 = ok), which is what
    // `(&str,) -> Result<LeanObject, String>` passes and decodes.
    let parse = unsafe {
        lean.exported_unchecked::<(&str,), Result<LeanObject<'_>, String>>("l_Lean_Json_parse")
    }
    .unwrap();
    match parse.call(text).unwrap() {
        Ok(_json) => true,
        Err(message) => panic!("Json.parse refused the input: {message}"),
    }
}

fn small_executor(workers: usize, queue: usize) -> LeanExecutor {
    LeanExecutor::with_config(
        LeanExecutorConfig::default()
            .workers(workers)
            .queue_capacity(queue),
    )
    .unwrap()
}

#[test]
fn executor_runs_jobs_submitted_from_many_threads() {
    let executor = Arc::new(small_executor(2, 8));
    let total = Arc::new(AtomicUsize::new(0));
    let submitters: Vec<_> = (0..4)
        .map(|t| {
            let executor = Arc::clone(&executor);
            let total = Arc::clone(&total);
            std::thread::spawn(move || {
                for i in 0..50u64 {
                    let task = executor
                        .submit(move |runtime| {
                            let _ = runtime;
                            std::thread::current().name().unwrap_or("").to_owned() + &i.to_string()
                        })
                        .unwrap();
                    let name = task.wait().unwrap();
                    assert!(name.starts_with("lean-exe"), "ran on {name}, submitter {t}");
                    total.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for s in submitters {
        s.join().unwrap();
    }
    assert_eq!(total.load(Ordering::Relaxed), 200);
}

#[test]
fn executor_contains_panics_and_keeps_working() {
    let executor = small_executor(1, 4);
    let err = executor
        .run(|_| -> u32 { panic!("boom in a job") })
        .unwrap_err();
    assert_eq!(
        err,
        LeanExecutorError::Panicked {
            message: "boom in a job".into()
        }
    );
    assert_eq!(executor.run(|_| 7u32).unwrap(), 7);
}

#[test]
fn executor_backpressure_and_close_are_typed() {
    let executor = small_executor(1, 1);
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let started = Arc::new(Barrier::new(2));
    let started_in_job = Arc::clone(&started);
    let blocker = executor
        .submit(move |_| {
            started_in_job.wait();
            release_rx.recv_timeout(Duration::from_secs(20)).ok();
        })
        .unwrap();
    started.wait();
    // Worker busy; one slot in the queue.
    let queued = executor.try_submit(|_| 1u8).unwrap();
    assert_eq!(
        executor.try_submit(|_| 2u8).unwrap_err(),
        LeanExecutorError::Full { capacity: 1 }
    );
    release_tx.send(()).unwrap();
    blocker.wait().unwrap();
    assert_eq!(queued.wait().unwrap(), 1);
    executor.close();
    assert_eq!(
        executor.submit(|_| 3u8).unwrap_err(),
        LeanExecutorError::Closed
    );
}

#[test]
fn executor_nested_submission_runs_inline() {
    let executor = Arc::new(small_executor(1, 1));
    let inner = Arc::clone(&executor);
    let value = executor
        .run(move |_| inner.run(|_| 41u32).unwrap() + 1)
        .unwrap();
    assert_eq!(value, 42);
}

struct ThreadWaker(std::thread::Thread, AtomicUsize);
impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.unpark();
    }
}

/// A minimal `block_on`: polls, parks until woken. Returns the value and the wake count.
fn block_on<F: Future>(future: F) -> (F::Output, usize) {
    let waker_state = Arc::new(ThreadWaker(std::thread::current(), AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&waker_state));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return (v, waker_state.1.load(Ordering::SeqCst));
        }
        assert!(Instant::now() < deadline, "future never completed");
        std::thread::park_timeout(Duration::from_secs(1));
    }
}

#[test]
fn executor_task_is_a_send_future_woken_by_the_worker() {
    fn assert_send<T: Send>(_: &T) {}
    let executor = small_executor(1, 2);
    let task = executor
        .submit(|_| {
            std::thread::sleep(Duration::from_millis(50));
            String::from("done")
        })
        .unwrap();
    assert_send(&task);
    let (value, wakes) = block_on(task);
    assert_eq!(value.unwrap(), "done");
    assert!(wakes >= 1, "the worker woke the waiting future");
}

#[test]
fn executor_shares_mt_marked_objects_between_workers() {
    let executor = Arc::new(small_executor(2, 64));
    let exec2 = Arc::clone(&executor);
    let shared: LeanShared = executor
        .run(move |runtime| {
            // SAFETY: a fresh owned String object moves into the handle.
            let obj = unsafe {
                LeanObject::from_owned_raw(
                    runtime,
                    lean_rs_sys::lean_mk_string(c"shared text".as_ptr()),
                )
            };
            LeanShared::new(&exec2, obj)
        })
        .unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let shared = shared.clone();
            executor
                .submit(move |runtime| {
                    let mut ok = 0;
                    for _ in 0..2000 {
                        let obj = shared.get(runtime).unwrap();
                        let raw = obj.into_owned_raw();
                        // SAFETY: `raw` is the String object we own one reference to;
                        // read its bytes, then release that reference.
                        let text = unsafe {
                            let t = std::ffi::CStr::from_ptr(lean_rs_sys::lean_string_cstr(raw))
                                .to_string_lossy()
                                .into_owned();
                            lean_rs_sys::lean_dec(raw);
                            t
                        };
                        if text == "shared text" {
                            ok += 1;
                        }
                    }
                    ok
                })
                .unwrap()
        })
        .collect();
    for t in tasks {
        assert_eq!(t.wait().unwrap(), 2000);
    }
    assert!(
        shared.get(LeanRuntime::init().unwrap()).is_none(),
        "not on a worker"
    );
    drop(shared);
}

/// Child entry: parse the deep array on a raw pthread with an 8 MiB stack and no
/// alternate signal stack (what a C++ pool or a Mojo worker provides). Never returns
/// normally when the crash reproduces.
fn child_parse_on_foreign_thread() {
    extern "C" fn body(_: *mut libc::c_void) -> *mut libc::c_void {
        let runtime = LeanRuntime::init().unwrap();
        let _guard = lean_rs::LeanThreadGuard::attach(runtime);
        let ok = json_parse_ok(runtime, &deep_array(DEPTH));
        println!("foreign-thread parse finished: {ok}");
        std::ptr::null_mut()
    }
    LeanRuntime::init().unwrap();
    // SAFETY: plain pthread creation with an initialized attribute of 8 MiB; joined below.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        libc::pthread_attr_init(&raw mut attr);
        libc::pthread_attr_setstacksize(&raw mut attr, 8 << 20);
        let mut thread: libc::pthread_t = std::mem::zeroed();
        assert_eq!(
            libc::pthread_create(&raw mut thread, &raw const attr, body, std::ptr::null_mut()),
            0
        );
        libc::pthread_join(thread, std::ptr::null_mut());
    }
}

/// Dispatches to a child mode when the test binary was re-executed as a child.
#[test]
fn executor_child_entry() {
    if let Ok("foreign-thread") = std::env::var(CHILD_MODE).as_deref() {
        child_parse_on_foreign_thread();
    }
}

fn run_child(mode: &str) -> std::process::Output {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "executor_child_entry",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_MODE, mode)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("child {mode} timed out: {out:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn executor_deep_json_parse_crashes_a_foreign_8mib_thread_in_a_child() {
    let mut killed = 0;
    for run in 0..RUNS {
        let out = run_child("foreign-thread");
        let signal = out.status.signal();
        assert!(
            matches!(signal, Some(libc::SIGSEGV | libc::SIGBUS | libc::SIGABRT)),
            "run {run}: expected death by signal, got {:?}\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        killed += 1;
    }
    println!("foreign 8 MiB thread: {killed}/{RUNS} runs died by a signal");
    assert_eq!(killed, RUNS);
}

#[test]
fn executor_deep_json_parse_succeeds_on_executor_workers() {
    let executor = small_executor(2, RUNS);
    let text = Arc::new(deep_array(DEPTH));
    let start = Instant::now();
    let tasks: Vec<_> = (0..RUNS)
        .map(|_| {
            let text = Arc::clone(&text);
            executor
                .submit(move |runtime| json_parse_ok(runtime, &text))
                .unwrap()
        })
        .collect();
    let ok = tasks
        .into_iter()
        .map(|t| t.wait().unwrap())
        .filter(|ok| *ok)
        .count();
    println!(
        "executor: {ok}/{RUNS} deep parses succeeded in {:?}",
        start.elapsed()
    );
    assert_eq!(ok, RUNS);
}

#[test]
fn executor_call_overhead() {
    let executor = small_executor(1, 16);
    let n = 2000u32;
    let start = Instant::now();
    for i in 0..n {
        assert_eq!(executor.run(move |_| i).unwrap(), i);
    }
    let per_call = start.elapsed() / n;
    println!("executor round trip: {per_call:?} per call");
    assert!(per_call < Duration::from_millis(5));
}
