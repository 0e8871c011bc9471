//! `watch`'s mode: update an existing release directory file by file.

use super::{
    OutputError, WriteReport, check_paths, compare, existing_dir, io_err, real_directories,
};
use crate::artifacts::Package;
use camino::Utf8Path;
use std::fs;
use std::io::{self, Write};

/// Bring `parent/<release name>` up to date with `package` in place (see the module docs).
///
/// `previous` lists the files the caller wrote there last time (empty when it did not):
/// those the new package no longer has are deleted; no other file is ever deleted. The
/// directory is created when missing. On a failure part-way, the error says which files
/// already hold their new contents ([`OutputError::Incomplete`]).
pub fn update_in_place(
    parent: &Utf8Path,
    package: &Package,
    previous: &[String],
) -> Result<WriteReport, OutputError> {
    let dir = parent.join(&package.release_name);
    check_paths(package.files.iter().map(|(p, _)| p).chain(previous))?;
    let recovery =
        super::staging::recover(parent, &package.release_name).map_err(io_err(parent))?;
    if !existing_dir(&dir, false)? {
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    }
    // Before anything is compared or written: no write may follow a link out of `dir`.
    let all = package.files.iter().map(|(p, _)| p).chain(previous);
    let replaced_links = real_directories(&dir, all.map(String::as_str)).map_err(io_err(&dir))?;
    let (written, unchanged) = compare(&dir, package, true);
    let mut report = WriteReport {
        dir: dir.clone(),
        written: Vec::new(),
        unchanged,
        removed: Vec::new(),
        replaced_links,
        recovery,
    };
    let incomplete = |report: &WriteReport, path: &Utf8Path, source: io::Error| {
        let mut done = report.written.clone();
        done.extend(report.removed.iter().map(|r| format!("{r} (removed)")));
        OutputError::Incomplete {
            dir: dir.clone(),
            path: path.to_owned(),
            done,
            source,
        }
    };
    for rel in written {
        let Some((_, bytes)) = package.files.iter().find(|(p, _)| *p == rel) else {
            continue;
        };
        let target = dir.join(&rel);
        replace_file(&target, bytes).map_err(|e| incomplete(&report, &target, e))?;
        report.written.push(rel);
    }
    for rel in previous {
        if package.files.iter().any(|(p, _)| p == rel) {
            continue;
        }
        let target = dir.join(rel);
        match fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(incomplete(&report, &target, e)),
        }
        remove_empty_parents(&target, &dir);
        report.removed.push(rel.clone());
    }
    Ok(report)
}

/// Replace `target` with `bytes` atomically: write a temporary file beside it, then rename
/// it over the target (a reader sees the old contents or the new ones). The temporary file
/// is removed on every error path.
fn replace_file(target: &Utf8Path, bytes: &[u8]) -> io::Result<()> {
    let dir = target.parent().unwrap_or(Utf8Path::new("."));
    fs::create_dir_all(dir)?;
    let name = target.file_name().unwrap_or("file");
    let prefix = format!(".{name}.wtc-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        // The mode `fs::write` would create the file with (0o666 less the umask), or the
        // existing file's.
        fs::metadata(target).map_or_else(|_| fs::Permissions::from_mode(0o666), |m| m.permissions())
    };
    #[cfg(unix)]
    builder.permissions(mode);
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Remove the directories between `file` and `root` that became empty.
fn remove_empty_parents(file: &Utf8Path, root: &Utf8Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_support::pkg;
    use std::os::unix::fs::MetadataExt;

    fn stamp(path: &Utf8Path) -> (u64, std::time::SystemTime) {
        let m = fs::metadata(path).unwrap();
        (m.ino(), m.modified().unwrap())
    }

    #[test]
    fn never_writes_through_a_symlinked_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        let first = pkg(&[("a.txt", "1"), ("d/b.txt", "2"), ("d/e/c.txt", "3")]);
        update_in_place(parent, &first, &[]).unwrap();
        let dir = parent.join("wt-x-workflow");
        // `d` becomes a link to a directory outside the release directory.
        let outside = parent.join("outside");
        fs::create_dir_all(outside.join("e")).unwrap();
        fs::write(outside.join("b.txt"), "mine").unwrap();
        fs::write(outside.join("e/c.txt"), "3").unwrap();
        fs::remove_dir_all(dir.join("d")).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("d")).unwrap();

        let previous: Vec<String> = first.files.iter().map(|(p, _)| p.clone()).collect();
        let second = pkg(&[("a.txt", "1"), ("d/b.txt", "22"), ("d/e/c.txt", "3")]);
        let r = update_in_place(parent, &second, &previous).unwrap();
        assert_eq!(r.replaced_links, ["d"]);
        assert!(!fs::symlink_metadata(dir.join("d")).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(dir.join("d/b.txt")).unwrap(), "22");
        assert_eq!(fs::read_to_string(dir.join("d/e/c.txt")).unwrap(), "3");
        // The link's target is untouched.
        assert_eq!(fs::read_to_string(outside.join("b.txt")).unwrap(), "mine");
        let names: Vec<_> = fs::read_dir(&outside)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "nothing was added outside: {names:?}");
    }

    #[test]
    fn updates_only_changed_files() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        let first = pkg(&[("a.txt", "1"), ("d/b.txt", "2"), ("d/e/c.txt", "3")]);
        let r = update_in_place(parent, &first, &[]).unwrap();
        assert_eq!(r.written, ["a.txt", "d/b.txt", "d/e/c.txt"]);
        let dir = parent.join("wt-x-workflow");
        // A file wtc did not generate (e.g. pixi.lock) is never touched.
        fs::write(dir.join("pixi.lock"), "lock").unwrap();
        let a = stamp(&dir.join("a.txt"));
        let b = stamp(&dir.join("d/b.txt"));
        std::thread::sleep(std::time::Duration::from_millis(20));

        let previous: Vec<String> = first.files.iter().map(|(p, _)| p.clone()).collect();
        let second = pkg(&[("a.txt", "1"), ("d/b.txt", "22")]);
        let r = update_in_place(parent, &second, &previous).unwrap();
        assert_eq!(r.written, ["d/b.txt"]);
        assert_eq!(r.unchanged, ["a.txt"]);
        assert_eq!(r.removed, ["d/e/c.txt"]);
        assert_eq!(stamp(&dir.join("a.txt")), a, "same inode and mtime");
        assert_ne!(stamp(&dir.join("d/b.txt")), b);
        assert_eq!(fs::read_to_string(dir.join("d/b.txt")).unwrap(), "22");
        assert!(!dir.join("d/e").exists(), "emptied directories are removed");
        assert_eq!(fs::read_to_string(dir.join("pixi.lock")).unwrap(), "lock");
        // No temporary file is left behind.
        let mut names: Vec<String> = fs::read_dir(dir.join("d"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["b.txt"]);

        // Identical bytes: nothing written; a deleted file is restored.
        fs::remove_file(dir.join("a.txt")).unwrap();
        let r = update_in_place(parent, &second, &[]).unwrap();
        assert_eq!(r.written, ["a.txt"]);
        let r = update_in_place(parent, &second, &[]).unwrap();
        assert!(r.written.is_empty() && r.removed.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_usual_mode() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        update_in_place(parent, &pkg(&[("a.txt", "1")]), &[]).unwrap();
        fs::write(parent.join("plain"), "x").unwrap();
        let mode = |p: &Utf8Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode(&parent.join("wt-x-workflow/a.txt")),
            mode(&parent.join("plain"))
        );
    }

    #[test]
    fn failure_part_way_names_what_was_done() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        let dir = parent.join("wt-x-workflow");
        // `b` is a directory where the package wants a file: replacing it fails.
        fs::create_dir_all(dir.join("b/inner")).unwrap();
        let err = update_in_place(parent, &pkg(&[("a", "1"), ("b", "2")]), &[]).unwrap_err();
        match &err {
            OutputError::Incomplete { done, .. } => assert_eq!(done, &["a"]),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("already updated: a"), "{err}");
        assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "1");
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 2, "no temporary file left");
    }

    #[test]
    fn rejects_unsafe_and_non_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        assert!(matches!(
            update_in_place(parent, &pkg(&[("a", "1")]), &["../x".into()]),
            Err(OutputError::UnsafePath(_))
        ));
        fs::write(parent.join("wt-x-workflow"), "").unwrap();
        assert!(matches!(
            update_in_place(parent, &pkg(&[("a", "1")]), &[]),
            Err(OutputError::NotADirectory(_))
        ));
    }
}
