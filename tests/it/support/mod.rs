//! Helpers shared by the integration tests: where things are (the repository, the corpus,
//! the golden vectors, the venv's tools), compiling through the database ([`compile`]),
//! running the binary in a temporary directory ([`fixture`]), TOML as ordered data
//! ([`toml`]), running a generated package's test suite ([`suite`]) and a `file://` conda
//! channel of packages built in the test, for real offline discovery ([`channel`]).

#[cfg(unix)]
pub mod channel;
mod compile;
mod fixture;
pub mod lsp;
pub mod random_edit;
pub mod suite;
mod toml;

pub use compile::*;
pub use fixture::*;
pub use toml::*;

use camino::{Utf8Path, Utf8PathBuf};

/// Where the corpus is (`WTC_CORPUS`), or `None` (the caller prints why it skips).
pub fn corpus_dir() -> Option<Utf8PathBuf> {
    let dir = Utf8PathBuf::from(std::env::var("WTC_CORPUS").ok()?);
    dir.is_dir().then_some(dir)
}

/// Where the reference's golden vectors are (`WTC_GOLDEN`), or `None`.
pub fn golden_dir() -> Option<Utf8PathBuf> {
    let dir = Utf8PathBuf::from(std::env::var("WTC_GOLDEN").ok()?);
    dir.is_dir().then_some(dir)
}

/// The repository root.
pub fn repo() -> Utf8PathBuf {
    Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The examples' registry document (`examples/registry.json`).
pub fn example_registry() -> String {
    std::fs::read_to_string(repo().join("examples/registry.json")).unwrap()
}

/// Copy the directory `from` (files and subdirectories) to `to`.
pub fn copy_dir(from: &Utf8Path, to: &Utf8Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = Utf8PathBuf::from_path_buf(entry.unwrap().path()).unwrap();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Every file below `dir`: relative path → bytes.
/// Save `text` to `path` as most editors do, atomically: a temporary beside it renamed
/// over it. Watch tests use it where the save style is not the point, so a test process
/// descheduled between an in-place write's truncate and its write (a loaded CI machine)
/// cannot show the watcher an empty file.
pub fn save(path: &Utf8Path, text: &str) {
    let tmp = path.with_file_name(format!(".{}.saving~", path.file_name().unwrap_or("file")));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

pub fn files_below(dir: &Utf8Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let path = Utf8Path::from_path(entry.path()).unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_string();
            out.insert(rel, std::fs::read(path).unwrap());
        }
    }
    out
}

/// Process output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// ruff from the project's venv (`WTC_RUFF` or `.venv/bin/ruff`).
pub fn ruff() -> Option<Utf8PathBuf> {
    let p = std::env::var("WTC_RUFF")
        .map(Utf8PathBuf::from)
        .unwrap_or_else(|_| repo().join(".venv/bin/ruff"));
    p.is_file().then_some(p)
}

/// The project venv's Python (`WTC_PYTHON` or `.venv/bin/python`), if it exists.
pub fn venv_python() -> Option<Utf8PathBuf> {
    let p = std::env::var("WTC_PYTHON")
        .map(Utf8PathBuf::from)
        .unwrap_or_else(|_| repo().join(".venv/bin/python"));
    p.is_file().then_some(p)
}

/// A tool installed in the project venv (`uv`, `weed`): next to `WTC_PYTHON`, else in
/// `.venv/bin`, if it exists.
pub fn venv_tool(name: &str) -> Option<Utf8PathBuf> {
    let candidates = [
        std::env::var("WTC_PYTHON")
            .ok()
            .map(|p| Utf8PathBuf::from(p).with_file_name(name)),
        Some(repo().join(".venv/bin").join(name)),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// [`venv_python`], if it can import every module in `modules` (comma-separated, as in a
/// Python `import` statement); else `None`, with the reason the caller skips printed.
pub fn python_with(modules: &str) -> Option<Utf8PathBuf> {
    let python = venv_python().filter(|p| {
        std::process::Command::new(p)
            .args(["-c", &format!("import {modules}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if python.is_none() {
        eprintln!(
            "skipped: the project's venv is missing or cannot import {modules} \
             (run scripts/setup-venv.sh or set WTC_PYTHON)"
        );
    }
    python
}

/// The example specs under `examples/`.
pub const EXAMPLES: &[&str] = &["chain", "map-reduce", "groups"];

/// One case of an example's `test-cases.yaml`.
pub struct TestCase {
    pub id: String,
    /// The case's `params`, as JSON.
    pub params: serde_json::Value,
    pub raises: bool,
}

/// The cases of `examples/<example>/test-cases.yaml`, in file order.
pub fn test_cases(example: &str) -> Vec<TestCase> {
    use wtc::syntax::yaml::{self, NodeKind, Scalar};
    let path = repo()
        .join("examples")
        .join(example)
        .join("test-cases.yaml");
    let root = yaml::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    root.as_map()
        .unwrap()
        .iter()
        .map(|(k, v)| TestCase {
            id: k.as_str().unwrap().to_string(),
            params: yaml_to_json(v.get("params").unwrap()),
            raises: v
                .get("raises")
                .is_some_and(|r| matches!(r.kind, NodeKind::Scalar(Scalar::Bool(true)))),
        })
        .collect()
}

/// A YAML node as JSON.
pub fn yaml_to_json(node: &wtc::syntax::yaml::Node) -> serde_json::Value {
    use serde_json::Value as J;
    use wtc::syntax::yaml::{NodeKind, Scalar};
    match &node.kind {
        NodeKind::Scalar(Scalar::Null) => J::Null,
        NodeKind::Scalar(Scalar::Bool(b)) => J::Bool(*b),
        NodeKind::Scalar(Scalar::Int(i)) => J::from(*i as i64),
        NodeKind::Scalar(Scalar::Float(f)) => J::from(*f),
        NodeKind::Scalar(Scalar::Str(s) | Scalar::Timestamp(s)) => J::String(s.clone()),
        NodeKind::Seq(items) => J::Array(items.iter().map(yaml_to_json).collect()),
        NodeKind::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), yaml_to_json(v)))
                .collect(),
        ),
    }
}

/// Append everything `pipe` yields to `sink`, on a thread of its own (a child's output
/// while the test drives it).
pub fn drain_into(
    mut pipe: impl std::io::Read + Send + 'static,
    sink: std::sync::Arc<std::sync::Mutex<String>>,
) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
}
