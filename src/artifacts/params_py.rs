//! `<pkg>/params.py`: pydantic models mirroring `params.json` (see [`crate::pydantic_gen`]).

use crate::artifacts::params_json::params_value;
use crate::db::{Db, Workflow};
use crate::diagnostics::Diagnostic;
use crate::templates::HEADER;
use std::sync::Arc;

/// The module text; recomputed only when the params schema changes (it backdates).
#[salsa::tracked(returns(ref))]
pub fn params_py(db: &dyn Db, wf: Workflow) -> Result<Arc<str>, Vec<Diagnostic>> {
    let value = params_value(db, wf).clone()?;
    let module = crate::pydantic_gen::params_module(&value);
    Ok(Arc::from(format!("{HEADER}\n{module}")))
}
