//! The `wtc explain` texts as files an editor can open: `<cache-dir>/explain/<code>.md`,
//! written once per server start (only those whose text differs), so a diagnostic's
//! `codeDescription.href` links its code's explanation.

use crate::diagnostics::Code;
use lsp_types::Url;
use std::path::Path;

/// Write every registered code's explanation under `<root>/explain/`; the directory's
/// `file://` URL (ending in `/`), or `None` when it cannot be written.
#[must_use]
pub fn write_all(root: &Path) -> Option<Url> {
    let dir = root.join("explain");
    std::fs::create_dir_all(&dir).ok()?;
    for code in Code::ALL {
        let path = dir.join(format!("{}.md", code.as_str()));
        let text = code.explanation();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::write(&path, text).ok()?;
        }
    }
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    Url::from_directory_path(dir).ok()
}

/// The link to `code`'s explanation in the directory `dir` (from [`write_all`]).
#[must_use]
pub fn href(dir: &Url, code: Code) -> Option<Url> {
    dir.join(&format!("{}.md", code.as_str())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_written_and_linked() {
        let root = tempfile::tempdir().unwrap();
        let dir = write_all(root.path()).expect("written");
        for code in Code::ALL {
            let url = href(&dir, *code).unwrap();
            let text = std::fs::read_to_string(url.to_file_path().unwrap()).unwrap();
            assert_eq!(text, code.explanation());
        }
    }
}
