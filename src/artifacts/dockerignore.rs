//! `.dockerignore` (`artifacts.md` §6).

use crate::db::{Db, Workflow};
use crate::templates::{Rendered, constant_for};

const TEMPLATE: &str = "packaging/dockerignore.j2";

#[salsa::tracked(returns(ref))]
pub fn dockerignore(db: &dyn Db, wf: Workflow) -> Rendered {
    constant_for(db, wf, TEMPLATE)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ignores_pixi_envs_and_egg_info() {
        assert!(
            crate::templates::constant(super::TEMPLATE).ends_with("\n\n\n.pixi/\n*.egg-info/\n")
        );
    }
}
