//! `.dockerignore` (`artifacts.md` §6).

use std::sync::{Arc, LazyLock};

pub fn dockerignore() -> Arc<str> {
    static TEXT: LazyLock<Arc<str>> = LazyLock::new(|| {
        Arc::from(crate::templates::render(
            "packaging/dockerignore.j2",
            minijinja::context! {},
        ))
    });
    TEXT.clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ignores_pixi_envs_and_egg_info() {
        assert!(super::dockerignore().ends_with("\n\n\n.pixi/\n*.egg-info/\n"));
    }
}
