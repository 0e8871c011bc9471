//! `pyproject.toml` (`artifacts.md` §7): a hatchling project whose version comes from
//! `VERSION.yaml` through `hatch_build.py`, with the CLI as a console script.

use crate::artifacts::{Names, names};
use crate::db::{Db, Workflow};
use std::sync::Arc;

pub fn render(names: &Names) -> String {
    crate::templates::render(
        "packaging/pyproject.toml.j2",
        minijinja::context! { release_name => &names.release_name, package_name => &names.package_name },
    )
}

#[salsa::tracked(returns(ref))]
pub fn pyproject_toml(db: &dyn Db, wf: Workflow) -> Arc<str> {
    Arc::from(render(names(db, wf)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_and_script() {
        let p = super::render(&super::Names::new("wt", "demo_flow", "WT_RESULTS"));
        assert!(p.contains("name = \"wt-demo-flow-workflow\""));
        assert!(p.contains("wt-demo-flow-workflow = \"wt_demo_flow_workflow.cli:cli\""));
        assert!(p.contains("packages = [\"wt_demo_flow_workflow\"]"));
        assert!(
            p.parse::<toml_edit::DocumentMut>()
                .unwrap()
                .get("project")
                .is_some()
        );
    }
}
