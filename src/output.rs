//! Writing a compiled package to disk, atomically.
//!
//! The package is assembled in a hidden temporary directory next to the release directory
//! (same file system), then renamed into place. With `clobber`, the previous release
//! directory is swapped out and removed only after the new one is in place, so a crash or a
//! failed compile leaves the previous package intact. Files whose bytes did not change are
//! hard-linked from the previous package instead of being rewritten, so they keep their
//! modification time. Nothing is written outside the release directory and its temporary
//! siblings (which are removed on every path out).

use crate::artifacts::Package;
use camino::{Utf8Path, Utf8PathBuf};
use std::collections::BTreeSet;
use std::fs;
use std::io;

/// What writing a package did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub dir: Utf8PathBuf,
    /// Files created or whose bytes changed.
    pub written: Vec<String>,
    /// Files left exactly as they were.
    pub unchanged: Vec<String>,
    /// Files of the previous package that the new one no longer has.
    pub removed: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("output directory `{0}` already exists")]
    Exists(Utf8PathBuf),
    #[error("cannot replace `{0}`: it exists and is not a directory")]
    NotADirectory(Utf8PathBuf),
    #[error("refusing to write `{0}`: the path leaves the release directory")]
    UnsafePath(String),
    #[error("failed to write the package to `{path}`: {source}")]
    Io {
        path: Utf8PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_err(path: &Utf8Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Is `rel` a plain relative path inside the release dir (no `..`, not absolute)?
fn is_safe_relative(rel: &str) -> bool {
    let p = Utf8Path::new(rel);
    !rel.is_empty()
        && p.components()
            .all(|c| matches!(c, camino::Utf8Component::Normal(_)))
}

/// Write `package` into `parent/<release name>`.
pub fn write_package(
    parent: &Utf8Path,
    package: &Package,
    clobber: bool,
) -> Result<WriteReport, OutputError> {
    let dir = parent.join(&package.release_name);
    for (rel, _) in &package.files {
        if !is_safe_relative(rel) {
            return Err(OutputError::UnsafePath(rel.clone()));
        }
    }
    let exists = match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            return Err(if clobber {
                OutputError::NotADirectory(dir)
            } else {
                OutputError::Exists(dir)
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(io_err(&dir)(e)),
    };
    if exists && !clobber {
        return Err(OutputError::Exists(dir));
    }

    let mut report = WriteReport {
        dir: dir.clone(),
        ..Default::default()
    };
    let old_files = if exists {
        list_files(&dir).map_err(io_err(&dir))?
    } else {
        BTreeSet::new()
    };
    let new_files: BTreeSet<&str> = package.files.iter().map(|(p, _)| p.as_str()).collect();
    for (rel, bytes) in &package.files {
        let same = exists && fs::read(dir.join(rel)).is_ok_and(|old| old[..] == bytes[..]);
        if same {
            report.unchanged.push(rel.clone());
        } else {
            report.written.push(rel.clone());
        }
    }
    report.removed = old_files
        .iter()
        .filter(|f| !new_files.contains(f.as_str()))
        .cloned()
        .collect();
    if exists && report.written.is_empty() && report.removed.is_empty() {
        return Ok(report);
    }

    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.wtc-new-", package.release_name))
        .tempdir_in(parent)
        .map_err(io_err(parent))?;
    let tmp_path = Utf8Path::from_path(tmp.path())
        .ok_or_else(|| OutputError::UnsafePath(tmp.path().display().to_string()))?
        .to_owned();
    let staged = tmp_path.join("pkg");
    fs::create_dir(&staged).map_err(io_err(&staged))?;
    for (rel, bytes) in &package.files {
        let target = staged.join(rel);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        let unchanged = report.unchanged.iter().any(|u| u == rel);
        if unchanged && fs::hard_link(dir.join(rel), &target).is_ok() {
            continue;
        }
        fs::write(&target, &bytes[..]).map_err(io_err(&target))?;
    }
    if exists {
        let old = tmp_path.join("old");
        fs::rename(&dir, &old).map_err(io_err(&dir))?;
        if let Err(e) = fs::rename(&staged, &dir) {
            // Put the previous package back before reporting.
            let _ = fs::rename(&old, &dir);
            return Err(io_err(&dir)(e));
        }
    } else {
        fs::rename(&staged, &dir).map_err(io_err(&dir))?;
    }
    // `tmp` (with the previous package, if any) is removed when dropped.
    drop(tmp);
    Ok(report)
}

/// All regular files below `dir`, as `/`-separated relative paths.
fn list_files(dir: &Utf8Path) -> io::Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let path = Utf8PathBuf::from_path_buf(entry.path())
                .map_err(|p| io::Error::other(format!("non-UTF-8 path {}", p.display())))?;
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.insert(rel.as_str().to_string());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn pkg(files: &[(&str, &str)]) -> Package {
        Package {
            release_name: "wt-x-workflow".into(),
            files: files
                .iter()
                .map(|(p, c)| (p.to_string(), Arc::from(c.as_bytes())))
                .collect(),
        }
    }

    #[test]
    fn writes_replaces_and_keeps_unchanged() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        let r = write_package(parent, &pkg(&[("a.txt", "1"), ("d/b.txt", "2")]), false).unwrap();
        assert_eq!(r.written, ["a.txt", "d/b.txt"]);
        assert!(matches!(
            write_package(parent, &pkg(&[("a.txt", "1")]), false),
            Err(OutputError::Exists(_))
        ));
        let dir = parent.join("wt-x-workflow");
        let before = fs::metadata(dir.join("a.txt")).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let r = write_package(parent, &pkg(&[("a.txt", "1"), ("d/b.txt", "3")]), true).unwrap();
        assert_eq!(r.written, ["d/b.txt"]);
        assert_eq!(r.unchanged, ["a.txt"]);
        assert_eq!(fs::read_to_string(dir.join("d/b.txt")).unwrap(), "3");
        let after = fs::metadata(dir.join("a.txt")).unwrap().modified().unwrap();
        assert_eq!(before, after, "unchanged file keeps its mtime");
        let r = write_package(parent, &pkg(&[("a.txt", "1")]), true).unwrap();
        assert_eq!(r.removed, ["d/b.txt"]);
        assert!(!dir.join("d/b.txt").exists());
        // No temporary directories are left behind.
        let leftovers: Vec<_> = fs::read_dir(parent).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn rejects_paths_outside() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        assert!(matches!(
            write_package(parent, &pkg(&[("../evil", "x")]), false),
            Err(OutputError::UnsafePath(_))
        ));
    }
}
