use super::*;

/// `(repr(f), pydantic)`: `repr(f)` and `RootModel[float](f).model_dump_json()` as printed by
/// Python 3.11.7 / pydantic 2.13.4. The float itself is `repr(f)` parsed back (Rust's parser
/// rounds correctly, like Python's `float()`), e.g. `1504879709210378.2` is the exact binary
/// value `1504879709210378.25`, a tie between two 17-digit candidates.
const FLOATS: &[(&str, &str)] = &[
    ("0.0", "0.0"),
    ("-0.0", "-0.0"),
    ("1.0", "1.0"),
    ("-1.0", "-1.0"),
    ("0.5", "0.5"),
    ("0.1", "0.1"),
    ("0.2", "0.2"),
    ("0.3", "0.3"),
    ("0.3333333333333333", "0.3333333333333333"),
    ("0.6666666666666666", "0.6666666666666666"),
    ("100.0", "100.0"),
    ("123.456", "123.456"),
    ("-123.456", "-123.456"),
    ("0.0001", "0.0001"),
    ("1e-05", "0.00001"),
    ("1.5e-07", "1.5e-7"),
    ("0.00012345", "0.00012345"),
    ("1.2345e-05", "0.000012345"),
    ("1000000000000000.0", "1000000000000000.0"),
    ("1e+16", "1e+16"),
    ("1e+17", "1e+17"),
    ("123456789012345.0", "123456789012345.0"),
    ("1234567890123456.0", "1234567890123456.0"),
    ("1.2345678901234568e+16", "1.2345678901234568e+16"),
    ("1e+21", "1e+21"),
    ("1e+22", "1e+22"),
    ("1e+23", "1e+23"),
    ("1e+100", "1e+100"),
    ("1e+300", "1e+300"),
    ("1.5e+300", "1.5e+300"),
    ("1e-07", "1e-7"),
    ("1e-10", "1e-10"),
    ("1e-100", "1e-100"),
    ("1e-300", "1e-300"),
    ("5e-324", "5e-324"),
    ("-5e-324", "-5e-324"),
    ("1e-323", "1e-323"),
    ("2.2250738585072014e-308", "2.2250738585072014e-308"),
    ("2.225073858507201e-308", "2.225073858507201e-308"),
    ("1.7976931348623157e+308", "1.7976931348623157e+308"),
    ("-1.7976931348623157e+308", "-1.7976931348623157e+308"),
    ("9007199254740992.0", "9007199254740992.0"),
    ("9007199254740994.0", "9007199254740994.0"),
    ("9.223372036854776e+18", "9.223372036854776e+18"),
    ("1.8446744073709552e+19", "1.8446744073709552e+19"),
    ("1.5e-323", "1.5e-323"),
    ("1504879709210378.2", "1504879709210378.2"),
    ("695764782829399.2", "695764782829399.2"),
    ("1125899906842624.8", "1125899906842624.8"),
    ("3.14159", "3.14159"),
    ("2.718281828459045", "2.718281828459045"),
    ("6.02214076e+23", "6.02214076e+23"),
    ("6.62607015e-34", "6.62607015e-34"),
    ("0.30000000000000004", "0.30000000000000004"),
    ("1.1", "1.1"),
    ("1.25", "1.25"),
    ("-2.5e-05", "-0.000025"),
    ("9.5", "9.5"),
    ("0.000123", "0.000123"),
    ("12345.6789", "12345.6789"),
    ("0.000999", "0.000999"),
    ("4.35", "4.35"),
    ("0.07", "0.07"),
    ("299792458.0", "299792458.0"),
    ("1.0000000000000002", "1.0000000000000002"),
    ("0.9999999999999999", "0.9999999999999999"),
    ("1.23e+20", "1.23e+20"),
    ("42.0", "42.0"),
    ("-1e+16", "-1e+16"),
    ("-9.87654321e-06", "-9.87654321e-6"),
];

#[test]
fn floats_match_python_and_pydantic() {
    assert!(FLOATS.len() >= 60);
    for &(repr, pydantic) in FLOATS {
        let f: f64 = repr.parse().expect("valid float literal");
        assert_eq!(py_float_repr(f), repr, "repr({f:e})");
        let v = Value::from(f);
        assert_eq!(to_string_indent2(&v), repr, "json.dumps({f:e}, indent=2)");
        assert_eq!(
            to_string_sorted(&v),
            repr,
            "json.dumps({f:e}, sort_keys=True)"
        );
        assert_eq!(
            to_string_compact_utf8(&v),
            pydantic,
            "model_dump_json({f:e})"
        );
    }
}

#[test]
fn non_finite_floats() {
    assert_eq!(py_float_repr(f64::INFINITY), "inf");
    assert_eq!(py_float_repr(f64::NEG_INFINITY), "-inf");
    assert_eq!(py_float_repr(f64::NAN), "nan");
    assert_eq!(py_float_repr(-f64::NAN), "nan");
}

#[test]
fn integers_stay_integers() {
    let v: Value = serde_json::from_str(
        "[1, 1.0, -0.0, 100, 1e2, 18446744073709551615, -9223372036854775808]",
    )
    .expect("valid JSON");
    let expected = "[1, 1.0, -0.0, 100, 100.0, 18446744073709551615, -9223372036854775808]";
    assert_eq!(to_string_sorted(&v), expected);
}

/// The one known parse-side difference: `serde_json` reads the integer `-0` as the float
/// `-0.0` (to keep its sign), where Python reads `int` `0`.
#[test]
fn negative_zero_integer_is_a_float_in_serde_json() {
    let v: Value = serde_json::from_str("-0").expect("valid JSON");
    assert_eq!(to_string_sorted(&v), "-0.0");
}

/// `(input, indent=2, sort_keys=True, pydantic)`: the input is `json.dumps(doc)`, the others
/// are `json.dumps(doc, indent=2)`, `json.dumps(doc, sort_keys=True)` and
/// `RootModel[Any](doc).model_dump_json()` as printed by Python 3.11.7 / pydantic 2.13.4.
const DOCUMENTS: &[(&str, &str, &str, &str)] = &[
    (
        "{\"b\": 1, \"a\": [1, 2.0, {\"z\": null, \"y\": true, \"x\": false}], \"\": {}, \"e\": []}",
        "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2.0,\n    {\n      \"z\": null,\n      \"y\": true,\n      \"x\": false\n    }\n  ],\n  \"\": {},\n  \"e\": []\n}",
        "{\"\": {}, \"a\": [1, 2.0, {\"x\": false, \"y\": true, \"z\": null}], \"b\": 1, \"e\": []}",
        "{\"b\":1,\"a\":[1,2.0,{\"z\":null,\"y\":true,\"x\":false}],\"\":{},\"e\":[]}",
    ),
    (
        "{\"title\": \"Caf\\u00e9 \\u2014 \\\"quoted\\\" \\\\ back/slash\", \"emoji\": \"\\ud83d\\ude00\\ud83d\\udca9\", \"ctrl\": \"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001b\\u001f\\u007f\\u0080\", \"ls\": \"\\u2028\\u2029\\ufeff\", \"big\": [18446744073709551615, -9223372036854775808, 9223372036854775807, 0, -0.0]}",
        "{\n  \"title\": \"Caf\\u00e9 \\u2014 \\\"quoted\\\" \\\\ back/slash\",\n  \"emoji\": \"\\ud83d\\ude00\\ud83d\\udca9\",\n  \"ctrl\": \"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001b\\u001f\\u007f\\u0080\",\n  \"ls\": \"\\u2028\\u2029\\ufeff\",\n  \"big\": [\n    18446744073709551615,\n    -9223372036854775808,\n    9223372036854775807,\n    0,\n    -0.0\n  ]\n}",
        "{\"big\": [18446744073709551615, -9223372036854775808, 9223372036854775807, 0, -0.0], \"ctrl\": \"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001b\\u001f\\u007f\\u0080\", \"emoji\": \"\\ud83d\\ude00\\ud83d\\udca9\", \"ls\": \"\\u2028\\u2029\\ufeff\", \"title\": \"Caf\\u00e9 \\u2014 \\\"quoted\\\" \\\\ back/slash\"}",
        "{\"title\":\"Café — \\\"quoted\\\" \\\\ back/slash\",\"emoji\":\"😀💩\",\"ctrl\":\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001b\\u001f\u{7f}\u{80}\",\"ls\":\"\u{2028}\u{2029}\u{feff}\",\"big\":[18446744073709551615,-9223372036854775808,9223372036854775807,0,-0.0]}",
    ),
    (
        "[[[]], [{}], {\"k\": [{\"k2\": [1e-05, 1e+16, 0.0001, 123456789012345.0, -2.5e-07]}]}]",
        "[\n  [\n    []\n  ],\n  [\n    {}\n  ],\n  {\n    \"k\": [\n      {\n        \"k2\": [\n          1e-05,\n          1e+16,\n          0.0001,\n          123456789012345.0,\n          -2.5e-07\n        ]\n      }\n    ]\n  }\n]",
        "[[[]], [{}], {\"k\": [{\"k2\": [1e-05, 1e+16, 0.0001, 123456789012345.0, -2.5e-07]}]}]",
        "[[[]],[{}],{\"k\":[{\"k2\":[0.00001,1e+16,0.0001,123456789012345.0,-2.5e-7]}]}]",
    ),
    (
        "{\"\\u00e9\": 1, \"e\": 2, \"\\ud83d\\ude00\": 3, \"\\uffff\": 4, \"E\": 5, \"z\": 6, \"\\u0100\": 7, \"\\u007f\": 8, \" \": 9, \"\": 10}",
        "{\n  \"\\u00e9\": 1,\n  \"e\": 2,\n  \"\\ud83d\\ude00\": 3,\n  \"\\uffff\": 4,\n  \"E\": 5,\n  \"z\": 6,\n  \"\\u0100\": 7,\n  \"\\u007f\": 8,\n  \" \": 9,\n  \"\": 10\n}",
        "{\"\": 10, \" \": 9, \"E\": 5, \"e\": 2, \"z\": 6, \"\\u007f\": 8, \"\\u00e9\": 1, \"\\u0100\": 7, \"\\uffff\": 4, \"\\ud83d\\ude00\": 3}",
        "{\"é\":1,\"e\":2,\"😀\":3,\"\u{ffff}\":4,\"E\":5,\"z\":6,\"Ā\":7,\"\u{7f}\":8,\" \":9,\"\":10}",
    ),
    (
        "\"just a \\\"string\\\"\\n\"",
        "\"just a \\\"string\\\"\\n\"",
        "\"just a \\\"string\\\"\\n\"",
        "\"just a \\\"string\\\"\\n\"",
    ),
    (
        "{\"properties\": {\"lat\": {\"type\": \"number\", \"default\": -1.5e-05, \"title\": \"Latitude \\u00b0\"}, \"n\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 1e+300}}, \"required\": [\"lat\"]}",
        "{\n  \"properties\": {\n    \"lat\": {\n      \"type\": \"number\",\n      \"default\": -1.5e-05,\n      \"title\": \"Latitude \\u00b0\"\n    },\n    \"n\": {\n      \"type\": \"integer\",\n      \"minimum\": 0,\n      \"maximum\": 1e+300\n    }\n  },\n  \"required\": [\n    \"lat\"\n  ]\n}",
        "{\"properties\": {\"lat\": {\"default\": -1.5e-05, \"title\": \"Latitude \\u00b0\", \"type\": \"number\"}, \"n\": {\"maximum\": 1e+300, \"minimum\": 0, \"type\": \"integer\"}}, \"required\": [\"lat\"]}",
        "{\"properties\":{\"lat\":{\"type\":\"number\",\"default\":-0.000015,\"title\":\"Latitude °\"},\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1e+300}},\"required\":[\"lat\"]}",
    ),
];

#[test]
fn documents_match_python_and_pydantic() {
    for &(input, indent2, sorted, compact) in DOCUMENTS {
        let v: Value = serde_json::from_str(input).expect("valid JSON");
        assert_eq!(to_string_indent2(&v), indent2, "indent=2 of {input}");
        assert_eq!(to_string_sorted(&v), sorted, "sort_keys=True of {input}");
        assert_eq!(to_string_compact_utf8(&v), compact, "pydantic of {input}");
    }
}

#[test]
fn empty_containers() {
    assert_eq!(to_string_indent2(&serde_json::json!({})), "{}");
    assert_eq!(to_string_indent2(&serde_json::json!([])), "[]");
    assert_eq!(
        to_string_sorted(&serde_json::json!({"a": {}, "b": []})),
        r#"{"a": {}, "b": []}"#
    );
    assert_eq!(
        to_string_compact_utf8(&serde_json::json!([{}, []])),
        "[{},[]]"
    );
}

#[test]
fn decimal_literals_split_into_digits_and_exponent() {
    assert_eq!(parse_decimal("1234.5"), Some(("12345".into(), 3)));
    assert_eq!(parse_decimal("0.00001234"), Some(("1234".into(), -5)));
    assert_eq!(parse_decimal("1.5e-7"), Some(("15".into(), -7)));
    assert_eq!(parse_decimal("1e+16"), Some(("1".into(), 16)));
    assert_eq!(parse_decimal("100.0"), Some(("1".into(), 2)));
    assert_eq!(parse_decimal("5E3"), Some(("5".into(), 3)));
    assert_eq!(parse_decimal("0.0"), None);
    assert_eq!(parse_decimal("null"), None);
    assert_eq!(parse_decimal(".5"), None);
    assert_eq!(parse_decimal("1e"), None);
}
