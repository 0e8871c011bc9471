//! Syntax: the spanned YAML tree.

pub mod yaml;
