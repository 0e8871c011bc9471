//! `tests/conftest.py` (`artifacts.md` §9.1): the fixtures of the generated test-suite,
//! rendered from `templates/tests/conftest.py.j2`.
//!
//! Besides the names, the module lists the task instances (id and method, for the trace
//! checks) and the importable references of the io-tagged ones (pointed at empty data in
//! `nodata` runs). Those come from [`test_tasks`], which backdates: edits that change no
//! id, method or io tag (a partial value, a title, ...) do not re-render the file.

use crate::artifacts::names;
use crate::db::{Db, Workflow};
use crate::front::resolution;
use crate::templates::{Rendered, render_for};
use std::sync::Arc;

/// What `conftest.py` needs to know about the task instances.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TestTasks {
    /// Every task instance id with its method (`call`, `map`, `mapvalues`), flat order.
    pub methods: Vec<(String, &'static str)>,
    /// Importable references of the io-tagged task instances, flat order, each once.
    pub io_references: Vec<String>,
}

#[salsa::tracked(returns(ref))]
pub fn test_tasks(db: &dyn Db, wf: Workflow) -> Arc<TestTasks> {
    let mut out = TestTasks::default();
    for t in &resolution(db, wf).tasks {
        out.methods
            .push((t.instance.id.value.clone(), t.instance.method().as_str()));
        if t.known.is_io && !out.io_references.contains(&t.known.importable_reference) {
            out.io_references.push(t.known.importable_reference.clone());
        }
    }
    Arc::new(out)
}

#[salsa::tracked(returns(ref))]
pub fn conftest_py(db: &dyn Db, wf: Workflow) -> Rendered {
    let n = names(db, wf);
    let tasks = test_tasks(db, wf);
    let text = render_for(
        db,
        wf,
        "tests/conftest.py.j2",
        minijinja::context! {
            release_name => &n.release_name,
            package_name => &n.package_name,
            results_env_var => &n.results_env_var,
            io_refs => &tasks.io_references,
            task_methods => &tasks.methods,
        },
    )?;
    // Only a constant built from a long name can exceed the line length.
    Ok(Arc::from(crate::pyfmt::noqa_long_lines(&text)))
}

#[cfg(test)]
mod tests {
    use crate::artifacts::Names;

    fn render(names: &Names, io: &[&str], methods: &[(&str, &str)]) -> String {
        crate::templates::render(
            "tests/conftest.py.j2",
            minijinja::context! {
                release_name => &names.release_name,
                package_name => &names.package_name,
                results_env_var => &names.results_env_var,
                io_refs => io.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                task_methods => methods
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect::<Vec<_>>(),
            },
        )
    }

    #[test]
    fn constants() {
        let names = Names::new("wt", "demo_flow", "MY_RESULTS");
        let text = render(
            &names,
            &["pkg.io.get_events"],
            &[("events", "call"), ("per_day", "mapvalues")],
        );
        assert!(text.contains("\n    \"wt-demo-flow-workflow\"\n"));
        assert!(text.contains("\n    \"wt_demo_flow_workflow\"\n"));
        assert!(text.contains("\n    \"MY_RESULTS\"\n"));
        assert!(text.contains(
            "IO_TASKS_IMPORTABLE_REFERENCES: list[str] = [\n    \"pkg.io.get_events\",\n]\n"
        ));
        assert!(text.contains(concat!(
            "TASK_INSTANCE_METHODS: dict[str, str] = {\n",
            "    \"events\": \"call\",\n",
            "    \"per_day\": \"mapvalues\",\n}\n"
        )));
        // An empty workflow: empty literals (a bracket pair alone would be reformatted).
        let text = render(&names, &[], &[]);
        assert!(text.contains("IO_TASKS_IMPORTABLE_REFERENCES: list[str] = []\n"));
        assert!(text.contains("TASK_INSTANCE_METHODS: dict[str, str] = {}\n"));
    }
}
