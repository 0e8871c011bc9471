//! Loading an `--env-overrides` file at the CLI: [`crate::dependencies::load`], with every
//! file it reads recorded in [`Reads`] (for `watch`).

use super::reads::{Reads, Role};
use crate::db::{Database, OverridesFile};
pub use crate::dependencies::load::{LoadError, resolve, resolve_from};
use crate::dependencies::load::{load, pyprojects, reload};
use camino::Utf8Path;

/// Read the env-overrides file at `path` (relative paths are taken from `cwd`) and gather
/// the file-system facts its `path` entries need (every file read is recorded in `reads`).
pub fn load_env_overrides(
    db: &mut Database,
    path: &Utf8Path,
    cwd: &Utf8Path,
    reads: &Reads,
) -> Result<OverridesFile, LoadError> {
    let abs = resolve_from(path, cwd);
    reads.record(&abs, Role::Overrides);
    let file = load(db, &abs)?;
    reads.replace(&Role::Pyproject, pyprojects(db, file));
    Ok(file)
}

/// Read an env-overrides file again (it changed on disk), and the `pyproject.toml` files
/// its `path` entries name; see [`reload`].
pub fn reload_env_overrides(
    db: &mut Database,
    file: OverridesFile,
    reads: &Reads,
) -> Result<bool, LoadError> {
    let changed = reload(db, file)?;
    reads.replace(&Role::Pyproject, pyprojects(db, file));
    Ok(changed)
}
