//! Which specs a command works on: `--spec FILE`, positional files or directories, and
//! `--all DIR` (every `spec.yaml` below DIR). The directory walk is shared with `watch`,
//! which also needs the directories it went through.

use super::SpecArgs;
use super::reads::{Reads, Role};
use camino::{Utf8Path, Utf8PathBuf};
use std::fs;
use std::io;

/// The file name a directory walk looks for.
pub(super) const SPEC_FILE_NAME: &str = "spec.yaml";

/// One spec source named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Input {
    /// A spec file.
    File(Utf8PathBuf),
    /// Every spec.yaml below a directory.
    Tree(Utf8PathBuf),
}

impl SpecArgs {
    /// The inputs in command-line order: `--spec` files, positional paths (directories are
    /// trees), then `--all` directories.
    pub(super) fn inputs(&self) -> Vec<Input> {
        let positional = self.specs.iter().map(|p| {
            if p.is_dir() {
                Input::Tree(p.clone())
            } else {
                Input::File(p.clone())
            }
        });
        self.spec_flags
            .iter()
            .cloned()
            .map(Input::File)
            .chain(positional)
            .chain(self.all.iter().cloned().map(Input::Tree))
            .collect()
    }

    /// Whether nothing was named at all (a usage error).
    pub(super) fn is_empty(&self) -> bool {
        self.specs.is_empty() && self.spec_flags.is_empty() && self.all.is_empty()
    }
}

/// A directory named on the command line that cannot be walked.
#[derive(Debug, thiserror::Error)]
#[error("cannot read directory `{dir}`: {source}")]
pub(super) struct ExpandError {
    dir: Utf8PathBuf,
    source: io::Error,
}

/// The specs of `inputs`, each once (the first mention wins), trees expanded in sorted
/// order (each tree recorded in `reads`); an unreadable directory is an error.
pub(super) fn expand(inputs: &[Input], reads: &Reads) -> Result<Vec<Utf8PathBuf>, ExpandError> {
    let mut out: Vec<Utf8PathBuf> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for input in inputs {
        let found = match input {
            Input::File(f) => vec![f.clone()],
            Input::Tree(dir) => {
                reads.record(&absolute(dir), Role::SpecTree);
                let specs = walk(dir)
                    .map_err(|source| ExpandError {
                        dir: dir.clone(),
                        source,
                    })?
                    .specs;
                // `--all .` shows `chain/spec.yaml`, not `./chain/spec.yaml`.
                specs
                    .into_iter()
                    .map(|s| match s.strip_prefix(".") {
                        Ok(rel) if dir.as_str() == "." => rel.to_owned(),
                        _ => s,
                    })
                    .collect()
            }
        };
        for spec in found {
            if seen.insert(absolute(&spec)) {
                out.push(spec);
            }
        }
    }
    Ok(out)
}

/// What a walk below a directory found.
#[derive(Debug, Default)]
pub(super) struct Tree {
    /// Every directory visited (the root first), skipped ones excluded.
    pub dirs: Vec<Utf8PathBuf>,
    /// Every `spec.yaml`, sorted.
    pub specs: Vec<Utf8PathBuf>,
}

/// Walk `root` for spec files, not following symbolic links to directories and skipping
/// the directories [`skipped`] names. Paths are `root` joined with the relative path.
pub(super) fn walk(root: &Utf8Path) -> io::Result<Tree> {
    let mut tree = Tree::default();
    if !fs::metadata(root)?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            "not a directory",
        ));
    }
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            // The root must be readable; a subdirectory that is not is passed over.
            Err(e) if dir == root => return Err(e),
            Err(_) => continue,
        };
        tree.dirs.push(dir.clone());
        for entry in entries.flatten() {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let path = dir.join(&name);
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !skipped(&path) {
                    stack.push(path);
                }
            } else if name == SPEC_FILE_NAME && path.is_file() {
                tree.specs.push(path);
            }
        }
    }
    tree.specs.sort();
    Ok(tree)
}

/// Directories a walk never enters: hidden ones (`.git`, `.pixi`, ...), `target`,
/// `node_modules`, `__pycache__`, and generated release directories.
pub(super) fn skipped(dir: &Utf8Path) -> bool {
    let name = dir.file_name().unwrap_or("");
    name.starts_with('.')
        || matches!(name, "target" | "node_modules" | "__pycache__")
        || is_release_dir(dir)
}

/// A release directory wtc generated: `pixi.toml` and `VERSION.yaml` at its root, and no
/// spec of its own.
pub(super) fn is_release_dir(dir: &Utf8Path) -> bool {
    dir.join("pixi.toml").is_file()
        && dir.join("VERSION.yaml").is_file()
        && !dir.join(SPEC_FILE_NAME).exists()
}

/// `path` made absolute against the current directory, `.` and `..` removed lexically.
pub(super) fn absolute(path: &Utf8Path) -> Utf8PathBuf {
    let joined = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|p| Utf8PathBuf::from_path_buf(p).ok())
            .map_or_else(|| path.to_owned(), |cwd| cwd.join(path))
    };
    crate::dependencies::overrides::normalize(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Utf8Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "").unwrap();
    }

    #[test]
    fn walk_finds_specs_and_skips_generated_and_hidden_dirs() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(tmp.path()).unwrap();
        touch(&root.join("b/spec.yaml"));
        touch(&root.join("a/spec.yaml"));
        touch(&root.join("a/nested/spec.yaml"));
        touch(&root.join("a/other.yaml"));
        touch(&root.join(".hidden/spec.yaml"));
        touch(&root.join("target/spec.yaml"));
        touch(&root.join("a/.pixi/envs/spec.yaml"));
        // A generated release dir (even one holding a stray spec.yaml deeper down).
        touch(&root.join("a/wt-a-workflow/pixi.toml"));
        touch(&root.join("a/wt-a-workflow/VERSION.yaml"));
        touch(&root.join("a/wt-a-workflow/sub/spec.yaml"));
        let tree = walk(root).unwrap();
        let rel: Vec<&str> = tree
            .specs
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().as_str())
            .collect();
        assert_eq!(rel, ["a/nested/spec.yaml", "a/spec.yaml", "b/spec.yaml"]);
        assert_eq!(tree.dirs[0], root);
        assert!(
            !tree
                .dirs
                .iter()
                .any(|d| d.as_str().contains("wt-a-workflow"))
        );
        assert!(walk(&root.join("missing")).is_err());
        assert!(walk(&root.join("a/spec.yaml")).is_err());
    }

    #[test]
    fn expand_keeps_the_first_mention() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(tmp.path()).unwrap();
        touch(&root.join("x/spec.yaml"));
        touch(&root.join("y/spec.yaml"));
        let specs = expand(
            &[
                Input::File(root.join("y/./spec.yaml")),
                Input::Tree(root.to_owned()),
            ],
            &Reads::default(),
        )
        .unwrap();
        assert_eq!(
            specs,
            [root.join("y/./spec.yaml"), root.join("x/spec.yaml")]
        );
    }
}
