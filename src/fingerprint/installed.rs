//! `installed_requirements`: the spec's direct conda requirements pinned to the versions
//! of the discovery solve (`--solved`).

use crate::db::SolvedRecord;
use crate::spec::requirements::{Requirement, resolve_channel};
use std::collections::HashMap;

/// One pinned requirement as the fingerprint lists it:
/// `{channel: <text>, name: <pkg>, version: {version: ==<solved version>}}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct InstalledRequirement {
    /// [`channel_text`] of the solved record's channel.
    pub channel: String,
    /// The package name as the spec writes it.
    pub name: String,
    /// `==<solved version>`.
    pub version: String,
}

/// For each conda requirement of the spec (in order, duplicates kept), the solved record
/// with the same name, pinned. Requirements the solve does not contain are left out.
///
/// As in the reference, records are keyed by their lower-cased (normalized) name, the last
/// record of a name wins, and the spec's name must equal that key exactly.
/// `wt_conda_channel` is `$WT_CONDA_CHANNEL` (names the local channel, see [`channel_text`]).
#[must_use]
pub fn installed_requirements(
    requirements: &[Requirement],
    solved: &[SolvedRecord],
    wt_conda_channel: &str,
) -> Vec<InstalledRequirement> {
    let by_name: HashMap<String, &SolvedRecord> =
        solved.iter().map(|r| (r.name.to_lowercase(), r)).collect();
    requirements
        .iter()
        .filter_map(|r| match r {
            Requirement::Conda(c) => Some(c),
            Requirement::Pypi(_) => None,
        })
        .filter_map(|req| {
            let record = by_name.get(&req.name)?;
            Some(InstalledRequirement {
                channel: channel_text(&record.channel, wt_conda_channel),
                name: req.name.clone(),
                version: format!("=={}", record.version),
            })
        })
        .collect()
}

/// How the reference writes a channel: its name when `https://conda.anaconda.org/<name>/`
/// is its base URL (`conda-forge`, `microsoft`), else the base URL (prefix.dev channels,
/// `file://` channels).
///
/// The record's text is first resolved like a spec channel (a known name or base URL, or
/// any URL, given a trailing `/`). The reference rejects any other text (a bare unknown
/// name); wtc keeps it as written.
#[must_use]
pub fn channel_text(record_channel: &str, wt_conda_channel: &str) -> String {
    let Ok(channel) = resolve_channel(record_channel, wt_conda_channel) else {
        return record_channel.to_string();
    };
    match channel
        .base_url
        .strip_prefix("https://conda.anaconda.org/")
        .and_then(|rest| rest.strip_suffix('/'))
    {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => channel.base_url,
    }
}
