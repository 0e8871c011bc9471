//! The up-to-date stamp of a release directory: what `compile` wrote it from and what
//! every file below it looked like afterwards, so that compiling the same inputs over it
//! again can answer "up to date" without building the package (a build system's
//! "output present for the same inputs → nothing to do").
//!
//! A stamp lives in the cache directory, `stamps/<hash of the spec's path>.json`, never
//! in the release directory (whose files are exactly the package). It holds the input
//! digest (`db::input_digest` with the compiler's identity), the release name, and per
//! file its length, modification and status-change times and inode. A directory is
//! fresh when the digest is the same and the files on disk are exactly those, each with
//! the same metadata: any write to a file (an editor, `touch`, a restore) changes its
//! status-change time, which no program can set back. `--force` ignores stamps.
//!
//! Stamps are only an optimisation: one that cannot be read, parsed or matched is a miss,
//! never an error, and a failure to save one is ignored.

use super::{is_foreign, list_files_except};
use camino::Utf8Path;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What a release directory was written from and what its files looked like.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The input digest of the compile that wrote it.
    pub key: String,
    /// The release directory's name (beside the spec).
    pub release_name: String,
    /// Every file below it (pixi's own aside), sorted by path.
    pub files: Vec<FileStamp>,
}

/// One file's metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub path: String,
    pub len: u64,
    pub mtime_ns: i128,
    pub ctime_ns: i128,
    pub ino: u64,
}

impl Stamp {
    /// The stamp of `parent/release_name` as it is on disk now, for inputs `key`.
    pub fn take(parent: &Utf8Path, release_name: &str, key: &str) -> io::Result<Self> {
        let dir = parent.join(release_name);
        let files = list_files_except(&dir, is_foreign)?
            .into_iter()
            .map(|path| {
                let meta = std::fs::symlink_metadata(dir.join(&path))?;
                Ok(file_stamp(path, &meta))
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Self {
            key: key.to_string(),
            release_name: release_name.to_string(),
            files,
        })
    }

    /// Whether `parent/<release name>` is still exactly what this stamp recorded, for
    /// inputs `key`, with no compile at work (or killed part-way) beside it.
    pub fn is_fresh(&self, parent: &Utf8Path, key: &str) -> bool {
        self.key == key
            && !super::staging::has_leftovers(parent, &self.release_name)
            && Self::take(parent, &self.release_name, key).is_ok_and(|now| now == *self)
    }
}

#[cfg(unix)]
fn file_stamp(path: String, meta: &std::fs::Metadata) -> FileStamp {
    use std::os::unix::fs::MetadataExt as _;
    let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
    FileStamp {
        path,
        len: meta.len(),
        mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
        ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
        ino: meta.ino(),
    }
}

#[cfg(not(unix))]
fn file_stamp(path: String, meta: &std::fs::Metadata) -> FileStamp {
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    FileStamp {
        path,
        len: meta.len(),
        mtime_ns,
        ctime_ns: 0,
        ino: 0,
    }
}

/// Where the stamp of the spec at absolute path `spec` is kept under the cache root.
pub fn stamp_path(cache_root: &Path, spec: &Utf8Path) -> PathBuf {
    let digest = Sha256::digest(spec.as_str().as_bytes());
    let name = crate::hex::lower(&digest[..16]);
    cache_root.join("stamps").join(format!("{name}.json"))
}

/// The stamp at `path`, if there is a readable one.
pub fn load(path: &Path) -> Option<Stamp> {
    let bytes = crate::files::read_bytes(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Save `stamp` at `path`, atomically (a concurrent reader sees the old one or the new).
pub fn save(path: &Path, stamp: &Stamp) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    // One write (serde_json writes token by token).
    tmp.write_all(&serde_json::to_vec(stamp)?)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Forget the stamp at `path` (nothing to forget is fine).
pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Remove the stamps under `cache_root` not saved within `older_than` of `now` (a stamp is
/// saved again by every compile that writes its directory); how many were removed.
pub fn prune(cache_root: &Path, older_than: Duration, now: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(cache_root.join("stamps")) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > older_than)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use camino::Utf8PathBuf;

    fn tree() -> (tempfile::TempDir, Utf8PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8PathBuf::from_path_buf(tmp.path().to_owned()).unwrap();
        std::fs::create_dir_all(parent.join("rel/sub")).unwrap();
        std::fs::write(parent.join("rel/a.txt"), "a").unwrap();
        std::fs::write(parent.join("rel/sub/b.txt"), "b").unwrap();
        (tmp, parent)
    }

    #[test]
    fn a_stamp_is_fresh_until_anything_changes() {
        let (_tmp, parent) = tree();
        let stamp = Stamp::take(&parent, "rel", "k").unwrap();
        assert_eq!(stamp.files.len(), 2);
        assert!(stamp.is_fresh(&parent, "k"));
        assert!(!stamp.is_fresh(&parent, "other inputs"));

        // Rewritten with the same bytes: a new status-change time.
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::fs::write(parent.join("rel/a.txt"), "a").unwrap();
        assert!(!stamp.is_fresh(&parent, "k"));

        let stamp = Stamp::take(&parent, "rel", "k").unwrap();
        std::fs::write(parent.join("rel/sub/c.txt"), "extra").unwrap();
        assert!(!stamp.is_fresh(&parent, "k"), "an extra file");
        std::fs::remove_file(parent.join("rel/sub/c.txt")).unwrap();
        assert!(stamp.is_fresh(&parent, "k"));

        std::fs::remove_file(parent.join("rel/sub/b.txt")).unwrap();
        assert!(!stamp.is_fresh(&parent, "k"), "a missing file");
    }

    #[test]
    fn pixi_files_do_not_matter_but_a_staging_directory_does() {
        let (_tmp, parent) = tree();
        let stamp = Stamp::take(&parent, "rel", "k").unwrap();
        std::fs::write(parent.join("rel/pixi.lock"), "lock").unwrap();
        std::fs::create_dir_all(parent.join("rel/.pixi/envs")).unwrap();
        assert!(stamp.is_fresh(&parent, "k"));
        std::fs::create_dir(parent.join(".rel.wtc-new-abc123")).unwrap();
        assert!(!stamp.is_fresh(&parent, "k"));
    }

    #[test]
    fn stamps_round_trip_and_bad_ones_are_misses() {
        let (_tmp, parent) = tree();
        let path = stamp_path(
            parent.join("cache").as_std_path(),
            Utf8Path::new("/x/spec.yaml"),
        );
        assert_ne!(
            path,
            stamp_path(
                parent.join("cache").as_std_path(),
                Utf8Path::new("/y/spec.yaml")
            )
        );
        assert_eq!(load(&path), None);
        let stamp = Stamp::take(&parent, "rel", "k").unwrap();
        save(&path, &stamp).unwrap();
        assert_eq!(load(&path), Some(stamp));
        std::fs::write(&path, "{not json").unwrap();
        assert_eq!(load(&path), None);
        remove(&path);
        assert!(!path.exists());
    }

    #[test]
    fn old_stamps_are_pruned() {
        let (_tmp, parent) = tree();
        let root = parent.join("cache");
        let stamp = Stamp::take(&parent, "rel", "k").unwrap();
        let (old, new) = (
            stamp_path(root.as_std_path(), Utf8Path::new("/old/spec.yaml")),
            stamp_path(root.as_std_path(), Utf8Path::new("/new/spec.yaml")),
        );
        save(&old, &stamp).unwrap();
        save(&new, &stamp).unwrap();
        let day = Duration::from_secs(86_400);
        let file = std::fs::File::options().write(true).open(&old).unwrap();
        file.set_modified(SystemTime::now() - 3 * day).unwrap();
        assert_eq!(prune(root.as_std_path(), day, SystemTime::now()), 1);
        assert!(!old.exists() && new.exists());
        assert_eq!(
            prune(
                &parent.join("nowhere").into_std_path_buf(),
                day,
                SystemTime::now()
            ),
            0
        );
    }
}
