//! Loading an `--env-overrides` file (for `compile` and `wtc lsp`): the I/O half of
//! [`super::overrides`].
//!
//! Reads the file into an [`OverridesFile`] input, then asks the (pure, memoized)
//! [`path_entries`] query which `path` values it names, resolves them against the file's
//! directory (symlinks resolved, like Python's `Path.resolve()`), reads their
//! `pyproject.toml` and records the answers in the input's `fs` field.

use super::overrides::{normalize, path_entries};
use crate::db::Database;
use crate::db::{FsFacts, OverridesFile};
use camino::{Utf8Path, Utf8PathBuf};
use salsa::Setter;
use std::sync::Arc;

/// Why an env-overrides file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("env-overrides file not found: {0}")]
    NotFound(Utf8PathBuf),
    #[error("env-overrides file `{0}` is {1}, not a regular file")]
    NotAFile(Utf8PathBuf, &'static str),
    #[error("cannot read env-overrides file `{path}`: {}", .source.detail())]
    Read {
        path: Utf8PathBuf,
        source: crate::files::ReadError,
    },
}

/// Read the env-overrides file at the absolute path `abs` and gather the file-system
/// facts its `path` entries need.
pub fn load(db: &mut Database, abs: &Utf8Path) -> Result<OverridesFile, LoadError> {
    let text = read(abs)?;
    let file = OverridesFile::new(db, abs.to_owned(), text);
    let facts = fs_facts(db, file);
    file.set_fs(db).to(Arc::new(facts));
    Ok(file)
}

/// Read an env-overrides file again (it changed on disk), and the `pyproject.toml` files
/// its `path` entries name. Inputs are set only where the contents differ (a setter always
/// bumps the revision). Returns whether anything changed; on an error the previous
/// contents stay in place.
pub fn reload(db: &mut Database, file: OverridesFile) -> Result<bool, LoadError> {
    let text = read(file.path(db))?;
    let mut changed = false;
    if *file.text(db) != text {
        file.set_text(db).to(text);
        changed = true;
    }
    let facts = fs_facts(db, file);
    if **file.fs(db) != facts {
        file.set_fs(db).to(Arc::new(facts));
        changed = true;
    }
    Ok(changed)
}

/// The `pyproject.toml` files the loaded `file` read (missing ones too: their creation
/// matters to a watcher).
#[must_use]
pub fn pyprojects(db: &Database, file: OverridesFile) -> Vec<Utf8PathBuf> {
    file.fs(db)
        .pyprojects
        .keys()
        .map(|dir| Utf8Path::new(dir).join("pyproject.toml"))
        .collect()
}

fn read(abs: &Utf8Path) -> Result<String, LoadError> {
    use crate::files::{ReadError, read_text};
    read_text(abs.as_std_path()).map_err(|source| match source {
        ReadError::NotRegular { kind, .. } => LoadError::NotAFile(abs.to_owned(), kind),
        e if e.is_not_found() => LoadError::NotFound(abs.to_owned()),
        source => LoadError::Read {
            path: abs.to_owned(),
            source,
        },
    })
}

/// Resolve the file's `path` entries against its directory and read their
/// `pyproject.toml`.
fn fs_facts(db: &Database, file: OverridesFile) -> FsFacts {
    let dir = file
        .path(db)
        .parent()
        .unwrap_or(Utf8Path::new("/"))
        .to_owned();
    let mut facts = FsFacts::default();
    for raw in path_entries(db, file).iter() {
        let resolved = if Utf8Path::new(raw).is_absolute() {
            Utf8PathBuf::from(raw)
        } else {
            resolve(&dir.join(raw))
        };
        let pyproject = crate::files::read_text(resolved.join("pyproject.toml").as_std_path()).ok();
        facts.pyprojects.insert(resolved.to_string(), pyproject);
        if let Some(problem) = not_a_directory(&resolved) {
            facts.path_problems.insert(resolved.to_string(), problem);
        }
        facts.resolved.insert(raw.clone(), resolved.into_string());
    }
    facts
}

/// What `path` is when it is not a directory (a PyPI `path` source must be one).
fn not_a_directory(path: &Utf8Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => None,
        Ok(m) if m.is_file() => Some("is a file, not a directory".into()),
        Ok(_) => Some("is not a directory".into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("does not exist".into()),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => Some("is a symbolic link loop".into()),
        Err(e) => Some(format!("cannot be read: {e}")),
    }
}

/// `path` taken from `cwd` when relative, then [`resolve`]d.
pub fn resolve_from(path: &Utf8Path, cwd: &Utf8Path) -> Utf8PathBuf {
    if path.is_absolute() {
        resolve(path)
    } else {
        resolve(&cwd.join(path))
    }
}

/// An absolute path with symlinks resolved where the path exists and `.`/`..` removed
/// (Python's non-strict `Path.resolve()`).
pub fn resolve(path: &Utf8Path) -> Utf8PathBuf {
    let lexical = normalize(path);
    // Canonicalize the longest existing prefix, then append the rest.
    let mut existing = lexical.clone();
    let mut rest: Vec<String> = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize_utf8() {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_string());
                existing = parent.to_owned();
            }
            _ => return lexical,
        }
    }
}
