//! Spanned TOML reading, shared by the dependency-file loader (`dependencies::loader`) and
//! the scaffold manifest (`scaffold::manifest`): `toml_edit` parsing with byte spans,
//! the entries of a table taken field by field, typed access that says where a value of
//! the wrong type is, and type names for messages. Problems come back as plain located
//! values ([`SyntaxError`], [`WrongType`]); the callers turn them into diagnostics.

use crate::syntax::span::Span;
use toml_edit::{Document, Item, Key, TableLike, Value};

/// A TOML syntax error: the parser's message and where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// Parse TOML text, keeping the spans of keys and values.
pub fn parse(text: &str) -> Result<Document<&str>, SyntaxError> {
    Document::parse(text).map_err(|e| SyntaxError {
        message: e.message().trim().to_string(),
        span: span(e.span()),
    })
}

/// A `toml_edit` byte range as a [`Span`] (empty when unknown).
pub fn span(r: Option<std::ops::Range<usize>>) -> Span {
    r.map_or_else(Span::default, |r| Span::new(r.start, r.end))
}

/// The span of an entry's key, falling back to its value.
pub fn key_span(key: &Key, item: &Item) -> Span {
    span(key.span().or_else(|| item.span()))
}

/// The span of an entry's value, falling back to its key.
pub fn value_span(key: &Key, item: &Item) -> Span {
    span(item.span().or_else(|| key.span()))
}

/// The entries of a table (standard or inline) with their keys.
pub fn entries(table: &dyn TableLike) -> Vec<(&Key, &Item)> {
    table
        .iter()
        .filter_map(|(name, _)| table.get_key_value(name))
        .collect()
}

/// "string", "integer", "table", ... (inline and standard tables alike).
pub fn type_name(item: &Item) -> &'static str {
    match item {
        Item::Value(Value::InlineTable(_)) | Item::Table(_) => "table",
        other => other.type_name(),
    }
}

/// "a string", "an integer", "a table", ... (with the article, for "found ..." messages).
pub fn described(item: &Item) -> &'static str {
    match item {
        Item::Value(Value::InlineTable(_)) | Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "a table",
        },
        Item::None => "nothing",
    }
}

/// One entry of a table: its key and value.
pub type Entry<'a> = (&'a Key, &'a Item);

/// The entries of one table, taken field by field; what is left are unknown keys.
pub struct Fields<'a> {
    pub entries: Vec<Entry<'a>>,
    /// The table's span (empty for the document root).
    pub span: Span,
}

impl<'a> Fields<'a> {
    pub fn new(table: &'a dyn TableLike, span: Span) -> Self {
        Self {
            entries: entries(table),
            span,
        }
    }

    /// Take the entry `name`, if present.
    pub fn take(&mut self, name: &str) -> Option<Entry<'a>> {
        let i = self.entries.iter().position(|(k, _)| k.get() == name)?;
        Some(self.entries.remove(i))
    }

    /// Whether an entry `name` is still there.
    pub fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.get() == name)
    }

    /// The entries not taken (the unknown keys), leaving none.
    pub fn rest(&mut self) -> Vec<Entry<'a>> {
        std::mem::take(&mut self.entries)
    }
}

/// A value of the wrong type: the entry, so that callers can name its key, point at its
/// value and describe what was found.
#[derive(Clone, Copy)]
pub struct WrongType<'a> {
    pub key: &'a Key,
    pub item: &'a Item,
}

impl WrongType<'_> {
    /// Where the value is.
    pub fn span(&self) -> Span {
        value_span(self.key, self.item)
    }
}

/// A string value and its span.
pub fn string<'a>((key, item): Entry<'a>) -> Result<(&'a str, Span), WrongType<'a>> {
    item.as_str()
        .map(|s| (s, value_span(key, item)))
        .ok_or(WrongType { key, item })
}

/// A boolean value.
pub fn boolean<'a>((key, item): Entry<'a>) -> Result<bool, WrongType<'a>> {
    item.as_bool().ok_or(WrongType { key, item })
}

/// An integer value and its span.
pub fn integer<'a>((key, item): Entry<'a>) -> Result<(i64, Span), WrongType<'a>> {
    item.as_integer()
        .map(|n| (n, value_span(key, item)))
        .ok_or(WrongType { key, item })
}

/// An array of strings and its span.
pub fn strings<'a>((key, item): Entry<'a>) -> Result<(Vec<String>, Span), WrongType<'a>> {
    let strings: Option<Vec<String>> = item
        .as_array()
        .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
    strings
        .map(|v| (v, value_span(key, item)))
        .ok_or(WrongType { key, item })
}
