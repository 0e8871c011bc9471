//! Explicit core tags (`!!str`, `!!int`, …): which tags are supported and how a tagged scalar
//! resolves.

use super::scalar::{construct_float, construct_int, is_decimal, is_float, is_int};
use super::{Scalar, Span, YamlError};
use std::borrow::Cow;

use saphyr_parser::Tag;

/// The name of a core-schema tag (`"str"` for `!!str`), if `tag` is one.
pub(super) fn core_tag(tag: &Tag) -> Option<&str> {
    const CORE: &str = "tag:yaml.org,2002:";
    let name = if tag.handle == CORE {
        tag.suffix.as_str()
    } else if tag.handle.is_empty() {
        tag.suffix.strip_prefix(CORE)?
    } else {
        return None;
    };
    matches!(
        name,
        "str" | "int" | "float" | "bool" | "null" | "map" | "seq"
    )
    .then_some(name)
}

pub(super) fn unsupported_tag(tag: &Tag, span: Span) -> YamlError {
    let shown = if tag.handle == "tag:yaml.org,2002:" {
        format!("!!{}", tag.suffix)
    } else if tag.handle.is_empty() {
        if tag.suffix == "!" {
            "!".to_string()
        } else {
            format!("!<{}>", tag.suffix)
        }
    } else {
        tag.to_string()
    };
    YamlError::new(
        format!(
            "unsupported tag `{shown}` (only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map are allowed)"
        ),
        span,
    )
}

/// Resolves a scalar with an explicit core tag (`name` is `"str"`, `"int"`, ...).
pub(super) fn resolve_tagged(
    name: &str,
    value: Cow<'_, str>,
    span: Span,
) -> Result<Scalar, YamlError> {
    let invalid = || YamlError::new(format!("invalid value for `!!{name}`: `{value}`"), span);
    match name {
        "str" => Ok(Scalar::Str(value.into_owned())),
        "null" => Ok(Scalar::Null),
        "bool" => match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" => Ok(Scalar::Bool(true)),
            "false" | "no" | "n" | "off" => Ok(Scalar::Bool(false)),
            _ => Err(invalid()),
        },
        "int" => {
            if !is_int(&value) {
                return Err(invalid());
            }
            construct_int(&value)
                .map(Scalar::Int)
                .map_err(|m| YamlError::new(m, span))
        }
        "float" => {
            if is_float(&value) || is_decimal(&value) {
                construct_float(&value)
                    .map(Scalar::Float)
                    .ok_or_else(invalid)
            } else {
                Err(invalid())
            }
        }
        "map" | "seq" => Err(YamlError::new(
            format!("the tag `!!{name}` cannot be applied to a scalar"),
            span,
        )),
        _ => Err(invalid()),
    }
}
