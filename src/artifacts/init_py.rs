//! `<pkg>/__init__.py` (empty) and `<pkg>/dags/__init__.py` (header + blank line).

use crate::templates::HEADER;
use std::sync::{Arc, LazyLock};

pub fn package_init_py() -> Arc<str> {
    static EMPTY: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(""));
    EMPTY.clone()
}

pub fn dags_init_py() -> Arc<str> {
    static TEXT: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from(format!("{HEADER}\n\n")));
    TEXT.clone()
}
