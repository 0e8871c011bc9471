//! The README fingerprint against wt-compiler 0.10.3.
//!
//! * Corpus (`WTC_CORPUS`): every spec the reference compiled, with its fixture registry,
//!   solved records and compile-args: `params_sha256`, `spec_sha256` and
//!   `installed_requirements` equal `expected-0.10.3/fingerprint.json`.
//! * Golden vectors (`WTC_GOLDEN`) v1 and v2: the same three values equal
//!   `expected/fingerprint.yaml`.
//! * The YAML writer reproduces, byte for byte, the fingerprint blocks of the README files
//!   committed in the corpus (`reference-output/*/README.md`, older compiler releases with
//!   the same writer).
//!
//! The artifact hashes are informational (they match only byte-identical packages) and
//! are not compared.
//!
//! Set `WTC_FINGERPRINT_DUMP=<dir>` to write wtc's `spec_sha256` input of each spec there
//! (`<name>.json`), for diffing against the reference's pydantic dump.

use crate::support::*;
use camino::{Utf8Path, Utf8PathBuf};
use salsa::Setter;
use std::sync::Arc;
use wtc::artifacts::readme_md::{fingerprint, installed_requirements};
use wtc::db::{Database, SolvedRecord, Workflow};
use wtc::fingerprint::{Fingerprint, InstalledRequirement};
use wtc::spec::requirements::Requirement;
use wtc::syntax::yaml::{self, Node};

/// Compile a spec and return its workflow, failing the test with the diagnostics if it
/// does not compile.
fn compile_ok(
    db: &Database,
    spec_path: &Utf8Path,
    registry: &str,
    solved: Vec<SolvedRecord>,
    args: &CompileArgs,
) -> Workflow {
    let text = std::fs::read_to_string(spec_path).unwrap();
    let (wf, compiled) = compile(db, spec_path, &text, registry, solved, args);
    assert!(
        compiled.package.is_some(),
        "{spec_path} failed:\n{}",
        rendered_diagnostics(&compiled, "spec.yaml", &text)
    );
    wf
}

/// The harness compiled specs that have no `fixture/solved.json` against a synthesized
/// solve (`run.json`: `"solved": "synthesized"`): each direct conda requirement at version
/// 0.0.0 from its own channel.
fn synthesized_solve(db: &Database, wf: Workflow) -> Vec<SolvedRecord> {
    wtc::front::spec_requirements(db, wf)
        .iter()
        .filter_map(|r| match r {
            Requirement::Conda(c) => Some(SolvedRecord {
                name: c.name.clone(),
                version: "0.0.0".into(),
                channel: c.channel.base_url.clone(),
            }),
            Requirement::Pypi(_) => None,
        })
        .collect()
}

fn dump_spec_json(db: &Database, wf: Workflow, name: &str) {
    let Some(dir) = std::env::var_os("WTC_FINGERPRINT_DUMP") else {
        return;
    };
    let spec = wtc::front::spec_model(db, wf);
    let registry = wf.registry(db).registry(db);
    if let Ok(v) = wtc::fingerprint::spec_json(spec, registry) {
        let path = std::path::Path::new(&dir).join(format!("{name}.json"));
        std::fs::write(path, v).unwrap();
    }
}

/// Compare the three reproducible values; returns failure lines.
fn compare(
    name: &str,
    got: &Fingerprint,
    params: &str,
    spec: &str,
    installed: &[InstalledRequirement],
) -> Vec<String> {
    let mut out = Vec::new();
    if got.params_sha256 != params {
        out.push(format!(
            "{name}: params_sha256 {} != {params}",
            got.params_sha256
        ));
    }
    if got.spec_sha256 != spec {
        out.push(format!("{name}: spec_sha256 {} != {spec}", got.spec_sha256));
    }
    if got.installed_requirements != installed {
        out.push(format!(
            "{name}: installed_requirements\n  got:  {:?}\n  want: {installed:?}",
            got.installed_requirements
        ));
    }
    out
}

#[test]
fn corpus_fingerprints_match_the_reference() {
    let Some(corpus) = corpus_dir() else {
        eprintln!(
            "skipped: set WTC_CORPUS to the corpus directory (../shared/corpus) to run the fingerprint conformance test"
        );
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            corpus
                .join(n)
                .join("expected-0.10.3/fingerprint.json")
                .is_file()
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 36,
        "expected the 36 compiling corpus specs, found {}",
        names.len()
    );
    let mut db = Database::default();
    let mut failures = Vec::new();
    for name in &names {
        let dir = corpus.join(name);
        let registry = std::fs::read_to_string(dir.join("fixture/registry.json")).unwrap();
        let solved_file = std::fs::read_to_string(dir.join("fixture/solved.json")).ok();
        let solved: Vec<SolvedRecord> = solved_file
            .as_deref()
            .map(|t| serde_json::from_str(t).unwrap())
            .unwrap_or_default();
        let args = CompileArgs::parse(
            &std::fs::read_to_string(dir.join("compile-args")).unwrap_or_default(),
        );
        let wf = compile_ok(&db, &dir.join("spec.yaml"), &registry, solved, &args);
        if solved_file.is_none() {
            let synthesized = synthesized_solve(&db, wf);
            let input = wf.registry(&db);
            input.set_solved(&mut db).to(Arc::new(synthesized));
        }
        dump_spec_json(&db, wf, name);
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("expected-0.10.3/fingerprint.json")).unwrap(),
        )
        .unwrap();
        let installed: Vec<InstalledRequirement> = expected["installed_requirements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| InstalledRequirement {
                channel: r["channel"].as_str().unwrap().into(),
                name: r["name"].as_str().unwrap().into(),
                version: r["version"]["version"].as_str().unwrap().into(),
            })
            .collect();
        let got = fingerprint(&db, wf).clone().expect("fingerprint");
        failures.extend(compare(
            name,
            &got,
            expected["params_sha256"].as_str().unwrap(),
            expected["spec_sha256"].as_str().unwrap(),
            &installed,
        ));
        assert_eq!(
            installed_requirements(&db, wf).as_ref(),
            &got.installed_requirements
        );
    }
    eprintln!(
        "fingerprint: {} corpus specs compared, {} failures",
        names.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A mapping node's string value at `key`.
fn str_at<'a>(node: &'a Node, key: &str) -> &'a str {
    node.get(key)
        .and_then(Node::as_str)
        .unwrap_or_else(|| panic!("no string `{key}`"))
}

/// Parse a fingerprint YAML block into its values.
fn parse_fingerprint(block: &str) -> Fingerprint {
    let root = yaml::parse(block).expect("fingerprint YAML parses");
    let installed = root
        .get("installed_requirements")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .map(|r| InstalledRequirement {
            channel: str_at(r, "channel").into(),
            name: str_at(r, "name").into(),
            version: str_at(r.get("version").unwrap(), "version").into(),
        })
        .collect();
    Fingerprint {
        artifacts_sha256_basic: str_at(&root, "artifacts_sha256_basic").into(),
        artifacts_sha256_strict: str_at(&root, "artifacts_sha256_strict").into(),
        installed_requirements: installed,
        params_sha256: str_at(&root, "params_sha256").into(),
        spec_sha256: str_at(&root, "spec_sha256").into(),
    }
}

#[test]
fn golden_fingerprints_match_the_reference() {
    let Some(golden) = golden_dir() else {
        eprintln!(
            "skipped: set WTC_GOLDEN to ../shared/reference/golden to run the golden-vector fingerprint test"
        );
        return;
    };
    let db = Database::default();
    let mut failures = Vec::new();
    for vector in ["v1", "v2"] {
        let args = golden_args(vector);
        let input = golden.join(vector).join("input");
        let registry = std::fs::read_to_string(input.join("registry.json")).unwrap();
        // The vectors were produced with the conda solve stubbed out: nothing was solved.
        let wf = compile_ok(&db, &input.join("spec.yaml"), &registry, vec![], &args);
        dump_spec_json(&db, wf, &format!("golden-{vector}"));
        let text =
            std::fs::read_to_string(golden.join(vector).join("expected/fingerprint.yaml")).unwrap();
        // The README block: `# fingerprint:`, the YAML, an empty line.
        let block = text.strip_prefix("# fingerprint:\n").unwrap_or(&text);
        let want = parse_fingerprint(block);
        // The expected file is the reference's own YAML: the writer must reproduce it.
        assert_eq!(
            format!("{}\n", want.to_yaml()),
            block,
            "{vector}: YAML layout"
        );
        let got = fingerprint(&db, wf).clone().expect("fingerprint");
        failures.extend(compare(
            vector,
            &got,
            &want.params_sha256,
            &want.spec_sha256,
            &want.installed_requirements,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fingerprint block of a committed README: the text between the last ```` ```yaml ````
/// fence (minus its `# fingerprint:` line) and the blank line before the closing fence.
fn readme_block(readme: &str) -> Option<&str> {
    let start = readme.rfind("```yaml\n")? + "```yaml\n".len();
    let body = &readme[start..];
    let body = body.strip_prefix("# fingerprint:\n").unwrap_or(body);
    let end = body.find("\n```")?;
    Some(body[..end].strip_suffix('\n').unwrap_or(&body[..end]))
}

#[test]
fn yaml_writer_reproduces_committed_readme_blocks() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped: set WTC_CORPUS to run the README fingerprint layout test");
        return;
    };
    let mut readmes: Vec<Utf8PathBuf> = Vec::new();
    for e in std::fs::read_dir(&corpus).unwrap().filter_map(|e| e.ok()) {
        let out = Utf8PathBuf::from_path_buf(e.path().join("reference-output")).unwrap();
        let Ok(releases) = std::fs::read_dir(&out) else {
            continue;
        };
        for r in releases.filter_map(|r| r.ok()) {
            let readme = Utf8PathBuf::from_path_buf(r.path().join("README.md")).unwrap();
            if readme.is_file() {
                readmes.push(readme);
            }
        }
    }
    readmes.sort();
    assert!(
        readmes.len() >= 30,
        "expected committed READMEs, found {}",
        readmes.len()
    );
    let mut checked = 0;
    for path in &readmes {
        let text = std::fs::read_to_string(path).unwrap();
        // The oldest releases wrote no YAML fingerprint block.
        let Some(block) = readme_block(&text) else {
            continue;
        };
        // Older releases wrote other keys (e.g. no `installed_requirements`); only blocks
        // with exactly the 0.10.3 keys are comparable.
        let keys: Vec<&str> = block
            .lines()
            .filter(|l| !l.starts_with([' ', '-']))
            .filter_map(|l| l.split_once(':').map(|(k, _)| k))
            .collect();
        if keys
            != [
                "artifacts_sha256_basic",
                "artifacts_sha256_strict",
                "installed_requirements",
                "params_sha256",
                "spec_sha256",
            ]
        {
            continue;
        }
        let fp = parse_fingerprint(block);
        assert_eq!(fp.to_yaml(), format!("{block}\n"), "{path}");
        checked += 1;
    }
    eprintln!("checked {checked} committed README fingerprint blocks");
    assert!(checked >= 20, "only {checked} comparable README blocks");
}
