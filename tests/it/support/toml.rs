//! TOML documents compared as ordered data.

/// A TOML document as nested ordered (key, value) lists: equal when the documents are
/// equal as data *and* list their keys in the same order.
#[derive(Debug, PartialEq)]
pub enum Toml {
    Str(String),
    Int(i64),
    Float(String),
    Bool(bool),
    Datetime(String),
    Array(Vec<Toml>),
    Table(Vec<(String, Toml)>),
}

/// Parse TOML text into [`Toml`].
pub fn parse_toml(text: &str) -> Toml {
    let doc: toml_edit::Document<String> = text.parse().expect("valid TOML");
    toml_item(doc.as_item())
}

fn toml_value(v: &toml_edit::Value) -> Toml {
    use toml_edit::Value as V;
    match v {
        V::String(s) => Toml::Str(s.value().clone()),
        V::Integer(i) => Toml::Int(*i.value()),
        V::Float(f) => Toml::Float(f.value().to_string()),
        V::Boolean(b) => Toml::Bool(*b.value()),
        V::Datetime(d) => Toml::Datetime(d.value().to_string()),
        V::Array(a) => Toml::Array(a.iter().map(toml_value).collect()),
        V::InlineTable(t) => Toml::Table(
            t.iter()
                .map(|(k, v)| (k.to_string(), toml_value(v)))
                .collect(),
        ),
    }
}

fn toml_item(item: &toml_edit::Item) -> Toml {
    use toml_edit::Item;
    match item {
        Item::Value(v) => toml_value(v),
        Item::Table(t) => Toml::Table(
            t.iter()
                .map(|(k, v)| (k.to_string(), toml_item(v)))
                .collect(),
        ),
        Item::ArrayOfTables(a) => Toml::Array(
            a.iter()
                .map(|t| {
                    Toml::Table(
                        t.iter()
                            .map(|(k, v)| (k.to_string(), toml_item(v)))
                            .collect(),
                    )
                })
                .collect(),
        ),
        Item::None => Toml::Table(vec![]),
    }
}
