//! `tests/test_metadata.py` (`artifacts.md` §9.2): the runner app's metadata endpoints,
//! rendered from `templates/tests/test_metadata.py.j2`. Workflow-specific values come from
//! the fixtures of `conftest.py`, so the module is the same for every workflow.

use crate::db::{Db, Workflow};
use std::sync::Arc;

#[salsa::tracked(returns(ref))]
pub fn test_metadata_py(_db: &dyn Db, _wf: Workflow) -> Arc<str> {
    Arc::from(crate::templates::render(
        "tests/test_metadata.py.j2",
        minijinja::context! {},
    ))
}
