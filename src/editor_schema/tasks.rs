//! The registry's part of the editor schema: the task names as an enum (with their
//! descriptions), task instance ids that may not be task function names, and per task an
//! `if`/`then` on `task` that gives `partial` the task's arguments (types from its JSON
//! schema; unknown arguments rejected where the compiler flags them: the task's schema has
//! `additionalProperties: false`) and `map`/`mapvalues` `argnames` the argument names.

use super::draft07::{self, DefNames};
use crate::registry::{KnownTask, Registry};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// One task with every name that resolves to it (its qualified name; its function name
/// too when no other module defines one of that name).
struct Named<'a> {
    task: &'a Arc<KnownTask>,
    names: Vec<String>,
}

fn named(registry: &Registry) -> Vec<Named<'_>> {
    let mut out: Vec<Named<'_>> = registry
        .by_name
        .iter()
        .flat_map(|(function, modules)| {
            let unique = modules.len() == 1;
            modules.values().map(move |task| {
                let mut names = Vec::new();
                if unique {
                    names.push(function.clone());
                }
                names.push(task.importable_reference.clone());
                Named { task, names }
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.task
            .importable_reference
            .cmp(&b.task.importable_reference)
    });
    out
}

/// Add the registry's definitions to `d` (the grammar's) and return the `if`/`then`
/// clauses for the task instance.
pub fn add(d: &mut Map<String, Value>, registry: &Registry) -> Vec<Value> {
    let tasks = named(registry);
    task_names(d, &tasks);
    reserved_ids(d, registry);
    let mut defs = SharedDefs::default();
    let mut clauses = Vec::with_capacity(tasks.len());
    for t in &tasks {
        let names = defs.add(d, t.task);
        let key = format!("task:{}", t.task.importable_reference);
        let (arguments, closed) = arguments(t.task, &names);
        d.insert(key.clone(), arguments);
        let mut then = Map::new();
        then.insert(
            "task".into(),
            json!({"markdownDescription": task_doc(t.task)}),
        );
        then.insert(
            "partial".into(),
            json!({"$ref": format!("#/definitions/{}", draft07::fragment(&key))}),
        );
        if let Some(props) = closed {
            let argnames = argnames(&props);
            then.insert("map".into(), argnames.clone());
            then.insert("mapvalues".into(), argnames);
        }
        clauses.push(json!({
            "if": {"required": ["task"], "properties": {"task": {"enum": t.names}}},
            "then": {"properties": then},
        }));
    }
    clauses
}

fn task_names(d: &mut Map<String, Value>, tasks: &[Named<'_>]) {
    let mut names: Vec<(&str, &KnownTask)> = tasks
        .iter()
        .flat_map(|t| t.names.iter().map(|n| (n.as_str(), t.task.as_ref())))
        .collect();
    names.sort_by(|a, b| a.0.cmp(b.0));
    // No `description` here: yaml-language-server's hover shows the first description it
    // meets, which is then the task's own (the `then` of its clause); the enum's
    // descriptions are one line each, as the hover also lists every allowed value.
    let schema = if names.is_empty() {
        json!({"type": "string", "description": "The registry has no tasks.", "not": {}})
    } else {
        json!({
            "type": "string",
            "enum": names.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "markdownEnumDescriptions": names.iter().map(|(_, t)| task_summary(t)).collect::<Vec<_>>(),
        })
    };
    d.insert("taskReference".into(), schema);
}

/// Task instance ids may not be the name of a task function.
fn reserved_ids(d: &mut Map<String, Value>, registry: &Registry) {
    let mut functions: Vec<&str> = registry.by_name.keys().map(String::as_str).collect();
    functions.sort_unstable();
    if functions.is_empty() {
        return;
    }
    if let Some(Value::Object(id)) = d.get_mut("taskInstanceId") {
        id.insert(
            "allOf".into(),
            json!([{"not": {"enum": functions, "description": "the name of a task function"}}]),
        );
    }
}

/// The tasks' `$defs`, shared in `definitions`: `def:<Name>`, or `def:<Name>:<n>` for the
/// n-th different schema of that name.
#[derive(Default)]
struct SharedDefs {
    /// Def name → its distinct schemas (as in the registry) in order of first use.
    seen: HashMap<String, Vec<Value>>,
}

struct Keys(HashMap<String, String>);

impl DefNames for Keys {
    fn key(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

impl SharedDefs {
    /// Give `task`'s `$defs` their keys, add the new ones to `d`; the task's names → keys.
    fn add(&mut self, d: &mut Map<String, Value>, task: &KnownTask) -> Keys {
        let Some(Value::Object(defs)) = task.json_schema.0.get("$defs") else {
            return Keys(HashMap::new());
        };
        let mut keys = HashMap::new();
        let mut fresh = Vec::new();
        for (name, schema) in defs {
            let versions = self.seen.entry(name.clone()).or_default();
            let n = match versions.iter().position(|v| v == schema) {
                Some(n) => n,
                None => {
                    versions.push(schema.clone());
                    fresh.push(name.clone());
                    versions.len() - 1
                }
            };
            let key = match n {
                0 => format!("def:{name}"),
                n => format!("def:{name}:{}", n + 1),
            };
            keys.insert(name.clone(), key);
        }
        let keys = Keys(keys);
        for name in fresh {
            let key = keys.0[&name].clone();
            d.insert(key, draft07::convert(&defs[&name], &keys));
        }
        keys
    }
}

/// The task's `partial` schema, and its argument names when unknown ones are rejected.
fn arguments(task: &KnownTask, defs: &Keys) -> (Value, Option<Vec<String>>) {
    let schema = &task.json_schema.0;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let props = schema.get("properties").and_then(Value::as_object);
    let mut out = Map::new();
    out.insert(
        "description".into(),
        json!(format!("The arguments of `{}`.", task.importable_reference)),
    );
    let Some(props) = props else {
        return (Value::Object(out), None);
    };
    let mut properties = Map::new();
    for (name, arg) in props.iter().filter(|(n, _)| n.as_str() != "return") {
        properties.insert(
            name.clone(),
            argument(
                name,
                arg,
                required.contains(&name.as_str()),
                defs,
                schema.get("$defs").and_then(Value::as_object),
            ),
        );
    }
    let names: Vec<String> = properties.keys().cloned().collect();
    out.insert("properties".into(), Value::Object(properties));
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    if closed {
        out.insert("additionalProperties".into(), json!(false));
    }
    (Value::Object(out), closed.then_some(names))
}

/// One argument: its schema, unless the value holds a `${{ ... }}` reference (then its
/// type is known only at run time).
fn argument(
    name: &str,
    arg: &Value,
    required: bool,
    defs: &Keys,
    task_defs: Option<&Map<String, Value>>,
) -> Value {
    let mut out = Map::new();
    for k in ["title", "description", "default"] {
        if let Some(v) = arg.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    let mut doc = format!("`{name}`: {}", type_text(arg));
    if required {
        doc.push_str(" (required: a workflow parameter unless given here)");
    } else if let Some(default) = arg.get("default") {
        doc.push_str(&format!(", default `{default}`"));
    }
    if let Some(Value::String(d)) = arg.get("description") {
        doc.push_str("\n\n");
        doc.push_str(d);
    }
    out.insert("markdownDescription".into(), Value::String(doc));
    // The values an editor proposes (yaml-language-server does not look inside `else`).
    let mut proposals = Vec::new();
    proposed_values(arg, task_defs, 0, &mut proposals);
    if !proposals.is_empty() {
        out.insert("examples".into(), Value::Array(proposals));
    }
    out.insert(
        "if".into(),
        json!({"$ref": "#/definitions/containsReference"}),
    );
    out.insert("else".into(), draft07::convert(arg, defs));
    Value::Object(out)
}

/// The values `schema` enumerates (`enum`, `const`, `true`/`false` for a boolean, its own
/// `examples`), through `anyOf`/`oneOf`/`allOf` and `$ref`s into the task's `defs`.
fn proposed_values(
    schema: &Value,
    defs: Option<&Map<String, Value>>,
    depth: usize,
    out: &mut Vec<Value>,
) {
    let Value::Object(o) = schema else { return };
    if depth > 8 {
        return;
    }
    let mut add = |v: &Value| {
        if !out.contains(v) {
            out.push(v.clone());
        }
    };
    for key in ["enum", "examples"] {
        if let Some(Value::Array(values)) = o.get(key) {
            values.iter().for_each(&mut add);
        }
    }
    if let Some(c) = o.get("const") {
        add(c);
    }
    let is_bool = |t: &Value| t == "boolean";
    let boolean = match o.get("type") {
        Some(Value::Array(ts)) => ts.iter().any(is_bool),
        Some(t) => is_bool(t),
        None => false,
    };
    if boolean {
        add(&json!(true));
        add(&json!(false));
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(alts)) = o.get(key) {
            for alt in alts {
                proposed_values(alt, defs, depth + 1, out);
            }
        }
    }
    let target = o
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .and_then(|name| defs?.get(name));
    if let Some(target) = target {
        proposed_values(target, defs, depth + 1, out);
    }
}

fn argnames(props: &[String]) -> Value {
    let one = if props.is_empty() {
        json!({"not": {}, "description": "the task takes no arguments"})
    } else {
        json!({"enum": props})
    };
    json!({"properties": {"argnames": {"anyOf": [
        one,
        {"type": "array", "items": one},
        {"type": "null"},
    ]}}})
}

/// A short type description of an argument schema (for hover text).
fn type_text(schema: &Value) -> String {
    match schema {
        Value::Object(o) => {
            if let Some(r) = o.get("$ref").and_then(Value::as_str) {
                return r.rsplit('/').next().unwrap_or(r).to_string();
            }
            if let Some(Value::Array(values)) = o.get("enum") {
                let shown: Vec<String> = values.iter().map(Value::to_string).collect();
                return format!("one of {}", shown.join(", "));
            }
            match o.get("type") {
                Some(Value::String(t)) => match (t.as_str(), o.get("items")) {
                    ("array", Some(items)) => format!("array of {}", type_text(items)),
                    _ => t.clone(),
                },
                Some(Value::Array(ts)) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" | "),
                _ => ["anyOf", "oneOf"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(Value::as_array))
                    .map_or_else(
                        || "any".to_string(),
                        |alts| alts.iter().map(type_text).collect::<Vec<_>>().join(" | "),
                    ),
            }
        }
        _ => "any".to_string(),
    }
}

/// One line on the task: its reference and the first line of its description.
fn task_summary(task: &KnownTask) -> String {
    let first = task
        .description
        .as_deref()
        .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()));
    match first {
        Some(line) => format!("`{}`: {line}", task.importable_reference),
        None => format!("`{}`", task.importable_reference),
    }
}

/// The task's documentation (Markdown): its reference, description and arguments.
fn task_doc(task: &KnownTask) -> String {
    let mut doc = format!("`{}`", task.importable_reference);
    if let Some(d) = &task.description {
        doc.push_str("\n\n");
        doc.push_str(d);
    }
    let schema = &task.json_schema.0;
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let args: Vec<String> = props
            .iter()
            .filter(|(n, _)| n.as_str() != "return")
            .map(|(n, s)| {
                let tail = if required.contains(&n.as_str()) {
                    ", required".to_string()
                } else {
                    s.get("default")
                        .map_or_else(String::new, |d| format!(" = {d}"))
                };
                format!("- `{n}`: {}{tail}", type_text(s))
            })
            .collect();
        if !args.is_empty() {
            doc.push_str("\n\nArguments:\n");
            doc.push_str(&args.join("\n"));
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"{"entries":{
      "a._impl.add":{"metadata":{"description":"Adds.\nMore."},"module_path":"a._impl","public_module_path":"a","function_name":"add","import_statement":"","json_schema":{
        "$defs":{"Mode":{"enum":["x","y"],"type":"string"}},
        "additionalProperties":false,
        "properties":{"mode":{"$ref":"#/$defs/Mode","default":"x"},"flag":{"type":"boolean"},"return":{}},
        "required":["flag"],"type":"object"}},
      "b.x.add":{"metadata":{},"module_path":"b.x","public_module_path":"b.x","function_name":"add","import_statement":"","json_schema":{"type":"object"}},
      "c.go":{"metadata":{},"module_path":"c","public_module_path":"c","function_name":"go","import_statement":"","json_schema":{"properties":{"n":{"type":"integer"}}}}
    },"version":"1.0.0"}"##;

    #[test]
    fn names_arguments_and_proposals() {
        let registry = Registry::from_json(DOC).unwrap();
        let mut d = Map::new();
        d.insert("taskInstanceId".into(), json!({"type": "string"}));
        let clauses = add(&mut d, &registry);
        // `add` is ambiguous: only its qualified names; `go` has both.
        assert_eq!(
            d["taskReference"]["enum"],
            json!(["a.add", "b.x.add", "c.go", "go"])
        );
        assert_eq!(
            d["taskReference"]["markdownEnumDescriptions"][0],
            json!("`a.add`: Adds.")
        );
        assert_eq!(
            d["taskInstanceId"]["allOf"][0]["not"]["enum"],
            json!(["add", "go"])
        );
        assert_eq!(clauses.len(), 3);
        assert_eq!(
            clauses[2]["if"]["properties"]["task"]["enum"],
            json!(["go", "c.go"])
        );
        // `a.add` rejects unknown arguments (and `return` is never one); `c.go` does not.
        let a = &d["task:a.add"];
        assert_eq!(a["additionalProperties"], json!(false));
        assert_eq!(
            a["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["mode", "flag"]
        );
        assert_eq!(a["properties"]["mode"]["examples"], json!(["x", "y"]));
        assert_eq!(a["properties"]["flag"]["examples"], json!([true, false]));
        assert_eq!(
            a["properties"]["mode"]["else"],
            json!({"default": "x", "allOf": [{"$ref": "#/definitions/def:Mode"}]})
        );
        assert_eq!(d["def:Mode"], json!({"enum": ["x", "y"], "type": "string"}));
        assert_eq!(
            clauses[0]["then"]["properties"]["map"]["properties"]["argnames"]["anyOf"][0],
            json!({"enum": ["mode", "flag"]})
        );
        assert!(d["task:c.go"].get("additionalProperties").is_none());
        assert!(clauses[2]["then"]["properties"].get("map").is_none());
    }
}
