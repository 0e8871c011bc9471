//! The kept discovery environments: `<cache>/envs/<key>/`, one per discovery key.
//!
//! A fresh discovery installs its conda environment (and the PyPI packages) straight into
//! the key's directory (conda prefixes cannot be moved: paths inside files are rewritten
//! for the prefix at install time), marks it complete, and keeps it. `wtc run` runs the
//! workflow in it: while it is intact it is reused as is; a damaged one (the marker,
//! `conda-meta/` or the Python executable gone) is re-created. `wtc cache prune` removes
//! the environment of every entry it prunes.
//!
//! An exclusive `flock` on `<cache>/envs/<key>.lock` serialises processes working on the
//! same environment.

use super::plan::key::DiscoveryKey;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The marker written last, once the environment is complete (holds the key).
const MARKER: &str = "conda-meta/wtc-env.json";

/// The directory of the environments under a cache root.
pub fn envs_dir(root: &Path) -> PathBuf {
    root.join("envs")
}

/// The environment of `key` under a cache root.
pub fn env_dir(root: &Path, key: &DiscoveryKey) -> PathBuf {
    envs_dir(root).join(key.as_str())
}

/// The Python executable of an environment (conda prefix or venv).
pub fn python(prefix: &Path) -> PathBuf {
    if cfg!(windows) {
        prefix.join("python.exe")
    } else {
        prefix.join("bin").join("python")
    }
}

/// What an environment directory looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Complete, for this key.
    Intact,
    /// Nothing there.
    Missing,
    /// There, but not usable (the reason).
    Damaged(String),
}

/// Inspect the environment of `key` at `prefix`.
pub fn state(prefix: &Path, key: &DiscoveryKey) -> State {
    if !prefix.exists() {
        return State::Missing;
    }
    if !prefix.join("conda-meta").is_dir() {
        return State::Damaged("`conda-meta/` is missing".into());
    }
    match std::fs::read_to_string(prefix.join(MARKER)) {
        Ok(text) if text.contains(key.as_str()) => {}
        Ok(_) => return State::Damaged("it was made for another discovery key".into()),
        Err(_) => return State::Damaged("it was never completed".into()),
    }
    if !python(prefix).is_file() {
        return State::Damaged("its Python executable is missing".into());
    }
    State::Intact
}

/// Mark the environment at `prefix` complete for `key`.
pub fn mark(prefix: &Path, key: &DiscoveryKey) -> std::io::Result<()> {
    let text = serde_json::json!({ "key": key.as_str() }).to_string();
    std::fs::write(prefix.join(MARKER), text)
}

/// Forget that the environment at `prefix` is complete (before it is rebuilt).
pub fn unmark(prefix: &Path) {
    let _ = std::fs::remove_file(prefix.join(MARKER));
}

/// An exclusive lock on one key's environment, released when dropped.
pub struct EnvLock {
    _file: File,
}

/// Take the lock of `key`'s environment (waits for another process holding it).
pub fn lock(root: &Path, key: &DiscoveryKey) -> std::io::Result<EnvLock> {
    let dir = envs_dir(root);
    std::fs::create_dir_all(&dir)?;
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(format!("{}.lock", key.as_str())))?;
    flock(&file)?;
    Ok(EnvLock { _file: file })
}

#[cfg(unix)]
fn flock(file: &File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    loop {
        // SAFETY: a valid open descriptor; flock has no memory effects.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        if rc == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

#[cfg(not(unix))]
fn flock(_file: &File) -> std::io::Result<()> {
    Ok(())
}

/// The environments under a cache root whose key has no cache entry (a discovery that
/// failed after installing, or an entry removed by hand), with their modification time.
pub fn orphans(root: &Path) -> Vec<(DiscoveryKey, std::time::SystemTime)> {
    let Ok(dir) = std::fs::read_dir(envs_dir(root)) else {
        return Vec::new();
    };
    let mut out: Vec<_> = dir
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let key = DiscoveryKey::parse(e.file_name().to_str()?)?;
            let modified = e.metadata().ok()?.modified().ok()?;
            (!super::cache::entry_path(root, &key).exists()).then_some((key, modified))
        })
        .collect();
    out.sort();
    out
}

/// Remove the environment of `key` (and its lock file): cache pruning.
pub fn remove(root: &Path, key: &DiscoveryKey) -> std::io::Result<bool> {
    let dir = env_dir(root, key);
    let _ = std::fs::remove_file(envs_dir(root).join(format!("{}.lock", key.as_str())));
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DiscoveryKey {
        DiscoveryKey::parse(&"ab".repeat(32)).unwrap()
    }

    #[test]
    fn states_follow_the_marker_conda_meta_and_python() {
        let tmp = tempfile::tempdir().unwrap();
        let prefix = env_dir(tmp.path(), &key());
        assert_eq!(state(&prefix, &key()), State::Missing);
        std::fs::create_dir_all(prefix.join("conda-meta")).unwrap();
        assert!(matches!(state(&prefix, &key()), State::Damaged(_)));
        mark(&prefix, &key()).unwrap();
        assert!(matches!(state(&prefix, &key()), State::Damaged(r) if r.contains("Python")));
        std::fs::create_dir_all(prefix.join("bin")).unwrap();
        std::fs::write(python(&prefix), "").unwrap();
        assert_eq!(state(&prefix, &key()), State::Intact);
        std::fs::remove_dir_all(prefix.join("conda-meta")).unwrap();
        assert!(matches!(state(&prefix, &key()), State::Damaged(r) if r.contains("conda-meta")));
        let _lock = lock(tmp.path(), &key()).unwrap();
        assert!(remove(tmp.path(), &key()).unwrap());
        assert!(!remove(tmp.path(), &key()).unwrap());
    }
}
