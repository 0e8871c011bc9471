//! `hatch_build.py` (`artifacts.md` §8): the hatchling metadata hook that reads the version
//! from `VERSION.yaml`.

use crate::db::{Db, Workflow};
use crate::templates::{Rendered, constant_for};

const TEMPLATE: &str = "packaging/hatch_build.py.j2";

#[salsa::tracked(returns(ref))]
pub fn hatch_build_py(db: &dyn Db, wf: Workflow) -> Rendered {
    constant_for(db, wf, TEMPLATE)
}

#[cfg(test)]
mod tests {
    #[test]
    fn defines_the_hook() {
        assert!(
            crate::templates::constant(super::TEMPLATE)
                .contains("class VersionYamlHook(MetadataHookInterface):")
        );
    }
}
