//! Transparent huge pages off for wtc itself, back on for the workflows `wtc run` starts.
//!
//! The allocator's huge pages made the kernel zero 2 MiB at each first touch: more RSS
//! and a quarter of a `--all` batch's CPU samples (BENCHMARKS.md, 2026-12-04). The flag
//! `PR_SET_THP_DISABLE` is inherited across `fork` and `exec`, so a child that is not
//! ours to tune gets it cleared again ([`restore_for`]).

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether [`disable`] turned huge pages off (they were on before).
static DISABLED_BY_US: AtomicBool = AtomicBool::new(false);

/// Turn transparent huge pages off for this process (and the children it starts).
pub fn disable() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with these arguments reads or sets one flag of this process.
    unsafe {
        if libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) == 0
            && libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0
        {
            DISABLED_BY_US.store(true, Ordering::Relaxed);
        }
    }
}

/// Let `command`'s process have huge pages again when [`disable`] took them away.
pub fn restore_for(command: &mut Command) {
    #[cfg(target_os = "linux")]
    if DISABLED_BY_US.load(Ordering::Relaxed) {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec the closure makes one async-signal-safe syscall
        // and allocates nothing.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_THP_DISABLE, 0, 0, 0, 0);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_gets_huge_pages_back() {
        // The flag as a child sees it: `THP_enabled` in /proc/self/status (Linux ≥ 5.0).
        let child_sees = |restore: bool| {
            let mut command = Command::new("grep");
            command.args(["THP_enabled", "/proc/self/status"]);
            if restore {
                restore_for(&mut command);
            }
            String::from_utf8(command.output().unwrap().stdout).unwrap()
        };
        let before = child_sees(false);
        if !before.contains('1') {
            return; // huge pages already off for this test process: nothing to restore
        }
        disable();
        assert!(child_sees(false).contains('0'), "{}", child_sees(false));
        assert!(child_sees(true).contains('1'), "{}", child_sees(true));
        // SAFETY: as in `restore_for`; leaves the test process as it was.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 0, 0, 0, 0) };
    }
}
