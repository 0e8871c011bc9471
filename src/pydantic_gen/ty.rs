//! The type IR between JSON Schema and Python annotations, and its rendering.

use super::helpers::{Helper, Used};
use crate::pyfmt::{Arg, Expr, py_float, py_int, py_str};
use serde_json::Value;

/// A Python type for a JSON value (an annotation that is also a runtime expression).
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// Every value.
    Any,
    /// No value (an unsatisfiable schema).
    Never,
    /// A name: `StrictStr`, `None`, a generated class or alias.
    Name(String),
    /// Exactly these JSON values (JSON equality: `1 == 1.0`, `True != 1`).
    Literal(Vec<Value>),
    /// `list[item]`.
    List(Box<Ty>),
    /// `dict[str, value]`.
    Dict(Box<Ty>),
    /// `a | b | ...` (pydantic's smart union: valid when one member is).
    Union(Vec<Ty>),
    /// `Annotated[ty, ...]`: constraints and validators.
    Annotated(Box<Ty>, Vec<Meta>),
}

/// Metadata of an `Annotated` type.
#[derive(Clone, Debug, PartialEq)]
pub enum Meta {
    /// `Field(<keyword arguments>)`: pydantic's own constraints.
    Field(Vec<(String, Expr)>),
    /// `BeforeValidator(<check>)`: a check of the raw value (see [`Check`]).
    Before(Check),
}

/// A validation beyond the type, run on the raw value: one of the helper functions.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// The value must also be valid for each type (`allOf`).
    AllOf(Vec<Ty>),
    /// Exactly one of the types must accept the value (`oneOf`).
    OneOf(Vec<Ty>),
    /// The type must reject the value (`not`).
    Not(Box<Ty>),
    /// `if`/`then`/`else`.
    IfThenElse(Box<Ty>, Option<Box<Ty>>, Option<Box<Ty>>),
    /// The value must equal one of these (JSON equality).
    Enum(Vec<Value>),
    /// Array items must be unique (JSON equality).
    UniqueItems,
    /// Objects: the number of properties.
    PropertyCount(Option<u64>, Option<u64>),
    /// Objects: when a key is present, these keys must be too.
    DependentRequired(Vec<(String, Vec<String>)>),
    /// Fails for every value.
    Never,
}

impl Ty {
    /// `Annotated[self, meta]`, merged into an existing `Annotated`.
    pub fn with(self, meta: Meta) -> Ty {
        match self {
            Ty::Annotated(inner, mut metas) => {
                metas.push(meta);
                Ty::Annotated(inner, metas)
            }
            other => Ty::Annotated(Box::new(other), vec![meta]),
        }
    }

    /// A union of `members`, flattened and de-duplicated, `None` last; `Any` absorbs all,
    /// `Never` members vanish.
    pub fn union(members: Vec<Ty>) -> Ty {
        let mut flat: Vec<Ty> = Vec::new();
        let mut has_none = false;
        for member in members {
            let parts = match member {
                Ty::Union(parts) => parts,
                other => vec![other],
            };
            for part in parts {
                match part {
                    Ty::Any => return Ty::Any,
                    Ty::Never => {}
                    Ty::Name(ref name) if name == "None" => has_none = true,
                    // Literals merge into one; their `None` goes last like any other.
                    Ty::Literal(values) => {
                        let (nulls, values): (Vec<Value>, Vec<Value>) =
                            values.into_iter().partition(Value::is_null);
                        has_none |= !nulls.is_empty();
                        if values.is_empty() {
                            continue;
                        }
                        match flat.iter_mut().find(|t| matches!(t, Ty::Literal(_))) {
                            Some(Ty::Literal(existing)) => {
                                for v in values {
                                    if !existing.contains(&v) {
                                        existing.push(v);
                                    }
                                }
                            }
                            _ => flat.push(Ty::Literal(values)),
                        }
                    }
                    part if !flat.contains(&part) => flat.push(part),
                    _ => {}
                }
            }
        }
        if has_none {
            flat.push(Ty::Name("None".into()));
        }
        match flat.len() {
            0 => Ty::Never,
            1 => flat.pop().expect("one member"),
            _ => Ty::Union(flat),
        }
    }

    /// The names of generated classes/aliases this type mentions (for dependency checks).
    pub fn mentions(&self, name: &str) -> bool {
        match self {
            Ty::Any | Ty::Never | Ty::Literal(_) => false,
            Ty::Name(n) => n == name,
            Ty::List(t) | Ty::Dict(t) => t.mentions(name),
            Ty::Union(members) => members.iter().any(|t| t.mentions(name)),
            Ty::Annotated(t, metas) => {
                t.mentions(name)
                    || metas.iter().any(|m| match m {
                        Meta::Field(_) => false,
                        Meta::Before(check) => check.types().any(|t| t.mentions(name)),
                    })
            }
        }
    }

    /// Render as a Python expression, recording the names and helpers it uses.
    pub fn expr(&self, used: &mut Used) -> Expr {
        match self {
            Ty::Any => {
                used.name("Any");
                Expr::atom("Any")
            }
            Ty::Never => {
                used.helper(Helper::Never);
                Ty::Any.with(Meta::Before(Check::Never)).expr(used)
            }
            Ty::Name(name) => {
                used.name(name);
                Expr::atom(name.as_str())
            }
            Ty::Literal(values) => literal_expr(values, used),
            Ty::List(item) => Expr::subscript("list", vec![item.expr(used)]),
            Ty::Dict(value) => Expr::subscript("dict", vec![Expr::atom("str"), value.expr(used)]),
            Ty::Union(members) => {
                let mut operands = Vec::new();
                for member in members {
                    match member.expr(used) {
                        // A union member that is itself a union (a rendered literal with
                        // `None`) is spliced in.
                        Expr::Union(inner) => operands.extend(inner),
                        expr => operands.push(expr),
                    }
                }
                Expr::Union(operands)
            }
            Ty::Annotated(inner, metas) => {
                let mut items = vec![inner.expr(used)];
                for meta in metas {
                    items.push(meta.expr(used));
                }
                used.name("Annotated");
                Expr::subscript("Annotated", items)
            }
        }
    }
}

impl Meta {
    fn expr(&self, used: &mut Used) -> Expr {
        match self {
            Meta::Field(kwargs) => {
                used.name("Field");
                for (_, value) in kwargs {
                    note_calls(value, used);
                }
                Expr::call(
                    "Field",
                    kwargs
                        .iter()
                        .map(|(k, v)| Arg::Keyword(k.clone(), v.clone()))
                        .collect(),
                )
            }
            Meta::Before(check) => {
                used.name("BeforeValidator");
                Expr::call("BeforeValidator", vec![Arg::Positional(check.expr(used))])
            }
        }
    }
}

impl Check {
    /// The types the check refers to.
    pub fn types(&self) -> Box<dyn Iterator<Item = &Ty> + '_> {
        match self {
            Check::AllOf(types) | Check::OneOf(types) => Box::new(types.iter()),
            Check::Not(t) => Box::new(std::iter::once(t.as_ref())),
            Check::IfThenElse(i, t, e) => Box::new(
                std::iter::once(i.as_ref())
                    .chain(t.as_deref())
                    .chain(e.as_deref()),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }

    /// The helper call, e.g. `_one_of(A, B)`, or the helper itself for argument-less checks.
    pub fn expr(&self, used: &mut Used) -> Expr {
        let types = |types: &[Ty], used: &mut Used| -> Vec<Arg> {
            types
                .iter()
                .map(|t| Arg::Positional(t.expr(used)))
                .collect()
        };
        // A missing `then`/`else` accepts everything (`None` would be the type `None`).
        let optional = |t: &Option<Box<Ty>>, used: &mut Used| match t {
            Some(t) => t.expr(used),
            None => Ty::Any.expr(used),
        };
        let (helper, args) = match self {
            Check::AllOf(ts) => (Helper::AllOf, types(ts, used)),
            Check::OneOf(ts) => (Helper::OneOf, types(ts, used)),
            Check::Not(t) => (Helper::Not, vec![Arg::Positional(t.expr(used))]),
            Check::IfThenElse(i, t, e) => (
                Helper::IfThenElse,
                vec![
                    Arg::Positional(i.expr(used)),
                    Arg::Positional(optional(t, used)),
                    Arg::Positional(optional(e, used)),
                ],
            ),
            Check::Enum(values) => (
                Helper::Enum,
                values
                    .iter()
                    .map(|v| Arg::Positional(json_expr(v)))
                    .collect(),
            ),
            Check::UniqueItems => {
                used.helper(Helper::UniqueItems);
                return Expr::atom(Helper::UniqueItems.name());
            }
            Check::Never => {
                used.helper(Helper::Never);
                return Expr::atom(Helper::Never.name());
            }
            Check::PropertyCount(min, max) => (
                Helper::PropertyCount,
                vec![
                    Arg::Positional(opt_int(*min)),
                    Arg::Positional(opt_int(*max)),
                ],
            ),
            Check::DependentRequired(deps) => (
                Helper::DependentRequired,
                vec![Arg::Positional(Expr::dict(
                    deps.iter()
                        .map(|(k, vs)| {
                            (
                                Expr::Atom(py_str(k)),
                                Expr::list(vs.iter().map(|v| Expr::Atom(py_str(v))).collect()),
                            )
                        })
                        .collect(),
                ))],
            ),
        };
        used.helper(helper);
        Expr::call(helper.name(), args)
    }
}

fn opt_int(n: Option<u64>) -> Expr {
    Expr::Atom(n.map_or_else(|| "None".to_string(), |n| n.to_string()))
}

/// How a literal's values can be written.
fn literal_kind(values: &[Value]) -> LiteralKind {
    let mut kind = LiteralKind::Plain;
    let (mut bools, mut ints) = (false, false);
    for v in values {
        match v {
            Value::String(_) | Value::Null => {}
            Value::Bool(_) => bools = true,
            Value::Number(n) if n.is_i64() || n.is_u64() => ints = true,
            _ => return LiteralKind::Generic,
        }
    }
    if bools && ints {
        // `Literal[True, 1]` cannot tell `True` from `1`.
        return LiteralKind::Generic;
    }
    if bools || ints {
        kind = LiteralKind::JsonTyped;
    }
    kind
}

enum LiteralKind {
    /// Strings and `None`: `Literal[...]` is exact.
    Plain,
    /// With booleans or integers: `Literal[...]` plus the `_json_literal` wrap validator.
    JsonTyped,
    /// Floats, arrays, objects: `Any` plus the `_enum` check.
    Generic,
}

fn literal_expr(values: &[Value], used: &mut Used) -> Expr {
    match literal_kind(values) {
        LiteralKind::Generic => Ty::Any
            .with(Meta::Before(Check::Enum(values.to_vec())))
            .expr(used),
        kind => {
            let non_null: Vec<Expr> = values
                .iter()
                .filter(|v| !v.is_null())
                .map(json_expr)
                .collect();
            let has_null = values.iter().any(Value::is_null);
            if non_null.is_empty() {
                return Expr::atom("None");
            }
            used.name("Literal");
            let mut lit = Expr::subscript("Literal", non_null);
            if matches!(kind, LiteralKind::JsonTyped) {
                used.name("Annotated");
                used.name("WrapValidator");
                used.helper(Helper::JsonLiteral);
                lit = Expr::subscript(
                    "Annotated",
                    vec![
                        lit,
                        Expr::call(
                            "WrapValidator",
                            vec![Arg::Positional(Expr::atom(Helper::JsonLiteral.name()))],
                        ),
                    ],
                );
            }
            if has_null {
                Expr::Union(vec![lit, Expr::atom("None")])
            } else {
                lit
            }
        }
    }
}

/// A JSON value as a Python literal expression.
pub fn json_expr(value: &Value) -> Expr {
    match value {
        Value::Null => Expr::atom("None"),
        Value::Bool(b) => Expr::atom(if *b { "True" } else { "False" }),
        Value::Number(n) => Expr::Atom(number_literal(n)),
        Value::String(s) => Expr::Atom(py_str(s)),
        Value::Array(items) => Expr::list(items.iter().map(json_expr).collect()),
        Value::Object(map) => Expr::dict(
            map.iter()
                .map(|(k, v)| (Expr::Atom(py_str(k)), json_expr(v)))
                .collect(),
        ),
    }
}

/// A JSON number as a Python literal: integers as integers, others as floats.
pub fn number_literal(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        py_int(i128::from(i))
    } else if let Some(u) = n.as_u64() {
        py_int(i128::from(u))
    } else {
        py_float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// Record the helper a constraint's value calls (`_pattern(...)`).
pub fn note_calls(value: &Expr, used: &mut Used) {
    if let Expr::Call { callee, .. } = value
        && callee == Helper::Pattern.name()
    {
        used.helper(Helper::Pattern);
    }
}
