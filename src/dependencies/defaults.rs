//! Layer A: the bundled default dependencies (`defaults.toml`, compiled into the binary and
//! printed by `wtc defaults`), parsed by the same loader as an env-overrides file.

use super::DependencyFile;
use super::loader::{Loaded, load};
use std::sync::OnceLock;

/// The text of the bundled defaults file.
pub const DEFAULTS_TOML: &str = include_str!("defaults.toml");

/// The label the reference uses for this file in messages.
pub const LABEL: &str = "default-env-injections";

/// The parsed defaults (with the loader's diagnostics, empty for the shipped file).
pub fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| load(DEFAULTS_TOML))
}

/// The bundled default dependencies of each feature.
pub fn defaults() -> &'static DependencyFile {
    &loaded().file
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dependencies::Feature;

    const FORGE: &str = "https://conda.anaconda.org/conda-forge/";
    const RELEASE: &str = "https://repo.prefix.dev/ecoscope-workflows/";
    const MICROSOFT: &str = "https://conda.anaconda.org/microsoft/";

    #[test]
    fn the_shipped_defaults_are_valid_and_match_the_reference() {
        assert_eq!(loaded().diagnostics, vec![], "{LABEL} must load cleanly");
        let table = |f: Feature| -> Vec<(String, String, String)> {
            let deps = defaults().feature(f);
            assert!(deps.pypi.is_empty());
            deps.conda
                .iter()
                .map(|d| (d.name.clone(), d.version.clone(), d.channel.clone()))
                .collect()
        };
        let rows = |r: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
            r.iter()
                .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
                .collect()
        };
        assert_eq!(
            table(Feature::Default),
            rows(&[
                ("click", ">=8.0.0,<9.0.0", FORGE),
                ("obstore", ">=0.6.0,<0.7.0", FORGE),
                ("pydantic", ">=2.0.0,<3.0.0", FORGE),
                ("ruamel.yaml", ">=0.18.0,<0.19.0", FORGE),
                ("opentelemetry-api", ">=1.20.0,<2.0.0", FORGE),
                ("wt-task", ">=0.1.3,<1.0.0", RELEASE),
            ])
        );
        assert_eq!(
            table(Feature::Runner),
            rows(&[("wt-runner", ">=0.3.1,<1.0.0", RELEASE)])
        );
        assert_eq!(
            table(Feature::Test),
            rows(&[
                ("pandas", "*", FORGE),
                ("pyarrow", "*", FORGE),
                ("pytest", "*", FORGE),
                ("pytest-asyncio", "*", FORGE),
                ("pytest-check", "*", FORGE),
                ("pillow", "*", FORGE),
                ("scikit-image", "*", FORGE),
                ("syrupy", "*", FORGE),
                ("playwright", ">=1.52.0", MICROSOFT),
            ])
        );
    }
}
