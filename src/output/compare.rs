//! `compile --check`'s mode: how the release directory on disk differs from a package,
//! reading only (nothing is written, not even a temporary file).

use super::{OutputError, check_paths, existing_dir, io_err, is_foreign, list_files_except};
use crate::artifacts::Package;
use camino::{Utf8Path, Utf8PathBuf};

/// The release directory `parent/<release name>` against the package a compile would
/// write there.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub dir: Utf8PathBuf,
    /// Whether the release directory exists (when it does not, the lists are empty).
    pub exists: bool,
    /// Files of the package whose bytes on disk differ, with those bytes (package order).
    pub differs: Vec<(String, Vec<u8>)>,
    /// Files of the package absent from the directory (package order).
    pub missing: Vec<String>,
    /// Files in the directory that the package does not have, except the ones wtc never
    /// generates ([`is_foreign`]), sorted.
    pub extra: Vec<String>,
}

impl Comparison {
    /// Whether the directory holds exactly the package.
    pub fn is_up_to_date(&self) -> bool {
        self.exists && self.differs.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compare `parent/<release name>` with `package`, file by file.
pub fn compare_package(parent: &Utf8Path, package: &Package) -> Result<Comparison, OutputError> {
    let dir = parent.join(&package.release_name);
    check_paths(package.files.iter().map(|(p, _)| p))?;
    let mut out = Comparison {
        dir: dir.clone(),
        exists: existing_dir(&dir, false)?,
        ..Comparison::default()
    };
    if !out.exists {
        return Ok(out);
    }
    for (rel, bytes) in &package.files {
        let path = dir.join(rel);
        match crate::files::read_bytes(path.as_std_path()) {
            Ok(old) if old[..] == bytes[..] => {}
            Ok(old) => out.differs.push((rel.clone(), old)),
            Err(e) if e.is_not_found() => out.missing.push(rel.clone()),
            // A directory, a FIFO (never opened blocking) or anything unreadable where the
            // package has a file.
            Err(_) => out.differs.push((rel.clone(), Vec::new())),
        }
    }
    let on_disk = list_files_except(&dir, is_foreign).map_err(io_err(&dir))?;
    out.extra = on_disk
        .into_iter()
        .filter(|f| !package.files.iter().any(|(p, _)| p == f))
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_support::pkg;
    use crate::output::write_package;
    use std::fs;

    #[test]
    fn reports_differing_missing_and_extra_files_but_not_pixis() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        let package = pkg(&[("a.txt", "1"), ("d/b.txt", "2"), ("c.txt", "3")]);
        let c = compare_package(parent, &package).unwrap();
        assert!(!c.exists && !c.is_up_to_date());
        assert!(c.missing.is_empty(), "no per-file list without a directory");

        write_package(parent, &package, false).unwrap();
        let dir = parent.join("wt-x-workflow");
        let listing = || {
            let mut names: Vec<_> = fs::read_dir(parent)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            names.sort();
            names
        };
        let before = listing();
        fs::write(dir.join("pixi.lock"), "lock").unwrap();
        fs::create_dir_all(dir.join(".pixi/envs/default")).unwrap();
        fs::write(dir.join(".pixi/envs/default/x"), "").unwrap();
        let c = compare_package(parent, &package).unwrap();
        assert!(c.is_up_to_date(), "{c:?}");
        assert_eq!(listing(), before, "nothing written beside the package");

        fs::write(dir.join("a.txt"), "one").unwrap();
        fs::remove_file(dir.join("c.txt")).unwrap();
        fs::write(dir.join("d/extra.txt"), "").unwrap();
        fs::write(dir.join(".pixi.toml"), "").unwrap();
        let c = compare_package(parent, &package).unwrap();
        assert_eq!(c.differs, [("a.txt".to_string(), b"one".to_vec())]);
        assert_eq!(c.missing, ["c.txt"]);
        assert_eq!(c.extra, [".pixi.toml", "d/extra.txt"]);
        assert!(!c.is_up_to_date());
    }

    #[test]
    fn a_file_in_the_place_of_the_directory_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let parent = Utf8Path::from_path(tmp.path()).unwrap();
        fs::write(parent.join("wt-x-workflow"), "").unwrap();
        assert!(matches!(
            compare_package(parent, &pkg(&[("a", "1")])),
            Err(OutputError::NotADirectory(_))
        ));
    }
}
