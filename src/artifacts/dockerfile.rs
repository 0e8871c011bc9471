//! `Dockerfile` (`artifacts.md` §5): fetch pixi, install the locked `default` + `runner`
//! environments, serve `wt_runner.app:app`.

use crate::artifacts::{Names, names};
use crate::db::{Db, Workflow};
use crate::spec::requirements::Requirement;
use crate::templates::{Rendered, render_for};
use minijinja::{Value, context};

const TEMPLATE: &str = "packaging/Dockerfile.j2";

/// The template's variables. `local_artifacts`: some conda requirement uses a `file://`
/// channel (the build context then carries a copy of it in `.tmp/`, see the
/// `docker-build` pixi task).
fn variables(names: &Names, pixi_version: &str, local_artifacts: bool) -> Value {
    context! {
        release_name => &names.release_name,
        results_env_var => &names.results_env_var,
        pixi_version => if pixi_version.is_empty() { "latest" } else { pixi_version },
        local_artifacts => local_artifacts,
    }
}

#[salsa::tracked(returns(ref))]
pub fn dockerfile(db: &dyn Db, wf: Workflow) -> Rendered {
    let local = crate::front::requirement_values(db, wf)
        .iter()
        .any(|r| matches!(r, Requirement::Conda(c) if c.channel.is_local()));
    let ctx = variables(names(db, wf), wf.options(db).pixi_version(db), local);
    render_for(db, wf, TEMPLATE, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(names: &Names, pixi_version: &str, local_artifacts: bool) -> String {
        crate::templates::render(TEMPLATE, variables(names, pixi_version, local_artifacts))
    }

    #[test]
    fn dockerfile_variants() {
        let names = Names::new("wt", "demo_flow", "WT_RESULTS");
        let d = render(&names, "", false);
        assert!(d.contains("PIXI_VERSION=latest bash"));
        assert!(d.contains("ECOSCOPE_WORKFLOWS_MATCHSPEC_OVERRIDE=wt-demo-flow-workflow"));
        assert!(d.contains("WT_INVOKERS__RESULTS_ENV_VAR=WT_RESULTS"));
        assert!(!d.contains(".tmp"));
        let d = render(&names, "0.40.0", true);
        assert!(d.contains("PIXI_VERSION=0.40.0 bash"));
        assert!(d.contains("COPY .tmp/ /tmp/") && d.contains("RUN rm -rf .tmp"));
    }
}
