//! The content-addressed discovery cache: one JSON file per discovery key under
//! `<cache root>/discovery/<key>.json`, holding the registry document and the solved
//! records. Writes are atomic (temporary sibling + rename); an entry that fails any check
//! (format, key, checksum, registry contract) is reported and removed, never used.
//!
//! The key covers the inputs, not the contents of local sources; so an entry also
//! records a stamp of every local source (`file://` channel repodata, PyPI `path`
//! directories) and is treated as a miss when a stamp changed.

use super::Discovered;
use super::plan::inputs::DiscoveryInputs;
use super::plan::key::DiscoveryKey;
use crate::db::SolvedRecord;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

const FORMAT: u32 = 1;
/// Directories never descended into when stamping a PyPI `path` source.
const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".venv",
    "venv",
    "__pycache__",
    "node_modules",
    ".pixi",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "build",
    "dist",
    "target",
];
const MAX_STAMPED_FILES: usize = 50_000;

/// The stored payload shared by cache entries and lock files.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Payload {
    pub solved: Vec<SolvedRecord>,
    pub registry: serde_json::Value,
}

impl Payload {
    pub fn of(d: &Discovered) -> Self {
        Self {
            solved: d.solved.as_ref().clone(),
            registry: d.document.clone(),
        }
    }

    fn checksum(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        crate::hex::lower(&Sha256::digest(bytes))
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    key: String,
    checksum: String,
    stamps: Vec<Stamp>,
    /// What the entry was made for: the conda match specs and the PyPI arguments (for
    /// `wtc cache list`; not covered by the checksum, absent from older entries).
    #[serde(default)]
    requirements: Vec<String>,
    #[serde(flatten)]
    payload: Payload,
}

/// A local source and a digest of its current state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub source: String,
    pub digest: String,
}

/// What a cache lookup found.
pub enum Lookup {
    Hit(Discovered),
    Miss,
    /// The entry exists but a local source changed since it was written.
    Outdated(String),
    /// The entry was unusable; it has been removed.
    Corrupt(String),
}

/// The cache entry path of a key.
pub fn entry_path(root: &Path, key: &DiscoveryKey) -> PathBuf {
    root.join("discovery").join(format!("{key}.json"))
}

/// Look a key up.
pub fn load(root: &Path, key: &DiscoveryKey, inputs: &DiscoveryInputs) -> Lookup {
    let path = entry_path(root, key);
    let bytes = match crate::files::read_bytes(&path) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Lookup::Miss,
        Err(e) => return corrupt(&path, e.reason()),
    };
    match verify(&bytes, key, inputs) {
        Verified::Hit(d) => Lookup::Hit(d),
        Verified::Outdated(source) => Lookup::Outdated(source),
        Verified::Bad(reason) => corrupt(&path, reason),
    }
}

fn corrupt(path: &Path, reason: impl std::fmt::Display) -> Lookup {
    let _ = std::fs::remove_file(path);
    Lookup::Corrupt(format!("{}: {reason}", path.display()))
}

/// What the checks of a stored entry found (wherever its bytes came from).
pub enum Verified {
    Hit(Discovered),
    /// A local source changed since the entry was written.
    Outdated(String),
    /// The entry is unusable, for this reason.
    Bad(EntryError),
}

/// Why a stored entry is unusable (whatever its inputs).
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    #[error("not a cache entry: {0}")]
    NotAnEntry(serde_json::Error),
    #[error("unknown format {0}")]
    UnknownFormat(u32),
    #[error("it was stored under another key")]
    OtherKey,
    #[error("checksum mismatch")]
    Checksum,
    #[error("invalid registry document: {0}")]
    Registry(crate::registry::RegistryError),
}

/// Check the bytes of an entry stored under `key`: format, key, checksum, the stamps of
/// the local sources of `inputs`, the registry contract.
pub fn verify(bytes: &[u8], key: &DiscoveryKey, inputs: &DiscoveryInputs) -> Verified {
    let entry = match parse(bytes, key) {
        Ok(e) => e,
        Err(reason) => return Verified::Bad(reason),
    };
    let current = stamps(inputs);
    if let Some(changed) = current
        .iter()
        .find(|s| !entry.stamps.contains(s))
        .or_else(|| entry.stamps.iter().find(|s| !current.contains(s)))
    {
        return Verified::Outdated(changed.source.clone());
    }
    match Discovered::from_payload(entry.payload) {
        Ok(d) => Verified::Hit(d),
        Err(e) => Verified::Bad(EntryError::Registry(e)),
    }
}

/// An entry read without the inputs it was made for (`wtc cache list` / `push`).
#[derive(Clone, Debug)]
pub struct Described {
    /// The requirements recorded in the entry (empty for entries older than that field).
    pub requirements: Vec<String>,
    pub tasks: usize,
}

/// Check everything of an entry stored under `key` that does not need its inputs: format,
/// key, checksum, the registry contract.
pub fn describe(bytes: &[u8], key: &DiscoveryKey) -> Result<Described, EntryError> {
    let entry = parse(bytes, key)?;
    let requirements = entry.requirements;
    let d = Discovered::from_payload(entry.payload).map_err(EntryError::Registry)?;
    Ok(Described {
        requirements,
        tasks: d.registry.len(),
    })
}

/// Parse an entry and check its format, key and checksum.
fn parse(bytes: &[u8], key: &DiscoveryKey) -> Result<Entry, EntryError> {
    let entry: Entry = serde_json::from_slice(bytes).map_err(EntryError::NotAnEntry)?;
    if entry.format != FORMAT {
        return Err(EntryError::UnknownFormat(entry.format));
    }
    if entry.key != key.as_str() {
        return Err(EntryError::OtherKey);
    }
    if entry.checksum != entry.payload.checksum() {
        return Err(EntryError::Checksum);
    }
    Ok(entry)
}

/// Store a discovery result under its key (atomically).
pub fn store(
    root: &Path,
    key: &DiscoveryKey,
    inputs: &DiscoveryInputs,
    discovered: &Discovered,
) -> std::io::Result<PathBuf> {
    store_bytes(root, key, &entry_bytes(key, inputs, discovered))
}

/// Store the bytes of an entry (see [`entry_bytes`]) under its key (atomically).
pub fn store_bytes(root: &Path, key: &DiscoveryKey, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let path = entry_path(root, key);
    write_atomic(&path, bytes)?;
    Ok(path)
}

/// The stored form of a discovery result: what the local and the shared cache hold.
pub fn entry_bytes(
    key: &DiscoveryKey,
    inputs: &DiscoveryInputs,
    discovered: &Discovered,
) -> Vec<u8> {
    let payload = Payload::of(discovered);
    let mut requirements = inputs.spec_texts();
    requirements.extend(inputs.pypi.iter().map(|p| p.args.join(" ")));
    let entry = Entry {
        format: FORMAT,
        key: key.to_string(),
        checksum: payload.checksum(),
        stamps: stamps(inputs),
        requirements,
        payload,
    };
    serde_json::to_vec(&entry).unwrap_or_default()
}

/// A local entry as listed.
#[derive(Clone, Debug)]
pub struct LocalEntry {
    pub key: DiscoveryKey,
    pub path: PathBuf,
    pub size: u64,
    pub modified: std::time::SystemTime,
}

/// The entries under `root`, sorted by key (files that are not `<key>.json` skipped).
pub fn entries(root: &Path) -> std::io::Result<Vec<LocalEntry>> {
    let dir = root.join("discovery");
    let read = match std::fs::read_dir(&dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in read {
        let entry = entry?;
        let name = entry.file_name();
        let Some(key) = name
            .to_str()
            .and_then(|n| n.strip_suffix(".json"))
            .and_then(DiscoveryKey::parse)
        else {
            continue;
        };
        let meta = entry.metadata()?;
        if meta.is_file() {
            out.push(LocalEntry {
                key,
                path: entry.path(),
                size: meta.len(),
                modified: meta.modified()?,
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// Write a file by writing a temporary sibling and renaming it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".wtc-tmp-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Stamps of the inputs' local sources.
pub fn stamps(inputs: &DiscoveryInputs) -> Vec<Stamp> {
    let mut out = Vec::new();
    for channel in super::solve::solve_channels(inputs) {
        let Some(dir) = local_path(&channel) else {
            continue;
        };
        let mut h = Sha256::new();
        for subdir in [inputs.platform.as_str(), "noarch"] {
            h.update(subdir.as_bytes());
            match crate::files::read_bytes(&dir.join(subdir).join("repodata.json")) {
                Ok(bytes) => h.update(&bytes),
                Err(_) => h.update(b"\0missing"),
            }
        }
        out.push(Stamp {
            source: channel.clone(),
            digest: crate::hex::lower(&h.finalize()),
        });
    }
    for p in &inputs.pypi {
        if let Some(path) = &p.path {
            out.push(Stamp {
                source: path.clone(),
                digest: tree_digest(Path::new(path)),
            });
        }
    }
    out
}

/// The directory of a `file://` channel URL.
fn local_path(url: &str) -> Option<PathBuf> {
    url::Url::parse(url).ok()?.to_file_path().ok()
}

/// A digest of a directory tree's file names, sizes and modification times.
fn tree_digest(root: &Path) -> String {
    let mut files: Vec<(String, u64, u128)> = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                if !SKIP_DIRS.contains(&name.as_str()) && !name.ends_with(".egg-info") {
                    stack.push(entry.path());
                }
            } else if files.len() < MAX_STAMPED_FILES {
                let rel = entry
                    .path()
                    .strip_prefix(root)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or(name);
                let mtime = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                files.push((rel, meta.len(), mtime));
            }
        }
    }
    files.sort();
    let mut h = Sha256::new();
    if !root.is_dir() {
        h.update(b"\0missing");
    }
    for (rel, len, mtime) in files {
        h.update(format!("{rel}\0{len}\0{mtime}\n").as_bytes());
    }
    crate::hex::lower(&h.finalize())
}
