//! Unit tests of the fingerprint functions. Expected texts were produced by wt-compiler
//! 0.10.3 (its pydantic dump, ruamel dumper and `json.dumps`) on the same inputs.

use super::spec_json::applied_overrides;
use super::*;
use crate::db::SolvedRecord;
use crate::spec::model::{F64, Override, Reference, Spanned, Value};
use crate::spec::requirements::Requirement;
use serde_json::json;

/// A spec with defaults, an explicit opt-out, a group, a map over a one-element list, a
/// nested value list/dict with an env reference, a duplicate function name across modules,
/// duplicate `io` tags, and two uiSchema overrides where the second runs through the first.
const SPEC: &str = include_str!("testdata/spec.yaml");
const REGISTRY: &str = include_str!("testdata/registry.json");
/// The reference's `Spec.model_dump_json(exclude={"requirements", "metadata"})` for
/// [`SPEC`], after the overrides were applied.
const SPEC_JSON: &str = include_str!("testdata/spec.json");

fn lowered(text: &str) -> crate::spec::lower::Lowered {
    let root = crate::syntax::yaml::parse(text).expect("spec parses");
    let lowered = crate::spec::lower::lower(&root, "");
    assert!(lowered.diagnostics.is_empty(), "{:?}", lowered.diagnostics);
    lowered
}

#[test]
fn sha256_of_nothing() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn params_hash_strips_documentation_keys_and_sorts() {
    let params = json!({
        "b": 1.0,
        "a": {"type": "é", "title": "A", "enum": [1e-05, {"description": "d", "x": null}]},
        "uiSchema": {},
    });
    // json.dumps: {"a": {"enum": [1e-05, {"x": null}], "type": "\u00e9"}, "b": 1.0}
    assert_eq!(
        params_sha256(&params),
        "210d8b6e15c805249284cfe790bb0e644abd46019f4324d61cde366f4550e776"
    );
}

#[test]
fn spec_dump_matches_the_reference() {
    let registry = Registry::from_json(REGISTRY).unwrap();
    let spec = lowered(SPEC).spec;
    let got = spec_json(&spec, &registry).unwrap();
    assert_eq!(got, SPEC_JSON);
    assert_eq!(
        spec_sha256(&spec, &registry).unwrap(),
        "050cb59c3472440f4cc724e28ab5ca5d8fb3a457fc39f82a815cb7ede10d97d9"
    );
}

#[test]
fn unresolved_task_is_an_error() {
    let spec = lowered(SPEC).spec;
    assert_eq!(
        spec_sha256(&spec, &Registry::default()),
        Err(FingerprintError::UnresolvedTask {
            reference: "is_none".into()
        })
    );
}

#[test]
fn value_forms() {
    let env = Value::Ref(Spanned::new(Reference::Env("E".into()), Default::default()));
    let task = Value::Ref(Spanned::new(
        Reference::Task("t".into()),
        Default::default(),
    ));
    assert_eq!(value_json(&task), json!({"asstr": "t", "aslist": ["t"]}));
    let inline = |v: Value| value_json(&v)["asstr"].as_str().unwrap().to_string();
    assert_eq!(inline(Value::Str("it's".into())), "\"it's\"");
    assert_eq!(inline(Value::Str("a\"b\n".into())), "'a\"b\\n'");
    assert_eq!(inline(Value::Int(-3)), "-3");
    assert_eq!(inline(Value::Float(F64(1e16))), "1e+16");
    assert_eq!(inline(Value::Float(F64(2.0))), "2.0");
    assert_eq!(inline(Value::Bool(false)), "False");
    assert_eq!(inline(Value::Null), "None");
    assert_eq!(
        value_json(&Value::Null),
        json!({"asstr": "None", "is_inline_value": true})
    );
    // Lists and dicts always take the "variable values" form; dict keys are quoted verbatim.
    let dict = Value::Dict(vec![("k'".into(), env), ("n".into(), Value::List(vec![]))]);
    assert_eq!(
        value_json(&dict),
        json!({
            "asstr": "{'k'': os.environ[\"E\"], 'n': []}",
            "asdict": {
                "k'": {"asstr": "os.environ[\"E\"]", "aslist": ["os.environ[\"E\"]"]},
                "n": {"asstr": "[]", "aslist": [], "has_variable_values": true},
            },
            "has_variable_values": true,
        })
    );
}

fn ov(path: &str, value: serde_json::Value) -> Override {
    Override {
        value_span: Default::default(),
        path: Spanned::new(path.into(), Default::default()),
        value,
    }
}

#[test]
fn later_overrides_mutate_earlier_values() {
    // The reference (`_apply_dict_overrides` + pydantic dump) on the first four gives
    // {'a': {'b': {'c': 1, 'e': {'f': 2}}, 'd': [1]}, 'a.b.c': 1, 'a.d': [1], 'a.b.e.f': 2}.
    // A path through a list (`a.d.x`) is a compile error (the reference crashes); it
    // changes nothing here.
    let section = [
        ov("a", json!({"b": {}})),
        ov("a.b.c", json!(1)),
        ov("a.d", json!([1])),
        ov("a.b.e.f", json!(2)),
        ov("a.d.x", json!(3)),
    ];
    let got = serde_json::Value::Object(applied_overrides(&section));
    assert_eq!(
        got,
        json!({
            "a": {"b": {"c": 1, "e": {"f": 2}}, "d": [1]},
            "a.b.c": 1,
            "a.d": [1],
            "a.b.e.f": 2,
            "a.d.x": 3,
        })
    );
    // Replacing an earlier value detaches it: later paths no longer reach it.
    let section = [
        ov("a.b", json!({})),
        ov("a", json!({})),
        ov("a.b.c", json!(1)),
    ];
    let got = serde_json::Value::Object(applied_overrides(&section));
    assert_eq!(got, json!({"a.b": {}, "a": {"b": {"c": 1}}, "a.b.c": 1}));
}

fn record(name: &str, version: &str, channel: &str) -> SolvedRecord {
    SolvedRecord {
        name: name.into(),
        version: version.into(),
        channel: channel.into(),
    }
}

#[test]
fn installed_requirements_pin_direct_conda_requirements() {
    let spec = "id: x\nrequirements:\n  - {name: pandas, version: '>=2', channel: conda-forge}\n  - {name: Numpy, version: '*', channel: conda-forge}\n  - {name: ext, version: '1.*', channel: 'https://repo.prefix.dev/ecoscope-workflows-custom/'}\n  - {name: absent, version: '*', channel: conda-forge}\n  - {name: tool, path: /src/tool}\nworkflow: []\n";
    let reqs: Vec<Requirement> = lowered(spec).requirements;
    let solved = [
        record("pandas", "2.0.0", "conda-forge"),
        record("numpy", "1.0", "conda-forge"),
        record("pandas", "2.2.3", "https://conda.anaconda.org/conda-forge"),
        record(
            "ext",
            "1.5",
            "https://repo.prefix.dev/ecoscope-workflows-custom/",
        ),
        record("tool", "1", "conda-forge"),
    ];
    let got = installed_requirements(&reqs, &solved, "");
    let want = [
        ("conda-forge", "pandas", "==2.2.3"),
        (
            "https://repo.prefix.dev/ecoscope-workflows-custom/",
            "ext",
            "==1.5",
        ),
    ]
    .map(|(c, n, v)| InstalledRequirement {
        channel: c.into(),
        name: n.into(),
        version: v.into(),
    });
    // `Numpy` does not equal the normalized record name `numpy`; PyPI requirements are
    // not pinned; the last `pandas` record wins.
    assert_eq!(got, want);
}

#[test]
fn channel_texts() {
    for (record, text) in [
        ("conda-forge", "conda-forge"),
        ("https://conda.anaconda.org/conda-forge/", "conda-forge"),
        ("https://conda.anaconda.org/microsoft", "microsoft"),
        ("https://conda.anaconda.org/bioconda/", "bioconda"),
        (
            "https://repo.prefix.dev/ecoscope-workflows/",
            "https://repo.prefix.dev/ecoscope-workflows/",
        ),
        (
            "ecoscope-workflows",
            "https://repo.prefix.dev/ecoscope-workflows/",
        ),
        (
            "file:///tmp/ecoscope-workflows/release/artifacts",
            "file:///tmp/ecoscope-workflows/release/artifacts/",
        ),
        ("not-a-channel", "not-a-channel"),
    ] {
        assert_eq!(channel_text(record, ""), text, "{record}");
    }
}

fn hashes(installed: Vec<InstalledRequirement>) -> Fingerprint {
    Fingerprint {
        artifacts_sha256_basic: "a".repeat(64),
        artifacts_sha256_strict: "b".repeat(64),
        installed_requirements: installed,
        params_sha256: "c".repeat(64),
        spec_sha256: "d".repeat(64),
    }
}

#[test]
fn yaml_layout() {
    let (a, b, c, d) = (
        "a".repeat(64),
        "b".repeat(64),
        "c".repeat(64),
        "d".repeat(64),
    );
    assert_eq!(
        hashes(vec![]).to_yaml(),
        format!(
            "artifacts_sha256_basic: {a}\nartifacts_sha256_strict: {b}\ninstalled_requirements: []\nparams_sha256: {c}\nspec_sha256: {d}\n"
        )
    );
    let installed = vec![
        InstalledRequirement {
            channel: "https://repo.prefix.dev/ecoscope-workflows/".into(),
            name: "ecoscope-platform".into(),
            version: "==2.15.1".into(),
        },
        InstalledRequirement {
            channel: "conda-forge".into(),
            name: "pydeck".into(),
            version: "==0.9.2".into(),
        },
    ];
    assert_eq!(
        hashes(installed).to_yaml(),
        format!(
            "artifacts_sha256_basic: {a}\nartifacts_sha256_strict: {b}\ninstalled_requirements:\n- channel: https://repo.prefix.dev/ecoscope-workflows/\n  name: ecoscope-platform\n  version: {{version: ==2.15.1}}\n- channel: conda-forge\n  name: pydeck\n  version: {{version: ==0.9.2}}\nparams_sha256: {c}\nspec_sha256: {d}\n"
        )
    );
}

#[test]
fn yaml_scalar_styles() {
    // (text, in block context, in flow context), as ruamel's safe dumper writes them.
    for (s, block, flow) in [
        ("==1.0", "==1.0", "==1.0"),
        ("", "''", "''"),
        ("true", "'true'", "'true'"),
        ("123", "'123'", "'123'"),
        ("1e5", "'1e5'", "'1e5'"),
        ("12e", "12e", "12e"),
        ("1_000", "'1_000'", "'1_000'"),
        (".5", "'.5'", "'.5'"),
        ("-0x1F", "'-0x1F'", "'-0x1F'"),
        ("inf", "inf", "inf"),
        ("yes", "yes", "yes"),
        ("2020-01-02", "'2020-01-02'", "'2020-01-02'"),
        ("it's", "it's", "it's"),
        ("'x", "'''x'", "'''x'"),
        ("a 'b' #c", "'a ''b'' #c'", "'a ''b'' #c'"),
        ("a: b", "'a: b'", "'a: b'"),
        ("x:y", "x:y", "'x:y'"),
        ("https://a", "https://a", "'https://a'"),
        ("x:", "'x:'", "'x:'"),
        ("?x", "?x", "'?x'"),
        ("a?b", "a?b", "'a?b'"),
        ("a,b", "a,b", "'a,b'"),
        ("-x", "-x", "-x"),
        ("- x", "'- x'", "'- x'"),
        ("#x", "'#x'", "'#x'"),
        (" x", "' x'", "' x'"),
        ("é", "é", "é"),
        ("a\tb", "\"a\\tb\"", "\"a\\tb\""),
        ("x\u{1}\"\\y", "\"x\\x01\\\"\\\\y\"", "\"x\\x01\\\"\\\\y\""),
    ] {
        assert_eq!(yaml_scalar(s, false), block, "block {s:?}");
        assert_eq!(yaml_scalar(s, true), flow, "flow {s:?}");
    }
}

#[test]
fn artifact_hashes_hash_a_sha256sum_manifest() {
    let digest = |text: &str| -> [u8; 32] { Sha256::digest(text.as_bytes()).into() };
    let file = |path, text, in_basic| FileDigest {
        path,
        sha256: digest(text),
        in_basic,
    };
    let mut files = vec![
        file("wt_x_workflow/cli.py", "c", true),
        file("Dockerfile", "FROM x", false),
        file(".dockerignore", "*", true),
    ];
    // A line is what `sha256sum` prints for the file.
    assert_eq!(
        manifest_line(&files[2]),
        format!("{}  .dockerignore\n", sha256_hex(b"*"))
    );
    // The manifests list the files sorted by path, the basic one without the files it
    // leaves out.
    let strict_manifest = [&files[2], &files[1], &files[0]]
        .map(manifest_line)
        .concat();
    let basic_manifest = [&files[2], &files[0]].map(manifest_line).concat();
    let (basic, strict) = artifact_hashes(&files);
    assert_eq!(strict, sha256_hex(strict_manifest.as_bytes()));
    assert_eq!(basic, sha256_hex(basic_manifest.as_bytes()));
    // The order the files come in does not matter.
    files.reverse();
    assert_eq!(artifact_hashes(&files), (basic.clone(), strict.clone()));
    // The basic hash ignores the Dockerfile, the strict one does not; any covered file's
    // text changes both.
    files[1].sha256 = digest("FROM y");
    let (basic2, strict2) = artifact_hashes(&files);
    assert_eq!(basic2, basic);
    assert_ne!(strict2, strict);
    files[0].sha256 = digest("d");
    let (basic3, strict3) = artifact_hashes(&files);
    assert_ne!(basic3, basic2);
    assert_ne!(strict3, strict2);
}
