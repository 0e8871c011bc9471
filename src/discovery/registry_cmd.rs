//! Run `wt-registry --format json` inside an environment and validate its output
//! against the registry contract (`registry-contract.md` §1).

use super::error::DiscoveryError;
use crate::registry::Registry;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where an environment keeps an executable (`bin/` on Unix, `Scripts/*.exe` on Windows).
pub fn executable(prefix: &Path, name: &str) -> PathBuf {
    if cfg!(windows) {
        prefix.join("Scripts").join(format!("{name}.exe"))
    } else {
        prefix.join("bin").join(name)
    }
}

/// A validated registry document.
pub struct RegistryOutput {
    pub document: serde_json::Value,
    pub registry: Registry,
}

/// Run the environment's `wt-registry --format json` (inheriting the environment and
/// working directory, not activating the prefix) and parse its stdout strictly.
/// `specs` are listed when the executable is missing.
pub fn run_registry(prefix: &Path, specs: &[String]) -> Result<RegistryOutput, DiscoveryError> {
    let exe = executable(prefix, "wt-registry");
    if !exe.is_file() {
        return Err(DiscoveryError::RegistryNotFound {
            path: exe,
            specs: specs.to_vec(),
        });
    }
    let command = format!("{} --format json", exe.display());
    let output = Command::new(&exe)
        .args(["--format", "json"])
        .output()
        .map_err(|e| DiscoveryError::RegistryExecution {
            code: None,
            command: command.clone(),
            stdout: String::new(),
            stderr: format!("could not start the executable: {e}"),
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(DiscoveryError::RegistryExecution {
            code: output.status.code(),
            command,
            stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    parse_registry(&stdout).map_err(|error| DiscoveryError::InvalidRegistry {
        command,
        error,
        stdout,
    })
}

/// Parse and validate a `wt-registry --format json` document.
pub fn parse_registry(text: &str) -> Result<RegistryOutput, crate::registry::RegistryError> {
    let registry = Registry::from_json(text)?;
    let document = serde_json::from_str(text)
        .map_err(|e| crate::registry::RegistryError::Shape(format!("not a JSON document: {e}")))?;
    Ok(RegistryOutput { document, registry })
}
