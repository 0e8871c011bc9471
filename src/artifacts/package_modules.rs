//! `<pkg>/cli.py`, `dispatch.py`, `metadata.py`, `response.py` (`artifacts.md` §3), rendered
//! from the templates in `templates/package/`. They depend only on the names.

use crate::artifacts::names;
use crate::db::{Db, Workflow};
use crate::templates::{Rendered, render_for};

fn render(db: &dyn Db, wf: Workflow, template: &'static str) -> Rendered {
    let n = names(db, wf);
    render_for(
        db,
        wf,
        template,
        minijinja::context! {
            release_name => n.release_name.clone(),
            package_name => n.package_name.clone(),
            results_env_var => n.results_env_var.clone(),
        },
    )
}

#[salsa::tracked(returns(ref))]
pub fn cli_py(db: &dyn Db, wf: Workflow) -> Rendered {
    render(db, wf, "package/cli.py.j2")
}

#[salsa::tracked(returns(ref))]
pub fn dispatch_py(db: &dyn Db, wf: Workflow) -> Rendered {
    render(db, wf, "package/dispatch.py.j2")
}

#[salsa::tracked(returns(ref))]
pub fn metadata_py(db: &dyn Db, wf: Workflow) -> Rendered {
    render(db, wf, "package/metadata.py.j2")
}

#[salsa::tracked(returns(ref))]
pub fn response_py(db: &dyn Db, wf: Workflow) -> Rendered {
    render(db, wf, "package/response.py.j2")
}
