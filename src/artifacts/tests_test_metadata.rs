//! `tests/test_metadata.py` (`artifacts.md` §9.2): the runner app's metadata endpoints,
//! rendered from `templates/tests/test_metadata.py.j2`. Workflow-specific values come from
//! the fixtures of `conftest.py`, so the module is the same for every workflow.

use crate::db::{Db, Workflow};
use crate::templates::{Rendered, constant_for};

const TEMPLATE: &str = "tests/test_metadata.py.j2";

#[salsa::tracked(returns(ref))]
pub fn test_metadata_py(db: &dyn Db, wf: Workflow) -> Rendered {
    constant_for(db, wf, TEMPLATE)
}
