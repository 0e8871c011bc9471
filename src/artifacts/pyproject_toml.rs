//! `pyproject.toml` (`artifacts.md` §7): a hatchling project whose version comes from
//! `VERSION.yaml` through `hatch_build.py`, with the CLI as a console script.

use crate::artifacts::{Names, names};
use crate::db::{Db, Workflow};
use crate::templates::{Rendered, render_for};
use minijinja::Value;

const TEMPLATE: &str = "packaging/pyproject.toml.j2";

fn variables(names: &Names) -> Value {
    minijinja::context! { release_name => &names.release_name, package_name => &names.package_name }
}

#[salsa::tracked(returns(ref))]
pub fn pyproject_toml(db: &dyn Db, wf: Workflow) -> Rendered {
    render_for(db, wf, TEMPLATE, variables(names(db, wf)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_and_script() {
        let names = super::Names::new("wt", "demo_flow", "WT_RESULTS");
        let p = crate::templates::render(super::TEMPLATE, super::variables(&names));
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
