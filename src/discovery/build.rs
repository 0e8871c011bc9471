//! Building a discovery environment: solve, install into a prefix and `uv pip install`
//! the PyPI sources (shared by a fresh discovery and the re-creation of a kept
//! environment), where a temporary one lives, and `kept_env`: the kept environment of a
//! key for `wtc run`.

use super::plan::inputs::DiscoveryInputs;
use super::plan::key::DiscoveryKey;
use super::progress::{Phase, Progress};
use super::{DiscoveryError, EnvPhase, Settings, env, install, pypi, solve};
use rattler::package_cache::PackageCache;
use rattler_conda_types::RepoDataRecord;
use rattler_repodata_gateway::Gateway;
use std::path::{Path, PathBuf};

/// The kept environment of `key` for `wtc run`, and whether it had to be re-created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeptEnv {
    /// Intact: used as is (nothing solved or installed).
    Reused(PathBuf),
    /// It was damaged (the reason) and has been re-created.
    Recreated(PathBuf, String),
    /// There is none (the registry came from a lock file or a cache entry made without
    /// one); where it would be.
    Missing(PathBuf),
}

/// The kept environment of a discovery key: reused while intact, re-created (solve,
/// install, PyPI; no `wt-registry`) when damaged. `None` without a cache root.
pub fn kept_env(
    inputs: &DiscoveryInputs,
    key: &DiscoveryKey,
    settings: &Settings,
    label: &str,
) -> Result<Option<KeptEnv>, DiscoveryError> {
    let Some(root) = &settings.cache_root else {
        return Ok(None);
    };
    let prefix = env::env_dir(root, key);
    if env::state(&prefix, key) == env::State::Missing {
        return Ok(Some(KeptEnv::Missing(prefix)));
    }
    let _guard = lock_env(root, key)?;
    match env::state(&prefix, key) {
        env::State::Intact => Ok(Some(KeptEnv::Reused(prefix))),
        env::State::Missing => Ok(Some(KeptEnv::Missing(prefix))),
        env::State::Damaged(reason) => {
            let progress = Progress::new(settings.progress, label);
            build_env(inputs, settings, &prefix, &progress)?;
            progress.finish();
            env::mark(&prefix, key).map_err(|e| DiscoveryError::Io {
                what: "cannot mark the environment complete:",
                path: prefix.clone(),
                source: e,
            })?;
            Ok(Some(KeptEnv::Recreated(prefix, reason)))
        }
    }
}

/// Take the lock of `key`'s kept environment.
pub(super) fn lock_env(root: &Path, key: &DiscoveryKey) -> Result<env::EnvLock, DiscoveryError> {
    env::lock(root, key).map_err(|e| DiscoveryError::Io {
        what: "cannot lock the environment directory",
        path: env::envs_dir(root),
        source: e,
    })
}

/// Solve, install into `prefix` (emptied first) and `uv pip install` the PyPI sources;
/// the solved records.
pub(super) fn build_env(
    inputs: &DiscoveryInputs,
    settings: &Settings,
    prefix: &Path,
    progress: &Progress,
) -> Result<Vec<RepoDataRecord>, DiscoveryError> {
    // rustls with ring; a no-op if a provider is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    env::unmark(prefix);
    let env_error = |phase, cause: String| DiscoveryError::EnvironmentCreation {
        phase,
        prefix: prefix.to_path_buf(),
        specs: inputs.spec_texts(),
        channels: solve::solve_channels(inputs),
        cause,
    };
    let platform = solve::subdir(inputs).map_err(|e| env_error(EnvPhase::Solve, e.to_string()))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| DiscoveryError::Io {
            what: "cannot start the async runtime for",
            path: prefix.to_path_buf(),
            source: e,
        })?;
    let package_cache = PackageCache::new(
        settings
            .rattler_cache
            .join(rattler_cache::PACKAGE_CACHE_DIR),
    );
    let gateway = Gateway::builder()
        .with_cache_dir(
            settings
                .rattler_cache
                .join(rattler_cache::REPODATA_CACHE_DIR),
        )
        .with_package_cache(package_cache.clone())
        .finish();
    progress.phase(Phase::Solve);
    let records = rt
        .block_on(solve::solve(inputs, &gateway))
        .map_err(|c| env_error(EnvPhase::Solve, c))?;
    progress.phase(Phase::Install);
    install::install(
        &rt,
        &records,
        prefix,
        platform,
        &package_cache,
        progress.multi(),
        &|line| progress.println(line),
    )
    .map_err(|c| env_error(EnvPhase::Install, c))?;
    if !inputs.pypi.is_empty() {
        progress.phase(Phase::Pypi);
        pypi::install_pypi(inputs, prefix, &settings.uv_extra_args)?;
    }
    Ok(records)
}

/// A temporary directory for the environment: under the cache root when possible (same
/// file system as the package cache, so files are hard-linked), else the system's.
pub(super) fn temp_env_dir(settings: &Settings) -> Result<tempfile::TempDir, DiscoveryError> {
    let builder = {
        let mut b = tempfile::Builder::new();
        b.prefix("wtc-discovery-");
        b
    };
    if let Some(root) = &settings.cache_root {
        let dir = root.join("tmp");
        if std::fs::create_dir_all(&dir).is_ok()
            && let Ok(t) = builder.tempdir_in(&dir)
        {
            return Ok(t);
        }
    }
    builder.tempdir().map_err(|e| DiscoveryError::Io {
        what: "cannot create a temporary directory in",
        path: std::env::temp_dir(),
        source: e,
    })
}
