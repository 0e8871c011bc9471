//! Pydantic v2 models of a workflow's parameter schemas: `<pkg>/params.py` (from
//! `params.json`) and `<pkg>/formdata.py` (from `rjsf.json`).
//!
//! The acceptance criterion is semantic: `Params.model_validate(x)` succeeds exactly when
//! `x` is valid against `params.json` under JSON Schema Draft 2020-12 (what
//! `wt_contracts.validate` checks), and likewise `FormData` against `rjsf.json`.
//!
//! * [`translate`] turns the schema into a type IR ([`ty::Ty`]) and model classes:
//!   strict JSON leaf types, `Literal`s, lists, dicts, unions, model classes for objects
//!   (with `extra="forbid"`/`"allow"`), classes or aliases for `$defs`.
//! * Keywords pydantic has no constraint for (`oneOf`, `not`, `if`/`then`/`else`,
//!   `uniqueItems`, non-string `enum`s, ...) are checked by small helper validators
//!   emitted into the module ([`helpers`]).
//! * [`emit`] writes the module, already formatted like `ruff format` (via
//!   [`crate::pyfmt`]), with the keywords it does not enforce listed in its docstring.

mod emit;
pub mod helpers;
mod names;
mod translate;
pub mod ty;

#[cfg(test)]
mod tests;

use serde_json::Value;

const PARAMS_DOC: &str = r#"Pydantic models of the workflow parameters, mirroring ``params.json``.

``Params.model_validate(params)`` succeeds exactly when ``params`` is valid against
``params.json`` (JSON Schema Draft 2020-12, as ``wt_contracts.validate`` checks it):
each task with parameters is an optional field holding a model of its arguments.
"#;

const FORMDATA_DOC: &str = r#"Pydantic models of the workflow's form data, mirroring ``rjsf.json``.

``FormData.model_validate(formdata)`` succeeds exactly when ``formdata`` is valid
against ``rjsf.json`` (JSON Schema Draft 2020-12, as ``wt_contracts.validate`` checks
it): task groups are nested models (named after their titles) of their tasks' models.
"#;

/// How the schema maps to pydantic (shared by both modules).
const MAPPING_DOC: &str = r#"
How the schema maps to pydantic:

- JSON types are strict (no coercion between strings, numbers and booleans). An
  ``integer`` is a ``JsonInt`` (``1`` or ``1.0``, not ``True``); a ``number`` is a
  ``StrictFloat``.
- A property that may be absent is a field whose default is the schema's ``default``
  (or ``None``); defaults are not validated, and ``None`` is only accepted as input
  where the schema allows ``null``.
- A property whose name is not usable as a Python attribute is a field with an
  ``alias``. Input must use the property name: ``populate_by_name`` is not set, as it
  would also accept the attribute name where the schema forbids other keys.
- ``additionalProperties`` is ``extra="forbid"`` or ``extra="allow"`` (with typed
  extras when it is a schema); ``format`` (e.g. ``date-time``) is an annotation that
  JSON Schema validation does not check, so such fields are plain strings.
- Keywords pydantic has no constraint for (``oneOf``, ``not``, ``if``/``then``/``else``,
  ``uniqueItems``, ``enum``/``const`` of non-string values, ...) are checked by helper
  validators, defined in this module where needed.

Known gaps: a ``number`` too large for a ``float`` (beyond about 1e308) is rejected;
``multipleOf`` uses pydantic's check, which may differ for fractional divisors; a
``pattern`` Python's ``re`` cannot compile matches no string (JSON Schema validation
fails with an error instead).
"#;

/// `<pkg>/params.py` (without the file header) for the `params.json` document.
pub fn params_module(params: &Value) -> String {
    generate(params, "Params", PARAMS_DOC)
}

/// `<pkg>/formdata.py` (without the file header) for the `rjsf.json` document.
pub fn formdata_module(rjsf: &Value) -> String {
    generate(rjsf, "FormData", FORMDATA_DOC)
}

fn generate(document: &Value, root: &str, summary: &str) -> String {
    let translation = translate::translate(document, root);
    let docstring = format!("{summary}{MAPPING_DOC}");
    crate::pyfmt::noqa_long_lines(&emit::module(&translation, &docstring))
}
