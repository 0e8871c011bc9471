//! `tests/test_results.py` (`artifacts.md` §9.3): runs the test cases and checks the
//! response (snapshots) and the OpenTelemetry trace, rendered from
//! `templates/tests/test_results.py.j2`.
//!
//! Unlike the reference, the checks hold for every workflow: no ecoscope conventions (a
//! first task named `workflow_details`, `time_range`/`groupers` params, dashboard views).
//! Workflow-specific values come from the fixtures of `conftest.py`, so the module is the
//! same for every workflow.

use crate::db::{Db, Workflow};
use crate::templates::{Rendered, constant_for};

const TEMPLATE: &str = "tests/test_results.py.j2";

#[salsa::tracked(returns(ref))]
pub fn test_results_py(db: &dyn Db, wf: Workflow) -> Rendered {
    constant_for(db, wf, TEMPLATE)
}
