//! Generated JSON Schemas under `schemas/` must match the input models.
//!
//! Each crate lists its input models in `input_schemas()`; this test renders every schema and
//! compares it with `schemas/<crate>/<model>.json`. When a model changes on purpose, regenerate
//! the files with `ROUTE_MAP_UPDATE_SCHEMAS=1 cargo test --test integration schemas` and commit
//! them with the change.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

type Schemas = Vec<(&'static str, schemars::Schema)>;

/// Every crate's input schemas, by crate directory name under `schemas/`.
fn all_schemas() -> Vec<(&'static str, Schemas)> {
    vec![
        ("core", route_map::core::input_schemas()),
        ("governance", route_map::governance::input_schemas()),
        ("capitation", route_map::capitation::input_schemas()),
        ("outcomes", route_map::outcomes::input_schemas()),
        ("procurement-rules", route_map::procurement::input_schemas()),
        // SCHEMA-CRATES
    ]
}

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

fn render(schema: &schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap();
    text.push('\n');
    text
}

#[test]
fn model_names_are_unique_within_each_crate() {
    for (krate, schemas) in all_schemas() {
        let names: BTreeSet<_> = schemas.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names.len(),
            schemas.len(),
            "duplicate model name in {krate}"
        );
        assert!(!schemas.is_empty(), "{krate} lists no input models");
    }
}

#[test]
fn generated_schemas_match_the_models() {
    let update = std::env::var_os("ROUTE_MAP_UPDATE_SCHEMAS").is_some();
    let root = schemas_dir();
    let mut drift = Vec::new();
    for (krate, schemas) in all_schemas() {
        let dir = root.join(krate);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
        }
        let mut expected_files = BTreeSet::new();
        for (name, schema) in &schemas {
            let file = format!("{name}.json");
            let path = dir.join(&file);
            let text = render(schema);
            expected_files.insert(file);
            if update {
                std::fs::write(&path, &text).unwrap();
            } else {
                match std::fs::read_to_string(&path) {
                    Ok(stored) if stored == text => {}
                    Ok(_) => drift.push(format!("{} differs from the model", path.display())),
                    Err(_) => drift.push(format!("{} is missing", path.display())),
                }
            }
        }
        // Files for models that no longer exist are drift too.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries {
                let file = entry.unwrap().file_name().to_string_lossy().into_owned();
                if file.ends_with(".json") && !expected_files.contains(&file) {
                    if update {
                        std::fs::remove_file(dir.join(&file)).unwrap();
                    } else {
                        drift.push(format!("{krate}/{file} has no model"));
                    }
                }
            }
        }
    }
    assert!(
        drift.is_empty(),
        "schemas/ has drifted from the input models (regenerate with \
         ROUTE_MAP_UPDATE_SCHEMAS=1 cargo test --test integration schemas):\n{}",
        drift.join("\n")
    );
}

#[test]
fn every_schema_is_a_json_object_with_a_title() {
    for (krate, schemas) in all_schemas() {
        for (name, schema) in schemas {
            let value = serde_json::to_value(&schema).unwrap();
            assert!(value.is_object(), "{krate}/{name}");
            assert!(value.get("title").is_some(), "{krate}/{name} has no title");
        }
    }
}
