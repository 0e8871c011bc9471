//! The PyPI step: one bulk `uv pip install` into the discovery environment, with the
//! environment's own `uv` and `python` (`discovery.md` §3 step 3).

use super::error::DiscoveryError;
use super::plan::inputs::DiscoveryInputs;
use super::registry_cmd::executable;
use std::path::Path;
use std::process::Command;

/// Install the inputs' PyPI requirements into `prefix` (nothing to do when there are
/// none). `extra_args` are appended to the `uv` command line (e.g. `--offline`).
pub fn install_pypi(
    inputs: &DiscoveryInputs,
    prefix: &Path,
    extra_args: &[String],
) -> Result<(), DiscoveryError> {
    if inputs.pypi.is_empty() {
        return Ok(());
    }
    let uv = executable(prefix, "uv");
    let python = executable(prefix, "python");
    let mut argv = inputs.uv_argv(&python.to_string_lossy());
    argv.extend(extra_args.iter().cloned());
    let names: Vec<String> = inputs.pypi.iter().map(|p| p.name.clone()).collect();
    let args: Vec<String> = inputs.pypi.iter().flat_map(|p| p.args.clone()).collect();
    let output =
        Command::new(&uv)
            .args(&argv)
            .output()
            .map_err(|e| DiscoveryError::PypiInstall {
                names: names.clone(),
                code: None,
                args: args.clone(),
                stdout: String::new(),
                stderr: format!("could not run {}: {e}", uv.display()),
            })?;
    if output.status.success() {
        return Ok(());
    }
    Err(DiscoveryError::PypiInstall {
        names,
        code: output.status.code(),
        args,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}
