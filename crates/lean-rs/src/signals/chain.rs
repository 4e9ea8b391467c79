//! The chaining fault handler: overflow detection and one-line crash reports for executor
//! threads, delegation to the previously installed handler for everything else.
//!
//! Everything reachable from [`on_fault`] is async-signal-safe: no allocation, no locks, no
//! formatting machinery — fixed buffers, `write(2)`, `sigaction(2)`, and reads of
//! thread-locals with `const` initializers.

#![allow(unsafe_code)] // sigaction, raw handler entry points, write(2)

use std::cell::UnsafeCell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use super::state::{self, JOB_LABEL_LIMIT, ThreadRole};

/// Signals the chaining handler takes over.
pub(crate) const CHAINED: [(i32, &str); 4] = [
    (libc::SIGSEGV, "SIGSEGV"),
    (libc::SIGBUS, "SIGBUS"),
    (libc::SIGILL, "SIGILL"),
    (libc::SIGFPE, "SIGFPE"),
];

/// The handlers that were installed before ours, one per [`CHAINED`] signal. Written only
/// under `INSTALL` before our handler is installed for that signal; read by the handler.
struct Previous(UnsafeCell<[libc::sigaction; CHAINED.len()]>);
// SAFETY: written only while `INSTALL` is held and before the matching handler is live
// (`INSTALLED` is published after), read only afterwards.
unsafe impl Sync for Previous {}

static PREVIOUS: Previous =
    // SAFETY: an all-zero `sigaction` is a valid value (SIG_DFL, empty mask, no flags).
    Previous(UnsafeCell::new(unsafe { std::mem::zeroed() }));
static INSTALL: Mutex<()> = Mutex::new(());
static INSTALLED: AtomicBool = AtomicBool::new(false);
/// Extra file descriptor crash reports are copied to (-1: none).
static REPORT_FD: AtomicI32 = AtomicI32::new(-1);

/// Installs the chaining handler for [`CHAINED`] (idempotent). Returns whether this call
/// installed it.
pub(crate) fn install() -> std::io::Result<bool> {
    let _lock = INSTALL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if INSTALLED.load(Ordering::Acquire) {
        return Ok(false);
    }
    for (index, &(signal, _)) in CHAINED.iter().enumerate() {
        // SAFETY: `action` is fully initialized before use; `PREVIOUS` is written under the
        // lock, before our handler for `signal` goes live, so the handler never reads a
        // half-written slot for its own signal.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fault as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
            libc::sigemptyset(&raw mut action.sa_mask);
            let slot = (*PREVIOUS.0.get()).as_mut_ptr().add(index);
            if libc::sigaction(signal, &raw const action, slot) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    INSTALLED.store(true, Ordering::Release);
    Ok(true)
}

/// Whether the chaining handler is installed.
pub(crate) fn is_installed() -> bool {
    INSTALLED.load(Ordering::Acquire)
}

/// Also write crash reports to `fd` (the caller keeps it open for the process's life).
pub(crate) fn set_report_fd(fd: i32) {
    REPORT_FD.store(fd, Ordering::Release);
}

/// A fixed-capacity line buffer (no allocation).
struct Line {
    buf: [u8; 512],
    len: usize,
}

impl Line {
    const fn new() -> Self {
        Self {
            buf: [0; 512],
            len: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.len < self.buf.len() - 1 {
                self.buf[self.len] = b;
                self.len += 1;
            }
        }
    }

    fn push_dec(&mut self, mut value: u64) {
        let mut digits = [0u8; 20];
        let mut n = 0;
        loop {
            // `value % 10 < 10`, so the cast cannot truncate.
            #[allow(clippy::cast_possible_truncation)]
            let digit = (value % 10) as u8;
            digits[n] = b'0' + digit;
            n += 1;
            value /= 10;
            if value == 0 || n == digits.len() {
                break;
            }
        }
        while n > 0 {
            n -= 1;
            self.push(&digits[n..=n]);
        }
    }

    fn push_hex(&mut self, value: usize) {
        self.push(b"0x");
        let mut started = false;
        for shift in (0..usize::BITS / 4).rev() {
            let nibble = (value >> (shift * 4)) & 0xf;
            if nibble != 0 || started || shift == 0 {
                started = true;
                self.push(&[b"0123456789abcdef"[nibble]]);
            }
        }
    }
}

fn write_all(fd: i32, bytes: &[u8]) {
    let mut done = 0;
    while done < bytes.len() {
        // SAFETY: `bytes[done..]` is a valid readable range; write(2) is async-signal-safe.
        let n = unsafe { libc::write(fd, bytes[done..].as_ptr().cast(), bytes.len() - done) };
        if n <= 0 {
            return;
        }
        // `n > 0` was checked, so the conversion is lossless.
        done += usize::try_from(n).unwrap_or(0);
    }
}

fn signal_name(signal: i32) -> &'static [u8] {
    match signal {
        libc::SIGSEGV => b"SIGSEGV",
        libc::SIGBUS => b"SIGBUS",
        libc::SIGILL => b"SIGILL",
        libc::SIGFPE => b"SIGFPE",
        _ => b"signal",
    }
}

/// Writes the one-line crash report for a fault on the calling thread.
fn report(signal: i32, addr: usize, verdict: Option<bool>, role: ThreadRole) {
    let mut line = Line::new();
    line.push(b"lean-rs: fatal ");
    line.push(signal_name(signal));
    line.push(b" (");
    line.push_dec(u64::try_from(signal).unwrap_or(0));
    line.push(b") addr=");
    line.push_hex(addr);
    line.push(b" guard-page=");
    line.push(match verdict {
        Some(true) => b"yes (stack overflow)",
        Some(false) => b"no",
        None => b"unknown",
    });
    line.push(b" thread=");
    line.push(role.as_str().as_bytes());
    line.push(b" job=");
    let mut label = [0u8; JOB_LABEL_LIMIT];
    let n = state::label_into(&mut label);
    if n == 0 {
        line.push(b"-");
    } else {
        // Labels are arbitrary bytes; keep the line one line.
        for &b in &label[..n] {
            line.push(&[if b == b'\n' || b == b'\r' { b' ' } else { b }]);
        }
    }
    line.push(b"\n");
    write_all(2, &line.buf[..line.len]);
    let fd = REPORT_FD.load(Ordering::Acquire);
    if fd >= 0 {
        write_all(fd, &line.buf[..line.len]);
    }
}

/// Fault address of a `siginfo_t`.
///
/// # Safety
/// `info` must be the `siginfo_t` the kernel passed to an `SA_SIGINFO` handler, or null.
unsafe fn fault_address(info: *mut libc::siginfo_t) -> usize {
    if info.is_null() {
        return 0;
    }
    // SAFETY: per the contract, `info` points to a valid siginfo; for the fault signals we
    // handle, `si_addr` is the member the kernel filled.
    unsafe { (*info).si_addr() as usize }
}

extern "C" fn on_fault(signal: i32, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
    let addr = unsafe { fault_address(info) };
    let role = state::role();
    if role == ThreadRole::ExecutorWorker || role == ThreadRole::Init {
        let verdict = if signal == libc::SIGSEGV || signal == libc::SIGBUS {
            state::guard_page_verdict(addr)
        } else {
            Some(false)
        };
        report(signal, addr, verdict, role);
    }
    chain(signal, info, context);
}

/// Hands the fault to the handler installed before ours (or the default action).
fn chain(signal: i32, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let Some(index) = CHAINED.iter().position(|&(s, _)| s == signal) else {
        return;
    };
    // SAFETY: the slot was written before our handler went live (see `install`) and is
    // never written again.
    let previous = unsafe { &*(*PREVIOUS.0.get()).as_ptr().add(index) };
    let target = previous.sa_sigaction;
    if target == libc::SIG_DFL || target == libc::SIG_IGN {
        // Reinstate the default action and return: the faulting instruction runs again and
        // the kernel terminates the process with the original signal (and a core, if
        // enabled). Ignoring a synchronous fault is not possible, so SIG_IGN is treated the
        // same way.
        // SAFETY: an all-zero sigaction is SIG_DFL; sigaction(2) is async-signal-safe.
        unsafe {
            let mut dfl: libc::sigaction = std::mem::zeroed();
            libc::sigemptyset(&raw mut dfl.sa_mask);
            libc::sigaction(signal, &raw const dfl, std::ptr::null_mut());
        }
        return;
    }
    if previous.sa_flags & libc::SA_RESETHAND != 0 {
        // The previous handler was one-shot: it would have been reset on delivery.
        // SAFETY: as above.
        unsafe {
            let mut dfl: libc::sigaction = std::mem::zeroed();
            libc::sigemptyset(&raw mut dfl.sa_mask);
            libc::sigaction(signal, &raw const dfl, std::ptr::null_mut());
        }
    }
    if previous.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: the previous disposition is a three-argument handler (SA_SIGINFO), called
        // with the arguments the kernel gave us, as the kernel would have called it.
        let handler: extern "C" fn(i32, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { std::mem::transmute(target) };
        handler(signal, info, context);
    } else {
        // SAFETY: the previous disposition is a one-argument handler.
        let handler: extern "C" fn(i32) = unsafe { std::mem::transmute(target) };
        handler(signal);
    }
}
