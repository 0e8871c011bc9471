//! Install solved records into a prefix with rattler's installer, through the shared
//! package cache (`discovery.md` §3 step 2).

use super::solve::error_chain;
use indicatif::MultiProgress;
use rattler::install::{IndicatifReporter, Installer};
use rattler::package_cache::PackageCache;
use rattler_conda_types::{RepoDataRecord, Subdir};
use std::path::Path;
use std::time::Duration;
use tokio::runtime::Runtime;

const ATTEMPTS: usize = 3;

/// Install `records` into a fresh `prefix`. Retried (up to 3 attempts, the prefix
/// recreated each time) only when the failure is "directory not empty", which parallel
/// installs sharing a package cache can cause. `note` receives the retry messages.
pub fn install(
    rt: &Runtime,
    records: &[RepoDataRecord],
    prefix: &Path,
    platform: Subdir,
    package_cache: &PackageCache,
    multi: Option<MultiProgress>,
    note: &dyn Fn(&str),
) -> Result<(), String> {
    let mut attempt = 1;
    loop {
        let _ = std::fs::remove_dir_all(prefix);
        std::fs::create_dir_all(prefix)
            .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
        let mut installer = Installer::new()
            .with_package_cache(package_cache.clone())
            .with_target_platform(platform)
            .with_execute_link_scripts(false);
        if let Some(m) = &multi {
            installer = installer.with_reporter(
                IndicatifReporter::builder()
                    .with_multi_progress(m.clone())
                    .clear_when_done(true)
                    .finish(),
            );
        }
        let result = rt.block_on(installer.install(prefix, records.iter().cloned()));
        match result {
            Ok(_) => return Ok(()),
            Err(e) => {
                let message = error_chain(&e);
                if attempt >= ATTEMPTS || !is_directory_not_empty(&e, &message) {
                    return Err(message);
                }
                note(&format!(
                    "Installation interrupted (directory conflict), retrying ({}/{ATTEMPTS})...",
                    attempt + 1
                ));
                std::thread::sleep(Duration::from_millis(500 * attempt as u64));
                attempt += 1;
            }
        }
    }
}

/// ENOTEMPTY anywhere in the error chain, or its message.
fn is_directory_not_empty(e: &(dyn std::error::Error + 'static), message: &str) -> bool {
    let lower = message.to_lowercase();
    if lower.contains("enotempty") || lower.contains("directory not empty") {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::DirectoryNotEmpty
        {
            return true;
        }
        source = s.source();
    }
    false
}
