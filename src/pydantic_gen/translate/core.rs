//! The core of a schema (its `type`, `enum`/`const` and type-specific keywords) as one
//! Python type: literals, strict leaf types with pydantic constraints, lists and models.

use super::{ClassDef, ClassKind, Extra, FieldDef, Translator, Types, dedup, json_eq};
use crate::pydantic_gen::helpers::Helper;
use crate::pydantic_gen::names::pascal_case;
use crate::pydantic_gen::ty::{Check, Meta, Ty, number_literal};
use crate::pyfmt::{Arg, Expr, py_str};
use serde_json::{Map, Value};

/// The core of a schema: its type from `type`, `enum`/`const` and type-specific keywords.
pub(super) struct Core {
    pub(super) ty: Ty,
    /// The core only restricts JSON types (no other constraint).
    pub(super) bare: bool,
    /// The model class created for this very schema, if any.
    pub(super) class: Option<String>,
}

impl Translator<'_> {
    /// The core type: from `enum`/`const`, or from `type` and the type-specific keywords.
    pub(super) fn core(
        &mut self,
        schema: &Value,
        obj: &Map<String, Value>,
        hint: &str,
        types: Types,
    ) -> Option<Core> {
        let mut values: Option<Vec<Value>> = obj
            .get("enum")
            .and_then(Value::as_array)
            .map(|values| values.to_vec());
        if let Some(constant) = obj.get("const") {
            values = Some(match values {
                Some(values) => values
                    .into_iter()
                    .filter(|v| json_eq(v, constant))
                    .collect(),
                None => vec![constant.clone()],
            });
        }
        if let Some(values) = values {
            let values = dedup(
                values
                    .into_iter()
                    .filter(|v| types.has(Types::of_value(v)))
                    .collect(),
            );
            if values.is_empty() {
                return Some(Core {
                    ty: Ty::Never,
                    bare: false,
                    class: None,
                });
            }
            let value_types = values
                .iter()
                .fold(Types(0), |acc, v| acc.or(Types::of_value(v)));
            let literal = Ty::Literal(values);
            // Other constraints of those types still apply to the listed values. (A class
            // made for them must not take the name reserved for this schema.)
            let ptr = schema as *const Value;
            let reserved = self.class_for.remove(&ptr);
            let (typed, constrained, _) = self.typed(schema, obj, hint, value_types);
            if let Some(name) = reserved {
                self.class_for.insert(ptr, name);
            }
            let ty = if constrained {
                literal.with(Meta::Before(Check::AllOf(vec![typed])))
            } else {
                literal
            };
            return Some(Core {
                ty,
                bare: false,
                class: None,
            });
        }
        if !obj.contains_key("type") && !has_type_keywords(obj) {
            return None;
        }
        let (ty, constrained, class) = self.typed(schema, obj, hint, types);
        Some(Core {
            ty,
            bare: !constrained,
            class,
        })
    }

    /// One union member per allowed JSON type, with that type's keywords. Returns the type,
    /// whether any keyword constrains it beyond the JSON types, and the model class created.
    pub(super) fn typed(
        &mut self,
        schema: &Value,
        obj: &Map<String, Value>,
        hint: &str,
        types: Types,
    ) -> (Ty, bool, Option<String>) {
        let mut members = Vec::new();
        let mut constrained = false;
        let mut class = None;
        if types.has(Types::OBJ) {
            let (ty, c, cls) = self.object(schema, obj, hint);
            constrained |= c;
            class = cls;
            members.push(ty);
        }
        if types.has(Types::ARR) {
            let (ty, c) = self.array(obj, hint);
            constrained |= c;
            members.push(ty);
        }
        if types.has(Types::STR) {
            let mut kwargs = Vec::new();
            for (keyword, arg) in [("minLength", "min_length"), ("maxLength", "max_length")] {
                if let Some(n) = obj.get(keyword).and_then(Value::as_u64) {
                    kwargs.push((arg.to_string(), Expr::Atom(n.to_string())));
                }
            }
            if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
                // A compiled pattern makes pydantic use Python's `re.search`, as JSON
                // Schema validation does (`_pattern` compiles it, never failing).
                kwargs.push((
                    "pattern".to_string(),
                    Expr::call(
                        Helper::Pattern.name(),
                        vec![Arg::Positional(Expr::Atom(py_str(pattern)))],
                    ),
                ));
            }
            constrained |= !kwargs.is_empty();
            members.push(with_field(Ty::Name("StrictStr".into()), kwargs));
        }
        if types.has(Types::INT.or(Types::FRAC)) {
            let integer = !types.has(Types::FRAC);
            let kwargs = number_kwargs(obj, integer);
            constrained |= !kwargs.is_empty();
            let name = if integer { "JsonInt" } else { "StrictFloat" };
            members.push(with_field(Ty::Name(name.into()), kwargs));
        }
        if types.has(Types::BOOL) {
            members.push(Ty::Name("StrictBool".into()));
        }
        if types.has(Types::NULL) {
            members.push(Ty::Name("None".into()));
        }
        if types == Types::ALL && !constrained {
            return (Ty::Any, false, class);
        }
        (Ty::union(members), constrained, class)
    }

    pub(super) fn array(&mut self, obj: &Map<String, Value>, hint: &str) -> (Ty, bool) {
        let item = match obj.get("items") {
            Some(items) => self.ty(items, &format!("{hint}Item"), Types::ALL),
            None => Ty::Any,
        };
        let mut constrained = item != Ty::Any;
        let mut kwargs = Vec::new();
        for (keyword, arg) in [("minItems", "min_length"), ("maxItems", "max_length")] {
            if let Some(n) = obj.get(keyword).and_then(Value::as_u64) {
                kwargs.push((arg.to_string(), Expr::Atom(n.to_string())));
            }
        }
        constrained |= !kwargs.is_empty();
        let mut ty = with_field(Ty::List(Box::new(item)), kwargs);
        if obj.get("uniqueItems") == Some(&Value::Bool(true)) {
            constrained = true;
            ty = ty.with(Meta::Before(Check::UniqueItems));
        }
        (ty, constrained)
    }

    /// The object member: a model class when the schema has properties, requires keys or
    /// forbids others; else `dict[str, ...]`.
    pub(super) fn object(
        &mut self,
        schema: &Value,
        obj: &Map<String, Value>,
        hint: &str,
    ) -> (Ty, bool, Option<String>) {
        // Long on purpose: one model class from the object keywords (properties, required,
        // defaults, additionalProperties, patternProperties), which share the class being built.
        let empty = Map::new();
        let properties = obj
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let additional = obj.get("additionalProperties");
        // With `patternProperties` (not enforced), undeclared keys may be fine.
        let additional = if obj.contains_key("patternProperties") {
            None
        } else {
            additional
        };
        let forbids = additional == Some(&Value::Bool(false));
        let ptr = schema as *const Value;
        if properties.is_empty()
            && required.is_empty()
            && !forbids
            && !self.class_for.contains_key(&ptr)
        {
            return match additional {
                Some(value @ Value::Object(_)) => {
                    let ty = self.ty(value, &format!("{hint}Value"), Types::ALL);
                    let constrained = ty != Ty::Any;
                    (Ty::Dict(Box::new(ty)), constrained, None)
                }
                _ => (Ty::Dict(Box::new(Ty::Any)), false, None),
            };
        }
        let name = match self.class_for.remove(&ptr) {
            Some(name) => name,
            None => self.namer.claim(hint),
        };
        // Tasks are named after their ids, also inside task groups.
        let prefix = if std::ptr::eq(schema, self.root)
            || obj.get("ecoscope:task_group") == Some(&Value::Bool(true))
        {
            String::new()
        } else {
            name.clone()
        };
        let mut fields = Vec::new();
        for (key, prop) in properties {
            let ty = self.ty(prop, &format!("{prefix}{}", pascal_case(key)), Types::ALL);
            let is_required = required.contains(&key.as_str());
            let text = |k: &str| prop.get(k).and_then(Value::as_str).map(str::to_string);
            fields.push(FieldDef {
                key: key.clone(),
                ty,
                required: is_required,
                default: if is_required {
                    None
                } else {
                    prop.get("default").cloned()
                },
                title: text("title"),
                description: text("description"),
            });
        }
        let extra = match additional {
            Some(Value::Bool(false)) => Extra::Forbid,
            Some(value @ Value::Object(_)) => {
                match self.ty(value, &format!("{name}Value"), Types::ALL) {
                    Ty::Any => Extra::Allow,
                    ty => Extra::Typed(ty),
                }
            }
            _ => Extra::Allow,
        };
        // Required keys without a property schema: any value allowed for extra keys.
        for key in &required {
            if !properties.contains_key(*key) {
                let ty = match &extra {
                    Extra::Forbid => Ty::Never,
                    Extra::Allow => Ty::Any,
                    Extra::Typed(ty) => ty.clone(),
                };
                fields.push(FieldDef {
                    key: key.to_string(),
                    ty,
                    required: true,
                    default: None,
                    title: None,
                    description: None,
                });
            }
        }
        self.classes.push(ClassDef {
            name: name.clone(),
            kind: ClassKind::Model {
                extra,
                fields,
                checks: Vec::new(),
            },
        });
        (Ty::Name(name.clone()), true, Some(name))
    }
}

/// Keywords that only apply to values of one JSON type.
pub(super) fn has_type_keywords(obj: &Map<String, Value>) -> bool {
    const KEYWORDS: &[&str] = &[
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ];
    KEYWORDS.iter().any(|k| obj.contains_key(*k))
}

/// `Annotated[ty, Field(kwargs)]`, or `ty` without kwargs.
pub(super) fn with_field(ty: Ty, kwargs: Vec<(String, Expr)>) -> Ty {
    if kwargs.is_empty() {
        ty
    } else {
        ty.with(Meta::Field(kwargs))
    }
}

/// pydantic's numeric constraints. Integer bounds must be integers: a fractional bound
/// is rounded inwards (`minimum: 0.5` is `ge=1`).
pub(super) fn number_kwargs(obj: &Map<String, Value>, integer: bool) -> Vec<(String, Expr)> {
    let mut kwargs = Vec::new();
    for (keyword, arg) in [
        ("minimum", "ge"),
        ("exclusiveMinimum", "gt"),
        ("maximum", "le"),
        ("exclusiveMaximum", "lt"),
        ("multipleOf", "multiple_of"),
    ] {
        let Some(Value::Number(n)) = obj.get(keyword) else {
            continue;
        };
        let text = if integer && !(n.is_i64() || n.is_u64()) {
            let f = n.as_f64().unwrap_or(0.0);
            let rounded = match arg {
                "ge" | "lt" => f.ceil(),
                "gt" | "le" => f.floor(),
                // A fractional `multipleOf` of integers: no integer shortcut.
                _ => {
                    kwargs.push((arg.to_string(), Expr::Atom(number_literal(n))));
                    continue;
                }
            };
            if !rounded.is_finite() || rounded.abs() > 9.007_199_254_740_992e15 {
                number_literal(n)
            } else {
                format!("{}", rounded as i64)
            }
        } else {
            number_literal(n)
        };
        kwargs.push((arg.to_string(), Expr::Atom(text)));
    }
    kwargs
}
