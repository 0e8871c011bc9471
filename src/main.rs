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

/// `mi_option_purge_delay` and `mi_option_allow_thp` in mimalloc v3's `mi_option_t`
/// (`include/mimalloc.h`).
const MI_OPTION_PURGE_DELAY: c_int = 15;
const MI_OPTION_ALLOW_THP: c_int = 43;

/// How long freed pages stay with the process before mimalloc gives them back, in ms.
const PURGE_DELAY_MS: c_long = 1000;

fn main() -> std::process::ExitCode {
    configure_allocator();
    wtc::cli::main()
}

/// Allocator settings measured on the corpus (BENCHMARKS.md, 2026-12-04), each overridden
/// by mimalloc's own environment variable when it is set:
///
/// - No transparent huge pages: each first touch of a huge page makes the kernel zero
///   2 MiB. A one-shot compile of the 419-task spec peaked at 79 MB of RSS with them and
///   47 MB without, and zeroing huge pages was a quarter of the CPU samples of a
///   `--all` batch. The flag is inherited by child processes; `wtc run` clears it
///   again for the workflow it starts (`cli::huge_pages`).
/// - Freed pages kept for a second (mimalloc's default is 10 ms, and purging at once
///   was tried too): a `--all` batch reuses them for the next spec instead of faulting
///   in fresh zeroed pages; with huge pages off this costs little RSS.
fn configure_allocator() {
    // SAFETY: sets plain option values and a flag of this process; nothing is borrowed.
    unsafe {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS);
        }
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: as above.
        unsafe { mi_option_set(MI_OPTION_ALLOW_THP, 0) };
        wtc::cli::huge_pages::disable();
    }
}
