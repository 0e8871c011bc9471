//! `VERSION.yaml` and the `--update` bump rule (`artifacts.md` §12).
//!
//! A fresh compile writes `{MAJ: 0, MIN: 0, PATCH: 0}`. `--update` reads the previous
//! package's version and the `params_sha256` of its README fingerprint: if the user-facing
//! parameters changed (different hash) the major version is bumped, otherwise the minor.

use crate::syntax::yaml::{self, NodeKind, Scalar};

/// A workflow package version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    /// The `VERSION.yaml` text: a one-line flow mapping.
    pub fn to_yaml(self) -> String {
        format!(
            "{{MAJ: {}, MIN: {}, PATCH: {}}}\n",
            self.major, self.minor, self.patch
        )
    }

    /// Parse `VERSION.yaml` (`MAJ` and `MIN` required, `PATCH` optional).
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let root = yaml::parse(text).map_err(|e| VersionError::Yaml(e.message))?;
        let field = |key: &'static str| -> Result<Option<u64>, VersionError> {
            match root.get(key).map(|n| &n.kind) {
                None => Ok(None),
                Some(NodeKind::Scalar(Scalar::Int(i))) if *i >= 0 => u64::try_from(*i)
                    .map(Some)
                    .map_err(|_| VersionError::TooLarge(key)),
                Some(_) => Err(VersionError::NotANumber(key)),
            }
        };
        if root.as_map().is_none() {
            return Err(VersionError::NotAMapping);
        }
        Ok(Self {
            major: field("MAJ")?.ok_or(VersionError::Missing("MAJ"))?,
            minor: field("MIN")?.ok_or(VersionError::Missing("MIN"))?,
            patch: field("PATCH")?.unwrap_or(0),
        })
    }

    /// The version after an update: major bump when `params_sha256` changed, else minor.
    pub fn bumped(self, previous_params_sha256: &str, params_sha256: &str) -> Self {
        if previous_params_sha256 == params_sha256 {
            Self {
                minor: self.minor + 1,
                patch: 0,
                ..self
            }
        } else {
            Self {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            }
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The `params_sha256` recorded in a README's fingerprint block (the last ```` ```yaml ````
/// fence).
pub fn fingerprint_params_sha256(readme: &str) -> Result<String, FingerprintError> {
    let start = readme.rfind("```yaml").ok_or(FingerprintError::NoBlock)?;
    let body = &readme[start + "```yaml".len()..];
    let body = &body[..body.find("```").ok_or(FingerprintError::NotClosed)?];
    let root = yaml::parse(body).map_err(|e| FingerprintError::Yaml(e.message))?;
    let hash = root
        .get("params_sha256")
        .and_then(|n| n.as_str())
        .ok_or(FingerprintError::NoHash)?;
    if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hash.to_string())
    } else {
        Err(FingerprintError::NotAHash(hash.to_string()))
    }
}

/// Why a `VERSION.yaml` cannot be read as a version.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("not valid YAML: {0}")]
    Yaml(String),
    #[error("`{0}` is too large")]
    TooLarge(&'static str),
    #[error("`{0}` must be a non-negative integer")]
    NotANumber(&'static str),
    #[error("expected a mapping like `{{MAJ: 1, MIN: 0, PATCH: 0}}`")]
    NotAMapping,
    #[error("`{0}` is missing")]
    Missing(&'static str),
}

/// Why a README has no usable `params_sha256` fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintError {
    #[error("README.md has no ```yaml fingerprint block")]
    NoBlock,
    #[error("the fingerprint block is not closed")]
    NotClosed,
    #[error("the fingerprint block is not valid YAML: {0}")]
    Yaml(String),
    #[error("the fingerprint block has no `params_sha256` string")]
    NoHash,
    #[error("`params_sha256` is not a SHA-256 hex digest: `{0}`")]
    NotAHash(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_round_trip_and_bumps() {
        let v = Version::parse("{MAJ: 2, MIN: 1, PATCH: 3}\n").unwrap();
        assert_eq!(
            v,
            Version {
                major: 2,
                minor: 1,
                patch: 3
            }
        );
        assert_eq!(v.to_yaml(), "{MAJ: 2, MIN: 1, PATCH: 3}\n");
        assert_eq!(Version::parse("MAJ: 1\nMIN: 0\n").unwrap().patch, 0);
        assert!(Version::parse("[1]").is_err());
        assert!(Version::parse("{MAJ: 1}").is_err());
        assert_eq!(
            v.bumped("a", "a"),
            Version {
                major: 2,
                minor: 2,
                patch: 0
            }
        );
        assert_eq!(
            v.bumped("a", "b"),
            Version {
                major: 3,
                minor: 0,
                patch: 0
            }
        );
        assert_eq!(Version::default().to_yaml(), "{MAJ: 0, MIN: 0, PATCH: 0}\n");
    }

    #[test]
    fn params_hash_from_readme() {
        let h = "a".repeat(64);
        let readme = format!(
            "```\n# header\n```\n\n```yaml\n# fingerprint:\nparams_sha256: {h}\nspec_sha256: x\n\n```\n\n# wt-x\n"
        );
        assert_eq!(fingerprint_params_sha256(&readme).unwrap(), h);
        assert!(fingerprint_params_sha256("# nothing").is_err());
        assert!(fingerprint_params_sha256("```yaml\nparams_sha256: short\n```").is_err());
    }
}
