//! Shared by the `terms_*` golden tests: evaluate one partner file against one program text.

use partnerctl::dataset::Dataset;
use partnerctl::evaluate::{self, Evaluation};
use partnerctl::model::scalar::Date;
use partnerctl::source::{blob_id, Snapshot, SourceFile};

/// Evaluate the single partner `partner` against `program` (stored at `programs/<id>.toml`) as
/// of `as_of`; both files must be valid.
pub fn eval_in(program_id: &str, program: &str, partner: &str, as_of: &str) -> Evaluation {
    let path = format!("programs/{program_id}.toml");
    let files = [(path.as_str(), program), ("partners/p.toml", partner)]
        .iter()
        .map(|(p, t)| SourceFile {
            path: (*p).into(),
            bytes: t.as_bytes().to_vec(),
            blob_id: blob_id(t.as_bytes()),
        })
        .collect();
    let ds = Dataset::from_snapshot(&Snapshot {
        label: "t".into(),
        files,
        problems: vec![],
    });
    assert_eq!(ds.diagnostics(), vec![], "test data must be valid");
    let catalog = ds.catalog();
    let as_of: Date = as_of.parse().unwrap();
    let mut v = evaluate::evaluate_all(
        ds.partners.iter().filter_map(|f| f.record.as_ref()),
        &catalog,
        as_of,
    );
    assert_eq!(v.len(), 1);
    v.remove(0)
}

/// The warning codes of an evaluation, in order.
#[allow(dead_code)] // each test crate compiles this module; not all of them use every helper
pub fn codes(ev: &Evaluation) -> Vec<&'static str> {
    ev.warnings.iter().map(|w| w.code).collect()
}
