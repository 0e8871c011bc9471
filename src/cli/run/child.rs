//! The workflow's process: started in a process group of its own, its output streamed
//! (inherited stdout/stderr), interrupted (SIGINT to the group) or killed (SIGKILL), and
//! never left behind: once it has exited, whatever it started in its group is killed too.

use std::io;
use std::process::{Child, Command, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// A started workflow process.
pub struct Running {
    child: Child,
    handle: Handle,
}

/// What can stop a running process from another thread (a Ctrl-C handler, watch's loop).
#[derive(Clone, Default)]
pub struct Handle {
    /// The process group id (0: none, or already reaped).
    group: Arc<AtomicI32>,
    /// Whether it was cancelled (killed by wtc, not by itself).
    cancelled: Arc<AtomicBool>,
}

impl Handle {
    /// Ask it to stop: SIGINT to its group (what Ctrl-C would have sent).
    pub fn interrupt(&self) {
        self.signal(libc::SIGINT);
    }

    /// Kill it and everything in its group.
    pub fn kill(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.signal(libc::SIGKILL);
    }

    /// Whether [`Handle::kill`] was called.
    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    fn signal(&self, sig: i32) {
        let group = self.group.load(Ordering::SeqCst);
        if group > 0 {
            // SAFETY: killpg has no memory effects; a gone group gives ESRCH.
            unsafe {
                libc::killpg(group, sig);
            }
        }
    }
}

impl Running {
    /// Start `command` in a new process group.
    pub fn spawn(mut command: Command) -> io::Result<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        crate::cli::huge_pages::restore_for(&mut command);
        let child = command.spawn()?;
        let handle = Handle::default();
        let pid = i32::try_from(child.id()).unwrap_or(0);
        handle.group.store(pid, Ordering::SeqCst);
        Ok(Self { child, handle })
    }

    /// The process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A handle to stop it from elsewhere.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Wait for it to exit, then kill what is left of its group.
    pub fn wait(mut self) -> io::Result<ExitStatus> {
        let status = self.child.wait();
        self.handle.signal(libc::SIGKILL);
        self.handle.group.store(0, Ordering::SeqCst);
        status
    }
}

/// The exit code wtc exits with for the child's `status`: its code, or 128 + the signal
/// that ended it.
pub fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return u8::try_from(128 + sig).unwrap_or(1);
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_and_kill() {
        let run = |script: &str| {
            let mut c = Command::new("sh");
            c.args(["-c", script]);
            Running::spawn(c).unwrap()
        };
        assert_eq!(exit_code(run("exit 3").wait().unwrap()), 3);
        let r = run("sleep 30");
        let h = r.handle();
        h.kill();
        assert!(h.cancelled());
        assert_eq!(exit_code(r.wait().unwrap()), 128 + 9);
        let r = run("sleep 30");
        r.handle().interrupt();
        assert_eq!(exit_code(r.wait().unwrap()), 128 + 2);
    }
}
