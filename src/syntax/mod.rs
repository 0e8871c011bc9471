//! Syntax: source positions, the spanned YAML tree and spanned TOML reading.

pub mod span;
pub mod toml;
pub mod yaml;
