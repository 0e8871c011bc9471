//! The Python helper functions a generated module may need, and the imports it uses.
//!
//! Helpers implement JSON Schema keywords pydantic has no constraint for. Each is emitted
//! only when used (with the helpers it calls), already in `ruff format` style.

use std::collections::BTreeSet;

/// A helper function (or alias) of the generated module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Helper {
    // Declaration order is emission order: helpers come after those they call.
    Integral,
    Pattern,
    JsonLiteral,
    JsonKey,
    Enum,
    UniqueItems,
    Adapter,
    AllOf,
    OneOf,
    Not,
    IfThenElse,
    PropertyCount,
    DependentRequired,
    Never,
    Checks,
}

impl Helper {
    /// Every helper, in emission order.
    pub const ALL: [Helper; 15] = [
        Helper::Integral,
        Helper::Pattern,
        Helper::JsonLiteral,
        Helper::JsonKey,
        Helper::Enum,
        Helper::UniqueItems,
        Helper::Adapter,
        Helper::AllOf,
        Helper::OneOf,
        Helper::Not,
        Helper::IfThenElse,
        Helper::PropertyCount,
        Helper::DependentRequired,
        Helper::Never,
        Helper::Checks,
    ];

    /// The Python name the generated code refers to.
    pub fn name(self) -> &'static str {
        match self {
            Helper::Integral => "JsonInt",
            Helper::Pattern => "_pattern",
            Helper::JsonLiteral => "_json_literal",
            Helper::JsonKey => "_json_key",
            Helper::Enum => "_enum",
            Helper::UniqueItems => "_unique_items",
            Helper::Adapter => "_adapter",
            Helper::AllOf => "_all_of",
            Helper::OneOf => "_one_of",
            Helper::Not => "_not",
            Helper::IfThenElse => "_if_then_else",
            Helper::PropertyCount => "_property_count",
            Helper::DependentRequired => "_dependent_required",
            Helper::Never => "_never",
            Helper::Checks => "_checks",
        }
    }

    /// Helpers this one calls.
    fn requires(self) -> &'static [Helper] {
        match self {
            Helper::Enum | Helper::UniqueItems => &[Helper::JsonKey],
            Helper::AllOf | Helper::OneOf | Helper::Not | Helper::IfThenElse => &[Helper::Adapter],
            _ => &[],
        }
    }

    /// Names the helper's source uses (imported by the module).
    fn imports(self) -> &'static [&'static str] {
        match self {
            Helper::Integral => &["Annotated", "Any", "BeforeValidator", "Strict"],
            Helper::Pattern => &["re"],
            Helper::JsonLiteral => &["Any", "ValidatorFunctionWrapHandler"],
            Helper::JsonKey | Helper::UniqueItems | Helper::Never => &["Any"],
            Helper::Adapter => &["Any", "TypeAdapter", "ValidationError", "cache"],
            Helper::Enum
            | Helper::AllOf
            | Helper::OneOf
            | Helper::Not
            | Helper::IfThenElse
            | Helper::PropertyCount
            | Helper::DependentRequired
            | Helper::Checks => &["Any", "Callable"],
        }
    }

    /// The helper's Python source (one or more top-level statements, no trailing blank line).
    pub fn source(self) -> &'static str {
        match self {
            Helper::Integral => INTEGRAL,
            Helper::Pattern => PATTERN,
            Helper::JsonLiteral => JSON_LITERAL,
            Helper::JsonKey => JSON_KEY,
            Helper::Enum => ENUM,
            Helper::UniqueItems => UNIQUE_ITEMS,
            Helper::Adapter => ADAPTER,
            Helper::AllOf => ALL_OF,
            Helper::OneOf => ONE_OF,
            Helper::Not => NOT,
            Helper::IfThenElse => IF_THEN_ELSE,
            Helper::PropertyCount => PROPERTY_COUNT,
            Helper::DependentRequired => DEPENDENT_REQUIRED,
            Helper::Never => NEVER,
            Helper::Checks => CHECKS,
        }
    }
}

/// The importable names: `(name, module)`.
const IMPORTABLE: &[(&str, &str)] = &[
    ("Annotated", "typing"),
    ("Any", "typing"),
    ("Literal", "typing"),
    ("Callable", "collections.abc"),
    ("cache", "functools"),
    ("re", ""),
    ("BaseModel", "pydantic"),
    ("BeforeValidator", "pydantic"),
    ("ConfigDict", "pydantic"),
    ("Field", "pydantic"),
    ("RootModel", "pydantic"),
    ("Strict", "pydantic"),
    ("StrictBool", "pydantic"),
    ("StrictFloat", "pydantic"),
    ("StrictStr", "pydantic"),
    ("TypeAdapter", "pydantic"),
    ("ValidationError", "pydantic"),
    ("ValidatorFunctionWrapHandler", "pydantic"),
    ("WrapValidator", "pydantic"),
    ("model_validator", "pydantic"),
];

/// Every name a generated module may import or define as a helper (never usable for
/// classes or fields).
pub fn reserved_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = IMPORTABLE.iter().map(|(name, _)| *name).collect();
    names.push(Helper::Integral.name());
    names
}

/// The imports and helpers a module uses.
#[derive(Debug, Default)]
pub struct Used {
    names: BTreeSet<&'static str>,
    helpers: BTreeSet<Helper>,
}

impl Used {
    /// Record a name the code mentions; only importable names and `JsonInt` matter.
    pub fn name(&mut self, name: &str) {
        if name == Helper::Integral.name() {
            self.helper(Helper::Integral);
        } else if let Some((known, _)) = IMPORTABLE.iter().find(|(n, _)| *n == name) {
            self.names.insert(known);
        }
    }

    /// Record a helper (and, transitively, what it needs).
    pub fn helper(&mut self, helper: Helper) {
        if self.helpers.insert(helper) {
            for name in helper.imports() {
                self.name(name);
            }
            for required in helper.requires() {
                self.helper(*required);
            }
        }
    }

    /// The helpers, in emission order.
    pub fn helpers(&self) -> impl Iterator<Item = Helper> + '_ {
        self.helpers.iter().copied()
    }

    /// `(module, name)` of every import (`module` empty for `import name`).
    pub fn imports(&self) -> Vec<(&'static str, &'static str)> {
        IMPORTABLE
            .iter()
            .filter(|(name, _)| self.names.contains(name))
            .map(|(name, module)| (*module, *name))
            .collect()
    }
}

const INTEGRAL: &str = r#"def _integral(value: Any) -> Any:
    """JSON Schema counts numbers such as `1.0` as integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# JSON Schema's "integer": an `int` (not a `bool`) or a `float` without fractional part.
JsonInt = Annotated[int, Strict(), BeforeValidator(_integral)]"#;

const PATTERN: &str = r#"def _pattern(pattern: str) -> re.Pattern[str]:
    """`pattern` for `re.search`, as JSON Schema validation uses it.

    A pattern `re` cannot compile matches nothing (validation would fail with an error).
    """
    try:
        return re.compile(pattern)
    except re.error:
        return re.compile("(?!)")"#;

const JSON_LITERAL: &str = r#"def _json_literal(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Match a `Literal` the JSON way: `True` is not `1` (but `1.0` is `1`)."""
    result = handler(value)
    if isinstance(result, bool) != isinstance(value, bool):
        raise ValueError(f"{value!r} is not one of the allowed values")
    return result"#;

const JSON_KEY: &str = r#"def _json_key(value: Any) -> Any:
    """A hashable key, equal for equal JSON values (`1 == 1.0`, `True != 1`)."""
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(_json_key(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, _json_key(v)) for k, v in value.items()))
    return (type(value).__name__, value)"#;

const ENUM: &str = r#"def _enum(*values: Any) -> Callable[[Any], Any]:
    """The value must equal one of `values` (`enum`, `const`; JSON equality)."""
    allowed = {_json_key(value) for value in values}

    def check(value: Any) -> Any:
        if _json_key(value) not in allowed:
            raise ValueError(f"{value!r} is not one of {list(values)!r}")
        return value

    return check"#;

const UNIQUE_ITEMS: &str = r#"def _unique_items(value: Any) -> Any:
    """Array items must be unique (`uniqueItems`; JSON equality)."""
    if isinstance(value, list):
        keys = [_json_key(item) for item in value]
        if len(set(keys)) != len(keys):
            raise ValueError("the array items are not unique")
    return value"#;

const ADAPTER: &str = r#"@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    """A validator for `annotation`, built once."""
    return TypeAdapter(annotation)


def _valid(annotation: Any, value: Any) -> bool:
    """Whether `annotation` accepts `value`."""
    try:
        _adapter(annotation).validate_python(value)
    except ValidationError:
        return False
    return True"#;

const ALL_OF: &str = r#"def _all_of(*annotations: Any) -> Callable[[Any], Any]:
    """Each of `annotations` must accept the value too (`allOf`)."""

    def check(value: Any) -> Any:
        for annotation in annotations:
            _adapter(annotation).validate_python(value)
        return value

    return check"#;

const ONE_OF: &str = r#"def _one_of(*annotations: Any) -> Callable[[Any], Any]:
    """Exactly one of `annotations` must accept the value (`oneOf`)."""

    def check(value: Any) -> Any:
        matches = sum(_valid(annotation, value) for annotation in annotations)
        if matches != 1:
            raise ValueError(f"{matches} alternatives accept the value, not exactly 1")
        return value

    return check"#;

const NOT: &str = r#"def _not(annotation: Any) -> Callable[[Any], Any]:
    """`annotation` must reject the value (`not`)."""

    def check(value: Any) -> Any:
        if _valid(annotation, value):
            raise ValueError("the value matches a schema it must not match")
        return value

    return check"#;

const IF_THEN_ELSE: &str = r#"def _if_then_else(if_: Any, then: Any, else_: Any) -> Callable[[Any], Any]:
    """`then` must accept the value if `if_` does, else `else_` (`if`/`then`/`else`)."""

    def check(value: Any) -> Any:
        _adapter(then if _valid(if_, value) else else_).validate_python(value)
        return value

    return check"#;

const PROPERTY_COUNT: &str = r#"def _property_count(least: int | None, most: int | None) -> Callable[[Any], Any]:
    """Objects: `minProperties`, `maxProperties`."""

    def check(value: Any) -> Any:
        if isinstance(value, dict):
            if least is not None and len(value) < least:
                raise ValueError(f"fewer than {least} properties")
            if most is not None and len(value) > most:
                raise ValueError(f"more than {most} properties")
        return value

    return check"#;

const DEPENDENT_REQUIRED: &str = r#"def _dependent_required(required: dict[str, list[str]]) -> Callable[[Any], Any]:
    """Objects: a present key requires other keys (`dependentRequired`)."""

    def check(value: Any) -> Any:
        if isinstance(value, dict):
            for key, others in required.items():
                missing = [other for other in others if other not in value]
                if key in value and missing:
                    raise ValueError(f"{key!r} requires {missing!r}")
        return value

    return check"#;

const NEVER: &str = r#"def _never(value: Any) -> Any:
    """No value is valid (an unsatisfiable schema)."""
    raise ValueError(f"{value!r} is not allowed: no value is")"#;

const CHECKS: &str = r#"def _checks(value: Any, *checks: Callable[[Any], Any]) -> Any:
    """Apply a model's checks beyond its fields to its raw input."""
    for check in checks:
        value = check(value)
    return value"#;
