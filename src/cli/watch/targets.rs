//! What `wtc watch` watches, and which changes matter.
//!
//! The watch set is a list of [`Target`]s: a path, how far below it changes count
//! ([`Scope`]) and what to reload ([`Reload`]). Files are watched through their parent
//! directory (non-recursively), so editors that save by writing a temporary file and
//! renaming it over the original are seen. Spec trees (`wtc watch DIR`) are watched one
//! directory at a time, skipping what a spec walk skips (hidden directories, `target`,
//! generated release directories): the compiler's own writes never reach the watcher, and
//! a large `.pixi/` is never walked. A recursive target (e.g. a template directory) is one
//! more entry with [`Scope::Recursive`].
//!
//! Paths are compared in their canonical form (the parent directory resolved), which is
//! also how the watcher reports them.

use super::super::specs::{SPEC_FILE_NAME, skipped};
use camino::{Utf8Path, Utf8PathBuf};

/// What a change asks for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Reload {
    /// Re-read the spec with this index.
    Spec(usize),
    /// Obtain the registry of the spec with this index again (its lock file changed).
    Lock(usize),
    /// Look for new spec files below this (canonical) directory.
    Rescan(Utf8PathBuf),
    /// Re-read the env-overrides file and the `pyproject.toml` files it names.
    Overrides,
    /// Re-read `--registry` / `--solved`.
    RegistryFiles,
    /// Re-read the `--template-dir` directory.
    Templates,
    /// Run again: the params of `--run-case` / `--run-params` changed.
    RunParams,
}

/// How far below a target's path changes count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    /// Exactly this file (watched through its parent directory).
    File,
    /// A spec tree: a `spec.yaml` or a new directory anywhere below, outside skipped
    /// directories (each directory watched on its own).
    SpecTree,
    /// Anything below this directory (watched recursively; while it is missing, its
    /// nearest existing ancestor, so its re-creation is seen).
    Recursive,
}

/// One entry of the watch set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Target {
    pub path: Utf8PathBuf,
    pub scope: Scope,
    pub reload: Reload,
}

impl Target {
    /// A file target (`path` canonicalised as the watcher reports it).
    pub fn file(path: &Utf8Path, reload: Reload) -> Self {
        Self {
            path: canonical(path),
            scope: Scope::File,
            reload,
        }
    }

    /// Everything below the directory `dir`.
    pub fn recursive(dir: &Utf8Path, reload: Reload) -> Self {
        Self {
            path: canonical(dir),
            scope: Scope::Recursive,
            reload,
        }
    }

    /// A spec tree below `root`.
    pub fn spec_tree(root: &Utf8Path) -> Self {
        let path = canonical(root);
        Self {
            reload: Reload::Rescan(path.clone()),
            path,
            scope: Scope::SpecTree,
        }
    }

    /// Whether a change at `changed` (a path the watcher reported) concerns this target.
    pub fn matches(&self, changed: &Utf8Path) -> bool {
        match self.scope {
            // A directory above the file that was removed or renamed takes the file along.
            Scope::File => self.path.starts_with(changed),
            Scope::Recursive => changed.starts_with(&self.path),
            Scope::SpecTree => {
                let Ok(rel) = changed.strip_prefix(&self.path) else {
                    return false;
                };
                // Nothing inside a skipped directory counts (checked from the root down).
                let mut dir = self.path.clone();
                let mut parts = rel.components().peekable();
                while let Some(part) = parts.next() {
                    dir.push(part);
                    if parts.peek().is_none() {
                        break;
                    }
                    if skipped(&dir) {
                        return false;
                    }
                }
                changed.file_name() == Some(SPEC_FILE_NAME)
                    || (changed.is_dir() && !skipped(changed))
            }
        }
    }
}

/// What `targets` ask for after changes at `paths`, each reload once, in order.
pub(super) fn reloads<'a>(
    targets: &[Target],
    paths: impl IntoIterator<Item = &'a Utf8Path>,
) -> Vec<Reload> {
    let mut out: Vec<Reload> = Vec::new();
    for path in paths {
        for t in targets.iter().filter(|t| t.matches(path)) {
            if !out.contains(&t.reload) {
                out.push(t.reload.clone());
            }
        }
    }
    out.sort();
    out
}

/// `path` with its parent directory canonicalised (symbolic links resolved), or as given
/// when the parent does not exist.
pub(super) fn canonical(path: &Utf8Path) -> Utf8PathBuf {
    if let Ok(c) = path.canonicalize_utf8()
        && c.is_dir()
    {
        return c;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_str().is_empty() {
                Utf8Path::new(".")
            } else {
                parent
            };
            parent
                .canonicalize_utf8()
                .map_or_else(|_| path.to_owned(), |p| p.join(name))
        }
        _ => path.to_owned(),
    }
}

/// The directories to register for `targets`: (directory, recursive). A file's parent (or
/// nearest existing ancestor); a
/// spec tree's directories (as walked now); a recursive target itself. Missing ones are
/// left out.
pub(super) fn directories(targets: &[Target]) -> Vec<(Utf8PathBuf, bool)> {
    let mut out: Vec<(Utf8PathBuf, bool)> = Vec::new();
    let mut add = |dir: Utf8PathBuf, recursive: bool| {
        if dir.is_dir() && !out.iter().any(|(d, r)| *d == dir && *r == recursive) {
            out.push((dir, recursive));
        }
    };
    for t in targets {
        match t.scope {
            Scope::File => {
                // The parent directory; while it is missing, the nearest existing
                // ancestor (its re-creation is then seen, see `Target::matches`).
                if let Some(dir) = t.path.ancestors().skip(1).find(|d| d.is_dir()) {
                    add(dir.to_owned(), false);
                }
            }
            Scope::Recursive if t.path.is_dir() => add(t.path.clone(), true),
            Scope::Recursive => {
                if let Some(dir) = t.path.ancestors().skip(1).find(|d| d.is_dir()) {
                    add(dir.to_owned(), false);
                }
            }
            Scope::SpecTree => {
                if let Ok(tree) = super::super::specs::walk(&t.path) {
                    for dir in tree.dirs {
                        add(dir, false);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn file_tree_and_recursive_targets() {
        let tmp = tempfile::tempdir().unwrap();
        let root = canonical(Utf8Path::from_path(tmp.path()).unwrap());
        for d in ["a", "a/wt-a-workflow", ".git", "b/templates/x"] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        fs::write(root.join("a/wt-a-workflow/pixi.toml"), "").unwrap();
        fs::write(root.join("a/wt-a-workflow/VERSION.yaml"), "").unwrap();
        let targets = vec![
            Target::file(&root.join("a/spec.yaml"), Reload::Spec(0)),
            Target::file(&root.join("a/wtc.lock"), Reload::Lock(0)),
            Target::spec_tree(&root),
            Target::recursive(&root.join("b/templates"), Reload::Templates),
        ];
        let r = |p: &str| reloads(&targets, [root.join(p).as_path()]);
        assert_eq!(
            r("a/spec.yaml"),
            [Reload::Spec(0), Reload::Rescan(root.clone())]
        );
        assert_eq!(r("a/wtc.lock"), [Reload::Lock(0)]);
        // The spec's directory went away (or was renamed).
        fs::create_dir_all(root.join("gone")).unwrap();
        let gone = Target::file(&root.join("gone/spec.yaml"), Reload::Spec(1));
        fs::remove_dir(root.join("gone")).unwrap();
        assert!(gone.matches(&root.join("gone")));
        assert!(!gone.matches(&root.join("gone/other")));
        // The compiler's own writes and editor temp files concern nothing.
        assert!(r("a/wt-a-workflow/pixi.toml").is_empty());
        assert!(r("a/wt-a-workflow").is_empty());
        assert!(r("a/.spec.yaml.swp").is_empty());
        assert!(r(".git/spec.yaml").is_empty());
        assert!(r("a/wt-a-workflow/x/spec.yaml").is_empty());
        // A new spec or directory in the tree asks for a rescan.
        assert_eq!(r("c/spec.yaml"), [Reload::Rescan(root.clone())]);
        // (A change to a directory above a file is a change to the file too.)
        assert_eq!(
            r("a"),
            [
                Reload::Spec(0),
                Reload::Lock(0),
                Reload::Rescan(root.clone())
            ]
        );
        assert_eq!(r("b/templates/x/y.j2"), [Reload::Templates]);

        let dirs = directories(&targets);
        assert!(dirs.contains(&(root.join("a"), false)));
        assert!(dirs.contains(&(root.clone(), false)));
        assert!(dirs.contains(&(root.join("b/templates"), true)));
        // A file whose directory is gone is watched from the nearest ancestor there is.
        let lost = [Target::file(&root.join("x/y/spec.yaml"), Reload::Spec(2))];
        assert_eq!(directories(&lost), [(root.clone(), false)]);
        assert!(lost[0].matches(&root.join("x")));
        // So is a template directory that is gone, and its re-creation concerns it.
        let lost = [Target::recursive(&root.join("t/tpl"), Reload::Templates)];
        assert_eq!(directories(&lost), [(root.clone(), false)]);
        assert!(lost[0].matches(&root.join("t/tpl")));
        assert!(
            !dirs
                .iter()
                .any(|(d, _)| d.as_str().contains("workflow") || d.as_str().contains(".git"))
        );
    }
}
