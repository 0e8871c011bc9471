//! `compile`'s mode: build the package in a temporary sibling, then rename it into place.

use super::staging::{self, Staging};
use super::{
    OutputError, WriteReport, check_paths, compare, existing_dir, io_err, is_foreign, list_files,
};
use crate::artifacts::Package;
use camino::Utf8Path;
use std::collections::BTreeSet;
use std::fs;

/// Write `package` into `parent/<release name>`. An existing directory is an error unless
/// `clobber`; then it is replaced as a whole (see the module docs), unless it is already
/// up to date ([`WriteReport::is_up_to_date`]: nothing is touched).
pub fn write_package(
    parent: &Utf8Path,
    package: &Package,
    clobber: bool,
) -> Result<WriteReport, OutputError> {
    write(parent, package, clobber, false)
}

/// Replace `parent/<release name>` (if any) with `package` through the swap, every file
/// written afresh (new inodes), even when the directory is already up to date.
pub fn rewrite_package(parent: &Utf8Path, package: &Package) -> Result<WriteReport, OutputError> {
    write(parent, package, true, true)
}

fn write(
    parent: &Utf8Path,
    package: &Package,
    clobber: bool,
    force: bool,
) -> Result<WriteReport, OutputError> {
    let dir = parent.join(&package.release_name);
    check_paths(package.files.iter().map(|(p, _)| p))?;
    let recovery = match clobber {
        true => staging::recover(parent, &package.release_name).map_err(io_err(parent))?,
        false => None,
    };
    let exists = existing_dir(&dir, !clobber)?;
    if exists && !clobber {
        return Err(OutputError::Exists(dir));
    }

    let old_files = if exists {
        list_files(&dir).map_err(io_err(&dir))?
    } else {
        BTreeSet::new()
    };
    let new_files: BTreeSet<&str> = package.files.iter().map(|(p, _)| p.as_str()).collect();
    let (written, unchanged) = match force {
        false => compare(&dir, package, exists),
        true => (
            package.files.iter().map(|(p, _)| p.clone()).collect(),
            Vec::new(),
        ),
    };
    let mut report = WriteReport {
        dir: dir.clone(),
        written,
        unchanged,
        removed: old_files
            .iter()
            .filter(|f| !new_files.contains(f.as_str()))
            .cloned()
            .collect(),
        replaced_links: Vec::new(),
        recovery,
    };
    if exists && report.written.is_empty() && report.removed.iter().all(|f| is_foreign(f)) {
        // Up to date: `pixi.lock` and `.pixi/` stay too.
        report.removed.clear();
        return Ok(report);
    }

    let tmp = Staging::new(parent, &package.release_name).map_err(io_err(parent))?;
    let tmp_path = tmp.path().to_owned();
    let staged = tmp_path.join("pkg");
    fs::create_dir(&staged).map_err(io_err(&staged))?;
    for (rel, bytes) in &package.files {
        let target = staged.join(rel);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        let unchanged = report.unchanged.iter().any(|u| u == rel);
        // A hard link keeps the file's modification time; never one to a file reached
        // through a symbolic link (it could be outside the release directory).
        if unchanged && !through_link(&dir, rel) && fs::hard_link(dir.join(rel), &target).is_ok() {
            continue;
        }
        fs::write(&target, &bytes[..]).map_err(io_err(&target))?;
    }
    staging::fault_point("before-swap");
    staging::swap_into_place(&staged, &dir, exists, &tmp_path.join("old")).map_err(io_err(&dir))?;
    staging::fault_point("after-swap");
    // The temporary directory (with the previous package, if any) goes now.
    tmp.remove();
    Ok(report)
}

/// Whether `rel` below `dir` passes through a symbolic link.
fn through_link(dir: &Utf8Path, rel: &str) -> bool {
    let mut path = dir.to_owned();
    rel.split('/').any(|part| {
        path.push(part);
        fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_support::pkg;

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
    fn up_to_date_is_left_alone_and_force_rewrites() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        let package = pkg(&[("a.txt", "1"), ("d/b.txt", "2")]);
        write_package(parent, &package, false).unwrap();
        let dir = parent.join("wt-x-workflow");
        fs::write(dir.join("pixi.lock"), "lock").unwrap();
        let ino = |rel: &str| fs::metadata(dir.join(rel)).unwrap().ino();
        let (a, lock) = (ino("a.txt"), ino("pixi.lock"));
        let r = write_package(parent, &package, true).unwrap();
        assert!(r.is_up_to_date(), "{r:?}");
        assert_eq!((ino("a.txt"), ino("pixi.lock")), (a, lock));
        let r = rewrite_package(parent, &package).unwrap();
        assert!(!r.is_up_to_date());
        assert_eq!(r.written, ["a.txt", "d/b.txt"]);
        assert_ne!(ino("a.txt"), a, "a new file");
        assert_eq!(fs::read_to_string(dir.join("a.txt")).unwrap(), "1");
        assert_eq!(
            fs::read_dir(parent).unwrap().count(),
            1,
            "no temporary left"
        );
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
