//! Writing a compiled package to disk, never leaving a half-written file behind.
//!
//! Two modes, both writing only inside the release directory `<parent>/<release name>`
//! (and a third, [`compare_package`] for `compile --check`, that writes nothing):
//!
//! * [`write_package`] (`compile`): the whole package is assembled in a hidden temporary
//!   sibling directory and renamed into place; with `clobber`, the previous release
//!   directory is swapped out and removed only after the new one is in place. A reader sees
//!   the old package or the new one, never a mix. Unchanged files are hard-linked from the
//!   previous package, so they keep their modification time. A directory that already
//!   holds exactly the package (files wtc never generates aside, see [`is_foreign`]) is
//!   *up to date* and left untouched: no temporary directory, no swap.
//!   [`rewrite_package`] (`--force`) swaps in freshly written files even then.
//! * [`update_in_place`] (`watch`): the release directory stays where it is; only files
//!   whose bytes changed are replaced, each atomically (temp file in the same directory,
//!   then rename), files the previous package had and the new one has not are deleted, and
//!   everything else (unchanged files, files wtc did not generate such as `pixi.lock` or
//!   `.pixi/`) is left alone: same inode, same modification time.

mod compare;
mod diff;
mod in_place;
mod staging;
pub mod stamp;
mod swap;

pub use compare::{Comparison, compare_package};
pub use diff::unified_diff;
pub use in_place::update_in_place;
pub use swap::{rewrite_package, write_package};

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
    /// Symbolic links found where the package has a directory, replaced by a real
    /// directory (their targets untouched): wtc never writes through a link.
    pub replaced_links: Vec<String>,
    /// What was recovered from compiles killed part-way (one line), if anything.
    pub recovery: Option<String>,
}

impl WriteReport {
    /// Whether nothing was written or removed: the directory was already up to date.
    pub fn is_up_to_date(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// Whether `rel` (relative to a release directory) is a file wtc never generates and
/// leaves to its owner: pixi's lock file `pixi.lock` and its environments below `.pixi/`
/// (what `pixi install` adds to a package). `compile --check` does not report them as
/// extra files, and they do not keep a `--clobber` compile from being up to date.
pub fn is_foreign(rel: &str) -> bool {
    rel == "pixi.lock" || rel == ".pixi" || rel.starts_with(".pixi/")
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
    /// An in-place update stopped part-way: the files in `done` hold their new contents,
    /// every other file is as it was (none is half-written).
    #[error(
        "failed to update `{path}`: {source}; {}, every other file of `{dir}` is unchanged",
        done_summary(done)
    )]
    Incomplete {
        dir: Utf8PathBuf,
        path: Utf8PathBuf,
        done: Vec<String>,
        #[source]
        source: io::Error,
    },
}

fn done_summary(done: &[String]) -> String {
    if done.is_empty() {
        "nothing was updated".to_string()
    } else {
        format!("already updated: {}", done.join(", "))
    }
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

/// Every path of the package stays inside the release directory.
fn check_paths<'a>(paths: impl IntoIterator<Item = &'a String>) -> Result<(), OutputError> {
    match paths.into_iter().find(|rel| !is_safe_relative(rel)) {
        Some(rel) => Err(OutputError::UnsafePath(rel.clone())),
        None => Ok(()),
    }
}

/// Whether `dir` is an existing directory (`Ok(false)`: nothing there; anything else
/// there is `NotADirectory`, or `Exists` when `exists_error`).
fn existing_dir(dir: &Utf8Path, exists_error: bool) -> Result<bool, OutputError> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(true),
        Ok(_) if exists_error => Err(OutputError::Exists(dir.to_owned())),
        Ok(_) => Err(OutputError::NotADirectory(dir.to_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err(dir)(e)),
    }
}

/// Make every directory that `rels` (relative file paths) pass through below `root` a real
/// directory: a symbolic link in such a place (which may lead out of `root`) is removed,
/// without touching its target, and an empty directory made in its place, so no later
/// write can land outside `root`. Missing directories are left to be created. Returns the
/// links replaced, as relative paths.
pub fn real_directories<'a>(
    root: &Utf8Path,
    rels: impl IntoIterator<Item = &'a str>,
) -> io::Result<Vec<String>> {
    let mut replaced = Vec::new();
    let mut seen = BTreeSet::new();
    for rel in rels {
        let parts: Vec<&str> = rel.split('/').collect();
        let mut prefix = String::new();
        for part in &parts[..parts.len().saturating_sub(1)] {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if !seen.insert(prefix.clone()) {
                continue;
            }
            let path = root.join(&prefix);
            match fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => {
                    fs::remove_file(&path)?;
                    fs::create_dir(&path)?;
                    replaced.push(prefix.clone());
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => break,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(replaced)
}

/// Split the package's files into those whose bytes differ from `dir`'s (or are missing
/// there) and those already present with the same bytes.
fn compare(dir: &Utf8Path, package: &Package, exists: bool) -> (Vec<String>, Vec<String>) {
    let (mut written, mut unchanged) = (Vec::new(), Vec::new());
    for (rel, bytes) in &package.files {
        let same = exists
            && crate::files::read_bytes(dir.join(rel).as_std_path())
                .is_ok_and(|old| old[..] == bytes[..]);
        if same {
            unchanged.push(rel.clone());
        } else {
            written.push(rel.clone());
        }
    }
    (written, unchanged)
}

/// All regular files below `dir`, as `/`-separated relative paths.
fn list_files(dir: &Utf8Path) -> io::Result<BTreeSet<String>> {
    list_files_except(dir, |_| false)
}

/// [`list_files`] without the files and directories (not entered) whose relative path
/// `skip` accepts.
fn list_files_except(dir: &Utf8Path, skip: fn(&str) -> bool) -> io::Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let path = Utf8PathBuf::from_path_buf(entry.path())
                .map_err(|p| io::Error::other(format!("non-UTF-8 path {}", p.display())))?;
            let rel = path.strip_prefix(dir).map_or("", |r| r.as_str());
            if skip(rel) {
                continue;
            }
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if !rel.is_empty() {
                out.insert(rel.to_string());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::artifacts::Package;
    use std::sync::Arc;

    pub fn pkg(files: &[(&str, &str)]) -> Package {
        Package {
            release_name: "wt-x-workflow".into(),
            files: files
                .iter()
                .map(|(p, c)| (p.to_string(), Arc::from(c.as_bytes())))
                .collect(),
        }
    }
}
