//! The spec front-end: model, lowering from YAML, naming rules and requirements.

pub mod fields;
pub mod lower;
pub mod model;
pub mod python_names;
pub mod requirements;
