//! The reference's golden vectors (`WTC_GOLDEN`): params.json and rjsf.json byte for byte.

use crate::support::*;
use wtc::artifacts::package_without_images;
use wtc::db::Database;

#[test]
fn golden_vectors_params_and_rjsf() {
    let Some(golden) = golden_dir() else {
        eprintln!(
            "skipped: set WTC_GOLDEN to ../shared/reference/golden to run the golden-vector test"
        );
        return;
    };
    let db = Database::default();
    for vector in ["v1", "v2"] {
        let args = golden_args(vector);
        let input = golden.join(vector).join("input");
        let spec_path = input.join("spec.yaml");
        let text = std::fs::read_to_string(&spec_path).unwrap();
        let registry = std::fs::read_to_string(input.join("registry.json")).unwrap();
        let compiled = package_without_images(
            &db,
            workflow(&db, &spec_path, &text, &registry, vec![], &args),
        )
        .clone();
        assert!(
            compiled.package.is_some(),
            "{vector} failed:\n{}",
            rendered_diagnostics(&compiled, "spec.yaml", &text)
        );
        for name in ["params.json", "rjsf.json"] {
            let want =
                std::fs::read_to_string(golden.join(vector).join("expected").join(name)).unwrap();
            assert_eq!(
                file(&compiled, &format!("/{name}")),
                want,
                "{vector} {name}"
            );
        }
    }
}
