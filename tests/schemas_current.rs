//! The committed `schemas/*.schema.json` are what the Rust types generate: a doc comment on a
//! model type is a schema description, so editing one must come with `partnerctl schema`.

use partnerctl::schema::{partner_schema, program_schema, render};

#[test]
fn the_committed_schemas_are_generated_from_the_model() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, schema) in [
        ("schemas/partner.schema.json", partner_schema()),
        ("schemas/program.schema.json", program_schema()),
    ] {
        let committed = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(
            committed == render(&schema),
            "{file} is stale: run `partnerctl schema` and commit the result"
        );
    }
}
