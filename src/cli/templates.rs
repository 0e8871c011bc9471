//! User templates at the edge: reading `--template-dir DIR` into the
//! [`TemplateDir`] input (and again when it changes under `wtc watch`), and
//! `wtc templates` (list the embedded templates, or dump them as a starting point).

use super::TemplatesArgs;
use super::overrides::resolve_from;
use super::reads::{Reads, Role};
use super::term::fail;
use crate::db::Database;
use crate::db::TemplateDir;
use camino::{Utf8Path, Utf8PathBuf};
use salsa::Setter;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

/// Why a template directory could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateDirError {
    #[error("template directory not found: {0}")]
    NotFound(Utf8PathBuf),
    #[error("cannot read the template directory `{path}`: {message}")]
    Read { path: Utf8PathBuf, message: String },
    #[error("template file `{0}` is not valid UTF-8")]
    NotUtf8(Utf8PathBuf),
    #[error(
        "{} already exist{} in `{dir}` (pass --force to overwrite)",
        list(.existing), if .existing.len() == 1 { "s" } else { "" }
    )]
    Exists {
        dir: Utf8PathBuf,
        existing: Vec<String>,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: Utf8PathBuf,
        source: std::io::Error,
    },
}

/// `` `a`, `b` ``.
fn list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

/// Read the template directory `path` (relative paths from `cwd`) into a new input.
pub(crate) fn load_template_dir(
    db: &Database,
    path: &Utf8Path,
    cwd: &Utf8Path,
    reads: &Reads,
) -> Result<TemplateDir, TemplateDirError> {
    let abs = resolve_from(path, cwd);
    reads.record(&abs, Role::TemplateDir);
    let files = read_templates(&abs)?;
    Ok(TemplateDir::new(db, abs, Arc::new(files)))
}

/// Read the template directory again; the input is set only when a file was added,
/// removed or edited (a setter always bumps the revision). Returns whether it changed; on
/// an error the previous contents stay.
pub(crate) fn reload_template_dir(
    db: &mut Database,
    dir: TemplateDir,
    reads: &Reads,
) -> Result<bool, TemplateDirError> {
    reads.record(dir.path(db), Role::TemplateDir);
    let files = read_templates(dir.path(db))?;
    if **dir.files(db) == files {
        return Ok(false);
    }
    dir.set_files(db).to(Arc::new(files));
    Ok(true)
}

/// Every file below `dir` (symbolic links followed), by relative name with `/`
/// separators. Hidden files and directories (editor swap files, `.git`) are skipped.
pub fn read_templates(dir: &Utf8Path) -> Result<BTreeMap<String, String>, TemplateDirError> {
    if !dir.is_dir() {
        return Err(TemplateDirError::NotFound(dir.to_owned()));
    }
    let read_error = |path: &Utf8Path, message: String| TemplateDirError::Read {
        path: path.to_owned(),
        message,
    };
    let mut files = BTreeMap::new();
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry.map_err(|e| read_error(dir, e.to_string()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(path) = Utf8Path::from_path(entry.path()) else {
            return Err(read_error(
                dir,
                format!("{} is not UTF-8", entry.path().display()),
            ));
        };
        let rel = path.strip_prefix(dir).unwrap_or(path);
        let name: Vec<&str> = rel.components().map(|c| c.as_str()).collect();
        let bytes = crate::files::read_bytes(path.as_std_path())
            .map_err(|e| read_error(path, e.detail()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| TemplateDirError::NotUtf8(path.to_owned()))?;
        files.insert(name.join("/"), text);
    }
    Ok(files)
}

/// Write every embedded template below `dir` (created if needed). Existing files are
/// only replaced with `force`. Returns the paths written.
pub fn dump(dir: &Utf8Path, force: bool) -> Result<Vec<Utf8PathBuf>, TemplateDirError> {
    let targets: Vec<(Utf8PathBuf, &str)> = crate::templates::TEMPLATES
        .iter()
        .map(|(name, source)| (dir.join(name), *source))
        .collect();
    let existing: Vec<String> = crate::templates::names()
        .filter(|name| dir.join(name).exists())
        .map(str::to_string)
        .collect();
    if !force && !existing.is_empty() {
        return Err(TemplateDirError::Exists {
            dir: dir.to_owned(),
            existing,
        });
    }
    for (path, source) in &targets {
        let write = |p: &Utf8Path| -> std::io::Result<()> {
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(p, source)
        };
        write(path).map_err(|source| TemplateDirError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(targets.into_iter().map(|(p, _)| p).collect())
}

/// `wtc templates`: the embedded template names, one a line; with `--dump DIR`, write
/// them into DIR.
pub(super) fn run(args: &TemplatesArgs) -> ExitCode {
    let Some(dir) = &args.dump else {
        for name in crate::templates::names() {
            println!("{name}");
        }
        return ExitCode::SUCCESS;
    };
    match dump(dir, args.force) {
        Ok(written) => {
            if !args.quiet {
                println!("Wrote {} templates to {dir}", written.len());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_files_and_skips_hidden_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(tmp.path()).unwrap();
        std::fs::create_dir_all(root.join("package/.git")).unwrap();
        std::fs::write(root.join("package/cli.py.j2"), "x").unwrap();
        std::fs::write(root.join("package/.cli.py.j2.swp"), "y").unwrap();
        std::fs::write(root.join("package/.git/config"), "z").unwrap();
        let files = read_templates(root).unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["package/cli.py.j2"]);
        std::fs::write(root.join("bad.j2"), [0xff, 0xfe]).unwrap();
        assert!(matches!(
            read_templates(root),
            Err(TemplateDirError::NotUtf8(_))
        ));
        assert!(matches!(
            read_templates(&root.join("missing")),
            Err(TemplateDirError::NotFound(_))
        ));
    }

    #[test]
    fn dump_refuses_to_overwrite_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(tmp.path()).unwrap();
        let written = dump(root, false).unwrap();
        assert_eq!(written.len(), crate::templates::TEMPLATES.len());
        let err = dump(root, false).unwrap_err().to_string();
        assert!(
            err.contains("`package/cli.py.j2`") && err.contains("--force"),
            "{err}"
        );
        assert!(dump(root, true).is_ok());
        let files = read_templates(root).unwrap();
        for (name, source) in crate::templates::TEMPLATES {
            assert_eq!(files.get(*name).map(String::as_str), Some(*source));
        }
    }
}
