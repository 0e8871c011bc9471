//! `<pkg>/params.json`: the flat parameter schema (`artifacts.md` §1.2).

use crate::db::{Db, Workflow, task_fragment, task_nodes};
use crate::diagnostics::Diagnostic;
use crate::schema::{Fragment, metaschema, params_schema};
use std::sync::Arc;

/// `(task id, fragment)` in flat-workflow order.
pub type OrderedFragments = Arc<Vec<(String, Option<Arc<Fragment>>)>>;

/// Each resolved task's fragment, in flat-workflow order (`None` = no user-facing args).
#[salsa::tracked(returns(ref))]
pub fn ordered_fragments(db: &dyn Db, wf: Workflow) -> Result<OrderedFragments, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let resolution = crate::db::resolution(db, wf);
    for (node, task) in task_nodes(db, wf).iter().zip(&resolution.tasks) {
        match task_fragment(db, *node) {
            Ok(f) => out.push((node.id(db).clone(), f.clone())),
            Err(msg) => errors.push(
                Diagnostic::error("invalid-registry", msg.clone())
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
    let frags = ordered_fragments(db, wf).clone()?;
    Ok(Arc::new(params_schema(&frags)))
}

#[salsa::tracked(returns(ref))]
pub fn params_json(db: &dyn Db, wf: Workflow) -> Result<Arc<str>, Vec<Diagnostic>> {
    let value = params_value(db, wf).clone()?;
    render_checked("params.json", &value)
}

/// Meta-schema check, then Python-compatible `json.dump(indent=2)` + newline.
pub fn render_checked(
    artifact: &str,
    value: &serde_json::Value,
) -> Result<Arc<str>, Vec<Diagnostic>> {
    if let Err(e) = metaschema::check(artifact, value) {
        return Err(vec![
            Diagnostic::error("invalid-schema", e.to_string())
                .without_source()
                .with_help("the offending value comes from a task's registry schema or from `rjsf-overrides`"),
        ]);
    }
    let mut text = crate::pyjson::to_string_indent2(value);
    text.push('\n');
    Ok(Arc::from(text))
}
