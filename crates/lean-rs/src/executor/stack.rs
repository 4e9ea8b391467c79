//! The per-worker alternate signal stack.
//!
//! A signal handler for a stack overflow cannot run on the stack that overflowed; it needs
//! an alternate stack (`sigaltstack`). Threads that Lean or the host did not set up have
//! none, so every executor worker maps its own on start and restores the previous one when
//! it exits.

#![allow(unsafe_code)] // mmap/munmap/sigaltstack: the only way to give a thread an alternate stack

use std::ptr;

/// A mapped alternate signal stack installed on the current thread; dropping it reinstates
/// the alternate stack the thread had before and unmaps this one.
pub(super) struct AltStack {
    base: *mut libc::c_void,
    mapped: usize,
    previous: libc::stack_t,
}

impl AltStack {
    /// Maps `size` bytes (rounded up to pages, plus one guard page below) and makes them the
    /// calling thread's alternate signal stack.
    pub(super) fn install(size: usize) -> std::io::Result<Self> {
        let page = page_size();
        let usable = size.max(libc::SIGSTKSZ).div_ceil(page).saturating_mul(page);
        let mapped = usable.saturating_add(page);
        // SAFETY: an anonymous private mapping with no address hint; the result is checked.
        let base = unsafe {
            libc::mmap(
                ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `base` is the start of the `mapped`-byte mapping made above; protecting its
        // first page turns an overflow of the alternate stack itself into a clean fault.
        if unsafe { libc::mprotect(base, page, libc::PROT_NONE) } != 0 {
            let err = std::io::Error::last_os_error();
            // SAFETY: unmapping the mapping made above, which nothing else references.
            unsafe { libc::munmap(base, mapped) };
            return Err(err);
        }
        let stack = libc::stack_t {
            // SAFETY: `page < mapped`, so the offset stays inside the mapping.
            ss_sp: unsafe { base.cast::<u8>().add(page) }.cast(),
            ss_flags: 0,
            ss_size: usable,
        };
        // SAFETY: `previous` is a valid out-parameter; the zeroed value is overwritten.
        let mut previous: libc::stack_t = unsafe { std::mem::zeroed() };
        // SAFETY: `stack` describes memory that stays mapped until `Drop`, which first
        // reinstates `previous` on this same thread (the value is `!Send`).
        if unsafe { libc::sigaltstack(&raw const stack, &raw mut previous) } != 0 {
            let err = std::io::Error::last_os_error();
            // SAFETY: the new stack was not installed; nothing references the mapping.
            unsafe { libc::munmap(base, mapped) };
            return Err(err);
        }
        Ok(Self {
            base,
            mapped,
            previous,
        })
    }

    /// Usable bytes of the alternate stack.
    pub(super) fn usable(&self) -> usize {
        self.mapped - page_size()
    }
}

impl Drop for AltStack {
    fn drop(&mut self) {
        // Reinstate what the thread had (a disabled stack if nothing); if that fails, only
        // disable ours, so the kernel never delivers a signal onto unmapped memory.
        let mut previous = self.previous;
        if previous.ss_flags & libc::SS_ONSTACK != 0 {
            previous.ss_flags &= !libc::SS_ONSTACK;
        }
        // SAFETY: `previous` is what `sigaltstack` reported for this thread at install time.
        let restored = unsafe { libc::sigaltstack(&raw const previous, ptr::null_mut()) } == 0;
        if !restored {
            let disable = libc::stack_t {
                ss_sp: ptr::null_mut(),
                ss_flags: libc::SS_DISABLE,
                ss_size: 0,
            };
            // SAFETY: disabling the alternate stack of the calling thread.
            unsafe { libc::sigaltstack(&raw const disable, ptr::null_mut()) };
        }
        // SAFETY: the mapping is no longer this thread's alternate stack (reinstated or
        // disabled above), and no other thread ever used it.
        unsafe { libc::munmap(self.base, self.mapped) };
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let raw = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(raw).ok().filter(|p| *p > 0).unwrap_or(4096)
}

/// Records the calling thread's stack bounds for the crash reporter's guard-page verdict.
pub(super) fn record_stack_bounds() {
    // SAFETY: `attr` is initialized by pthread_getattr_np before it is read and destroyed
    // exactly once; every out-parameter is a valid local.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &raw mut attr) != 0 {
            return;
        }
        let mut addr: *mut libc::c_void = ptr::null_mut();
        let mut size: libc::size_t = 0;
        let mut guard: libc::size_t = 0;
        let ok = libc::pthread_attr_getstack(&raw const attr, &raw mut addr, &raw mut size) == 0;
        let _ = libc::pthread_attr_getguardsize(&raw const attr, &raw mut guard);
        libc::pthread_attr_destroy(&raw mut attr);
        if ok && !addr.is_null() {
            let low = addr as usize;
            crate::signals::state::set_stack_bounds(low, low.saturating_add(size), guard);
        }
    }
}
