//! `metadata`: the package metadata, checked but not used by the generated files.

use crate::diagnostics::{Code, Diagnostic};
use crate::spec::fields::Sink;
use crate::syntax::yaml::Node;
pub(super) fn check_metadata(sink: &mut Sink, node: &Node) {
    if node.is_null() {
        return;
    }
    let Some(mut f) = sink.map(node, "`metadata`") else {
        return;
    };
    for key in ["name", "description", "license"] {
        if let Some(n) = f.require(sink, key, "`metadata`") {
            sink.str(n, &format!("`metadata.{key}`"));
        }
    }
    for key in ["repository", "documentation", "readme"] {
        if let Some(n) = f.take(key)
            && !n.is_null()
        {
            sink.str(n, &format!("`metadata.{key}`"));
        }
    }
    if let Some(k) = f.take("keywords")
        && let Some(items) = sink.seq(k, "`metadata.keywords`")
    {
        for i in items {
            sink.str(i, "a keyword");
        }
    }
    if let Some(m) = f.require(sink, "maintainers", "`metadata`")
        && let Some(items) = sink.seq(m, "`metadata.maintainers`")
    {
        if items.is_empty() {
            sink.push(
                Diagnostic::error(
                    Code::InvalidMetadata,
                    "`metadata.maintainers` must list at least one maintainer",
                )
                .at(m.span, "empty list"),
            );
        }
        for i in items {
            if let Some(mut mf) = sink.map(i, "a maintainer") {
                for key in ["name", "email"] {
                    if let Some(n) = mf.require(sink, key, "a maintainer") {
                        sink.str(n, &format!("maintainer `{key}`"));
                    }
                }
            }
        }
    }
    // Extra metadata keys are allowed and kept (they are never used).
}
