//! `pixi.toml` at the root of the release directory (`dependencies.md` §5): the workspace,
//! the spec's requirements merged with the dependency layers per feature, the `runner` and
//! `test` features and environments, and the tasks. Written as the file header, an empty
//! line, then TOML laid out like the reference's serializer (see [`crate::tomlw`]).

use super::Names;
use crate::db::{Db, Workflow};
use crate::dependencies::merge::layers;
use crate::dependencies::{CONDA_FORGE, CondaDep, DependencyFile, Feature, FeatureDeps};
use crate::spec::requirements::{
    CondaRequirement, PypiRequirement, Requirement, known_channels, wt_local_channel,
};
use crate::templates::HEADER;
use crate::tomlw::{TomlTable, TomlValue, to_string};
use std::sync::Arc;

/// The `python` pin injected into an environment that would otherwise have PyPI
/// dependencies but no conda package to provide the interpreter.
const PYTHON_VERSION: &str = ">=3.10,<3.14";

/// Where `docker-build` copies local release artifacts from (always this directory, even
/// for another `file://` channel, as in the reference) and to.
const LOCAL_ARTIFACTS: &str = "/tmp/ecoscope-workflows/release/artifacts";
const LOCAL_ARTIFACTS_COPY: &str = ".tmp/ecoscope-workflows/release/artifacts/";

/// The text of `pixi.toml`.
#[salsa::tracked(returns(ref))]
pub fn pixi_toml(db: &dyn Db, wf: Workflow) -> Arc<str> {
    let names = super::names(db, wf);
    let requirements = crate::front::requirement_values(db, wf);
    let merged = &layers(db, wf).merged;
    let wt_conda_channel = wf.options(db).wt_conda_channel(db);
    Arc::from(render(names, requirements, merged, wt_conda_channel))
}

/// Build `pixi.toml` from the names, the spec's requirements and the merged layers.
pub fn render(
    names: &Names,
    requirements: &[Requirement],
    merged: &DependencyFile,
    wt_conda_channel: &str,
) -> String {
    let conda: Vec<&CondaRequirement> = requirements
        .iter()
        .filter_map(|r| match r {
            Requirement::Conda(c) => Some(c),
            Requirement::Pypi(_) => None,
        })
        .collect();
    let pypi: Vec<&PypiRequirement> = requirements
        .iter()
        .filter_map(|r| match r {
            Requirement::Pypi(p) => Some(p),
            Requirement::Conda(_) => None,
        })
        .collect();

    // [dependencies]: the spec's conda requirements, then the merged default feature (a
    // later entry of the same name replaces the value in place); a default-feature PyPI
    // entry removes the same name.
    let default = merged.feature(Feature::Default);
    let mut dependencies = TomlTable::new();
    for c in &conda {
        dependencies.insert(c.name.clone(), conda_value(&c.version, &c.channel.base_url));
    }
    for d in &default.conda {
        dependencies.insert(d.name.clone(), conda_dep(d));
    }
    let mut pypi_dependencies = TomlTable::new();
    for p in pypi.iter().copied().chain(&default.pypi) {
        pypi_dependencies.insert(p.name.clone(), pixi_form(p).into());
    }
    for p in &default.pypi {
        dependencies.shift_remove(&p.name);
    }

    let mut runner = feature_tables(merged.feature(Feature::Runner));
    let test = feature_tables(merged.feature(Feature::Test));

    // Python injection: the runner and test environments exclude the default feature; one
    // whose features have PyPI but no conda dependencies gets `python` in its first feature
    // (`runner`). The default environment gets it when [dependencies] would be empty.
    if !pypi_dependencies.is_empty() && dependencies.is_empty() {
        dependencies.insert("python".into(), conda_value(PYTHON_VERSION, CONDA_FORGE));
    }
    for with_test in [false, true] {
        let mut env = vec![&runner];
        if with_test {
            env.push(&test);
        }
        let has_conda = env.iter().any(|(conda, _)| !conda.is_empty());
        let has_pypi = env.iter().any(|(_, pypi)| !pypi.is_empty());
        if has_pypi && !has_conda {
            runner
                .0
                .insert("python".into(), conda_value(PYTHON_VERSION, CONDA_FORGE));
        }
    }

    let mut root = TomlTable::new();
    root.insert(
        "workspace".into(),
        workspace(names, &conda, wt_conda_channel).into(),
    );
    root.insert("dependencies".into(), dependencies.into());
    if !pypi_dependencies.is_empty() {
        root.insert("pypi-dependencies".into(), pypi_dependencies.into());
    }
    let mut features = TomlTable::new();
    features.insert("runner".into(), feature(runner, TomlTable::new()).into());
    features.insert("test".into(), feature(test, test_tasks()).into());
    root.insert("feature".into(), features.into());
    root.insert("environments".into(), environments().into());
    root.insert("tasks".into(), tasks(names, &conda).into());
    format!("{HEADER}\n\n{}", to_string(&root))
}

fn table<const N: usize>(entries: [(&str, TomlValue); N]) -> TomlTable {
    entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn strings(items: &[&str]) -> TomlValue {
    TomlValue::Array(items.iter().map(|s| (*s).into()).collect())
}

/// `{ version = "...", channel = "<base URL>" }`.
fn conda_value(version: &str, channel: &str) -> TomlValue {
    table([("version", version.into()), ("channel", channel.into())]).into()
}

fn conda_dep(d: &CondaDep) -> TomlValue {
    conda_value(&d.version, &d.channel)
}

/// A PyPI requirement as pixi writes it: its source keys in a fixed order, or only
/// `version` for a registry install.
pub fn pixi_form(p: &PypiRequirement) -> TomlTable {
    let text = |v: &Option<String>| v.clone().map(TomlValue::from);
    let version = if p.git.is_none() && p.path.is_none() && p.url.is_none() {
        text(&p.version)
    } else {
        None
    };
    [
        ("git", text(&p.git)),
        ("rev", text(&p.rev)),
        ("branch", text(&p.branch)),
        ("tag", text(&p.tag)),
        ("path", text(&p.path)),
        ("editable", p.editable.map(TomlValue::from)),
        ("url", text(&p.url)),
        ("subdirectory", text(&p.subdirectory)),
        (
            "extras",
            p.extras
                .as_ref()
                .map(|extras| TomlValue::Array(extras.iter().map(|e| e.as_str().into()).collect())),
        ),
        ("version", version),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k.to_string(), v?)))
    .collect()
}

/// A feature's (conda, PyPI) tables; a PyPI entry removes a conda entry of the same name.
fn feature_tables(deps: &FeatureDeps) -> (TomlTable, TomlTable) {
    let mut conda = TomlTable::new();
    for d in &deps.conda {
        conda.insert(d.name.clone(), conda_dep(d));
    }
    let mut pypi = TomlTable::new();
    for p in &deps.pypi {
        pypi.insert(p.name.clone(), pixi_form(p).into());
        conda.shift_remove(&p.name);
    }
    (conda, pypi)
}

/// `[feature.<f>]`: `dependencies` (always), `pypi-dependencies` (when any), `tasks`.
fn feature((conda, pypi): (TomlTable, TomlTable), tasks: TomlTable) -> TomlTable {
    let mut t = TomlTable::new();
    t.insert("dependencies".into(), conda.into());
    if !pypi.is_empty() {
        t.insert("pypi-dependencies".into(), pypi.into());
    }
    t.insert("tasks".into(), tasks.into());
    t
}

/// How a channel is written in `[workspace].channels`: its name when it is an
/// anaconda.org channel, else its base URL.
fn channel_entry(base_url: &str) -> String {
    base_url
        .strip_prefix("https://conda.anaconda.org/")
        .and_then(|rest| rest.strip_suffix('/'))
        .filter(|name| !name.is_empty())
        .map_or_else(|| base_url.to_string(), str::to_string)
}

/// `[workspace].channels` (`dependencies.md` §5.1).
pub fn channels(conda: &[&CondaRequirement], wt_conda_channel: &str) -> Vec<String> {
    let known = known_channels(wt_conda_channel);
    let url = |name: &str| -> String {
        known
            .iter()
            .find(|c| c.name.as_deref() == Some(name))
            .map(|c| c.base_url.clone())
            .unwrap_or_default()
    };
    let wt_local = wt_local_channel(wt_conda_channel).base_url;
    let used = |base: &str| conda.iter().any(|c| c.channel.base_url == base);
    let mut out: Vec<String> = [
        url("artifacts"),
        wt_local,
        url("ecoscope-workflows-custom/release/artifacts"),
        url("ecoscope-workflows-custom"),
    ]
    .into_iter()
    .filter(|u| used(u))
    .collect();
    for c in conda {
        let base = &c.channel.base_url;
        if !known.iter().any(|k| &k.base_url == base) && !out.contains(base) {
            out.push(base.clone());
        }
    }
    out.extend([
        url("ecoscope-workflows"),
        url("conda-forge"),
        url("microsoft"),
    ]);
    out.iter().map(|u| channel_entry(u)).collect()
}

fn workspace(names: &Names, conda: &[&CondaRequirement], wt_conda_channel: &str) -> TomlTable {
    let linux = |platform: &str| -> TomlValue {
        table([("platform", platform.into()), ("linux", "4.4.0".into())]).into()
    };
    table([
        ("name", names.release_name.as_str().into()),
        (
            "channels",
            TomlValue::Array(
                channels(conda, wt_conda_channel)
                    .into_iter()
                    .map(TomlValue::from)
                    .collect(),
            ),
        ),
        (
            "platforms",
            TomlValue::Array(vec![
                linux("linux-64"),
                linux("linux-aarch64"),
                "osx-arm64".into(),
                "win-64".into(),
                "osx-64".into(),
            ]),
        ),
    ])
}

fn test_tasks() -> TomlTable {
    let mut t = table([
        ("test-all", "python -m pytest -v tests".into()),
        (
            "playwright-install",
            "playwright install --with-deps chromium".into(),
        ),
        (
            "test-app-metadata",
            table([("cmd", "python -m pytest -v tests/test_metadata.py".into())]).into(),
        ),
    ]);
    for (api, mode) in [
        ("app", "async"),
        ("app", "sequential"),
        ("cli", "async"),
        ("cli", "sequential"),
    ] {
        t.insert(
            format!("test-{api}-{mode}-mock-io"),
            table([
                (
                    "cmd",
                    format!(
                        "python -m pytest -v tests/test_results.py -k '{api} and {mode} and mock-io'"
                    )
                    .into(),
                ),
                ("depends-on", strings(&["playwright-install"])),
            ])
            .into(),
        );
    }
    t
}

fn environments() -> TomlTable {
    let env = |features: &[&str], group: &str, no_default: bool| -> TomlValue {
        table([
            ("features", strings(features)),
            ("solve-group", group.into()),
            ("no-default-feature", no_default.into()),
        ])
        .into()
    };
    table([
        ("default", env(&[], "default", false)),
        ("runner", env(&["runner"], "runner", true)),
        ("test", env(&["runner", "test"], "test", true)),
    ])
}

fn tasks(names: &Names, conda: &[&CondaRequirement]) -> TomlTable {
    let release = &names.release_name;
    let docker_build = if conda.iter().any(|c| c.channel.is_local()) {
        format!(
            "mkdir -p {LOCAL_ARTIFACTS_COPY} &&\ncp -r {LOCAL_ARTIFACTS}/* {LOCAL_ARTIFACTS_COPY} &&\ndocker buildx build -t {release} .\n"
        )
    } else {
        format!("docker buildx build -t {release} .")
    };
    let mut t = TomlTable::new();
    t.insert("docker-build".into(), docker_build.into());
    t.insert(
        release.clone(),
        format!("python -m {}.cli", names.package_name).into(),
    );
    t
}
