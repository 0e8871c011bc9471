//! The registry-independent definitions of the editor schema: every key the front end
//! (`spec::lower`) accepts, with its type, what it means, which keys are required and where
//! unknown keys are rejected. The rules are those of `spec::lower` and
//! `spec::requirements`; `tests` below checks the key lists against the lowering's own.

use crate::spec::lower::{MAX_SPEC_ID_LEN, MAX_TASK_ID_LEN};
use crate::spec::python_names::{BUILTINS, KEYWORDS};
use crate::spec::requirements::known_channels;
use serde_json::{Map, Value, json};

/// A Python identifier, approximated for every regex dialect an editor may use: ASCII
/// letters, digits and `_`, or any non-ASCII character (the compiler applies the exact
/// Unicode rules).
pub const IDENTIFIER: &str = r"^(?:[A-Za-z_]|[^\x00-\x7F])(?:[A-Za-z0-9_]|[^\x00-\x7F])*$";
/// A task reference: an identifier, or dotted identifiers (`pkg.module.function`).
const TASK_REFERENCE: &str = r"^(?:(?:[A-Za-z_]|[^\x00-\x7F])(?:[A-Za-z0-9_]|[^\x00-\x7F])*)(?:\.(?:[A-Za-z_]|[^\x00-\x7F])(?:[A-Za-z0-9_]|[^\x00-\x7F])*)*$";
/// A string the compiler reads as a variable reference (starts `${{`, ends `}}`).
pub const LOOKS_LIKE_REFERENCE: &str = r"^\$\{\{[\s\S]*\}\}$";
/// A reference the compiler understands: a task's output or an environment variable.
const REFERENCE: &str = r"^\$\{\{\s*(?:workflow\.[^.]*\.return|env\.[^.]*)\s*\}\}$";
/// A channel given by URL.
const CHANNEL_URL: &str = r"^[A-Za-z][A-Za-z0-9+.-]*://.";

/// The definitions (`#/definitions/<name>`) of the grammar, in a fixed order.
/// `wt_conda_channel` is `$WT_CONDA_CHANNEL` (it names one of the known channels).
pub fn definitions(wt_conda_channel: &str) -> Map<String, Value> {
    let mut d = Map::new();
    d.insert("anything".into(), json!({}));
    names(&mut d);
    references(&mut d);
    requirements(&mut d, wt_conda_channel);
    blocks(&mut d);
    workflow(&mut d);
    d
}

/// The root: the top-level keys.
pub fn root() -> Value {
    json!({
        "type": "object",
        "required": ["id", "requirements", "workflow"],
        "additionalProperties": false,
        "properties": {
            "id": {"$ref": "#/definitions/workflowId"},
            "requirements": {
                "type": "array",
                "description": "The conda and PyPI packages that provide the tasks (`[]` when there are none). Discovery installs them and asks `wt-registry` for the tasks; they also become the package's dependencies in `pixi.toml`.",
                "items": {"$ref": "#/definitions/requirement"},
            },
            "metadata": {"$ref": "#/definitions/metadata"},
            "rjsf-overrides": {"$ref": "#/definitions/rjsfOverrides"},
            "task-instance-defaults": {"$ref": "#/definitions/taskInstanceDefaults"},
            "workflow": {
                "type": "array",
                "description": "Task instances and task groups, in dependency order: a task may refer only to tasks listed above it.",
                "items": {"$ref": "#/definitions/workflowEntry"},
                "defaultSnippets": [
                    {"label": "task instance", "body": [{"id": "$1", "name": "$2", "task": "$3", "partial": {}}]},
                    {"label": "task group", "body": [{"type": "task-group", "title": "$1", "description": "$2", "tasks": []}]},
                ],
            },
        },
    })
}

fn names(d: &mut Map<String, Value>) {
    let mut reserved: Vec<&str> = KEYWORDS.iter().chain(BUILTINS).copied().collect();
    reserved.sort_unstable();
    reserved.dedup();
    d.insert("pythonKeyword".into(), json!({"enum": KEYWORDS}));
    d.insert(
        "pythonReserved".into(),
        json!({
            "description": "A Python keyword or built-in name.",
            "enum": reserved,
        }),
    );
    let name = |description: &str, max: Option<usize>, reserved: &str| {
        let mut schema = json!({
            "type": "string",
            "description": description,
            "pattern": IDENTIFIER,
            "patternErrorMessage": "not a Python identifier: use letters, digits and `_`, not starting with a digit",
            "not": {"$ref": format!("#/definitions/{reserved}")},
        });
        if let Some(max) = max {
            schema["maxLength"] = json!(max);
        }
        schema
    };
    d.insert("workflowId".into(), name(
        "The workflow's id: a Python identifier, not a keyword or built-in name, at most 64 characters. It names the release directory and package (`my_flow` → `wt-my-flow-workflow`).",
        Some(MAX_SPEC_ID_LEN),
        "pythonReserved",
    ));
    d.insert("taskInstanceId".into(), name(
        "The task instance's id: a Python identifier, not a keyword or built-in name, not the name of a task function, at most 32 characters, unique in the workflow. Other tasks use its result as `${{ workflow.<id>.return }}`.",
        Some(MAX_TASK_ID_LEN),
        "pythonReserved",
    ));
    d.insert(
        "argumentName".into(),
        name(
            "An argument of the task: a Python identifier, not a keyword.",
            None,
            "pythonKeyword",
        ),
    );
    d.insert("taskReference".into(), json!({
        "type": "string",
        "description": "A task of the registry: its function name (`get_events`) or, when two modules define it, its public module path and name (`pkg.tasks.get_events`).",
        "pattern": TASK_REFERENCE,
        "patternErrorMessage": "not a task reference: a function name or `module.path.function`",
    }));
}

fn references(d: &mut Map<String, Value>) {
    d.insert("reference".into(), json!({
        "type": "string",
        "description": "`${{ workflow.<task_id>.return }}` (the result of a task listed above) or `${{ env.<NAME> }}` (an environment variable read at run time).",
        "pattern": REFERENCE,
        "patternErrorMessage": "not a reference: write `${{ workflow.<task_id>.return }}` or `${{ env.<NAME> }}`",
    }));
    // A value passed to the task: any YAML value; a string that starts with `${{` and ends
    // with `}}` must be a reference, at any depth. No description: an editor's hover shows
    // the first one it meets, which should be the argument's (from the task's schema).
    d.insert("partialValue".into(), json!({
        // Each case under its own `if`: yaml-language-server follows a schema's own
        // `items` without end when completing a value, so it must not be recursive here.
        "allOf": [
            {"if": {"type": "string", "pattern": LOOKS_LIKE_REFERENCE}, "then": {"$ref": "#/definitions/reference"}},
            {"if": {"type": "array"}, "then": {"items": {"$ref": "#/definitions/partialValue"}}},
            {"if": {"type": "object"}, "then": {"additionalProperties": {"$ref": "#/definitions/partialValue"}}},
        ],
    }));
    // A value holding a `${{ ... }}` reference somewhere (its type is known only at run
    // time). No description, for the same reason as `partialValue`.
    d.insert("containsReference".into(), json!({
        "anyOf": [
            {"type": "string", "pattern": LOOKS_LIKE_REFERENCE},
            {"type": "array", "contains": {"$ref": "#/definitions/containsReference"}},
            {"type": "object", "not": {"additionalProperties": {"not": {"$ref": "#/definitions/containsReference"}}}},
        ],
    }));
}

fn requirements(d: &mut Map<String, Value>, wt_conda_channel: &str) {
    let known: Vec<String> = known_channels(wt_conda_channel)
        .into_iter()
        .filter_map(|c| c.name)
        .collect();
    d.insert("requirement".into(), json!({
        "description": "A conda package (`name` + `version` [+ `channel`], or `requirement: \"channel::name>=1.0\"`) or, with `git`, `path` or `url`, a PyPI package.",
        "type": "object",
        "if": {"anyOf": [{"required": ["git"]}, {"required": ["path"]}, {"required": ["url"]}]},
        "then": {"$ref": "#/definitions/pypiRequirement"},
        "else": {"$ref": "#/definitions/condaRequirement"},
        "defaultSnippets": [
            {"label": "conda package", "body": {"name": "$1", "version": "$2", "channel": "${3:conda-forge}"}},
            {"label": "conda match spec", "body": {"requirement": "$1"}},
            {"label": "PyPI package from git", "body": {"name": "$1", "git": "$2", "tag": "$3"}},
        ],
    }));
    d.insert("condaRequirement".into(), json!({
        "type": "object",
        "additionalProperties": false,
        "anyOf": [{"required": ["requirement"]}, {"required": ["name", "version"]}],
        "properties": {
            "name": {"type": "string", "description": "The conda package name."},
            "version": {
                "description": "A conda version constraint (`>=1.0`, `1.2.*`, `*`), or `{version, channel}`.",
                "anyOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["version"],
                        "properties": {
                            "version": {"type": "string", "description": "A conda version constraint."},
                            "channel": {"$ref": "#/definitions/channel"},
                        },
                    },
                ],
            },
            "channel": {"$ref": "#/definitions/channel"},
            "requirement": {"type": "string", "description": "A whole conda match spec, e.g. `conda-forge::pandas>=2.0` (replaces `name`, `version` and `channel`)."},
        },
    }));
    d.insert("channel".into(), json!({
        "type": "string",
        "description": "A channel URL (`https://...`, `file://...`) or a known channel name (default `conda-forge`).",
        "anyOf": [{"enum": known}, {"pattern": CHANNEL_URL, "patternErrorMessage": "not a known channel name nor a channel URL"}],
    }));
    let text = |what: &str| json!({"type": "string", "description": what});
    d.insert("pypiRequirement".into(), json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
            "name": text("The distribution name."),
            "git": text("A repository URL (without `git+`)."),
            "rev": text("A commit (only with `git`)."),
            "branch": text("A branch (only with `git`)."),
            "tag": text("A tag (only with `git`)."),
            "path": {"type": "string", "pattern": "^/", "patternErrorMessage": "an absolute filesystem path (not relative, not a `file://` URL)", "description": "An absolute filesystem path (not a `file://` URL)."},
            "editable": {"type": "boolean", "description": "Install the `path` in editable mode."},
            "url": text("A direct wheel or sdist URL."),
            "subdirectory": text("The package's directory inside the source."),
            "extras": {"type": "array", "items": {"type": "string"}, "description": "Extras to install."},
            "version": text("A version (ignored in pixi.toml when a source is set)."),
        },
        "dependencies": {"rev": ["git"], "branch": ["git"], "tag": ["git"], "editable": ["path"]},
        "not": {"anyOf": [
            {"required": ["git", "path"]}, {"required": ["git", "url"]}, {"required": ["path", "url"]},
            {"required": ["rev", "branch"]}, {"required": ["rev", "tag"]}, {"required": ["branch", "tag"]},
        ]},
    }));
    d.insert("metadata".into(), json!({
        "type": ["object", "null"],
        "description": "Human metadata, checked but not used in the package. Extra keys are allowed.",
        "required": ["name", "description", "maintainers", "license"],
        "properties": {
            "name": text("The workflow's human name."),
            "description": text("What the workflow does."),
            "license": text("Its licence."),
            "repository": {"type": ["string", "null"]},
            "documentation": {"type": ["string", "null"]},
            "readme": {"type": ["string", "null"]},
            "keywords": {"type": "array", "items": {"type": "string"}},
            "maintainers": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["name", "email"],
                    "properties": {"name": {"type": "string"}, "email": {"type": "string"}},
                },
            },
        },
    }));
}

fn blocks(d: &mut Map<String, Value>) {
    let section = |what: &str| {
        json!({
            "type": ["object", "null"],
            "description": format!("Dotted paths into {what} of `rjsf.json` → the value that replaces what is there."),
            "additionalProperties": true,
        })
    };
    d.insert("rjsfOverrides".into(), json!({
        "type": ["object", "null"],
        "description": "Overrides of the generated form schema `rjsf.json` (never `params.json`). Other sections are ignored (a warning).",
        "additionalProperties": false,
        "properties": {
            "properties": section("`properties` (a task in a group starts with the group's title)"),
            "$defs": section("`$defs`"),
            "uiSchema": section("`uiSchema`"),
        },
    }));
    d.insert("skipif".into(), json!({
        "type": ["object", "null"],
        "description": "Skip the task when a condition holds for its arguments (null: the `task-instance-defaults`).",
        "additionalProperties": false,
        "properties": {
            "conditions": {
                "type": ["array", "null"],
                "description": "Condition tasks, each called with the task's arguments.",
                "items": {"$ref": "#/definitions/taskReference"},
            },
            "unpack_depth": {"type": "integer", "description": "How deep list-like arguments are unpacked before the conditions see them (default 1)."},
        },
    }));
    d.insert(
        "taskInstanceDefaults".into(),
        json!({
            "type": ["object", "null"],
            "description": "Defaults for every task instance.",
            "additionalProperties": false,
            "properties": {"skipif": {"$ref": "#/definitions/skipif"}},
        }),
    );
    d.insert("mapBlock".into(), json!({
        "type": ["object", "null"],
        "additionalProperties": false,
        "dependencies": {"argnames": ["argvalues"], "argvalues": ["argnames"]},
        "properties": {
            "argnames": {
                "description": "The argument (or arguments) each element is bound to.",
                "anyOf": [
                    {"$ref": "#/definitions/argumentName"},
                    {"type": "array", "items": {"$ref": "#/definitions/argumentName"}},
                    {"type": "null"},
                ],
            },
            "argvalues": {
                "description": "A reference (or a list of references) to the sequence to map over; inline values are not accepted.",
                "anyOf": [
                    {"$ref": "#/definitions/reference"},
                    {"type": "array", "items": {"$ref": "#/definitions/reference"}},
                    {"type": "null"},
                ],
            },
        },
    }));
    d.insert("partial".into(), json!({
        "type": ["object", "null"],
        "description": "Fixed keyword arguments of the task; the task's other arguments become workflow parameters. A value is any YAML value; a string that starts with `${{` and ends with `}}` must be a reference (`${{ workflow.<task_id>.return }}` or `${{ env.<NAME> }}`), at any depth.",
        "propertyNames": {"$ref": "#/definitions/argumentName"},
        "additionalProperties": {"$ref": "#/definitions/partialValue"},
    }));
}

fn workflow(d: &mut Map<String, Value>) {
    d.insert("workflowEntry".into(), json!({
        "description": "A task instance (`id`, `task`, ...) or a task group (`type: task-group`).",
        "if": {"type": "object", "required": ["type"], "properties": {"type": {"const": "task-group"}}},
        "then": {"$ref": "#/definitions/taskGroup"},
        "else": {"$ref": "#/definitions/taskInstance"},
    }));
    d.insert("taskGroup".into(), json!({
        "type": "object",
        "description": "Tasks shown together in the form (`rjsf.json`); groups do not nest and change nothing else.",
        "required": ["type", "title", "description", "tasks"],
        "additionalProperties": false,
        "properties": {
            "type": {"const": "task-group", "description": "Marks a task group."},
            "title": {"type": "string", "description": "The group's title (its key in `rjsf.json`)."},
            "description": {"type": "string", "description": "The group's description in the form."},
            "tasks": {"type": "array", "items": {"$ref": "#/definitions/taskInstance"}},
        },
    }));
    let map_block =
        |how: &str| json!({"allOf": [{"$ref": "#/definitions/mapBlock"}], "description": how});
    d.insert("taskInstance".into(), json!({
        "type": "object",
        "description": "One call of a task.",
        "required": ["id", "task"],
        "additionalProperties": false,
        "properties": {
            "id": {"$ref": "#/definitions/taskInstanceId"},
            "name": {"type": ["string", "null"], "description": "A human title (the task's title in the form)."},
            "task": {"$ref": "#/definitions/taskReference"},
            "partial": {"$ref": "#/definitions/partial"},
            "map": map_block("Call the task once per element of `argvalues`, bound to `argnames`."),
            "mapvalues": map_block("Call the task on each value of `argvalues`' (key, value) pairs, keeping the keys."),
            "skipif": {"$ref": "#/definitions/skipif"},
        },
        "not": {
            "description": "`map` and `mapvalues` exclude each other.",
            "required": ["map", "mapvalues"],
            "properties": {
                "map": {"type": "object", "required": ["argnames", "argvalues"]},
                "mapvalues": {"type": "object", "required": ["argnames", "argvalues"]},
            },
        },
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::lower::{GROUP_KEYS, MAP_KEYS, SKIPIF_KEYS, TASK_KEYS, TOP_LEVEL_KEYS};
    use crate::spec::requirements::{CONDA_KEYS, PYPI_OPTION_KEYS};

    fn keys(schema: &Value) -> Vec<String> {
        let mut k: Vec<String> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut k: Vec<String> = keys.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    }

    #[test]
    fn every_key_the_front_end_accepts() {
        let d = definitions("");
        assert_eq!(keys(&root()), sorted(TOP_LEVEL_KEYS));
        assert_eq!(keys(&d["taskInstance"]), sorted(TASK_KEYS));
        assert_eq!(keys(&d["taskGroup"]), sorted(GROUP_KEYS));
        assert_eq!(keys(&d["mapBlock"]), sorted(MAP_KEYS));
        assert_eq!(keys(&d["skipif"]), sorted(SKIPIF_KEYS));
        assert_eq!(keys(&d["condaRequirement"]), sorted(CONDA_KEYS));
        assert_eq!(
            keys(&d["pypiRequirement"]),
            sorted(&[&["name"], PYPI_OPTION_KEYS].concat())
        );
        assert_eq!(keys(&d["taskInstanceDefaults"]), sorted(&["skipif"]));
        assert_eq!(
            keys(&d["rjsfOverrides"]),
            sorted(&["properties", "$defs", "uiSchema"])
        );
    }

    #[test]
    fn the_wt_conda_channel_is_a_known_name() {
        let d = definitions("/srv/my-channel");
        let names = d["channel"]["anyOf"][0]["enum"].as_array().unwrap();
        assert!(names.contains(&json!("my-channel")), "{names:?}");
        assert!(names.contains(&json!("conda-forge")));
    }
}
