//! JSON Schema (Draft 2020-12) → [`Ty`]s and model classes.
//!
//! A schema is a conjunction of assertions. Its *core* (`type`, `enum`/`const` and the
//! keywords of each type) becomes one Python type: a union with one member per allowed
//! JSON type (`StrictStr`, `JsonInt`, `list[...]`, a model class for objects with
//! properties, ...), or a `Literal`. The other assertions (`$ref`, `allOf`, `anyOf`,
//! `oneOf`, `not`, `if`/`then`/`else`, object-level counts) either provide the type when
//! there is no core (`allOf: [{$ref}]`, `anyOf: [A, null]`), or become checks: helper
//! validators on the type, or a `model_validator` of the model class the core created.
//!
//! Subschemas that apply to the same instance (`allOf`, `if`, ...) are translated knowing
//! the JSON types the enclosing schema allows, so that e.g. an `if: {properties: ...}`
//! under `type: object` is a plain model.

mod core;
mod types;

use super::helpers::reserved_names;
use super::names::Namer;
use super::ty::{Check, Meta, Ty};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

use core::Core;
use types::{Types, dedup, json_eq};

/// A generated class.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub name: String,
    pub kind: ClassKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClassKind {
    /// A `BaseModel` for an object schema.
    Model {
        extra: Extra,
        fields: Vec<FieldDef>,
        /// Checks of the raw input beyond the fields (a `model_validator`).
        checks: Vec<Check>,
    },
    /// A `RootModel` for a definition that is not an object and refers to other definitions.
    Root(Ty),
}

/// What a model does with properties it does not declare (`additionalProperties`).
#[derive(Clone, Debug, PartialEq)]
pub enum Extra {
    Forbid,
    Allow,
    /// Allowed when valid for this type (`__pydantic_extra__: dict[str, T]`).
    Typed(Ty),
}

/// One property of an object schema.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDef {
    /// The property name (the JSON key).
    pub key: String,
    pub ty: Ty,
    pub required: bool,
    /// The schema's `default` (optional fields only).
    pub default: Option<Value>,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// A keyword this generator does not enforce, and where it occurs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub keyword: String,
    /// The name of the class (or class-like path) the keyword belongs to.
    pub location: String,
}

/// The translation of a whole document.
#[derive(Debug)]
pub struct Translation {
    /// Module-level aliases for definitions that are plain types (no references).
    pub aliases: Vec<(String, Ty)>,
    /// Classes in definition order (a class's inline children before it).
    pub classes: Vec<ClassDef>,
    pub namer: Namer,
    pub gaps: Vec<Gap>,
}

/// Assertion keywords that are not enforced (the models accept more than the schema).
const UNSUPPORTED: &[&str] = &[
    "patternProperties",
    "propertyNames",
    "prefixItems",
    "contains",
    "unevaluatedItems",
    "unevaluatedProperties",
    "dependentSchemas",
    "$dynamicRef",
];

/// Translates one schema document (`params.json` or `rjsf.json`).
pub struct Translator<'a> {
    root: &'a Value,
    def_names: HashMap<String, String>,
    /// Definitions that are object schemas with properties (they become models).
    model_defs: HashSet<String>,
    /// Class names reserved for particular schemas (definitions and the root).
    class_for: HashMap<*const Value, String>,
    namer: Namer,
    classes: Vec<ClassDef>,
    aliases: Vec<(String, Ty)>,
    gaps: Vec<Gap>,
}

/// Translate `document`, whose root must become a model named `root_name`.
pub fn translate(document: &Value, root_name: &str) -> Translation {
    let mut reserved = reserved_names();
    reserved.push(root_name);
    let mut t = Translator {
        root: document,
        def_names: HashMap::new(),
        model_defs: HashSet::new(),
        class_for: HashMap::new(),
        namer: Namer::new(&reserved),
        classes: Vec::new(),
        aliases: Vec::new(),
        gaps: Vec::new(),
    };
    let empty = Map::new();
    let defs = document
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (key, schema) in defs {
        let name = t.namer.claim(key);
        let object = schema.get("type") == Some(&Value::String("object".into()))
            && schema
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| !p.is_empty());
        if object
            && !schema
                .as_object()
                .is_some_and(|o| o.contains_key("enum") || o.contains_key("const"))
        {
            t.model_defs.insert(name.clone());
        }
        t.def_names.insert(key.clone(), name);
    }
    for (key, schema) in defs {
        t.definition(key, schema);
    }
    // The root: an object (`wt_contracts.validate` rejects anything else).
    t.class_for
        .insert(document as *const Value, root_name.to_string());
    let ty = t.ty(document, root_name, Types::OBJ);
    if ty != Ty::Name(root_name.to_string()) {
        t.class_for.remove(&(document as *const Value));
        t.classes.push(ClassDef {
            name: root_name.to_string(),
            kind: ClassKind::Root(ty),
        });
    }
    Translation {
        aliases: t.aliases,
        classes: t.classes,
        namer: t.namer,
        gaps: t.gaps,
    }
}

impl Translator<'_> {
    /// A `$defs` entry: a model class when it is an object, else an alias, or a root
    /// model when it refers to definitions (which may be defined later, or recursive).
    fn definition(&mut self, key: &str, schema: &Value) {
        let name = self.def_names[key].clone();
        let ptr = schema as *const Value;
        // Only a plain object schema is the model itself; otherwise its object member (if
        // any) is a model of its own, and the definition a root model or alias.
        let hint = if self.model_defs.contains(&name) {
            self.class_for.insert(ptr, name.clone());
            name.clone()
        } else {
            format!("{name}Object")
        };
        let ty = self.ty(schema, &hint, Types::ALL);
        if ty == Ty::Name(name.clone()) && !self.class_for.contains_key(&ptr) {
            return;
        }
        self.class_for.remove(&ptr);
        // An alias is evaluated at import time: it must not mention a class (which may be
        // defined later) or another definition.
        let refers = self.def_names.values().any(|def| ty.mentions(def))
            || self.classes.iter().any(|class| ty.mentions(&class.name));
        if refers {
            self.classes.push(ClassDef {
                name,
                kind: ClassKind::Root(ty),
            });
        } else {
            self.aliases.push((name, ty));
        }
    }

    fn gap(&mut self, keyword: &str, location: &str) {
        let gap = Gap {
            keyword: keyword.to_string(),
            location: location.to_string(),
        };
        if !self.gaps.contains(&gap) {
            self.gaps.push(gap);
        }
    }

    /// The type of `schema` for a value known to be of one of `known`'s JSON types.
    fn ty(&mut self, schema: &Value, hint: &str, known: Types) -> Ty {
        // Long on purpose: the order in which a schema's assertions (core, $ref, allOf, anyOf,
        // oneOf, not, if/then/else) are combined is the translation, and reads best in one
        // place.
        let obj = match schema {
            Value::Bool(true) => return Ty::Any,
            Value::Bool(false) => return Ty::Never,
            Value::Object(obj) => obj,
            _ => return Ty::Any,
        };
        for keyword in UNSUPPORTED {
            if obj.contains_key(*keyword) {
                self.gap(keyword, hint);
            }
        }
        let types = match obj.get("type") {
            Some(t) => known.and(Types::of_keyword(t)),
            None => known,
        };
        if types.is_empty() {
            return Ty::Never;
        }
        // The other assertions on the same value, in order of importance for the primary
        // type. Parts that are only checks (e.g. an `allOf` item holding `if`/`then`)
        // contribute their checks directly.
        // Each part narrows the JSON types the later ones need to consider.
        let mut parts: Vec<Ty> = Vec::new();
        let mut checks = Vec::new();
        let mut types = types;
        if let Some(reference) = obj.get("$ref") {
            let ty = self.reference(reference, hint);
            types = types.and(self.accepted_types(&ty));
            parts.push(ty);
        }
        if let Some(Value::Array(all)) = obj.get("allOf") {
            for (i, sub) in all.iter().enumerate() {
                let hint = numbered(hint, "Part", i, all.len());
                let ty = self.ty(sub, &hint, types);
                types = types.and(self.accepted_types(&ty));
                match ty {
                    Ty::Any => {}
                    Ty::Annotated(inner, metas)
                        if *inner == Ty::Any
                            && metas.iter().all(|m| matches!(m, Meta::Before(_))) =>
                    {
                        checks.extend(metas.into_iter().filter_map(|m| match m {
                            Meta::Before(check) => Some(check),
                            Meta::Field(_) => None,
                        }));
                    }
                    ty => parts.push(ty),
                }
            }
        }
        if let Some(Value::Array(any)) = obj.get("anyOf") {
            let branches = self.branches(any, hint, types);
            parts.push(Ty::union(branches));
        }
        let mut one_of = None;
        if let Some(Value::Array(one)) = obj.get("oneOf") {
            let branches = self.branches(one, hint, types);
            match exclusive_literal(&branches) {
                Some(literal) => parts.push(literal),
                None => one_of = Some(branches),
            }
        }
        // The core only needs the JSON types the parts can accept (so `allOf: [{$ref}]`
        // next to `properties` is one model, not a union of every type).
        let mut narrowed = parts
            .iter()
            .fold(types, |acc, part| acc.and(self.accepted_types(part)));
        if let Some(branches) = &one_of {
            let union = Ty::union(branches.clone());
            narrowed = narrowed.and(self.accepted_types(&union));
        }
        if narrowed.is_empty() {
            return Ty::Never;
        }
        let core = self.core(schema, obj, hint, narrowed);

        if let Some(not) = obj.get("not") {
            let ty = self.ty(not, &format!("{hint}Not"), types);
            checks.push(Check::Not(Box::new(ty)));
        }
        if let Some(if_schema) = obj.get("if") {
            let then = obj.get("then");
            let otherwise = obj.get("else");
            if then.is_some() || otherwise.is_some() {
                let if_ty = self.ty(if_schema, &format!("{hint}If"), types);
                let then = then.map(|s| Box::new(self.ty(s, &format!("{hint}Then"), types)));
                let otherwise =
                    otherwise.map(|s| Box::new(self.ty(s, &format!("{hint}Else"), types)));
                checks.push(Check::IfThenElse(Box::new(if_ty), then, otherwise));
            }
        }
        if types.has(Types::OBJ) {
            let least = obj.get("minProperties").and_then(Value::as_u64);
            let most = obj.get("maxProperties").and_then(Value::as_u64);
            if least.is_some() || most.is_some() {
                checks.push(Check::PropertyCount(least, most));
            }
            if let Some(Value::Object(deps)) = obj.get("dependentRequired") {
                let deps: Vec<(String, Vec<String>)> = deps
                    .iter()
                    .map(|(k, v)| {
                        let names = v.as_array().map_or_else(Vec::new, |names| {
                            names
                                .iter()
                                .filter_map(|n| n.as_str().map(str::to_string))
                                .collect()
                        });
                        (k.clone(), names)
                    })
                    .collect();
                if !deps.is_empty() {
                    checks.push(Check::DependentRequired(deps));
                }
            }
        }
        self.combine(core, parts, one_of, checks, narrowed, hint)
    }

    /// Translate the branches of `anyOf`/`oneOf`.
    fn branches(&mut self, branches: &[Value], hint: &str, types: Types) -> Vec<Ty> {
        branches
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let hint = numbered(hint, "Option", i, branches.len());
                self.ty(b, &hint, types)
            })
            .collect()
    }

    /// Choose the primary type among the core and the parts; the rest become checks.
    fn combine(
        &mut self,
        core: Option<Core>,
        mut parts: Vec<Ty>,
        mut one_of: Option<Vec<Ty>>,
        mut checks: Vec<Check>,
        types: Types,
        hint: &str,
    ) -> Ty {
        let mut class = None;
        let primary = match core {
            // A type restriction that a part already implies is dropped, so that e.g.
            // `type: string` + `oneOf` of constants is just the `Literal`.
            Some(core)
                if core.bare && parts.iter().any(|p| self.accepted_types(p).within(types)) =>
            {
                let i = parts
                    .iter()
                    .position(|p| self.accepted_types(p).within(types))
                    .expect("found");
                parts.remove(i)
            }
            Some(core) => {
                class = core.class;
                core.ty
            }
            None if !parts.is_empty() => parts.remove(0),
            None => match one_of.take() {
                Some(branches) => {
                    Ty::union(branches.clone()).with(Meta::Before(Check::OneOf(branches)))
                }
                None => Ty::Any,
            },
        };
        if let Some(branches) = one_of {
            checks.insert(0, Check::OneOf(branches));
        }
        if !parts.is_empty() {
            checks.insert(0, Check::AllOf(parts));
        }
        if checks.is_empty() {
            return primary;
        }
        if let Some(class) = class.filter(|class| primary == Ty::Name(class.clone())) {
            // The checks belong to the model: a `model_validator` on its raw input. They
            // are evaluated on every validation, so they must refer to types by name
            // (their validators are cached by type).
            let checks: Vec<Check> = checks
                .into_iter()
                .enumerate()
                .map(|(i, check)| self.named_check(check, &format!("{hint}Check{}", i + 1)))
                .collect();
            let target = self
                .classes
                .iter_mut()
                .find(|c| c.name == class)
                .expect("class created");
            if let ClassKind::Model { checks: mine, .. } = &mut target.kind {
                mine.extend(checks);
            }
            return primary;
        }
        checks
            .into_iter()
            .fold(primary, |ty, check| ty.with(Meta::Before(check)))
    }

    /// `check` with every type it mentions replaced by a name (a root model if needed).
    fn named_check(&mut self, check: Check, hint: &str) -> Check {
        let mut n = 0;
        let mut name = |t: Ty, this: &mut Self| -> Ty {
            n += 1;
            if is_stable(&t) {
                t
            } else {
                let name = this.namer.claim(&format!("{hint}Type{n}"));
                this.classes.push(ClassDef {
                    name: name.clone(),
                    kind: ClassKind::Root(t),
                });
                Ty::Name(name)
            }
        };
        match check {
            Check::AllOf(ts) => Check::AllOf(ts.into_iter().map(|t| name(t, self)).collect()),
            Check::OneOf(ts) => Check::OneOf(ts.into_iter().map(|t| name(t, self)).collect()),
            Check::Not(t) => Check::Not(Box::new(name(*t, self))),
            Check::IfThenElse(i, t, e) => {
                let i = name(*i, self);
                let t = t.map(|t| Box::new(name(*t, self)));
                let e = e.map(|e| Box::new(name(*e, self)));
                Check::IfThenElse(Box::new(i), t, e)
            }
            other => other,
        }
    }

    /// The JSON types of the values `ty` may accept (all of them when unknown). Model
    /// classes (and definitions that will be models) accept objects only.
    fn accepted_types(&self, ty: &Ty) -> Types {
        match ty {
            Ty::Never => Types(0),
            Ty::Any => Types::ALL,
            Ty::Literal(values) => values
                .iter()
                .fold(Types(0), |acc, v| acc.or(Types::of_value(v))),
            Ty::Name(name) => match name.as_str() {
                "StrictStr" => Types::STR,
                "JsonInt" => Types::INT,
                "StrictFloat" => Types::INT.or(Types::FRAC),
                "StrictBool" => Types::BOOL,
                "None" => Types::NULL,
                _ if self.is_model(name) => Types::OBJ,
                // Aliases and root models may be anything.
                _ => Types::ALL,
            },
            Ty::List(_) => Types::ARR,
            Ty::Dict(_) => Types::OBJ,
            Ty::Union(members) => members
                .iter()
                .fold(Types(0), |acc, m| acc.or(self.accepted_types(m))),
            Ty::Annotated(inner, _) => self.accepted_types(inner),
        }
    }

    /// Whether `name` is (or, for a definition not translated yet, will be) a model class.
    fn is_model(&self, name: &str) -> bool {
        self.classes
            .iter()
            .any(|c| c.name == name && matches!(c.kind, ClassKind::Model { .. }))
            || self.model_defs.contains(name)
    }

    fn reference(&mut self, reference: &Value, hint: &str) -> Ty {
        let target = reference
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .and_then(|key| self.def_names.get(key));
        match target {
            Some(name) => Ty::Name(name.clone()),
            None => {
                self.gap("$ref (other than #/$defs/...)", hint);
                Ty::Any
            }
        }
    }
}

/// `hint` + `word` + the 1-based index when there are several.
fn numbered(hint: &str, word: &str, i: usize, count: usize) -> String {
    if count == 1 {
        format!("{hint}{word}")
    } else {
        format!("{hint}{word}{}", i + 1)
    }
}

/// `oneOf` branches that are all literals with pairwise different values are one literal
/// (exactly one branch matches whenever any does).
fn exclusive_literal(branches: &[Ty]) -> Option<Ty> {
    let mut values: Vec<Value> = Vec::new();
    for branch in branches {
        let Ty::Literal(vs) = branch else {
            return None;
        };
        for v in vs {
            if values.iter().any(|w| json_eq(v, w)) {
                return None;
            }
            values.push(v.clone());
        }
    }
    (!values.is_empty()).then_some(Ty::Literal(values))
}

/// Whether `ty`'s runtime expression compares equal each time it is evaluated (names,
/// literals of strings, and containers/unions of those), so a cached validator is reused.
fn is_stable(ty: &Ty) -> bool {
    match ty {
        Ty::Any | Ty::Name(_) => true,
        Ty::Literal(values) => values.iter().all(|v| v.is_string() || v.is_null()),
        Ty::List(t) | Ty::Dict(t) => is_stable(t),
        Ty::Union(members) => members.iter().all(is_stable),
        Ty::Never | Ty::Annotated(..) => false,
    }
}
