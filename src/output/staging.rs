//! wtc's temporary directories beside a release directory, the atomic swap, and recovery
//! from compiles that were killed part-way.
//!
//! A compile stages the new package in `<parent>/.<release>.wtc-new-XXXXXX/pkg` and holds
//! an exclusive advisory lock on that directory for as long as it works there. The swap
//! exchanges the staged directory with the release directory in one step where the OS
//! allows it (Linux `renameat2(RENAME_EXCHANGE)`): there is never a moment without a
//! release directory. Elsewhere (or on a file system without the exchange) the previous
//! release is renamed to `…/old` first and the staged one into place second.
//!
//! A compile killed part-way leaves its temporary directory behind, unlocked (the lock
//! dies with the process). The next compile or watch of that release [`recover`]s: a
//! missing release directory is restored from a leftover `old`, then every unlocked
//! leftover of that release — and only wtc's own, only that release's — is deleted.

use camino::{Utf8Path, Utf8PathBuf};
use std::fs::{self, File};
use std::io;

/// The name prefix of the temporary directories of `release`.
fn prefix(release: &str) -> String {
    format!(".{release}.wtc-new-")
}

/// A locked temporary directory of wtc's beside the release directory; removed (with
/// whatever it holds) when dropped.
pub struct Staging {
    dir: tempfile::TempDir,
    path: Utf8PathBuf,
    /// The exclusive lock that tells [`recover`] this directory is in use.
    _lock: File,
}

impl Staging {
    /// A new, locked temporary directory for `release` in `parent`.
    pub fn new(parent: &Utf8Path, release: &str) -> io::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix(&prefix(release))
            .tempdir_in(parent)?;
        let path = Utf8PathBuf::from_path_buf(dir.path().to_owned())
            .map_err(|p| io::Error::other(format!("non-UTF-8 path {}", p.display())))?;
        let lock = File::open(&path)?;
        lock.lock()?;
        Ok(Self {
            dir,
            path,
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Utf8Path {
        &self.path
    }

    /// Remove the directory now (the error of a failed removal is ignored, as on drop).
    pub fn remove(self) {
        drop(self.dir);
    }
}

/// Put `staged` where `dir` is. With an existing `dir`, the two are exchanged atomically
/// where the OS can (the previous package ends up at `staged`); otherwise the previous
/// package is moved to `old` first. Either way the caller's [`Staging`] removes what is
/// left.
pub fn swap_into_place(
    staged: &Utf8Path,
    dir: &Utf8Path,
    exists: bool,
    old: &Utf8Path,
) -> io::Result<()> {
    if !exists {
        return fs::rename(staged, dir);
    }
    if exchange(staged, dir)? {
        fault_point("after-exchange");
        return Ok(());
    }
    fs::rename(dir, old)?;
    fault_point("between-renames");
    if let Err(e) = fs::rename(staged, dir) {
        // Put the previous package back before reporting.
        let _ = fs::rename(old, dir);
        return Err(e);
    }
    Ok(())
}

/// Exchange two paths atomically. `Ok(false)`: the OS or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Utf8Path, b: &Utf8Path) -> io::Result<bool> {
    use std::ffi::CString;
    if std::env::var_os("WTC_NO_RENAME_EXCHANGE").is_some() {
        return Ok(false);
    }
    let (ca, cb) = (
        CString::new(a.as_str()).map_err(io::Error::other)?,
        CString::new(b.as_str()).map_err(io::Error::other)?,
    );
    // SAFETY: both arguments are valid NUL-terminated paths for the call's duration.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Utf8Path, _: &Utf8Path) -> io::Result<bool> {
    Ok(false)
}

/// Test hook (debug builds only): `WTC_FAULT=<point>` kills the process at that point, as a
/// power cut or `kill -9` would.
pub fn fault_point(point: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("WTC_FAULT").is_ok_and(|p| p == point) {
        // SAFETY: raising a signal on our own process.
        unsafe {
            libc::raise(libc::SIGKILL);
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}

/// Whether `parent` holds a temporary directory of `release` (a compile at work there, or
/// one killed part-way that [`recover`] would clean up).
pub fn has_leftovers(parent: &Utf8Path, release: &str) -> bool {
    leftovers(parent, release).next().is_some()
}

/// The entries of `parent` named like a staging directory of `release`, with their names
/// (none when `parent` cannot be read).
fn leftovers(parent: &Utf8Path, release: &str) -> impl Iterator<Item = (String, fs::DirEntry)> {
    let prefix = prefix(release);
    fs::read_dir(parent)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(move |e| {
            let name = e.file_name().to_str()?.to_string();
            name.starts_with(&prefix).then_some((name, e))
        })
}

/// Recover `parent/<release>` from compiles that were killed part-way: restore a missing
/// release directory from a leftover's `old`, then delete every leftover of this release
/// that no running wtc holds. Returns one line saying what was done, if anything.
pub fn recover(parent: &Utf8Path, release: &str) -> io::Result<Option<String>> {
    let dir = parent.join(release);
    let mut restored = false;
    let mut removed = 0;
    for (name, entry) in leftovers(parent, release) {
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = parent.join(&name);
        let Ok(lock) = File::open(&path) else {
            continue;
        };
        if lock.try_lock().is_err() {
            // Another wtc is working there.
            continue;
        }
        let old = path.join("old");
        if !restored && fs::symlink_metadata(&dir).is_err() && old.is_dir() {
            fs::rename(&old, &dir)?;
            restored = true;
        }
        fs::remove_dir_all(&path)?;
        removed += 1;
    }
    Ok(match (restored, removed) {
        (false, 0) => None,
        (true, n) => Some(format!(
            "{dir}: restored the release directory from an interrupted compile; removed {n} leftover temporary director{}",
            if n == 1 { "y" } else { "ies" }
        )),
        (false, n) => Some(format!(
            "{dir}: removed {n} leftover temporary director{} of interrupted compiles",
            if n == 1 { "y" } else { "ies" }
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Utf8Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn restores_a_missing_release_and_removes_only_unlocked_leftovers_of_it() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        // A compile killed between the two renames: no release, its previous one in `old`.
        write(
            &parent.join(".wt-x-workflow.wtc-new-aaa/old/a.txt"),
            "previous",
        );
        write(&parent.join(".wt-x-workflow.wtc-new-aaa/pkg/a.txt"), "new");
        // A compile killed while staging.
        write(
            &parent.join(".wt-x-workflow.wtc-new-bbb/pkg/a.txt"),
            "partial",
        );
        // A compile still running (locked), another release's leftover, a user's file.
        let running = Staging::new(parent, "wt-x-workflow").unwrap();
        write(
            &parent.join(".wt-y-workflow.wtc-new-ccc/pkg/a.txt"),
            "other",
        );
        write(&parent.join(".wt-x-workflow.notes"), "mine");

        let line = recover(parent, "wt-x-workflow").unwrap().unwrap();
        assert!(line.contains("restored the release directory"), "{line}");
        assert!(
            line.contains("removed 2 leftover temporary directories"),
            "{line}"
        );
        let dir = parent.join("wt-x-workflow");
        assert_eq!(fs::read_to_string(dir.join("a.txt")).unwrap(), "previous");
        assert!(running.path().is_dir(), "a locked directory is in use");
        assert!(parent.join(".wt-y-workflow.wtc-new-ccc").is_dir());
        assert!(parent.join(".wt-x-workflow.notes").is_file());
        assert!(!parent.join(".wt-x-workflow.wtc-new-aaa").exists());
        assert!(!parent.join(".wt-x-workflow.wtc-new-bbb").exists());
        drop(running);
        assert_eq!(recover(parent, "wt-x-workflow").unwrap(), None);
    }

    #[test]
    fn the_swap_exchanges_and_falls_back_to_two_renames() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        let (dir, staged, old) = (parent.join("rel"), parent.join("s"), parent.join("old"));
        write(&dir.join("f"), "old");
        write(&staged.join("f"), "new");
        swap_into_place(&staged, &dir, true, &old).unwrap();
        assert_eq!(fs::read_to_string(dir.join("f")).unwrap(), "new");
        // Exchanged (Linux): the previous package is at the staged path; else at `old`.
        let previous = if staged.exists() { &staged } else { &old };
        assert_eq!(fs::read_to_string(previous.join("f")).unwrap(), "old");
    }
}
