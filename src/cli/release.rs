//! `--update` and `--install`: what happens around writing a release directory.
//!
//! `--update` carries the previous package's `pixi.lock` over and bumps `VERSION.yaml`
//! (major when the user-facing params changed, minor otherwise; see
//! [`crate::artifacts::version_yaml`]). Both checks happen before anything is written.
//! After writing, `--install` runs `pixi install -a` and `--update` runs
//! `pixi update --no-install` in the release directory.

use crate::artifacts::Package;
use crate::artifacts::version_yaml::{Version, fingerprint_params_sha256};
use camino::Utf8Path;
use std::process::Command;
use std::sync::Arc;

/// The package with the previous lock file and the bumped version, or why updating is not
/// possible. Nothing is written.
pub fn prepare_update(
    dir: &Utf8Path,
    package: &Package,
    params_sha256: &str,
) -> Result<(Package, Version), String> {
    if !dir.is_dir() {
        return Err(format!(
            "--update needs an existing package, but `{dir}` does not exist\n  help: compile once without --update first"
        ));
    }
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_err(|e| {
            format!("--update needs `{name}` in `{dir}`: {e}\n  help: to update, pixi.lock, VERSION.yaml and README.md must all exist (run `pixi lock` in the package first)")
        })
    };
    let lock = read("pixi.lock")?;
    let version =
        Version::parse(&read("VERSION.yaml")?).map_err(|e| format!("{dir}/VERSION.yaml: {e}"))?;
    let previous = fingerprint_params_sha256(&read("README.md")?)
        .map_err(|e| format!("{dir}/README.md: {e}"))?;
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
pub fn run_pixi(args: &[&str], dir: &Utf8Path) -> Result<(), String> {
    let manifest = dir.join("pixi.toml");
    let shown = format!("pixi {} --manifest-path {manifest}", args.join(" "));
    match Command::new("pixi")
        .args(args)
        .arg("--manifest-path")
        .arg(&manifest)
        .status()
    {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!(
            "`{shown}` failed ({status}); the package was written to `{dir}`"
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "pixi is not installed (not found on PATH); the package was written to `{dir}`\n  help: install pixi (https://pixi.sh), then run `{shown}`"
        )),
        Err(e) => Err(format!(
            "cannot run `{shown}`: {e}; the package was written to `{dir}`"
        )),
    }
}
