//! The lock file `wtc.lock`, written beside the spec by `wtc lock` and read by
//! `wtc compile` / `wtc check` when its key matches the current discovery inputs.
//!
//! Format (JSON, 2-space indent, keys in this order):
//!
//! ```text
//! {
//!   "wtc-lock": 1,                      // format version
//!   "key": "<64 hex digits>",           // the discovery key of `inputs`
//!   "inputs": {                         // what discovery solved (for review and diffs)
//!     "platform": "linux-64",
//!     "channels": ["https://conda.anaconda.org/conda-forge/", ...],
//!     "conda": ["https://conda.anaconda.org/conda-forge/::click >=8.0.0,<9.0.0", ...],
//!     "pypi": [{"name": "helper", "args": ["helper @ git+https://..."]}, ...]
//!   },
//!   "solved": [{"name": "click", "version": "8.1.7", "channel": "conda-forge"}, ...],
//!   "registry": { ... the `wt-registry --format json` document ... }
//! }
//! ```

use super::Discovered;
use super::cache::{Payload, write_atomic};
use super::plan::inputs::{CondaSpec, DiscoveryInputs, PypiSpec};
use super::plan::key::{DiscoveryKey, discovery_key};
use crate::db::SolvedRecord;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// File name of the lock file (in the spec's directory).
pub const LOCK_FILE_NAME: &str = "wtc.lock";
const FORMAT: u32 = 1;

/// The lock file of a spec.
pub fn lock_path(spec: &Path) -> PathBuf {
    spec.parent().unwrap_or(Path::new(".")).join(LOCK_FILE_NAME)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct InputsView {
    platform: String,
    channels: Vec<String>,
    conda: Vec<String>,
    pypi: Vec<PypiSpec>,
}

impl InputsView {
    fn of(inputs: &DiscoveryInputs) -> Self {
        Self {
            platform: inputs.platform.clone(),
            channels: inputs.channels.clone(),
            conda: inputs.spec_texts(),
            pypi: inputs.pypi.clone(),
        }
    }

    /// The inputs back (each conda text `[<channel>::]<name>[ <version>]` split again).
    fn inputs(&self) -> DiscoveryInputs {
        let conda = self
            .conda
            .iter()
            .map(|text| {
                let (channel, rest) = match text.split_once("::") {
                    Some((c, r)) => (Some(c.to_string()), r),
                    None => (None, text.as_str()),
                };
                let (name, version) = match rest.split_once(' ') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (rest, None),
                };
                CondaSpec {
                    name: name.to_string(),
                    version,
                    channel,
                }
            })
            .collect();
        DiscoveryInputs {
            platform: self.platform.clone(),
            channels: self.channels.clone(),
            conda,
            pypi: self.pypi.clone(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct LockFile {
    #[serde(rename = "wtc-lock")]
    format: u32,
    key: String,
    inputs: InputsView,
    solved: Vec<SolvedRecord>,
    registry: serde_json::Value,
}

/// Reading a lock file did not give a usable result.
#[derive(Debug)]
pub enum LockProblem {
    Missing,
    /// Written for other inputs; the text lists what changed.
    Stale(String),
    Invalid(LockError),
}

/// Why a lock file cannot be used, whatever inputs it is read for.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{}", .0.reason())]
    Read(crate::files::ReadError),
    #[error("not a wtc lock file: {0}")]
    NotALockFile(serde_json::Error),
    #[error("unsupported lock format {0} (this wtc reads {FORMAT})")]
    Format(u32),
    /// The recorded key (`recorded`) is not the key of the recorded inputs (`key`).
    #[error("its key {recorded} is not the key of the inputs it records ({key})")]
    KeyMismatch { recorded: String, key: DiscoveryKey },
    #[error("invalid registry document: {0}")]
    Registry(crate::registry::RegistryError),
}

/// Parse a lock file's bytes and check its format.
fn parse(text: &[u8]) -> Result<LockFile, LockError> {
    let lock: LockFile = serde_json::from_slice(text).map_err(LockError::NotALockFile)?;
    if lock.format != FORMAT {
        return Err(LockError::Format(lock.format));
    }
    Ok(lock)
}

/// Read the lock file and return its result if its key is `key`.
pub fn read(
    path: &Path,
    key: &DiscoveryKey,
    inputs: &DiscoveryInputs,
) -> Result<Discovered, LockProblem> {
    let text = match crate::files::read_bytes(path) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Err(LockProblem::Missing),
        Err(e) => return Err(LockProblem::Invalid(LockError::Read(e))),
    };
    let lock = parse(&text).map_err(LockProblem::Invalid)?;
    if lock.key != key.as_str() {
        return Err(LockProblem::Stale(changes(
            &lock.inputs,
            &InputsView::of(inputs),
        )));
    }
    Discovered::from_payload(Payload {
        solved: lock.solved,
        registry: lock.registry,
    })
    .map_err(|e| LockProblem::Invalid(LockError::Registry(e)))
}

/// Everything a lock file holds, whatever spec it is for (`wtc cache push`): its key,
/// the inputs it records (which must hash to that key) and its result.
pub fn read_entry(path: &Path) -> Result<(DiscoveryKey, DiscoveryInputs, Discovered), LockError> {
    let text = crate::files::read_bytes(path).map_err(LockError::Read)?;
    let lock = parse(&text)?;
    let inputs = lock.inputs.inputs();
    let key = discovery_key(&inputs);
    if key.as_str() != lock.key {
        return Err(LockError::KeyMismatch {
            recorded: lock.key,
            key,
        });
    }
    let discovered = Discovered::from_payload(Payload {
        solved: lock.solved,
        registry: lock.registry,
    })
    .map_err(LockError::Registry)?;
    Ok((key, inputs, discovered))
}

/// Write the lock file (atomically). Returns `false` when it already had this content.
pub fn write(
    path: &Path,
    key: &DiscoveryKey,
    inputs: &DiscoveryInputs,
    discovered: &Discovered,
) -> std::io::Result<bool> {
    let lock = LockFile {
        format: FORMAT,
        key: key.to_string(),
        inputs: InputsView::of(inputs),
        solved: discovered.solved.as_ref().clone(),
        registry: discovered.document.clone(),
    };
    let mut text = serde_json::to_string_pretty(&lock).map_err(std::io::Error::other)?;
    text.push('\n');
    if crate::files::read_bytes(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(false);
    }
    write_atomic(path, text.as_bytes())?;
    Ok(true)
}

/// What differs between the locked inputs and the current ones, one `- old` / `+ new`
/// line per item.
fn changes(old: &InputsView, new: &InputsView) -> String {
    let mut out = String::new();
    if old.platform != new.platform {
        let _ = writeln!(out, "    platform: {} -> {}", old.platform, new.platform);
    }
    let pypi =
        |v: &InputsView| -> Vec<String> { v.pypi.iter().map(|p| p.args.join(" ")).collect() };
    for (what, a, b) in [
        ("channel", old.channels.clone(), new.channels.clone()),
        ("conda", old.conda.clone(), new.conda.clone()),
        ("pypi", pypi(old), pypi(new)),
    ] {
        for x in a.iter().filter(|x| !b.contains(x)) {
            let _ = writeln!(out, "    - {what} {x}");
        }
        for x in b.iter().filter(|x| !a.contains(x)) {
            let _ = writeln!(out, "    + {what} {x}");
        }
    }
    if out.is_empty() {
        out.push_str("    (the order of requirements or channels changed)\n");
    }
    out
}
