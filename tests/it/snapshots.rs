//! Snapshots of every generated artifact of the examples (`UPDATE_EXPECT=1` to update).

use crate::support::*;
use wtc::db::Database;

#[test]
fn example_artifacts() {
    let db = Database::default();
    for &example in EXAMPLES {
        let (text, compiled) = compile_example(&db, example);
        assert!(
            compiled.diagnostics.is_empty(),
            "{example}:\n{}",
            rendered_diagnostics(&compiled, "spec.yaml", &text)
        );
        let pkg = compiled.package.as_ref().unwrap();
        let pkg_dir = format!("{}/", pkg.release_name.replace('-', "_"));
        for (rel, bytes) in &pkg.files {
            // Binary files (graph.png) are checked in tests/it/graph.rs.
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            // Snapshot paths use the package-independent part of the path.
            let rel = rel.strip_prefix(&pkg_dir).unwrap_or(rel);
            let path = repo()
                .join("tests/snapshots")
                .join(example)
                .join(format!("{rel}.snap"));
            if std::env::var_os("UPDATE_EXPECT").is_some() {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            }
            expect_test::expect_file![path.as_std_path()].assert_eq(text);
        }
    }
}
