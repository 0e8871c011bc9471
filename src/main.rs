use std::ffi::{c_int, c_long};

/// mimalloc instead of the system allocator: a large spec's compile makes millions of small
/// allocations, and glibc's malloc/free took about a third of `check`'s CPU time
/// (BENCHMARKS.md, "Scale").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's `mi_option_set`, from the library the `mimalloc` crate links.
    fn mi_option_set(option: c_int, value: c_long);
}

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_t` (`include/mimalloc.h`).
const MI_OPTION_PURGE_DELAY: c_int = 15;

fn main() -> std::process::ExitCode {
    // Give freed pages back to the OS at once (mimalloc's default waits 10 ms): a one-shot
    // compile of a 419-task spec otherwise peaks at 95 MB of RSS instead of 54 MB
    // (77 MB with this).
    // SAFETY: sets a plain option value; no allocator state is borrowed.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    }
    wtc::cli::main()
}
