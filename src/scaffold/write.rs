//! Writing a rendered project.
//!
//! A new project directory is assembled in a hidden temporary sibling and renamed into
//! place, so it appears complete or not at all. With `clobber`, an existing directory is
//! kept: each rendered file replaces the file of the same path atomically (written to a
//! temporary file beside it, then renamed), files whose text is unchanged are not touched,
//! and every other file stays.

use super::render::RenderedFile;
use crate::output::real_directories;
use camino::{Utf8Path, Utf8PathBuf};
use std::fs;
use std::io::{self, Write};

/// What writing did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub dir: Utf8PathBuf,
    /// Files created or changed.
    pub written: Vec<String>,
    /// Files that already had the rendered text.
    pub unchanged: Vec<String>,
    /// Symbolic links found where the project has a directory, replaced by a real
    /// directory (their targets untouched): wtc never writes through a link.
    pub replaced_links: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("output directory already exists: {0}")]
    Exists(Utf8PathBuf),
    #[error("`{0}` exists and is not a directory")]
    NotADirectory(Utf8PathBuf),
    #[error("refusing to write `{0}`: the path leaves the project directory")]
    UnsafePath(String),
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: Utf8PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_err(path: &Utf8Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Write `files` into `dir`.
pub fn write_project(
    dir: &Utf8Path,
    files: &[RenderedFile],
    clobber: bool,
) -> Result<WriteReport, WriteError> {
    for f in files {
        let safe = Utf8Path::new(&f.path)
            .components()
            .all(|c| matches!(c, camino::Utf8Component::Normal(_)));
        if f.path.is_empty() || !safe {
            return Err(WriteError::UnsafePath(f.path.clone()));
        }
    }
    let mut report = WriteReport {
        dir: dir.to_owned(),
        ..Default::default()
    };
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() || (m.is_symlink() && dir.is_dir()) => {
            if !clobber {
                return Err(WriteError::Exists(dir.to_owned()));
            }
            let rels = files.iter().map(|f| f.path.as_str());
            report.replaced_links = real_directories(dir, rels).map_err(io_err(dir))?;
            for f in files {
                let target = dir.join(&f.path);
                if crate::files::read_bytes(target.as_std_path())
                    .is_ok_and(|old| old == f.text.as_bytes())
                {
                    report.unchanged.push(f.path.clone());
                    continue;
                }
                replace_file(&target, f.text.as_bytes())?;
                report.written.push(f.path.clone());
            }
            Ok(report)
        }
        Ok(_) => Err(if clobber {
            WriteError::NotADirectory(dir.to_owned())
        } else {
            WriteError::Exists(dir.to_owned())
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let parent = dir.parent().unwrap_or(Utf8Path::new("."));
            fs::create_dir_all(parent).map_err(io_err(parent))?;
            let name = dir.file_name().unwrap_or("project");
            let tmp = tempfile::Builder::new()
                .prefix(&format!(".{name}.wtc-new-"))
                .tempdir_in(parent)
                .map_err(io_err(parent))?;
            let staged = Utf8Path::from_path(tmp.path())
                .ok_or_else(|| WriteError::UnsafePath(tmp.path().display().to_string()))?
                .join("project");
            fs::create_dir(&staged).map_err(io_err(&staged))?;
            for f in files {
                let target = staged.join(&f.path);
                if let Some(p) = target.parent() {
                    fs::create_dir_all(p).map_err(io_err(p))?;
                }
                fs::write(&target, &f.text).map_err(io_err(&target))?;
                report.written.push(f.path.clone());
            }
            fs::rename(&staged, dir).map_err(io_err(dir))?;
            Ok(report)
        }
        Err(e) => Err(io_err(dir)(e)),
    }
}

/// Replace (or create) `target` with `bytes` atomically: a temporary file in the same
/// directory, renamed over it.
fn replace_file(target: &Utf8Path, bytes: &[u8]) -> Result<(), WriteError> {
    let parent = target.parent().unwrap_or(Utf8Path::new("."));
    fs::create_dir_all(parent).map_err(io_err(parent))?;
    if target.is_dir() {
        return Err(WriteError::Io {
            path: target.to_owned(),
            source: io::Error::other("a directory is in the way of this file"),
        });
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".wtc-")
        .tempfile_in(parent)
        .map_err(io_err(parent))?;
    tmp.write_all(bytes).map_err(io_err(target))?;
    if let Ok(m) = fs::metadata(target) {
        let _ = fs::set_permissions(tmp.path(), m.permissions());
    }
    tmp.persist(target).map_err(|e| io_err(target)(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> RenderedFile {
        RenderedFile {
            path: path.into(),
            text: text.into(),
        }
    }

    #[test]
    fn new_existing_and_clobbered_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(tmp.path()).unwrap();
        let dir = root.join("out/proj");
        let files = [file("a.txt", "a\n"), file("sub/b.txt", "b\n")];
        let r = write_project(&dir, &files, false).unwrap();
        assert_eq!(r.written, ["a.txt", "sub/b.txt"]);
        assert_eq!(fs::read_to_string(dir.join("sub/b.txt")).unwrap(), "b\n");
        // Only the project directory is left in its parent.
        assert_eq!(fs::read_dir(root.join("out")).unwrap().count(), 1);

        let e = write_project(&dir, &files, false).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("output directory already exists: {dir}")
        );

        fs::write(dir.join("mine.txt"), "keep").unwrap();
        let files = [file("a.txt", "a\n"), file("sub/b.txt", "B\n")];
        let r = write_project(&dir, &files, true).unwrap();
        assert_eq!(
            (r.written, r.unchanged),
            (vec!["sub/b.txt".to_string()], vec!["a.txt".to_string()])
        );
        assert_eq!(fs::read_to_string(dir.join("sub/b.txt")).unwrap(), "B\n");
        assert_eq!(fs::read_to_string(dir.join("mine.txt")).unwrap(), "keep");
        let leftovers: Vec<_> = fs::read_dir(dir.join("sub"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");

        assert!(matches!(
            write_project(&dir, &[file("../x", "")], true),
            Err(WriteError::UnsafePath(_))
        ));
        fs::write(root.join("plain"), "").unwrap();
        assert!(matches!(
            write_project(&root.join("plain"), &files, true),
            Err(WriteError::NotADirectory(_))
        ));
    }

    #[test]
    fn clobber_never_writes_through_a_symlinked_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(tmp.path()).unwrap();
        let dir = root.join("proj");
        let files = [file(".github/workflows/ci.yml", "new\n")];
        write_project(&dir, &files, false).unwrap();
        let outside = root.join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("ci.yml"), "theirs\n").unwrap();
        fs::remove_dir_all(dir.join(".github/workflows")).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join(".github/workflows")).unwrap();
        let r = write_project(&dir, &files, true).unwrap();
        assert_eq!(r.replaced_links, [".github/workflows"]);
        assert_eq!(
            fs::read_to_string(outside.join("ci.yml")).unwrap(),
            "theirs\n"
        );
        assert_eq!(
            fs::read_to_string(dir.join(".github/workflows/ci.yml")).unwrap(),
            "new\n"
        );
    }
}
