//! Syntax: source positions and the spanned YAML tree.

pub mod span;
pub mod yaml;
