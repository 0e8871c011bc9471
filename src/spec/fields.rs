//! Helpers for reading YAML nodes into the spec model while collecting diagnostics.

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::spec::model::Spanned;
use crate::syntax::span::Span;
use crate::syntax::yaml::{Node, NodeKind, Scalar};

/// Collects diagnostics while a spec is lowered.
#[derive(Default)]
pub struct Sink {
    pub diags: Vec<Diagnostic>,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Report that `node` has the wrong type.
    pub fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        let found = node.kind_name();
        let mut d = Diagnostic::error(
            Code::InvalidType,
            format!("{what} must be {expected}, found {found}"),
        )
        .at(node.span, format!("expected {expected}"));
        if let NodeKind::Scalar(Scalar::Timestamp(text)) = &node.kind {
            d = d.with_help(format!(
                "YAML reads unquoted `{text}` as a date; quote it to make it a string: \"{text}\""
            ));
        } else if expected == "a string"
            && let NodeKind::Scalar(s) = &node.kind
            && !matches!(s, Scalar::Null)
        {
            let text = scalar_text(s);
            d = d.with_help(format!("quote the value to make it a string: \"{text}\""));
        }
        self.push(d);
    }

    pub fn str(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        match node.as_str() {
            Some(s) => Some(Spanned::new(s.to_string(), node.span)),
            None => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    pub fn map<'a>(&mut self, node: &'a Node, what: &str) -> Option<Fields<'a>> {
        match &node.kind {
            NodeKind::Map(entries) => Some(Fields::new(entries, node.span)),
            _ => {
                self.wrong_type(node, what, "a mapping");
                None
            }
        }
    }

    pub fn seq<'a>(&mut self, node: &'a Node, what: &str) -> Option<&'a [Node]> {
        match &node.kind {
            NodeKind::Seq(items) => Some(items),
            _ => {
                self.wrong_type(node, what, "a list");
                None
            }
        }
    }

    pub fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match &node.kind {
            NodeKind::Scalar(Scalar::Bool(b)) => Some(*b),
            _ => {
                self.wrong_type(node, what, "a boolean (`true` or `false`)");
                None
            }
        }
    }

    pub fn int(&mut self, node: &Node, what: &str) -> Option<i64> {
        match &node.kind {
            NodeKind::Scalar(Scalar::Int(i)) if i64::try_from(*i).is_ok() => Some(*i as i64),
            _ => {
                self.wrong_type(node, what, "an integer");
                None
            }
        }
    }
}

/// Text of a scalar as the user (probably) wrote it.
pub fn scalar_text(s: &Scalar) -> String {
    match s {
        Scalar::Null => "null".into(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => crate::pyjson::py_float_repr(*f),
        Scalar::Str(s) | Scalar::Timestamp(s) => s.clone(),
    }
}

/// The keys of one YAML mapping, consumed one by one; leftovers are unknown keys.
pub struct Fields<'a> {
    entries: &'a [(Node, Node)],
    used: Vec<bool>,
    pub span: Span,
}

impl<'a> Fields<'a> {
    pub fn new(entries: &'a [(Node, Node)], span: Span) -> Self {
        Self {
            entries,
            used: vec![false; entries.len()],
            span,
        }
    }

    /// Take the value of `key` (marks it as known).
    pub fn take(&mut self, key: &str) -> Option<&'a Node> {
        let i = self
            .entries
            .iter()
            .position(|(k, _)| k.as_str() == Some(key))?;
        self.used[i] = true;
        Some(&self.entries[i].1)
    }

    /// The key node of `key`, if present.
    pub fn key_node(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, _)| k)
    }

    pub fn has(&self, key: &str) -> bool {
        self.key_node(key).is_some()
    }

    /// Take a required key; reports a "missing key" error at the mapping when absent.
    pub fn require(&mut self, sink: &mut Sink, key: &str, what: &str) -> Option<&'a Node> {
        let v = self.take(key);
        if v.is_none() {
            sink.push(
                Diagnostic::error(
                    Code::MissingKey,
                    format!("{what} is missing required key `{key}`"),
                )
                .at(self.first_line_span(), format!("`{key}` is required here")),
            );
        }
        v
    }

    /// The span of the mapping's first key (a compact place to point at the whole mapping).
    pub fn first_line_span(&self) -> Span {
        self.entries.first().map_or(self.span, |(k, _)| k.span)
    }

    /// All entries not taken so far.
    pub fn rest(&self) -> impl Iterator<Item = &'a (Node, Node)> + '_ {
        self.entries
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|(e, _)| e)
    }

    /// Report every key that was not taken as unknown.
    pub fn finish(self, sink: &mut Sink, what: &str, allowed: &[&str]) {
        for (k, _) in self.rest() {
            let name = match k.as_str() {
                Some(s) => s.to_string(),
                None => scalar_key_text(k),
            };
            let mut help = did_you_mean(&name, allowed.iter().copied());
            if help.is_none() {
                let alt = name.replace('_', "-");
                if allowed.contains(&alt.as_str()) {
                    help = Some(format!(
                        "did you mean `{alt}`? (this key is spelled with hyphens)"
                    ));
                }
            }
            let help = help.unwrap_or_else(|| {
                format!(
                    "{what} accepts: {}",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            sink.push(
                Diagnostic::error(Code::UnknownKey, format!("unknown key `{name}` in {what}"))
                    .at(k.span, "not allowed here")
                    .with_help(help),
            );
        }
    }
}

fn scalar_key_text(k: &Node) -> String {
    match &k.kind {
        NodeKind::Scalar(s) => scalar_text(s),
        _ => "<complex key>".into(),
    }
}
