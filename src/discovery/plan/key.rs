//! The discovery key: a stable hash over exactly the discovery inputs. Pure.

use super::inputs::DiscoveryInputs;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;

/// Bump when the meaning of the inputs changes (invalidates every cache entry and lock).
const KEY_SCHEMA: u32 = 1;

/// SHA-256 (hex) of the canonical serialisation of the discovery inputs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DiscoveryKey(String);

impl DiscoveryKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Accept a stored key (64 lower-case hex digits).
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(s.to_string()))
    }

    /// The first 12 digits, for messages.
    pub fn short(&self) -> &str {
        &self.0[..12]
    }
}

impl fmt::Display for DiscoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Serialize)]
struct Canonical<'a> {
    schema: u32,
    platform: &'a str,
    channels: &'a [String],
    conda: Vec<String>,
    pypi: Vec<(&'a str, &'a [String])>,
}

/// Hash the inputs: platform, channels, conda match specs (full channel URLs) and PyPI
/// requirements with their pip arguments, in order.
pub fn discovery_key(inputs: &DiscoveryInputs) -> DiscoveryKey {
    let canonical = Canonical {
        schema: KEY_SCHEMA,
        platform: &inputs.platform,
        channels: &inputs.channels,
        conda: inputs.spec_texts(),
        pypi: inputs
            .pypi
            .iter()
            .map(|p| (p.name.as_str(), p.args.as_slice()))
            .collect(),
    };
    let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
    DiscoveryKey(crate::hex::lower(&Sha256::digest(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::plan::inputs::{CondaSpec, PypiSpec};

    fn inputs() -> DiscoveryInputs {
        DiscoveryInputs {
            platform: "linux-64".into(),
            channels: vec!["https://conda.anaconda.org/conda-forge/".into()],
            conda: vec![CondaSpec {
                name: "numpy".into(),
                version: Some(">=1.26".into()),
                channel: Some("https://conda.anaconda.org/conda-forge/".into()),
            }],
            pypi: vec![PypiSpec {
                name: "x".into(),
                args: vec!["-e".into(), "/x".into()],
                path: Some("/x".into()),
            }],
        }
    }

    #[test]
    fn key_is_stable_and_sensitive() {
        let a = discovery_key(&inputs());
        assert_eq!(a, discovery_key(&inputs()));
        assert!(DiscoveryKey::parse(a.as_str()).is_some());
        // Pinned: the key must not change between builds (caches and lock files rely on it).
        expect_test::expect!["66f65ee3ae8ec31d1dab"].assert_eq(&a.as_str()[..20]);
        let mut b = inputs();
        b.platform = "osx-arm64".into();
        assert_ne!(a, discovery_key(&b));
        let mut c = inputs();
        c.pypi[0].args[1] = "/y".into();
        assert_ne!(a, discovery_key(&c));
        let mut d = inputs();
        d.conda[0].channel = Some("https://repo.prefix.dev/x/".into());
        assert_ne!(a, discovery_key(&d));
    }
}
