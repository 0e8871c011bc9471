//! `dags/run_sequential.py` and `dags/run_sequential_mock_io.py` (`artifacts.md` §2).
//!
//! The module is emitted already formatted the way `ruff format` + `ruff check --fix`
//! (isort, unused-import removal) would leave it, using the layout engine in [`crate::pyfmt`].

use crate::db::{Db, Workflow};
use crate::front::{TaskNode, task_nodes};
use crate::pyfmt::{
    Arg, Chain, ChainCall, Expr, Import, assign_chain, import_block, py_float, py_int, py_str,
};
use crate::resolve::ResolvedTask;
use crate::spec::model::{Reference, Value};
use crate::templates::HEADER;
use std::fmt::Write;
use std::sync::Arc;

/// Which DAG module to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DagKind {
    Production,
    MockIo,
}

const TEST_MARK: &str = "# 🧪";

/// Render a DAG module for the resolved tasks (flat-workflow order).
pub fn render(tasks: &[ResolvedTask], kind: DagKind) -> String {
    render_with(tasks, kind, tasks.iter().map(|t| task_code(t, kind)))
}

/// The assignment statement that runs one task (`<id> = task(f).validate()...`), indented
/// for the body of `main`.
#[must_use]
pub fn task_code(t: &ResolvedTask, kind: DagKind) -> String {
    assign_chain(
        &t.instance.id.value,
        &task_chain(t, kind == DagKind::MockIo),
        4,
    )
}

/// Render a DAG module from the tasks and their statements, one per task in the same
/// order (see [`task_code`]).
pub fn render_with<S: AsRef<str>>(
    tasks: &[ResolvedTask],
    kind: DagKind,
    statements: impl IntoIterator<Item = S>,
) -> String {
    let mock = kind == DagKind::MockIo;
    let mut imports = vec![
        Import::module("typing", "Any"),
        Import::aliased("wt_contracts", "validate", "_validate"),
        Import::aliased("..", "metadata", "_metadata"),
    ];
    if tasks.iter().any(|t| t.instance.uses_env()) {
        imports.push(Import::plain("os"));
    }
    if !tasks.is_empty() {
        imports.push(Import::module("wt_task", "task"));
    }
    let mut mocks: Vec<(String, String, String)> = Vec::new();
    for t in tasks {
        for k in std::iter::once(&t.known).chain(&t.conditions) {
            let alias = k.safe_reference();
            if mock && k.is_io {
                let m = (alias, k.anchor.clone(), k.function_name.clone());
                if !mocks.contains(&m) {
                    mocks.push(m);
                }
            } else if alias == k.function_name {
                imports.push(Import::module(&k.anchor, &k.function_name));
            } else {
                imports.push(Import::aliased(&k.anchor, &k.function_name, &alias));
            }
        }
    }
    if mock {
        imports.push(Import::plain("warnings").with_comment(TEST_MARK));
        if !mocks.is_empty() {
            imports.push(
                Import::module("wt_task.testing", "create_func_magicmock").with_comment(TEST_MARK),
            );
        }
    }

    let mut out = String::with_capacity(4096 + tasks.len() * 512);
    out.push_str(HEADER);
    out.push('\n');
    if mock {
        out.push_str(concat!(
            "\n\n\"\"\"WARNING: generated for testing; do not use this module in production.\n",
            "\n",
            "Tasks tagged `io` are replaced by mocks that return example data. Lines that exist\n",
            "only in this testing variant are marked with a test tube emoji (🧪).\n",
            "\"\"\"\n\n",
        ));
    }
    out.push_str(&import_block(&imports));
    for (alias, anchor, func) in &mocks {
        out.push('\n');
        mock_assignment(&mut out, alias, anchor, func);
    }
    out.push_str("\n\ndef main(params: dict[str, Any], validate_params_schema: bool = True):\n");
    if mock {
        let _ = writeln!(
            out,
            "    warnings.warn(\"This test script should not be used in production!\")  {TEST_MARK}\n"
        );
    }
    out.push_str("    if validate_params_schema:\n        _validate(params, _metadata.load_params_schema())\n");
    let used: std::collections::HashSet<&str> = tasks
        .iter()
        .flat_map(|t| t.instance.task_refs())
        .map(|r| r.task_id)
        .collect();
    for (i, (t, code)) in tasks.iter().zip(statements).enumerate() {
        out.push('\n');
        let id = &t.instance.id.value;
        let code = code.as_ref();
        if used.contains(id.as_str()) || i + 1 == tasks.len() {
            out.push_str(code);
        } else {
            // No later task uses this result: the task runs for its effects. Say so, rather
            // than leave an "unused variable" (F841) for linters to flag.
            let (first, rest) = code.split_once('\n').unwrap_or((code, ""));
            let _ = write!(
                out,
                "{first}  # noqa: F841 (result not used by later tasks)\n{rest}"
            );
        }
    }
    if let Some(last) = tasks.last() {
        let _ = write!(out, "\n    return {}\n", last.instance.id.value);
    }
    crate::pyfmt::noqa_long_lines(&out)
}

/// `<alias> = create_func_magicmock(anchor=..., func_name=...)`, one argument per line with
/// test marks, laid out as ruff lays it out (the right-hand side is parenthesized when the
/// first line would not fit in 88 columns).
fn mock_assignment(out: &mut String, alias: &str, anchor: &str, func: &str) {
    let (anchor, func) = (py_str(anchor), py_str(func));
    let head = format!("{alias} = create_func_magicmock(  {TEST_MARK}");
    if unicode_width::UnicodeWidthStr::width(head.as_str()) <= 88 {
        let _ = write!(
            out,
            "{head}\n    anchor={anchor},  {TEST_MARK}\n    func_name={func},  {TEST_MARK}\n)  {TEST_MARK}\n"
        );
    } else {
        let _ = write!(
            out,
            "{alias} = (\n    create_func_magicmock(  {TEST_MARK}\n        anchor={anchor},  {TEST_MARK}\n        func_name={func},  {TEST_MARK}\n    )\n)  {TEST_MARK}\n"
        );
    }
}

fn task_chain(t: &ResolvedTask, mock: bool) -> Chain {
    let inst = &t.instance;
    let call = |name: &str, args: Vec<Arg>| ChainCall::Call {
        name: name.to_string(),
        args,
        magic_trailing_comma: false,
    };
    let mut calls = Vec::new();
    if mock && t.known.is_io {
        calls.push(ChainCall::Comment(format!(
            "{TEST_MARK} no .validate(): this mocked IO task returns example data"
        )));
    } else {
        calls.push(call("validate", vec![]));
    }
    calls.push(call(
        "set_task_instance_id",
        vec![Arg::Positional(Expr::Atom(py_str(&inst.id.value)))],
    ));
    calls.push(call("handle_errors", vec![]));
    calls.push(call("with_tracing", vec![]));
    if let Some(skipif) = &inst.skipif {
        calls.push(ChainCall::Call {
            name: "skipif".into(),
            args: vec![
                Arg::Keyword(
                    "conditions".into(),
                    Expr::List {
                        items: t
                            .conditions
                            .iter()
                            .map(|c| Expr::Atom(c.safe_reference()))
                            .collect(),
                        magic_trailing_comma: !t.conditions.is_empty(),
                    },
                ),
                Arg::Keyword(
                    "unpack_depth".into(),
                    Expr::Atom(skipif.unpack_depth.to_string()),
                ),
            ],
            magic_trailing_comma: true,
        });
    }
    let mut partial: Vec<Arg> = inst
        .partial
        .iter()
        .map(|(k, v)| Arg::Keyword(k.value.clone(), value_expr(v)))
        .collect();
    partial.push(Arg::DoubleStar(Expr::Atom(format!(
        "(params.get({}) or {{}})",
        py_str(&inst.id.value)
    ))));
    calls.push(call("partial", partial));
    match inst.map_block() {
        None => calls.push(call("call", vec![])),
        Some(block) => {
            let names = Expr::List {
                items: block
                    .argnames
                    .iter()
                    .map(|n| Expr::Atom(py_str(&n.value)))
                    .collect(),
                magic_trailing_comma: false,
            };
            let refs: Vec<Expr> = block
                .argvalues
                .iter()
                .map(|r| reference_expr(&r.value))
                .collect();
            let values = if block.single_argvalue && refs.len() == 1 {
                refs.into_iter().next().unwrap_or(Expr::Atom("None".into()))
            } else {
                Expr::List {
                    items: refs,
                    magic_trailing_comma: false,
                }
            };
            calls.push(call(
                inst.method().as_str(),
                vec![
                    Arg::Keyword("argnames".into(), names),
                    Arg::Keyword("argvalues".into(), values),
                ],
            ));
        }
    }
    Chain {
        head: Expr::Atom(format!("task({})", t.known.safe_reference())),
        calls,
    }
}

fn reference_expr(r: &Reference) -> Expr {
    match r {
        Reference::Task(id) => Expr::Atom(id.clone()),
        Reference::Env(name) => Expr::Atom(format!("os.environ[{}]", py_str(name))),
    }
}

/// A partial value as a Python expression.
pub fn value_expr(v: &Value) -> Expr {
    match v {
        Value::Ref(r) => reference_expr(&r.value),
        Value::Str(s) => Expr::Atom(py_str(s)),
        Value::Int(i) => Expr::Atom(py_int(*i)),
        Value::Float(f) => Expr::Atom(py_float(f.0)),
        Value::Bool(b) => Expr::Atom(if *b { "True" } else { "False" }.into()),
        Value::Null => Expr::Atom("None".into()),
        Value::List(items) => Expr::List {
            items: items.iter().map(value_expr).collect(),
            magic_trailing_comma: false,
        },
        Value::Dict(items) => Expr::Dict {
            items: items
                .iter()
                .map(|(k, v)| (Expr::Atom(py_str(k)), value_expr(v)))
                .collect(),
            magic_trailing_comma: false,
        },
    }
}

/// One task's statement in both DAG modules; the mock-io one differs only for `io` tasks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskCode {
    pub production: Arc<str>,
    pub mock_io: Arc<str>,
}

/// The statement of one task, memoized per task: an edit to one task re-renders only its
/// own statement, the modules are then reassembled.
#[salsa::tracked(returns(ref))]
pub fn task_dag_code<'db>(db: &'db dyn Db, node: TaskNode<'db>) -> TaskCode {
    let t = node.task(db);
    let production: Arc<str> = Arc::from(task_code(t, DagKind::Production));
    let mock_io = if t.known.is_io {
        Arc::from(task_code(t, DagKind::MockIo))
    } else {
        production.clone()
    };
    TaskCode {
        production,
        mock_io,
    }
}

/// A DAG module from the per-task nodes only (span-free), so an edit that merely moves the
/// workflow in the file (a comment, a `requirements:` change above it) re-renders nothing.
fn render_dag(db: &dyn Db, wf: Workflow, kind: DagKind) -> Arc<str> {
    let nodes = task_nodes(db, wf);
    let tasks: Vec<ResolvedTask> = nodes.iter().map(|n| n.task(db).as_ref().clone()).collect();
    let statements = nodes.iter().map(|n| {
        let code = task_dag_code(db, *n);
        match kind {
            DagKind::MockIo => code.mock_io.clone(),
            DagKind::Production => code.production.clone(),
        }
    });
    Arc::from(render_with(&tasks, kind, statements))
}

#[salsa::tracked(returns(ref))]
pub fn run_sequential_py(db: &dyn Db, wf: Workflow) -> Arc<str> {
    render_dag(db, wf, DagKind::Production)
}

#[salsa::tracked(returns(ref))]
pub fn run_sequential_mock_io_py(db: &dyn Db, wf: Workflow) -> Arc<str> {
    render_dag(db, wf, DagKind::MockIo)
}
