//! `--update` and `--install`: what happens around writing a release directory.
//!
//! `--update` carries the previous package's `pixi.lock` over and bumps `VERSION.yaml`
//! (major when the user-facing params changed, minor otherwise; see
//! [`crate::artifacts::version_yaml`]). Both checks happen before anything is written.
//! After writing, `--install` runs `pixi install -a` and `--update` runs
//! `pixi update --no-install` in the release directory.

use crate::artifacts::Package;
use crate::artifacts::version_yaml::{
    FingerprintError, Version, VersionError, fingerprint_params_sha256,
};
use camino::{Utf8Path, Utf8PathBuf};
use std::process::Command;
use std::sync::Arc;

/// Why `--update` cannot update the package in a release directory.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error(
        "--update needs an existing package, but `{0}` does not exist\n  help: compile once without --update first"
    )]
    NoPackage(Utf8PathBuf),
    #[error(
        "--update needs `{name}` in `{dir}`: {source}\n  help: to update, pixi.lock, VERSION.yaml and README.md must all exist (run `pixi lock` in the package first)"
    )]
    Missing {
        name: String,
        dir: Utf8PathBuf,
        source: crate::files::ReadError,
    },
    #[error("{0}/VERSION.yaml: {1}")]
    Version(Utf8PathBuf, VersionError),
    #[error("{0}/README.md: {1}")]
    Fingerprint(Utf8PathBuf, FingerprintError),
}

/// Why `pixi` could not be run after writing the package.
#[derive(Debug, thiserror::Error)]
pub enum PixiError {
    #[error("`{shown}` failed ({status}); the package was written to `{dir}`")]
    Failed {
        shown: String,
        status: std::process::ExitStatus,
        dir: Utf8PathBuf,
    },
    #[error(
        "pixi is not installed (not found on PATH); the package was written to `{dir}`\n  help: install pixi (https://pixi.sh), then run `{shown}`"
    )]
    NotInstalled { shown: String, dir: Utf8PathBuf },
    #[error("cannot run `{shown}`: {source}; the package was written to `{dir}`")]
    Run {
        shown: String,
        source: std::io::Error,
        dir: Utf8PathBuf,
    },
}

/// The package with the previous lock file and the bumped version, or why updating is not
/// possible. Nothing is written.
pub fn prepare_update(
    dir: &Utf8Path,
    package: &Package,
    params_sha256: &str,
) -> Result<(Package, Version), UpdateError> {
    if !dir.is_dir() {
        return Err(UpdateError::NoPackage(dir.to_owned()));
    }
    let read = |name: &str| {
        crate::files::read_text(dir.join(name).as_std_path()).map_err(|source| {
            UpdateError::Missing {
                name: name.to_string(),
                dir: dir.to_owned(),
                source,
            }
        })
    };
    let lock = read("pixi.lock")?;
    let version = Version::parse(&read("VERSION.yaml")?)
        .map_err(|e| UpdateError::Version(dir.to_owned(), e))?;
    let previous = fingerprint_params_sha256(&read("README.md")?)
        .map_err(|e| UpdateError::Fingerprint(dir.to_owned(), e))?;
    let next = version.bumped(&previous, params_sha256);
    let mut package = package.clone();
    for (path, text) in &mut package.files {
        if path == "VERSION.yaml" {
            *text = Arc::from(next.to_yaml().into_bytes());
        }
    }
    package
        .files
        .push(("pixi.lock".to_string(), Arc::from(lock.into_bytes())));
    Ok((package, next))
}

/// Run `pixi <args> --manifest-path <dir>/pixi.toml`, with its output on the terminal.
pub fn run_pixi(args: &[&str], dir: &Utf8Path) -> Result<(), PixiError> {
    let manifest = dir.join("pixi.toml");
    let shown = format!("pixi {} --manifest-path {manifest}", args.join(" "));
    match Command::new("pixi")
        .args(args)
        .arg("--manifest-path")
        .arg(&manifest)
        .status()
    {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(PixiError::Failed {
            shown,
            status,
            dir: dir.to_owned(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(PixiError::NotInstalled {
            shown,
            dir: dir.to_owned(),
        }),
        Err(source) => Err(PixiError::Run {
            shown,
            source,
            dir: dir.to_owned(),
        }),
    }
}
