//! Mapping keys: scalar keys only, compared the way Python compares dict keys.

use super::{Node, NodeKind, Scalar, Span, YamlError};
use crate::syntax::span::LineIndex;
use std::collections::HashMap;

/// A resolved scalar key, compared the way Python compares dict keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum KeyId {
    Null,
    /// Integers, booleans (0/1) and integral floats.
    Int(i128),
    /// Other floats, by bit pattern (NaN never gets a key id).
    Float(u64),
    Str(String),
    Timestamp(String),
}

impl KeyId {
    pub(super) fn of(scalar: &Scalar) -> Option<KeyId> {
        Some(match scalar {
            Scalar::Null => KeyId::Null,
            Scalar::Bool(b) => KeyId::Int(i128::from(*b)),
            Scalar::Int(i) => KeyId::Int(*i),
            Scalar::Float(f) if f.is_nan() => return None,
            Scalar::Float(f) => {
                // 2^127: every integral float below it in magnitude fits an i128 exactly.
                const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
                if f.fract() == 0.0 && f.abs() < LIMIT {
                    #[allow(clippy::cast_possible_truncation)]
                    KeyId::Int(*f as i128)
                } else {
                    KeyId::Float(f.to_bits())
                }
            }
            Scalar::Str(s) => KeyId::Str(s.clone()),
            Scalar::Timestamp(t) => KeyId::Timestamp(t.clone()),
        })
    }
}

/// Checks that `key` is a scalar that is not in `seen` (keys seen so far in the same mapping), and
/// records it.
pub(super) fn check_key(
    text: &str,
    key: &Node,
    seen: &mut HashMap<KeyId, Span>,
) -> Result<(), YamlError> {
    let NodeKind::Scalar(scalar) = &key.kind else {
        return Err(YamlError::new("mapping keys must be scalars", key.span));
    };
    let Some(id) = KeyId::of(scalar) else {
        return Ok(());
    };
    if let Some(first) = seen.get(&id) {
        let line = LineIndex::new(text).line_col(first.start).0;
        let shown = match scalar {
            Scalar::Str(s) => s.as_str(),
            _ => &text[key.span.start..key.span.end],
        };
        return Err(YamlError::new(
            format!("duplicate key `{shown}` in mapping (first defined at line {line})"),
            key.span,
        ));
    }
    seen.insert(id, key.span);
    Ok(())
}
