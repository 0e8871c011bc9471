//! Resolution: the spec checked against the task registry.
//!
//! Resolves every `task:` and skipif condition, then runs the whole-workflow rules of the
//! spec grammar (§8): task id ≠ spec id, unique ids, references to real tasks, topological
//! order. Also warns about `partial` keys that the task's schema cannot accept.

use crate::diagnostics::{Code, Diagnostic, closest, did_you_mean};
use crate::registry::{KnownTask, LookupError, Registry};
use crate::spec::model::{Spanned, Spec, TaskInstance};
use crate::syntax::span::Span;
use std::collections::HashMap;
use std::sync::Arc;

/// A task instance with its known task and skipif condition tasks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResolvedTask {
    pub instance: Arc<TaskInstance>,
    pub known: Arc<KnownTask>,
    pub conditions: Vec<Arc<KnownTask>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// Resolved tasks in flat-workflow order (instances that failed to resolve are left out).
    pub tasks: Vec<ResolvedTask>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Resolve `spec` against `registry`.
pub fn resolve(spec: &Spec, registry: &Registry) -> Resolution {
    let mut diags = Vec::new();
    let mut tasks = Vec::new();
    for inst in spec.flat_tasks() {
        if let Some(known) = registry
            .by_name
            .get(&inst.id.value)
            .and_then(|m| m.values().next())
        {
            diags.push(
                Diagnostic::error(
                    Code::InvalidId,
                    format!(
                        "task instance id `{}` is the name of a registered task function",
                        inst.id.value
                    ),
                )
                .at(inst.id.span, "shadows a task function")
                .with_note(format!(
                    "`{}` is registered as `{}`",
                    inst.id.value, known.importable_reference
                ))
                .with_help(format!(
                    "rename the instance, e.g. `{}_result`",
                    inst.id.value
                )),
            );
        }
        let known = lookup(registry, &inst.task, "task", &mut diags);
        let mut conditions = Vec::new();
        let mut conditions_ok = true;
        if let Some(skipif) = &inst.skipif {
            for c in &skipif.conditions {
                match lookup(registry, c, "skipif condition", &mut diags) {
                    Some(k) => conditions.push(k),
                    None => conditions_ok = false,
                }
            }
        }
        if let Some(known) = known {
            check_partial_keys(inst, &known, &mut diags);
            if conditions_ok {
                tasks.push(ResolvedTask {
                    instance: inst.clone(),
                    known,
                    conditions,
                });
            }
        }
    }
    check_workflow(spec, &mut diags);
    Resolution {
        tasks,
        diagnostics: diags,
    }
}

fn lookup(
    registry: &Registry,
    reference: &Spanned<String>,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<KnownTask>> {
    match registry.lookup(&reference.value) {
        Ok(k) => Some(k.clone()),
        Err(e) => {
            diags.push(lookup_diagnostic(registry, reference, what, e));
            None
        }
    }
}

fn lookup_diagnostic(
    registry: &Registry,
    r: &Spanned<String>,
    what: &str,
    e: LookupError,
) -> Diagnostic {
    match e {
        LookupError::NotFound(name) => {
            let func = name.rsplit('.').next().unwrap_or(&name);
            let help = if name.contains('.') {
                closest(&name, registry.qualified_names())
                    .or_else(|| registry.by_name.get(func).and(None))
                    .map(|c| format!("did you mean `{c}`?"))
                    .or_else(|| did_you_mean(func, registry.by_name.keys().map(String::as_str)))
            } else {
                did_you_mean(&name, registry.by_name.keys().map(String::as_str))
            };
            let mut d = Diagnostic::error(
                Code::UnknownTask,
                format!("{what} `{name}` is not a known task"),
            )
            .at(r.span, "not found in the task registry")
            .with_help_opt(help);
            if registry.is_empty() {
                d = d.with_note("the task registry is empty: no task package declared a `wt_registry` entry point");
            }
            d
        }
        LookupError::WrongModule {
            function,
            module,
            available,
        } => Diagnostic::error(
            Code::UnknownTask,
            format!("{what} `{function}` is not found in module `{module}`"),
        )
        .at(r.span, "no such task in this module")
        .with_help(format!(
            "`{function}` is available from: {}",
            available
                .iter()
                .map(|m| format!("`{m}.{function}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .with_note("use the public module path that wt-registry reports, not the private one"),
        LookupError::Ambiguous {
            function,
            candidates,
        } => Diagnostic::error(
            Code::AmbiguousTask,
            format!("{what} `{function}` is defined in more than one module"),
        )
        .at(r.span, "ambiguous")
        .with_help(format!(
            "qualify it with its module path: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

/// Warn about `partial` keys that the task's schema cannot accept.
fn check_partial_keys(inst: &TaskInstance, known: &KnownTask, diags: &mut Vec<Diagnostic>) {
    let schema = &known.json_schema.0;
    if schema.get("additionalProperties") != Some(&serde_json::Value::Bool(false)) {
        return;
    }
    let Some(props) = schema.get("properties").and_then(|p| p.as_object()) else {
        return;
    };
    let names = inst
        .partial
        .iter()
        .map(|(k, _)| k)
        .chain(inst.map_block().into_iter().flat_map(|b| &b.argnames));
    for key in names {
        if props.contains_key(&key.value) {
            continue;
        }
        let help =
            did_you_mean(&key.value, props.keys().map(String::as_str)).unwrap_or_else(|| {
                let mut args: Vec<&str> = props.keys().map(String::as_str).collect();
                args.truncate(12);
                if args.is_empty() {
                    "the task takes no arguments".to_string()
                } else {
                    format!(
                        "its arguments are: {}",
                        args.iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            });
        diags.push(
            Diagnostic::warning(
                Code::UnknownArgument,
                format!(
                    "task `{}` has no argument `{}`",
                    known.importable_reference, key.value
                ),
            )
            .at(key.span, "not accepted by the task's schema")
            .with_help(help)
            .with_note("the call would fail at run time with an unexpected keyword argument"),
        );
    }
}

/// Whole-workflow rules, in the reference's order; all failures are reported.
fn check_workflow(spec: &Spec, diags: &mut Vec<Diagnostic>) {
    let flat: Vec<&Arc<TaskInstance>> = spec.flat_tasks().collect();
    // 1. Task id ≠ spec id.
    for t in &flat {
        if t.id.value == spec.id.value && !spec.id.value.is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::IdClash,
                    format!(
                        "task instance id `{}` is the same as the workflow id",
                        t.id.value
                    ),
                )
                .at(t.id.span, "same as the workflow id")
                .with_secondary(spec.id.span, "workflow id defined here")
                .with_help("task ids and the workflow id must differ"),
            );
        }
    }
    // 2. Unique ids.
    let mut first: HashMap<&str, Span> = HashMap::new();
    for t in &flat {
        if let Some(prev) = first.get(t.id.value.as_str()) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    format!("task instance id `{}` is used more than once", t.id.value),
                )
                .at(t.id.span, "duplicate id")
                .with_secondary(*prev, "first used here")
                .with_help(
                    "every task instance id must be unique in the workflow (groups included)",
                ),
            );
        } else {
            first.insert(&t.id.value, t.id.span);
        }
    }
    // 3. References point to real tasks; 4. topological order.
    let position: HashMap<&str, usize> = flat
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| (t.id.value.as_str(), i))
        .collect();
    for (i, t) in flat.iter().enumerate() {
        for r in t.task_refs() {
            match position.get(r.task_id) {
                None => diags.push(
                    Diagnostic::error(
                        Code::UnknownReference,
                        format!("task `{}` refers to `{}`, which is not a task id of this workflow", t.id.value, r.task_id),
                    )
                    .at(r.span, "no task with this id")
                    .with_help_opt(did_you_mean(r.task_id, flat.iter().map(|t| t.id.value.as_str()))),
                ),
                Some(&j) if j > i => diags.push(
                    Diagnostic::error(
                        Code::TopologicalOrder,
                        format!(
                            "task `{}` depends on `{}`, which is defined after it",
                            t.id.value, r.task_id
                        ),
                    )
                    .at(r.span, "used before it is defined")
                    .with_secondary(flat[j].id.span, format!("`{}` is defined here", r.task_id))
                    .with_help(format!("move `{}` above `{}` (task instances must be listed in dependency order; cycles are not allowed)", r.task_id, t.id.value)),
                ),
                Some(_) => {}
            }
        }
    }
}
