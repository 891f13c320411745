//! `eval` renders each result in parallel where it is made; the pieces must add up to exactly
//! what rendering all results at once gives. (The table's parallel layout is tested next to it,
//! in `render::eval`.)

use partnerctl::dataset::Dataset;
use partnerctl::evaluate::{self, Evaluation};
use partnerctl::model::scalar::Date;
use partnerctl::render::eval::{self as render, EvalReport, Skipped};
use partnerctl::source::{Repo, Side};

fn bundled(as_of: &str) -> Vec<Evaluation> {
    // The samples as committed: uncommitted edits to them do not change this test.
    let repo = Repo::discover(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let ds = Dataset::from_snapshot(&repo.snapshot(&Side::Rev("HEAD".into())).unwrap());
    let catalog = ds.catalog();
    let as_of: Date = as_of.parse().unwrap();
    evaluate::evaluate_all(
        ds.partners.iter().filter_map(|f| f.record.as_ref()),
        &catalog,
        as_of,
    )
}

#[test]
fn json_pieces_concatenate_to_the_whole_report() {
    let evals = bundled("2026-11-23");
    assert!(evals.len() >= 30);
    let skipped = [Skipped {
        file: "partners/broken.toml".into(),
        errors: 2,
    }];
    let as_of = "2026-11-23".parse().unwrap();
    let whole = render::json(&EvalReport {
        version: 1,
        as_of,
        results: &evals,
        skipped: &skipped,
    });
    let results: Vec<String> = evals
        .iter()
        .map(|e| {
            render::json_result(
                e,
                render::JsonStyle {
                    detail: render::JsonDetail::Full,
                    pretty: true,
                },
            )
        })
        .collect();
    let (head, middle, tail) = render::json_of_results(as_of, &results, &skipped, true);
    assert_eq!(format!("{head}{}{tail}", middle.concat()), whole);
    // And with no results at all.
    let (head, middle, tail) = render::json_of_results(as_of, &[], &[], true);
    assert!(middle.is_empty());
    let empty = render::json(&EvalReport {
        version: 1,
        as_of,
        results: &[],
        skipped: &[],
    });
    assert_eq!(format!("{head}{tail}"), empty);
}
