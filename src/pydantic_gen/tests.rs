//! Unit tests of the generator: type mapping, naming and collision rules, aliasing
//! (expect-test snapshots; `UPDATE_EXPECT=1` to update).

use super::names::{Namer, derived_field_name, pascal_case, plain_field_name, snake_case};
use super::*;
use expect_test::{Expect, expect};
use serde_json::{Value, json};
use std::collections::HashSet;

/// The classes and aliases of the module generated for `document` (no docstring, imports
/// or helpers).
fn definitions(document: &Value) -> String {
    let module = params_module(document);
    let start = module
        .find("\n\n\nclass ")
        .or_else(|| module.find("\n\n\n"))
        .expect("definitions");
    // Skip the helpers: definitions start at the first alias or class after them.
    let mut text = &module[start..];
    while let Some(rest) = text.strip_prefix("\n\n\n") {
        if rest.starts_with("def ") || rest.starts_with("@cache") || rest.starts_with("# JSON") {
            let next = rest.find("\n\n\n").map_or(rest.len(), |i| i);
            text = &rest[next..];
        } else {
            break;
        }
    }
    text.trim_start().to_string()
}

/// The field generated for a property with `schema` (in the model of task `t`).
fn field(schema: Value) -> String {
    let document = json!({
        "properties": {"t": {"type": "object", "properties": {"f": schema}}},
        "additionalProperties": false,
    });
    let defs = definitions(&document);
    let class = defs.split("class T(BaseModel):\n").nth(1).expect("class T");
    let body = class.split("\n\n\n").next().unwrap();
    let fields = body.split_once("\n\n").map_or(body, |(_, fields)| fields);
    fields
        .trim_end()
        .lines()
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(schema: Value, expected: Expect) {
    expected.assert_eq(&field(schema));
}

#[test]
fn leaf_types_are_strict() {
    check(json!({"type": "string"}), expect!["f: StrictStr = None"]);
    check(json!({"type": "integer"}), expect!["f: JsonInt = None"]);
    check(json!({"type": "number"}), expect!["f: StrictFloat = None"]);
    check(json!({"type": "boolean"}), expect!["f: StrictBool = None"]);
    check(json!({"type": "null"}), expect!["f: None = None"]);
    check(json!({}), expect!["f: Any = None"]);
    check(
        json!(false),
        expect!["f: Annotated[Any, BeforeValidator(_never)] = None"],
    );
    check(
        json!({"type": ["string", "integer", "null"]}),
        expect!["f: StrictStr | JsonInt | None = None"],
    );
    // `format` is an annotation: still a string.
    check(
        json!({"type": "string", "format": "date-time", "title": "When"}),
        expect![[r#"f: StrictStr = Field(default=None, title="When")"#]],
    );
}

#[test]
fn constraints_go_into_field() {
    check(
        json!({"type": "string", "minLength": 1, "maxLength": 3, "pattern": "^a"}),
        expect![[r#"
            f: StrictStr = Field(
                default=None, min_length=1, max_length=3, pattern=_pattern("^a")
            )"#]],
    );
    check(
        json!({"type": "number", "minimum": 0, "exclusiveMaximum": 1.5}),
        expect!["f: StrictFloat = Field(default=None, ge=0, lt=1.5)"],
    );
    // Integer bounds are integers, rounded inwards.
    check(
        json!({"type": "integer", "minimum": 0.5, "maximum": 9.5, "exclusiveMinimum": -0.5}),
        expect!["f: JsonInt = Field(default=None, ge=1, gt=-1, le=9)"],
    );
    // Inside a union, constraints stay with their member.
    check(
        json!({"type": ["integer", "null"], "minimum": 1}),
        expect!["f: Annotated[JsonInt, Field(ge=1)] | None = None"],
    );
}

#[test]
fn required_optional_and_defaults() {
    let document = json!({
        "properties": {"t": {
            "type": "object",
            "additionalProperties": false,
            "required": ["a", "b"],
            "properties": {
                "a": {"type": "string"},
                "b": {"type": "string", "default": "ignored when required", "title": "B"},
                "c": {"type": "string", "default": "x"},
                "d": {"type": "array", "items": {"type": "integer"}, "default": [1, 2]},
                "e": {"type": "integer", "default": -1},
                "f": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null},
            },
        }},
        "additionalProperties": false,
    });
    expect![[r#"
        class T(BaseModel):
            model_config = ConfigDict(extra="forbid")

            a: StrictStr
            b: StrictStr = Field(title="B")
            c: StrictStr = "x"
            d: list[JsonInt] = Field(default=[1, 2])
            e: JsonInt = -1
            f: StrictStr | None = None


        class Params(BaseModel):
            model_config = ConfigDict(extra="forbid")

            t: T = None
    "#]]
    .assert_eq(&definitions(&document));
}

#[test]
fn literals() {
    check(
        json!({"type": "string", "enum": ["a", "b"]}),
        expect![[r#"f: Literal["a", "b"] = None"#]],
    );
    check(
        json!({"enum": ["a", null]}),
        expect![[r#"f: Literal["a"] | None = None"#]],
    );
    check(
        json!({"const": "x", "enum": ["x"], "type": "string", "default": "x"}),
        expect![[r#"f: Literal["x"] = "x""#]],
    );
    // JSON `True` is not `1`.
    check(
        json!({"enum": [1, 2]}),
        expect!["f: Annotated[Literal[1, 2], WrapValidator(_json_literal)] = None"],
    );
    // Values a `Literal` cannot hold: JSON equality in a helper.
    check(
        json!({"enum": [1.5, [1], {"a": true}]}),
        expect![[r#"f: Annotated[Any, BeforeValidator(_enum(1.5, [1], {"a": True}))] = None"#]],
    );
    // `type` filters the values; `oneOf` of distinct constants is one literal.
    check(
        json!({"type": "string", "enum": ["a", 1]}),
        expect![[r#"f: Literal["a"] = None"#]],
    );
    check(
        json!({"type": "string", "oneOf": [{"const": "a", "title": "A"}, {"const": "b"}]}),
        expect![[r#"f: Literal["a", "b"] = None"#]],
    );
}

#[test]
fn arrays_and_objects() {
    check(
        json!({"type": "array", "items": {"type": "string"}, "uniqueItems": true, "minItems": 1}),
        expect![[r#"
                f: Annotated[
                    list[StrictStr], Field(min_length=1), BeforeValidator(_unique_items)
                ] = None"#]],
    );
    check(json!({"type": "array"}), expect!["f: list[Any] = None"]);
    check(
        json!({"type": "object"}),
        expect!["f: dict[str, Any] = None"],
    );
    check(
        json!({"type": "object", "additionalProperties": {"type": "number"}}),
        expect!["f: dict[str, StrictFloat] = None"],
    );
    let document = json!({
        "properties": {"t": {"type": "object", "properties": {
            "closed": {"type": "object", "properties": {"a": {"type": "string"}},
                       "additionalProperties": false},
            "typed": {"type": "object", "properties": {"a": {"type": "string"}},
                      "additionalProperties": {"type": "integer"}},
        }}},
        "additionalProperties": false,
    });
    expect![[r#"
        class TClosed(BaseModel):
            model_config = ConfigDict(extra="forbid")

            a: StrictStr = None


        class TTyped(BaseModel):
            model_config = ConfigDict(extra="allow")

            __pydantic_extra__: dict[str, JsonInt] = Field(init=False)
            a: StrictStr = None


        class T(BaseModel):
            model_config = ConfigDict(extra="allow")

            closed: TClosed = None
            typed: TTyped = None


        class Params(BaseModel):
            model_config = ConfigDict(extra="forbid")

            t: T = None
    "#]]
    .assert_eq(&definitions(&document));
}

#[test]
fn composition() {
    check(
        json!({"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}]}),
        expect!["f: Any = None"],
    );
    check(
        json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
        expect![[r#"
                f: Annotated[StrictStr | JsonInt, BeforeValidator(_one_of(StrictStr, JsonInt))] = (
                    None
                )"#]],
    );
    check(
        json!({"not": {"type": "string"}}),
        expect!["f: Annotated[Any, BeforeValidator(_not(StrictStr))] = None"],
    );
    check(
        json!({"allOf": [{"type": "integer"}, {"minimum": 3}]}),
        expect![[r#"
                f: Annotated[JsonInt, BeforeValidator(_all_of(Annotated[JsonInt, Field(ge=3)]))] = (
                    None
                )"#]],
    );
    check(
        json!({"type": "object", "minProperties": 1}),
        expect!["f: Annotated[dict[str, Any], BeforeValidator(_property_count(1, None))] = None"],
    );
}

#[test]
fn definitions_conditionals_and_recursion() {
    let document = json!({
        "properties": {"t": {"type": "object", "properties": {
            "point": {"allOf": [{"$ref": "#/$defs/Point"}], "default": null, "title": "Point"},
            "maybe": {"anyOf": [{"$ref": "#/$defs/Point"}, {"type": "null"}], "default": null},
            "tree": {"$ref": "#/$defs/Tree"},
            "unit": {"$ref": "#/$defs/Unit"},
            "mode": {
                "type": "object",
                "properties": {"kind": {"type": "string", "default": "a"}},
                "allOf": [{"if": {"properties": {"kind": {"const": "b"}}},
                           "then": {"required": ["b"]}}],
            },
        }}},
        "$defs": {
            "Point": {"type": "object", "properties": {"x": {"type": "number"}},
                      "required": ["x"], "additionalProperties": false},
            "Tree": {"anyOf": [{"type": "string"},
                               {"type": "array", "items": {"$ref": "#/$defs/Tree"}}]},
            "Unit": {"type": "string", "enum": ["m", "km"]},
        },
        "additionalProperties": false,
    });
    expect![[r#"
        class Point(BaseModel):
            model_config = ConfigDict(extra="forbid")

            x: StrictFloat


        class Tree(RootModel):
            root: StrictStr | list[Tree]


        class TModePartIf(BaseModel):
            model_config = ConfigDict(extra="allow")

            kind: Literal["b"] = None


        class TModePartThen(BaseModel):
            model_config = ConfigDict(extra="allow")

            b: Any


        class TMode(BaseModel):
            model_config = ConfigDict(extra="allow")

            kind: StrictStr = "a"

            @model_validator(mode="before")
            @classmethod
            def _json_schema_checks(cls, data: Any) -> Any:
                return _checks(data, _if_then_else(TModePartIf, TModePartThen, Any))


        class T(BaseModel):
            model_config = ConfigDict(extra="allow")

            point: Point = Field(default=None, title="Point")
            maybe: Point | None = None
            tree: Tree = None
            unit: Unit = None
            mode: TMode = None


        class Params(BaseModel):
            model_config = ConfigDict(extra="forbid")

            t: T = None
    "#]]
    .assert_eq(&definitions(&document));
}

#[test]
fn class_names_avoid_collisions() {
    assert_eq!(pascal_case("time_range"), "TimeRange");
    assert_eq!(pascal_case("Process Events"), "ProcessEvents");
    assert_eq!(pascal_case("2024 report"), "Model2024Report");
    assert_eq!(pascal_case("日本"), "Model");
    let mut namer = Namer::new(&["Params", "BaseModel"]);
    assert_eq!(namer.claim("TimeRange"), "TimeRange");
    assert_eq!(namer.claim("time_range"), "TimeRange2");
    assert_eq!(namer.claim("params"), "Params2");
    assert_eq!(namer.claim("base_model"), "BaseModel2");
    assert_eq!(namer.claim("list"), "List");
    assert_eq!(namer.claim("_Private"), "Private");
    assert_eq!(namer.claim("i"), "I2");
    // A task named like a definition gets a numbered class; the root keeps `Params`.
    let document = json!({
        "properties": {"time_range": {"type": "object", "properties": {
            "tz": {"$ref": "#/$defs/TimeRange"}}}},
        "$defs": {"TimeRange": {"type": "object", "properties": {"a": {"type": "string"}}},
                  "Params": {"type": "string"}},
        "additionalProperties": false,
    });
    expect![[r#"
        class TimeRange(BaseModel):
            model_config = ConfigDict(extra="allow")

            a: StrictStr = None


        class TimeRange2(BaseModel):
            model_config = ConfigDict(extra="allow")

            tz: TimeRange = None


        class Params(BaseModel):
            model_config = ConfigDict(extra="forbid")

            time_range: TimeRange2 = None
    "#]]
    .assert_eq(&definitions(&document));
}

#[test]
fn field_names_and_aliases() {
    assert_eq!(snake_case("Process Events"), "process_events");
    assert_eq!(snake_case("2fast"), "field_2fast");
    assert_eq!(snake_case("--"), "field");
    let namer = Namer::new(&["Literal", "TimeRange"]);
    let mut used = HashSet::new();
    let plain = |key: &str, used: &mut HashSet<String>| plain_field_name(key, &namer, used);
    assert_eq!(plain("since", &mut used).as_deref(), Some("since"));
    for key in [
        "class",
        "list",
        "schema",
        "model_config",
        "_private",
        "l",
        "Literal",
        "TimeRange",
        "a-b",
        "ünï",
    ] {
        assert_eq!(plain(key, &mut used), None, "{key}");
    }
    let derived: Vec<String> = ["class", "list", "model_config", "_private", "a-b", "a-b!"]
        .iter()
        .map(|key| derived_field_name(key, &namer, &mut used))
        .collect();
    assert_eq!(
        derived,
        [
            "class_",
            "list_",
            "field_model_config_",
            "private",
            "a_b",
            "a_b_2"
        ]
    );
    check(
        json!({"type": "string", "title": "F"}),
        expect![[r#"f: StrictStr = Field(default=None, title="F")"#]],
    );
    let document = json!({
        "properties": {"t": {"type": "object", "additionalProperties": false,
            "required": ["Process Events"],
            "properties": {"Process Events": {"type": "string"}, "a_b": {}, "a b": {},
                           "class": {"type": "integer", "default": 0}}}},
        "additionalProperties": false,
    });
    expect![[r#"
        class T(BaseModel):
            model_config = ConfigDict(extra="forbid")

            process_events: StrictStr = Field(alias="Process Events")
            a_b: Any = None
            a_b_2: Any = Field(default=None, alias="a b")
            class_: JsonInt = Field(default=0, alias="class")


        class Params(BaseModel):
            model_config = ConfigDict(extra="forbid")

            t: T = None
    "#]]
    .assert_eq(&definitions(&document));
}

#[test]
fn task_groups_keep_task_class_names() {
    let document = json!({
        "properties": {"Input Data": {
            "type": "object", "description": "Inputs", "ecoscope:task_group": true,
            "properties": {"load": {"type": "object", "additionalProperties": false,
                                    "properties": {"path": {"type": "string"}}}},
        }},
        "additionalProperties": false,
    });
    let module = formdata_module(&document);
    let classes = &module[module.find("class ").unwrap()..];
    expect![[r#"
        class Load(BaseModel):
            model_config = ConfigDict(extra="forbid")

            path: StrictStr = None


        class InputData(BaseModel):
            model_config = ConfigDict(extra="allow")

            load: Load = None


        class FormData(BaseModel):
            model_config = ConfigDict(extra="forbid")

            input_data: InputData = Field(
                default=None, alias="Input Data", description="Inputs"
            )
    "#]]
    .assert_eq(classes);
}

#[test]
fn unsupported_keywords_are_listed_in_the_docstring() {
    let document = json!({
        "properties": {"t": {"type": "object", "properties": {
            "m": {"type": "object", "patternProperties": {"^x": {"type": "string"}},
                  "additionalProperties": false},
            "n": {"type": "array", "prefixItems": [{"type": "string"}]},
        }}},
        "additionalProperties": false,
    });
    let module = params_module(&document);
    let docstring = &module[..module.find("\"\"\"\n\nfrom").unwrap()];
    expect![[r#"
        Not enforced here (the models accept values the schema rejects): ``patternProperties``
        (``TM``); ``prefixItems`` (``TN``).
    "#]]
    .assert_eq(&docstring[docstring.find("Not enforced").unwrap()..]);
    // With `patternProperties`, undeclared keys are allowed (not forbidden).
    assert!(module.contains("    m: dict[str, Any] = None\n"));
}

#[test]
fn helper_sources_fit_the_line_width() {
    // Long lines get a `# noqa` comment, which must never land in a docstring.
    for helper in helpers::Helper::ALL {
        for line in helper.source().lines() {
            assert!(line.chars().count() <= 88, "{helper:?}: {line}");
        }
    }
}
