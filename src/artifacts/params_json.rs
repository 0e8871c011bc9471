//! `<pkg>/params.json`: the flat parameter schema (`artifacts.md` §1.2).

use crate::db::{Db, Workflow};
use crate::diagnostics::{Code, Diagnostic};
use crate::front::{task_fragment, task_nodes};
use crate::schema::{Fragment, metaschema, params_schema};
use std::sync::Arc;

/// `(task id, fragment)` in flat-workflow order.
pub type OrderedFragments = Arc<Vec<(String, Option<Arc<Fragment>>)>>;

/// Each resolved task's fragment, in flat-workflow order (`None` = no user-facing args).
#[salsa::tracked(returns(ref))]
pub fn ordered_fragments(db: &dyn Db, wf: Workflow) -> Result<OrderedFragments, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let resolution = crate::front::resolution(db, wf);
    for (node, task) in task_nodes(db, wf).iter().zip(&resolution.tasks) {
        match task_fragment(db, *node) {
            Ok(f) => out.push((node.id(db).clone(), f.clone())),
            Err(e) => errors.push(
                Diagnostic::error(Code::InvalidRegistry, e.to_string())
                    .at(task.instance.task.span, "this task"),
            ),
        }
    }
    if errors.is_empty() {
        Ok(Arc::new(out))
    } else {
        Err(errors)
    }
}

/// The params schema as a JSON value (also the input of `params_sha256`).
#[salsa::tracked(returns(ref))]
pub fn params_value(db: &dyn Db, wf: Workflow) -> Result<Arc<serde_json::Value>, Vec<Diagnostic>> {
    Ok(Arc::new(build_params_value(db, wf)?))
}

/// The params schema, not memoized (`check` drops it once checked).
pub fn build_params_value(db: &dyn Db, wf: Workflow) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let frags = ordered_fragments(db, wf).clone()?;
    Ok(params_schema(&frags))
}

#[salsa::tracked(returns(ref))]
pub fn params_json(db: &dyn Db, wf: Workflow) -> Result<Arc<str>, Vec<Diagnostic>> {
    let value = params_value(db, wf).clone()?;
    render_checked(db, wf, "params.json", &value)
}

/// The override that wrote (part of) the value a meta-schema violation is about: its full
/// path (section, then the dotted path) and the violation's path are one a prefix of the
/// other. The last override wins, as when they were applied.
fn override_of<'a>(
    overrides: &'a crate::spec::model::RjsfOverrides,
    e: &metaschema::MetaSchemaError,
) -> Option<&'a crate::spec::model::Override> {
    let sections = [
        ("properties", &overrides.properties),
        ("$defs", &overrides.defs),
        ("uiSchema", &overrides.ui_schema),
    ];
    e.errors.iter().find_map(|v| {
        sections.iter().find_map(|(section, list)| {
            list.iter().rev().find(|ov| {
                let full: Vec<&str> = std::iter::once(*section)
                    .chain(ov.path.value.split('.'))
                    .collect();
                let at: Vec<&str> = v.instance_path.iter().map(String::as_str).collect();
                let n = full.len().min(at.len());
                n > 1 && full[..n] == at[..n]
            })
        })
    })
}

/// Meta-schema check ([`check_schema`]), then Python-compatible `json.dump(indent=2)` +
/// newline.
pub fn render_checked(
    db: &dyn Db,
    wf: Workflow,
    artifact: &str,
    value: &serde_json::Value,
) -> Result<Arc<str>, Vec<Diagnostic>> {
    check_schema(db, wf, artifact, value)?;
    let mut text = crate::pyjson::to_string_indent2(value);
    text.push('\n');
    Ok(Arc::from(text))
}

/// The meta-schema check of the schema `artifact` (`params.json` or `rjsf.json`): what
/// `check` asks without rendering the text.
///
/// A meta-schema violation is attributed to the tasks whose registry schemas brought the
/// offending value (found from the violation's path), so the error points into the spec.
pub fn check_schema(
    db: &dyn Db,
    wf: Workflow,
    artifact: &str,
    value: &serde_json::Value,
) -> Result<(), Vec<Diagnostic>> {
    if let Err(e) = metaschema::check(artifact, value) {
        let mut culprits: Vec<&str> = Vec::new();
        if let Ok(frags) = ordered_fragments(db, wf) {
            for v in &e.errors {
                let path: Vec<&str> = v.instance_path.iter().map(String::as_str).collect();
                for (id, frag) in frags.iter() {
                    let Some(frag) = frag else { continue };
                    let hit = match path.as_slice() {
                        ["$defs", name, ..] => frag.defs.iter().any(|(d, _)| d == name),
                        ["properties", first, rest @ ..] => {
                            first == id
                                || matches!(rest, ["properties", second, ..] if second == id)
                        }
                        _ => false,
                    };
                    if hit && !culprits.contains(&id.as_str()) {
                        culprits.push(id);
                    }
                }
            }
        }
        let resolution = crate::front::resolution(db, wf);
        let span_of = |id: &str| {
            resolution
                .tasks
                .iter()
                .find(|t| t.instance.id.value == id)
                .map(|t| (t.instance.task.span, t.known.importable_reference.clone()))
        };
        let mut d = Diagnostic::error(Code::InvalidSchema, e.to_string());
        // An override that wrote the offending value is the cause, whatever task it is for.
        if let Some(ov) = override_of(&crate::front::spec_model(db, wf).rjsf_overrides, &e) {
            d = d
                .at(
                    ov.value_span,
                    "this `rjsf-overrides` value makes the schema invalid",
                )
                .with_secondary(ov.path.span, "set at this path")
                .with_help("fix or remove the override");
            return Err(vec![d]);
        }
        match culprits
            .split_first()
            .and_then(|(first, rest)| Some((span_of(first)?, rest)))
        {
            Some(((span, reference), rest)) => {
                d = d.at(
                    span,
                    format!("the registry schema of `{reference}` contributes the invalid value"),
                );
                for id in rest {
                    if let Some((span, _)) = span_of(id) {
                        d = d.with_secondary(span, "also uses it");
                    }
                }
                let empty_union = e.errors.iter().any(|v| {
                    v.keyword == "minItems"
                        && v.instance_path
                            .last()
                            .is_some_and(|k| matches!(k.as_str(), "oneOf" | "anyOf" | "allOf"))
                });
                d = d.with_help(if empty_union {
                    "fix the task's parameter annotations in its package: an empty `oneOf`/`anyOf` comes from an empty union or enum"
                } else {
                    "fix the task's parameter annotations in its package, or the `rjsf-overrides` that produced this value"
                });
            }
            None => {
                d = d.without_source().with_help(
                    "the offending value comes from a task's registry schema or from `rjsf-overrides`",
                );
            }
        }
        return Err(vec![d]);
    }
    Ok(())
}
