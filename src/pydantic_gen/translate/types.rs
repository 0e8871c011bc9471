//! JSON types as a bit set, and JSON equality.

use serde_json::Value;

/// JSON types as a bit set. Numbers are split into integral and non-integral values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Types(pub(super) u8);

impl Types {
    pub(super) const NULL: Types = Types(1);
    pub(super) const BOOL: Types = Types(2);
    pub(super) const INT: Types = Types(4);
    pub(super) const FRAC: Types = Types(8);
    pub(super) const STR: Types = Types(16);
    pub(super) const ARR: Types = Types(32);
    pub(super) const OBJ: Types = Types(64);
    pub(super) const ALL: Types = Types(127);

    pub(super) fn has(self, other: Types) -> bool {
        self.0 & other.0 != 0
    }
    pub(super) fn and(self, other: Types) -> Types {
        Types(self.0 & other.0)
    }
    pub(super) fn or(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }
    pub(super) fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub(super) fn within(self, other: Types) -> bool {
        self.0 & !other.0 == 0
    }

    /// The types a `type` keyword allows.
    pub(super) fn of_keyword(value: &Value) -> Types {
        let one = |name: &str| match name {
            "null" => Types::NULL,
            "boolean" => Types::BOOL,
            "integer" => Types::INT,
            "number" => Types::INT.or(Types::FRAC),
            "string" => Types::STR,
            "array" => Types::ARR,
            "object" => Types::OBJ,
            _ => Types(0),
        };
        match value {
            Value::String(name) => one(name),
            Value::Array(names) => names
                .iter()
                .filter_map(Value::as_str)
                .fold(Types(0), |acc, name| acc.or(one(name))),
            _ => Types::ALL,
        }
    }

    /// The type of a JSON value.
    pub(super) fn of_value(value: &Value) -> Types {
        match value {
            Value::Null => Types::NULL,
            Value::Bool(_) => Types::BOOL,
            Value::Number(n) => {
                if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                    Types::INT
                } else {
                    Types::FRAC
                }
            }
            Value::String(_) => Types::STR,
            Value::Array(_) => Types::ARR,
            Value::Object(_) => Types::OBJ,
        }
    }
}

/// JSON equality (`1 == 1.0`; objects unordered).
pub(super) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// `values` without JSON-equal repetitions.
pub(super) fn dedup(values: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in values {
        if !out.iter().any(|w| json_eq(&v, w)) {
            out.push(v);
        }
    }
    out
}
