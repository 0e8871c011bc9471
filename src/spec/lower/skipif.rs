//! `skipif` blocks (`conditions`, `unpack_depth`), per task or from `task-instance-defaults`.

use crate::spec::fields::Sink;
use crate::spec::model::*;
use crate::syntax::yaml::Node;

pub const SKIPIF_KEYS: &[&str] = &["conditions", "unpack_depth"];

pub(super) fn lower_skipif(sink: &mut Sink, node: &Node) -> Option<SkipIf> {
    if node.is_null() {
        return None;
    }
    let mut f = sink.map(node, "`skipif`")?;
    let mut conditions = Vec::new();
    if let Some(c) = f.take("conditions")
        && !c.is_null()
        && let Some(items) = sink.seq(c, "`skipif.conditions`")
    {
        conditions = items
            .iter()
            .filter_map(|i| sink.str(i, "a skipif condition"))
            .collect();
    }
    let unpack_depth = f
        .take("unpack_depth")
        .and_then(|n| sink.int(n, "`skipif.unpack_depth`"))
        .unwrap_or(1);
    f.finish(sink, "`skipif`", SKIPIF_KEYS);
    Some(SkipIf {
        conditions,
        unpack_depth,
    })
}
