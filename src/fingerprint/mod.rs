//! The README fingerprint (`artifacts.md` §11): pure functions, no database.
//!
//! | value | function | matches wt-compiler 0.10.3 |
//! |---|---|---|
//! | `params_sha256` | [`params_sha256`] | yes (it drives `--update` version bumps) |
//! | `spec_sha256` | [`spec_sha256`] over [`spec_json`] | yes: the exact pydantic dump is rebuilt |
//! | `installed_requirements` | [`installed_requirements`] | yes |
//! | `artifacts_sha256_basic` / `_strict` | [`artifact_hashes`] over per-file hashes | no: wtc's own definition (a `sha256sum` manifest, see [`artifact_hashes`] and `manifest.rs`); the reference's could equal only for byte-identical files, which wtc's are not: **informational** |
//!
//! [`Fingerprint::to_yaml`] renders the block the README carries, as the reference's
//! ruamel safe dumper writes it.

mod installed;
mod manifest;
mod spec_json;
mod yaml;

pub use installed::{InstalledRequirement, channel_text, installed_requirements};
pub use manifest::{FileDigest, artifact_hashes, manifest_line};
pub use spec_json::{
    InstanceJson, KnownTexts, SpecDump, instance_json, resolve_instance, spec_dump, spec_json,
    value_json,
};
pub use yaml::yaml_scalar;

use crate::registry::Registry;
use crate::spec::model::Spec;
use sha2::{Digest, Sha256};

/// Why a fingerprint value could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum FingerprintError {
    /// A `task:` or skipif condition does not resolve in the registry (the compile has
    /// already reported it; the fingerprint is never computed for such a spec).
    #[error("task `{reference}` does not resolve in the task registry")]
    UnresolvedTask { reference: String },
}

/// Lower-case hex SHA-256 of `bytes`.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::hex::lower(&Sha256::digest(bytes))
}

/// `params_sha256` (§11.1): the `params.json` value with every `title`, `description`,
/// `default` and `uiSchema` key removed at any depth, serialized like
/// `json.dumps(v, sort_keys=True)`, hashed.
#[must_use]
pub fn params_sha256(params: &serde_json::Value) -> String {
    let stripped = crate::schema::strip_for_params_hash(params);
    sha256_hex(crate::pyjson::to_string_sorted(&stripped).as_bytes())
}

/// `spec_sha256` (§11.2): the hash of [`spec_json`] written as pydantic's compact JSON.
pub fn spec_sha256(spec: &Spec, registry: &Registry) -> Result<String, FingerprintError> {
    Ok(sha256_hex(spec_json(spec, registry)?.as_bytes()))
}

/// The five fingerprint values, in the (alphabetical) order the README lists them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    pub artifacts_sha256_basic: String,
    pub artifacts_sha256_strict: String,
    pub installed_requirements: Vec<InstalledRequirement>,
    pub params_sha256: String,
    pub spec_sha256: String,
}

impl Fingerprint {
    /// The fingerprint as YAML (newline-terminated), as the reference's ruamel safe dumper
    /// writes it: keys sorted, block style at the top level, collections of scalars in
    /// flow style (`version: {version: ==1.2}`, `[]`).
    #[must_use]
    pub fn to_yaml(&self) -> String {
        yaml::render(self)
    }
}

#[cfg(test)]
mod tests;
