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

/// A task's known task or skipif condition as the module imports (or, mocked, defines) it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KnownImport {
    pub alias: String,
    pub anchor: String,
    pub function_name: String,
    pub is_io: bool,
}

/// What a DAG module needs from one task besides its statement: the imports of its known
/// task and skipif conditions, whether it reads the environment, the tasks it references.
/// Unchanged by an edit of a `partial` value that keeps the references.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TaskLinks {
    pub imports: Vec<KnownImport>,
    pub uses_env: bool,
    pub refs: Vec<String>,
}

impl TaskLinks {
    #[must_use]
    pub fn of(t: &ResolvedTask) -> Self {
        TaskLinks {
            imports: std::iter::once(&t.known)
                .chain(&t.conditions)
                .map(|k| KnownImport {
                    alias: k.safe_reference(),
                    anchor: k.anchor.clone(),
                    function_name: k.function_name.clone(),
                    is_io: k.is_io,
                })
                .collect(),
            uses_env: t.instance.uses_env(),
            refs: t
                .instance
                .task_refs()
                .iter()
                .map(|r| r.task_id.to_string())
                .collect(),
        }
    }
}

/// One task's statement, `noqa: E501` notes already added to its lines that are too long
/// ([`crate::pyfmt::noqa_long_lines`] works line by line, so marking each statement on
/// its own is marking the module).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    text: Arc<str>,
    /// The length of the first line as rendered, before any note.
    first_raw: usize,
    /// The end of the first line in `text` (before its newline).
    first_end: usize,
}

impl Statement {
    #[must_use]
    pub fn new(code: &str) -> Self {
        let text = crate::pyfmt::noqa_long_lines(code);
        Statement {
            first_raw: code.find('\n').unwrap_or(code.len()),
            first_end: text.find('\n').unwrap_or(text.len()),
            text: Arc::from(text),
        }
    }

    /// The statement's text; `unused`: its result is used by no later task, so it runs for
    /// its effects: say so on its first line, rather than leave an "unused variable" (F841)
    /// for linters to flag (that line then carries no E501 note: one `noqa` per line).
    fn push(&self, out: &mut String, unused: bool) {
        if !unused {
            out.push_str(&self.text);
            return;
        }
        out.push_str(&self.text[..self.first_raw]);
        out.push_str(F841_NOTE);
        match &self.text[self.first_end..] {
            "" => out.push('\n'),
            rest => out.push_str(rest),
        }
    }

    fn len(&self, unused: bool) -> usize {
        self.text.len() + if unused { F841_NOTE.len() + 1 } else { 0 }
    }
}

const F841_NOTE: &str = "  # noqa: F841 (result not used by later tasks)";

/// The parts of a DAG module around the task statements, from every task's [`TaskLinks`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DagFrame {
    /// Header, imports, mocks and the start of `main`, per kind (noqa notes added).
    pub production: Arc<str>,
    pub mock_io: Arc<str>,
    /// Per task (flat order): no later task uses its result.
    pub unused: Vec<bool>,
    /// `return <last task>` (empty without tasks).
    pub tail: Arc<str>,
}

impl DagFrame {
    /// The frame for tasks with these links and ids, in flat order.
    #[must_use]
    pub fn new<'a>(tasks: &[(&'a str, &'a TaskLinks)]) -> Self {
        let used: std::collections::HashSet<&str> = tasks
            .iter()
            .flat_map(|(_, l)| &l.refs)
            .map(String::as_str)
            .collect();
        let links: Vec<&TaskLinks> = tasks.iter().map(|(_, l)| *l).collect();
        DagFrame {
            production: Arc::from(crate::pyfmt::noqa_long_lines(&head(
                &links,
                DagKind::Production,
            ))),
            mock_io: Arc::from(crate::pyfmt::noqa_long_lines(&head(
                &links,
                DagKind::MockIo,
            ))),
            unused: tasks
                .iter()
                .enumerate()
                .map(|(i, (id, _))| !used.contains(id) && i + 1 != tasks.len())
                .collect(),
            tail: Arc::from(match tasks.last() {
                Some((id, _)) => crate::pyfmt::noqa_long_lines(&format!("\n    return {id}\n")),
                None => String::new(),
            }),
        }
    }

    /// The module: the frame around `statements` (one per task, in flat order).
    #[must_use]
    pub fn module<'s>(
        &self,
        kind: DagKind,
        statements: impl Iterator<Item = &'s Statement> + Clone,
    ) -> String {
        let head = match kind {
            DagKind::Production => &self.production,
            DagKind::MockIo => &self.mock_io,
        };
        let len = head.len()
            + self.tail.len()
            + statements
                .clone()
                .zip(&self.unused)
                .map(|(s, unused)| 1 + s.len(*unused))
                .sum::<usize>();
        let mut out = String::with_capacity(len);
        out.push_str(head);
        for (s, unused) in statements.zip(&self.unused) {
            out.push('\n');
            s.push(&mut out, *unused);
        }
        out.push_str(&self.tail);
        out
    }
}

/// Render a DAG module for the resolved tasks (flat-workflow order).
#[must_use]
pub fn render(tasks: &[ResolvedTask], kind: DagKind) -> String {
    let links: Vec<TaskLinks> = tasks.iter().map(TaskLinks::of).collect();
    let ids: Vec<(&str, &TaskLinks)> = tasks
        .iter()
        .zip(&links)
        .map(|(t, l)| (t.instance.id.value.as_str(), l))
        .collect();
    let statements: Vec<Statement> = tasks
        .iter()
        .map(|t| Statement::new(&task_code(t, kind)))
        .collect();
    DagFrame::new(&ids).module(kind, statements.iter())
}

/// Everything of a module before the task statements: header, imports, mocks, the start of
/// `main` and the parameter validation.
fn head(tasks: &[&TaskLinks], kind: DagKind) -> String {
    let mock = kind == DagKind::MockIo;
    let mut imports = vec![
        Import::module("typing", "Any"),
        Import::aliased("wt_contracts", "validate", "_validate"),
        Import::aliased("..", "metadata", "_metadata"),
    ];
    if tasks.iter().any(|t| t.uses_env) {
        imports.push(Import::plain("os"));
    }
    if !tasks.is_empty() {
        imports.push(Import::module("wt_task", "task"));
    }
    let mut mocks: Vec<&KnownImport> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for k in tasks.iter().flat_map(|t| &t.imports) {
        if !seen.insert(k) {
            continue;
        }
        if mock && k.is_io {
            mocks.push(k);
        } else if k.alias == k.function_name {
            imports.push(Import::module(&k.anchor, &k.function_name));
        } else {
            imports.push(Import::aliased(&k.anchor, &k.function_name, &k.alias));
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

    let mut out = String::with_capacity(4096);
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
    for m in &mocks {
        out.push('\n');
        mock_assignment(&mut out, &m.alias, &m.anchor, &m.function_name);
    }
    out.push_str("\n\ndef main(params: dict[str, Any], validate_params_schema: bool = True):\n");
    if mock {
        let _ = writeln!(
            out,
            "    warnings.warn(\"This test script should not be used in production!\")  {TEST_MARK}\n"
        );
    }
    out.push_str("    if validate_params_schema:\n        _validate(params, _metadata.load_params_schema())\n");
    out
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
    pub production: Statement,
    pub mock_io: Statement,
}

/// The statement of one task, memoized per task: an edit to one task re-renders only its
/// own statement, the modules are then reassembled.
#[salsa::tracked(returns(ref))]
pub fn task_dag_code<'db>(db: &'db dyn Db, node: TaskNode<'db>) -> TaskCode {
    let t = node.task(db);
    let production = Statement::new(&task_code(t, DagKind::Production));
    let mock_io = if t.known.is_io {
        Statement::new(&task_code(t, DagKind::MockIo))
    } else {
        production.clone()
    };
    TaskCode {
        production,
        mock_io,
    }
}

/// One task's [`TaskLinks`], memoized per task (backdates when an edit keeps them).
#[salsa::tracked(returns(ref))]
pub fn task_dag_links<'db>(db: &'db dyn Db, node: TaskNode<'db>) -> TaskLinks {
    TaskLinks::of(node.task(db))
}

/// The [`DagFrame`] of both modules. Reads only the task ids and links, so an edit of a
/// `partial` value that keeps the references does not re-run it.
#[salsa::tracked(returns(ref))]
pub fn dag_frame(db: &dyn Db, wf: Workflow) -> Arc<DagFrame> {
    let tasks: Vec<(&str, &TaskLinks)> = task_nodes(db, wf)
        .iter()
        .map(|n| (n.id(db).as_str(), task_dag_links(db, *n)))
        .collect();
    Arc::new(DagFrame::new(&tasks))
}

/// A DAG module from the per-task nodes only (span-free), so an edit that merely moves the
/// workflow in the file (a comment, a `requirements:` change above it) re-renders nothing;
/// an edit of one task re-renders its statement and copies the others into place.
fn render_dag(db: &dyn Db, wf: Workflow, kind: DagKind) -> Arc<str> {
    let nodes = task_nodes(db, wf);
    let codes: Vec<&TaskCode> = nodes.iter().map(|n| task_dag_code(db, *n)).collect();
    let statements = codes.iter().map(|c| match kind {
        DagKind::MockIo => &c.mock_io,
        DagKind::Production => &c.production,
    });
    Arc::from(dag_frame(db, wf).module(kind, statements))
}

#[salsa::tracked(returns(ref))]
pub fn run_sequential_py(db: &dyn Db, wf: Workflow) -> Arc<str> {
    render_dag(db, wf, DagKind::Production)
}

#[salsa::tracked(returns(ref))]
pub fn run_sequential_mock_io_py(db: &dyn Db, wf: Workflow) -> Arc<str> {
    render_dag(db, wf, DagKind::MockIo)
}
