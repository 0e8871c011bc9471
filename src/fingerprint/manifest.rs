//! `artifacts_sha256_basic` / `artifacts_sha256_strict`: wtc's artifact hashes, combined
//! from one SHA-256 per generated file.
//!
//! Each hash is the SHA-256 of a manifest in `sha256sum`'s format: one line per covered
//! file, `<64 lower-case hex digits><two spaces><path>\n`, the path relative to the release
//! directory, the lines sorted by path (byte order). The strict manifest lists every
//! covered file; the basic one leaves out `Dockerfile` and `pixi.toml`. So coreutils check
//! a package on disk:
//!
//! ```text
//! cd <release dir> && LC_ALL=C sha256sum $(LC_ALL=C sort <covered paths>) | sha256sum
//! ```
//!
//! Which files are covered is the artifacts layer's business (`artifacts::covered`, the
//! reference's container as files).
//!
//! **wtc's own definition.** The reference (`artifacts.md` §11.3) hashes one JSON document
//! holding the text of every file. Its values could never be reproduced anyway: they equal
//! the reference's only for byte-identical files, and wtc's files are its own. The hashes
//! are informational (nothing reads them back; `--update` compares `params_sha256`). A
//! manifest of per-file hashes lets an edit re-hash only the files it changed, and tells a
//! user which file differs.

use sha2::{Digest, Sha256};

/// One covered file: its path in the release directory, its SHA-256, and whether the basic
/// hash covers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileDigest<'a> {
    pub path: &'a str,
    pub sha256: [u8; 32],
    pub in_basic: bool,
}

/// The manifest line of `file`: what `sha256sum` prints for it.
#[must_use]
pub fn manifest_line(file: &FileDigest<'_>) -> String {
    format!("{}  {}\n", crate::hex::lower(&file.sha256), file.path)
}

/// `(artifacts_sha256_basic, artifacts_sha256_strict)` of `files`, in any order.
#[must_use]
pub fn artifact_hashes(files: &[FileDigest<'_>]) -> (String, String) {
    let mut sorted: Vec<&FileDigest<'_>> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(b.path));
    let (mut basic, mut strict) = (Sha256::new(), Sha256::new());
    for file in sorted {
        let line = manifest_line(file);
        if file.in_basic {
            basic.update(line.as_bytes());
        }
        strict.update(line.as_bytes());
    }
    (
        crate::hex::lower(&basic.finalize()),
        crate::hex::lower(&strict.finalize()),
    )
}
