//! Loading: bytes → TOML syntax tree → JSON Schema check → typed record, each problem located.

use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use crate::diagnostic::{Code, Diagnostic, DocPath, Seg};
use crate::model::{Partner, Program};
use crate::source::SourceFile;

mod locate;
mod parse;
mod schema_diagnostics;
mod wording;

pub use locate::{locate, span_of, Locator};
pub use parse::parse_to_json;
pub use wording::date_hint;

use locate::path_from_serde;
use parse::{mark_datetimes_in_table, parse};
use schema_diagnostics::schema_diagnostics;

/// Tables and arrays nested deeper than this are rejected (protects the recursive walks).
pub const MAX_DEPTH: usize = 24;

// Defined with the model, which `schema` also reads: `schema` need not depend on `load`.
pub use crate::model::FileKind;

/// A data file after loading: its text (when it was text) and the typed record (when it was valid
/// enough to build one).
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// Repository-relative path.
    pub path: String,
    /// Git blob id of the bytes (see [`SourceFile::blob_id`]).
    pub blob_id: Option<gix::ObjectId>,
    /// The file's text, when it was UTF-8.
    pub text: Option<String>,
    /// The typed record; `None` when syntax or schema errors prevented it.
    pub record: Option<T>,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Loaded<T> {
    /// The file name without `.toml`.
    pub fn stem(&self) -> &str {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        name.strip_suffix(".toml").unwrap_or(name)
    }
}

/// The compiled validator of a kind of file, built from the Rust types once per process and only
/// when needed: valid partner files never reach it (see [`load_partner`]).
fn validator(kind: FileKind) -> &'static jsonschema::Validator {
    static PARTNER: OnceLock<jsonschema::Validator> = OnceLock::new();
    static PROGRAM: OnceLock<jsonschema::Validator> = OnceLock::new();
    let build = |schema: Json| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&schema)
            .expect("generated schema compiles")
    };
    match kind {
        FileKind::Partner => PARTNER.get_or_init(|| build(crate::schema::partner_schema())),
        FileKind::Program => PROGRAM.get_or_init(|| build(crate::schema::program_schema())),
    }
}

/// Load a partner file.
///
/// Most partner files are valid, and for a valid file the JSON conversion and schema walk only
/// confirm what typed deserialization already knows. So the record is first deserialized straight
/// from TOML ([`crate::fast_toml`] for files in plain TOML, else `toml`); that succeeds only if
/// the strict types accept every value — including the lengths and patterns of free text, which
/// the checked types of [`crate::model::checked`] enforce — which implies the schema would pass
/// with the same record. Anything else takes the full path, whose diagnostics are unchanged.
pub fn load_partner(file: &SourceFile) -> Loaded<Partner> {
    if let Ok(text) = std::str::from_utf8(&file.bytes) {
        let record = crate::fast_toml::from_str::<Partner>(text)
            .or_else(|| toml::from_str::<Partner>(text).ok());
        if let Some(record) = record {
            return Loaded {
                path: file.path.clone(),
                blob_id: file.blob_id,
                text: Some(text.to_owned()),
                record: Some(record),
                diagnostics: Vec::new(),
            };
        }
    }
    load(file, FileKind::Partner)
}

/// Load a partner file the long way: TOML tree → JSON → schema → typed record. Gives the same
/// result as [`load_partner`]; public so tests can hold the fast path to that.
pub fn load_partner_via_schema(file: &SourceFile) -> Loaded<Partner> {
    load(file, FileKind::Partner)
}

/// Load a program file.
pub fn load_program(file: &SourceFile) -> Loaded<Program> {
    load(file, FileKind::Program)
}

fn load<T: DeserializeOwned>(file: &SourceFile, kind: FileKind) -> Loaded<T> {
    let mut out = Loaded {
        path: file.path.clone(),
        blob_id: file.blob_id,
        text: None,
        record: None,
        diagnostics: Vec::new(),
    };
    let text = match std::str::from_utf8(&file.bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &file.bytes[..e.valid_up_to()];
            // Safe: the prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            out.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidUtf8,
                    &file.path,
                    format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                )
                .with_span(prefix, prefix.len()..prefix.len())
                .with_hint("save the file as UTF-8"),
            );
            // Kept for display only (snippets); the prefix before the bad byte is unchanged, so
            // the span stays exact.
            out.text = Some(String::from_utf8_lossy(&file.bytes).into_owned());
            return out;
        }
    };
    out.text = Some(text.to_owned());
    let (record, diags) = check_text::<T>(&file.path, text, kind);
    out.record = record;
    // All of them, located in O(N log size); the outputs cap them per file (`cap_each_file`),
    // after the cross-file rules have added theirs.
    out.diagnostics = diags;
    out
}

/// Syntax, schema and typed checks of a file's text. The text is parsed once; every diagnostic
/// is located against that tree.
fn check_text<T: DeserializeOwned>(
    path: &str,
    text: &str,
    kind: FileKind,
) -> (Option<T>, Vec<Diagnostic>) {
    let (loc, json) = match parse(path, text) {
        Ok(parsed) => parsed,
        Err(diags) => return (None, diags),
    };
    let schema_diags = schema_diagnostics(validator(kind), kind, &json, path, &loc);
    if !schema_diags.is_empty() {
        return (None, schema_diags);
    }
    let mut json = json;
    if let Some(doc) = &loc.doc {
        mark_datetimes_in_table(&mut json, doc.get_ref());
    }
    // By value: strings move from the JSON tree into the record instead of being copied. The
    // errors are the same as when deserializing from `&Json`.
    match serde_path_to_error::deserialize::<_, T>(json) {
        Ok(record) => (Some(record), Vec::new()),
        Err(err) => {
            let doc_path = path_from_serde(err.path());
            let d = typed_error(path, err.inner().to_string(), &doc_path).with_path(&doc_path);
            (None, vec![loc.locate(d, &doc_path, false)])
        }
    }
}

/// A typed deserializer's error as a diagnostic. The schema has already passed, so a map where
/// it expected something else can only be a TOML date marked by [`parse::mark_datetimes`].
fn typed_error(path: &str, msg: String, at: &DocPath) -> Diagnostic {
    use crate::model::scalar::QUOTED_DATE;
    if msg == QUOTED_DATE {
        // The key names the field to fix (the snippet under the message shows the value); the
        // public outputs get the wording that names nothing.
        let key = at.0.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        });
        let msg = key.map_or(msg, |k| {
            format!("`{k}` is a date in quotes, which TOML reads as text: write it without quotes, e.g. {k} = 2025-11-30")
        });
        return Diagnostic::error(Code::InvalidValue, path, msg).with_public_message(QUOTED_DATE);
    }
    let msg = match msg.strip_prefix("invalid type: map, expected ") {
        Some(expected) => format!("a TOML date where {expected} is expected: write text in quotes"),
        None => msg,
    };
    Diagnostic::error(Code::InvalidValue, path, msg)
}

/// An integer TOML cannot hold. Never quotes the number: it may be a confidential value.
fn integer_range(path: &str) -> Diagnostic {
    let message = "integer out of range: TOML integers are 64-bit, from -9223372036854775808 to 9223372036854775807";
    Diagnostic::error(Code::IntegerRange, path, message)
        .with_hint("amounts are written as decimal strings, e.g. \"2000.00\"")
}
