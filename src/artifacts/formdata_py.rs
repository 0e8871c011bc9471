//! `<pkg>/formdata.py`: pydantic models mirroring `rjsf.json` (see [`crate::pydantic_gen`]).

use crate::artifacts::rjsf_json::rjsf_value;
use crate::db::{Db, Workflow};
use crate::diagnostics::Diagnostic;
use crate::templates::HEADER;
use std::sync::Arc;

/// The module text; recomputed only when the form schema changes (it backdates).
#[salsa::tracked(returns(ref))]
pub fn formdata_py(db: &dyn Db, wf: Workflow) -> Result<Arc<str>, Vec<Diagnostic>> {
    let value = rjsf_value(db, wf).clone()?;
    let module = crate::pydantic_gen::formdata_module(&value);
    Ok(Arc::from(format!("{HEADER}\n{module}")))
}
