//! `hatch_build.py` (`artifacts.md` §8): the hatchling metadata hook that reads the version
//! from `VERSION.yaml`.

use std::sync::{Arc, LazyLock};

pub fn hatch_build_py() -> Arc<str> {
    static TEXT: LazyLock<Arc<str>> = LazyLock::new(|| {
        Arc::from(crate::templates::render(
            "packaging/hatch_build.py.j2",
            minijinja::context! {},
        ))
    });
    TEXT.clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn defines_the_hook() {
        assert!(super::hatch_build_py().contains("class VersionYamlHook(MetadataHookInterface):"));
    }
}
