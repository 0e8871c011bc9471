//! `<pkg>/rjsf.json`: the grouped form schema with `rjsf-overrides` applied (`artifacts.md` §1.3).

use crate::artifacts::params_json::{ordered_fragments, render_checked};
use crate::db::{Db, Workflow};
use crate::diagnostics::Diagnostic;
use crate::front::spec_model;
use crate::schema::{Fragments, rjsf_schema};
use std::sync::Arc;

/// The rjsf schema as a JSON value (also the input of `formdata.py` and part of the
/// artifact hashes of the fingerprint).
#[salsa::tracked(returns(ref))]
pub fn rjsf_value(db: &dyn Db, wf: Workflow) -> Result<Arc<serde_json::Value>, Vec<Diagnostic>> {
    Ok(Arc::new(build_rjsf_value(db, wf)?))
}

/// The rjsf schema, not memoized (`check` drops it once checked).
pub fn build_rjsf_value(db: &dyn Db, wf: Workflow) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let frags = ordered_fragments(db, wf).clone()?;
    let by_id: Fragments = frags
        .iter()
        .filter_map(|(id, f)| f.clone().map(|f| (id.clone(), f)))
        .collect();
    rjsf_schema(spec_model(db, wf), &by_id)
}

#[salsa::tracked(returns(ref))]
pub fn rjsf_json(db: &dyn Db, wf: Workflow) -> Result<Arc<str>, Vec<Diagnostic>> {
    let value = rjsf_value(db, wf).clone()?;
    render_checked(db, wf, "rjsf.json", &value)
}
