//! Conda entries of `[feature.<name>.dependencies]`: version strings or tables, channels.

use super::{CONDA_KEYS, Loader};
use crate::dependencies::{CONDA_FORGE, CondaDep, NAMED_CHANNELS};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::spec::requirements::normalize_version;
use crate::syntax::span::Span;
use crate::syntax::toml::{entries, key_span, type_name as kind, value_span};
use rattler_conda_types::PackageName;
use toml_edit::{Item, Key};

impl Loader {
    pub(super) fn conda_entry(&mut self, f: &str, key: &Key, item: &Item) -> Option<CondaDep> {
        let raw_name = key.get();
        let what = format!("conda dependency `{raw_name}`");
        let name = match PackageName::try_from(raw_name) {
            Ok(n) => Some(n.as_normalized().to_string()),
            Err(e) => {
                self.error(
                    Diagnostic::error(
                        Code::InvalidPackageName,
                        format!("`{raw_name}` is not a valid conda package name: {e}"),
                    )
                    .at(key_span(key, item), "invalid name"),
                );
                None
            }
        };
        let mut version: Option<(&str, Span)> = None;
        let mut channel: Option<(&str, Span)> = None;
        if let Some(s) = item.as_str() {
            version = Some((s, value_span(key, item)));
        } else if let Some(table) = item.as_table_like() {
            let errors = self.error_count();
            for (k, v) in entries(table) {
                match k.get() {
                    "version" => version = self.string(&what, k, v).map(|s| (s, value_span(k, v))),
                    "channel" => channel = self.string(&what, k, v).map(|s| (s, value_span(k, v))),
                    _ => self.unknown_key(k, v, &what, CONDA_KEYS),
                }
            }
            if self.error_count() > errors {
                return None;
            }
        } else {
            self.error(
                Diagnostic::error(
                    Code::InvalidOverrides,
                    format!(
                        "{what} in `[feature.{f}.dependencies]` must be a version string or a table, found {}",
                        kind(item)
                    ),
                )
                .at(value_span(key, item), "expected a string or a table")
                .with_help(format!(
                    "write `{raw_name} = \">=1.0\"` or `{raw_name} = {{ version = \">=1.0\", channel = \"conda-forge\" }}`"
                )),
            );
            return None;
        }
        let version = match version {
            None => Some("*".to_string()),
            Some((text, at)) => match normalize_version(text) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.error(
                        Diagnostic::error(Code::InvalidVersion, e.to_string()).at(at, "here"),
                    );
                    None
                }
            },
        };
        let channel = match channel {
            None => Some(CONDA_FORGE.to_string()),
            Some((text, at)) => self.channel(text, at),
        };
        Some(CondaDep {
            name: name?,
            version: version?,
            channel: channel?,
            span: key_span(key, item),
        })
    }

    /// A channel name or base URL → base URL (ending in `/`).
    fn channel(&mut self, text: &str, at: Span) -> Option<String> {
        if text.contains("://") {
            let mut url = text.to_string();
            if !url.ends_with('/') {
                url.push('/');
            }
            return Some(url);
        }
        if let Some((_, url)) = NAMED_CHANNELS.iter().find(|(n, _)| *n == text) {
            return Some((*url).to_string());
        }
        let names: Vec<&str> = NAMED_CHANNELS.iter().map(|(n, _)| *n).collect();
        self.error(
            Diagnostic::error(
                Code::UnknownChannel,
                format!("unknown conda channel `{text}`"),
            )
            .at(at, "not a known channel")
            .with_help(
                did_you_mean(text, names.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "use a full base URL (containing `://`) or one of the known names: {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
            ),
        );
        None
    }
}
