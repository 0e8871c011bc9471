//! Packaging files rendered from `templates/packaging/`: `Dockerfile`, `.dockerignore`,
//! `pyproject.toml`, `hatch_build.py` (`artifacts.md` §5–8).
//!
//! Each is a pure function of the names and a few options; the salsa queries live in
//! [`crate::artifacts::dockerfile`] and friends.

use crate::artifacts::Names;
use minijinja::context;

/// `Dockerfile`: fetch pixi, install the locked `default` + `runner` environments, serve
/// `wt_runner.app:app`. `local_artifacts`: some conda requirement uses a `file://` channel.
pub fn dockerfile(names: &Names, pixi_version: &str, local_artifacts: bool) -> String {
    crate::templates::render(
        "packaging/Dockerfile.j2",
        context! {
            release_name => &names.release_name,
            results_env_var => &names.results_env_var,
            pixi_version => if pixi_version.is_empty() { "latest" } else { pixi_version },
            local_artifacts => local_artifacts,
        },
    )
}

pub fn dockerignore() -> String {
    crate::templates::render("packaging/dockerignore.j2", context! {})
}

pub fn pyproject_toml(names: &Names) -> String {
    crate::templates::render(
        "packaging/pyproject.toml.j2",
        context! { release_name => &names.release_name, package_name => &names.package_name },
    )
}

pub fn hatch_build_py() -> String {
    crate::templates::render("packaging/hatch_build.py.j2", context! {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packaging_files() {
        let names = Names::new("wt", "demo_flow", "WT_RESULTS");
        let d = dockerfile(&names, "", false);
        assert!(d.contains("PIXI_VERSION=latest bash"));
        assert!(d.contains("ECOSCOPE_WORKFLOWS_MATCHSPEC_OVERRIDE=wt-demo-flow-workflow"));
        assert!(!d.contains(".tmp"));
        let d = dockerfile(&names, "0.40.0", true);
        assert!(d.contains("PIXI_VERSION=0.40.0 bash"));
        assert!(d.contains("COPY .tmp/ /tmp/") && d.contains("RUN rm -rf .tmp"));
        let p = pyproject_toml(&names);
        assert!(p.contains("name = \"wt-demo-flow-workflow\""));
        assert!(p.contains("wt-demo-flow-workflow = \"wt_demo_flow_workflow.cli:cli\""));
        assert!(dockerignore().ends_with("\n\n\n.pixi/\n*.egg-info/\n"));
        assert!(hatch_build_py().contains("class VersionYamlHook(MetadataHookInterface):"));
    }
}
