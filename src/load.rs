//! Loading: bytes → TOML syntax tree → JSON Schema check → typed record, each problem located.

use std::ops::Range;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::{Code, Diagnostic, DocPath, LineIndex, Seg};
use crate::model::scalar::{Money, MoneyError, MONEY_PATTERN};
use crate::model::{Partner, Program};
use crate::source::SourceFile;
use crate::suggest;

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
            let d = typed_error(path, err.inner().to_string()).with_path(&doc_path);
            (None, vec![loc.locate(d, &doc_path, false)])
        }
    }
}

/// Parse TOML into JSON for schema validation. Returns syntax problems instead when it cannot.
pub fn parse_to_json(path: &str, text: &str) -> (Option<Json>, Vec<Diagnostic>) {
    match parse(path, text) {
        Ok((_, json)) => (Some(json), Vec::new()),
        Err(diags) => (None, diags),
    }
}

/// Parse TOML once into its spanned tree (kept for locating) and JSON.
fn parse<'t>(path: &str, text: &'t str) -> Result<(Locator<'t>, Json), Vec<Diagnostic>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let lines = LineIndex::new(text);
    if !errors.is_empty() {
        let diags = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or_else(|| deepest_line(text));
                let d = Diagnostic::error(Code::TomlSyntax, path, first_line(e.message()));
                let d = match syntax_date_hint(text, span.clone()) {
                    Some(h) => d.with_hint(h),
                    None => d,
                };
                d.with_span_in(&lines, text, span)
            })
            .collect();
        return Err(diags);
    }
    let loc = Locator {
        text,
        doc: Some(doc),
        lines,
    };
    let mut diags = Vec::new();
    let json = table_to_json(
        loc.doc.as_ref().map(Spanned::get_ref),
        1,
        path,
        &loc,
        &mut diags,
    );
    if diags.is_empty() {
        Ok((loc, json))
    } else {
        Err(diags)
    }
}

/// The date hint for a syntax error on a line whose value is an unquoted `30.11.2025`.
fn syntax_date_hint(text: &str, span: Range<usize>) -> Option<String> {
    let start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(span.start..)?
        .find('\n')
        .map_or(text.len(), |i| span.start + i);
    let (_, value) = text.get(start..end)?.split_once('=')?;
    // Syntax errors have no document path, so whether the value is confidential is unknown: the
    // hint does not repeat it.
    date_hint(value.split('#').next().unwrap_or_default())
        .map(|_| "write dates as YYYY-MM-DD, unquoted (2025-11-30 for 30.11.2025)".to_string())
}

/// For a parser error without a position (its recursion limit on dotted keys): the line with
/// the deepest nesting, counted as dots and brackets before any `=`.
fn deepest_line(text: &str) -> Range<usize> {
    let mut best = (0, 0..0);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let head = line.split('=').next().unwrap_or(line);
        let depth = head.matches(['.', '[', '{']).count() + line.matches(['[', '{']).count();
        if depth > best.0 {
            best = (depth, offset..offset + line.trim_end().len());
        }
        offset += line.len();
    }
    best.1
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_owned()
}

fn table_to_json(
    t: Option<&DeTable<'_>>,
    depth: usize,
    path: &str,
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Json {
    let mut map = serde_json::Map::new();
    for (k, v) in t.into_iter().flat_map(|t| t.iter()) {
        map.insert(
            k.get_ref().to_string(),
            value_to_json(v, depth + 1, path, loc, diags),
        );
    }
    Json::Object(map)
}

fn value_to_json(
    v: &Spanned<DeValue<'_>>,
    depth: usize,
    path: &str,
    loc: &Locator<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Json {
    if depth > MAX_DEPTH {
        if diags.is_empty() {
            diags.push(
                loc.at(
                    Diagnostic::error(
                        Code::TooDeep,
                        path,
                        format!("tables or arrays nested more than {MAX_DEPTH} levels deep"),
                    )
                    .with_hint("partner and program files never need this much nesting"),
                    v.span(),
                ),
            );
        }
        return Json::Null;
    }
    match v.get_ref() {
        DeValue::String(s) => Json::String(s.to_string()),
        // `as_str` is the digits without prefix and underscores, in `radix`.
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Json::from(n),
            Err(_) => {
                diags.push(loc.at(integer_range(path), v.span()));
                Json::Null
            }
        },
        DeValue::Float(f) => {
            let n: f64 = f.as_str().replace('_', "").parse().unwrap_or(f64::NAN);
            serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
        }
        DeValue::Boolean(b) => Json::Bool(*b),
        DeValue::Datetime(d) => Json::String(d.to_string()),
        DeValue::Array(a) => Json::Array(
            a.iter()
                .map(|x| value_to_json(x, depth + 1, path, loc, diags))
                .collect(),
        ),
        DeValue::Table(t) => table_to_json(Some(t), depth, path, loc, diags),
    }
}

/// A typed deserializer's error as a diagnostic. The schema has already passed, so a map where
/// it expected something else can only be a TOML date marked by [`mark_datetimes`].
fn typed_error(path: &str, msg: String) -> Diagnostic {
    use crate::model::scalar::QUOTED_DATE;
    if msg == QUOTED_DATE {
        // It quotes nothing, so public outputs may show it too.
        return Diagnostic::error(Code::InvalidValue, path, msg).with_public_message(QUOTED_DATE);
    }
    let msg = match msg.strip_prefix("invalid type: map, expected ") {
        Some(expected) => format!("a TOML date where {expected} is expected: write text in quotes"),
        None => msg,
    };
    Diagnostic::error(Code::InvalidValue, path, msg)
}

/// The key `toml` itself uses to hand a datetime to serde as a one-entry map.
const DATETIME_MARKER: &str = "$__toml_private_datetime";

/// Give the typed deserializer TOML's datetimes as TOML gives them (a marked one-entry map), so a
/// `Date` tells `signed = 2025-11-30` from the string `signed = "2025-11-30"`. The schema saw both
/// as strings (that is how editors see TOML dates too), so this runs after it. Bounded by the
/// depth check of the conversion.
fn mark_datetimes_in_table(json: &mut Json, t: &DeTable<'_>) {
    let Json::Object(map) = json else { return };
    for (k, v) in t.iter() {
        if let Some(j) = map.get_mut(k.get_ref().as_ref()) {
            mark_datetimes(j, v.get_ref());
        }
    }
}

fn mark_datetimes(json: &mut Json, v: &DeValue<'_>) {
    match (v, &mut *json) {
        (DeValue::Datetime(_), Json::String(s)) => {
            let text = std::mem::take(s);
            *json = serde_json::json!({ DATETIME_MARKER: text });
        }
        (DeValue::Array(a), Json::Array(items)) => {
            for (x, j) in a.iter().zip(items.iter_mut()) {
                mark_datetimes(j, x.get_ref());
            }
        }
        (DeValue::Table(t), _) => mark_datetimes_in_table(json, t),
        _ => {}
    }
}

/// An integer TOML cannot hold. Never quotes the number: it may be a confidential value.
fn integer_range(path: &str) -> Diagnostic {
    let message = "integer out of range: TOML integers are 64-bit, from -9223372036854775808 to 9223372036854775807";
    Diagnostic::error(Code::IntegerRange, path, message)
        .with_hint("amounts are written as decimal strings, e.g. \"2000.00\"")
}

fn schema_diagnostics(
    validator: &jsonschema::Validator,
    kind: FileKind,
    json: &Json,
    path: &str,
    loc: &Locator<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Most files are valid: the boolean check is much cheaper than collecting (no) errors.
    if validator.is_valid(json) {
        return out;
    }
    let cx = SchemaCx {
        kind,
        json,
        path,
        loc,
    };
    for err in validator.iter_errors(json) {
        cx.convert(&err, &mut out);
    }
    out
}

/// The branch errors of a failed `oneOf`/`anyOf` worth reporting: those of the one branch whose
/// `type` tag matches the value (a tagged requirement or measure) or that is not the `null` of an
/// optional field; else none.
fn matching_branch<'e>(
    context: &'e [Vec<jsonschema::ValidationError<'static>>],
    here: &str,
) -> Option<&'e [jsonschema::ValidationError<'static>]> {
    use jsonschema::error::ValidationErrorKind as K;
    let tag_path = format!("{here}/type");
    let tag_failed = |errs: &[jsonschema::ValidationError<'static>]| {
        errs.iter().any(|e| {
            matches!(
                e.kind(),
                K::Constant { .. } | K::Enum { .. } | K::Type { .. }
            ) && e.instance_path().as_str() == tag_path
        })
    };
    // The `null` alternative of an optional field says nothing useful about a present value.
    let only_not_null = |errs: &[jsonschema::ValidationError<'static>]| {
        matches!(errs, [e] if e.instance_path().as_str() == here
            && matches!(e.kind(), K::Type { kind: jsonschema::error::TypeKind::Single(jsonschema::JsonType::Null) }))
    };
    // Among several, a branch of another type says nothing either (the string form of an
    // obligation given as a table).
    let only_wrong_type = |errs: &[jsonschema::ValidationError<'static>]| matches!(errs, [e] if e.instance_path().as_str() == here && matches!(e.kind(), K::Type { .. }));
    let mut candidates: Vec<&Vec<_>> = context
        .iter()
        .filter(|errs| !tag_failed(errs) && !only_not_null(errs))
        .collect();
    if candidates.len() > 1 {
        candidates.retain(|errs| !only_wrong_type(errs));
    }
    match candidates.as_slice() {
        [one] if !one.is_empty() && context.len() > 1 => Some(one.as_slice()),
        _ => None,
    }
}

/// The allowed values when every alternative of a failed `oneOf`/`anyOf` is a constant for the
/// value itself (schemars writes documented enums that way).
fn enum_alternatives(
    context: &[Vec<jsonschema::ValidationError<'static>>],
    here: &str,
) -> Option<Vec<String>> {
    use jsonschema::error::ValidationErrorKind as K;
    let mut allowed = Vec::new();
    for branch in context {
        match branch.as_slice() {
            [e] if e.instance_path().as_str() == here => match e.kind() {
                K::Constant { expected_value } => allowed.push(display_json(expected_value)),
                K::Enum { options } => allowed.extend(options.as_array()?.iter().map(display_json)),
                _ => return None,
            },
            _ => return None,
        }
    }
    (!allowed.is_empty()).then_some(allowed)
}

/// What converting a schema error into diagnostics needs of its file.
struct SchemaCx<'a, 't> {
    kind: FileKind,
    json: &'a Json,
    path: &'a str,
    loc: &'a Locator<'t>,
}

/// A diagnostic's wording, given how the value is quoted: `Some(value)` for the full message,
/// `None` for the public one that must not quote it.
struct Wording {
    code: Code,
    message: fn(&Quote<'_>) -> String,
}

/// What a message may quote.
struct Quote<'a> {
    /// The value as shown, or `None` in a public message.
    shown: Option<&'a str>,
    /// Extra, value-free detail (expected type, limit, pattern description, …).
    detail: &'a str,
    /// The JSON type of the value.
    found: &'a str,
}

impl<'a> Quote<'a> {
    fn new(shown: &'a str, found: &'a str, detail: &'a str) -> Self {
        Quote {
            shown: Some(shown),
            detail,
            found,
        }
    }
    /// The value, or "value" when it must not be quoted.
    fn v(&self) -> &str {
        self.shown.unwrap_or("value")
    }
}

impl SchemaCx<'_, '_> {
    /// Push a diagnostic for `doc_path` with a full and a public message.
    fn push(
        &self,
        out: &mut Vec<Diagnostic>,
        w: Wording,
        q: Quote<'_>,
        (doc_path, at_key): (&DocPath, bool),
        hint: Option<String>,
    ) {
        let public = (w.message)(&Quote { shown: None, ..q });
        let mut d = Diagnostic::error(w.code, self.path, (w.message)(&q))
            .with_path(doc_path)
            .with_public_message(public);
        d.hint = hint;
        out.push(self.loc.locate(d, doc_path, at_key));
    }

    fn convert(&self, err: &jsonschema::ValidationError<'_>, out: &mut Vec<Diagnostic>) {
        use jsonschema::error::ValidationErrorKind as K;
        let pointer = err.instance_path().as_str();
        let doc_path = DocPath::from_pointer(pointer, self.json);
        let instance = err.instance();
        let shown = display_json(instance);
        let found = json_type(instance);
        let q = |detail| Quote::new(&shown, found, detail);
        let at = (&doc_path, false);
        let wording = |code, message| Wording { code, message };
        match err.kind() {
            K::AdditionalProperties { unexpected } => self.unknown_keys(unexpected, &doc_path, out),
            K::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let w = wording(Code::MissingKey, |q| {
                    format!("missing required key `{}`", q.detail)
                });
                let hint = Some(match name {
                    "api_version" => r#"add `api_version = "partnerctl/v1"`"#.to_string(),
                    _ => format!("add `{name} = …`"),
                });
                self.push(out, w, q(name), (&doc_path, true), hint);
            }
            K::Type { kind: expected } => {
                let expected = type_kind_name(expected);
                let hint = if expected.contains("string") && instance.is_number() {
                    number_hint(self.kind, &doc_path, self.json)
                } else {
                    None
                };
                let w = wording(Code::WrongType, |q| match q.shown {
                    Some(v) => format!("expected {}, found {} {v}", q.detail, q.found),
                    None => format!("expected {}, found {}", q.detail, q.found),
                });
                self.push(out, w, q(&expected), at, hint);
            }
            K::Enum { options } => {
                let w = wording(Code::BadEnum, |q| {
                    format!("{} is not one of {}", q.v(), q.detail)
                });
                self.push(out, w, q(&display_options(options)), at, None);
            }
            K::Constant { expected_value } => {
                let w = wording(Code::BadEnum, |q| format!("{} must be {}", q.v(), q.detail));
                let value = display_json(expected_value);
                let hint = doc_path
                    .keys()
                    .last()
                    .map(|k| format!("write `{k} = {value}`"));
                self.push(out, w, q(&value), at, hint);
            }
            K::Pattern { pattern } if pattern == MONEY_PATTERN => {
                let (w, hint) = money_wording(instance.as_str().unwrap_or_default());
                self.push(out, w, q(""), at, hint.map(str::to_owned));
            }
            K::Pattern { .. } | K::Format { .. } => {
                let what = crate::schema::description_at(self.kind, &doc_path, self.json)
                    .map_or_else(|| "the expected format".into(), |d| expected_noun(&d));
                let w = wording(Code::BadFormat, |q| {
                    format!("{} is not valid: expected {}", q.v(), q.detail)
                });
                // The hint quotes the date rewritten: only where the value itself may be shown.
                let secret = self.kind == FileKind::Partner
                    && crate::model::partner::is_confidential(doc_path.keys());
                let hint = instance.as_str().and_then(date_hint).map(|h| match secret {
                    true => "write dates as YYYY-MM-DD".to_string(),
                    false => h,
                });
                self.push(out, w, q(&what), at, hint);
            }
            K::AnyOf { context } | K::OneOfNotValid { context } => {
                self.alternatives(context, pointer, &doc_path, instance, out)
            }
            K::PropertyNames { error } => {
                let key = error.instance().as_str().unwrap_or_default().to_owned();
                let p = doc_path.key(key.clone());
                let w = wording(Code::BadKey, |q| {
                    format!("`{}` is not a valid key here", q.detail)
                });
                let hint = Some("keys here are identifiers or currency codes".into());
                self.push(out, w, q(&key), (&p, true), hint);
            }
            K::MinLength { limit } => {
                let w = wording(Code::TooShort, |q| {
                    format!("{} is shorter than {} characters", q.v(), q.detail)
                });
                self.push(out, w, q(&limit.to_string()), at, None);
            }
            K::MaxLength { limit } => {
                let w = wording(Code::TooLong, |q| {
                    format!("value is longer than {} characters", q.detail)
                });
                self.push(out, w, q(&limit.to_string()), at, None);
            }
            K::Minimum { limit } | K::ExclusiveMinimum { limit } => {
                let w = wording(Code::OutOfRange, |q| {
                    format!("{} is below the minimum {}", q.v(), q.detail)
                });
                self.push(out, w, q(&limit.to_string()), at, None);
            }
            K::Maximum { limit } | K::ExclusiveMaximum { limit } => {
                let w = wording(Code::OutOfRange, |q| {
                    format!("{} is above the maximum {}", q.v(), q.detail)
                });
                self.push(out, w, q(&limit.to_string()), at, None);
            }
            _ => {
                // jsonschema's own wording may quote the value: no public message.
                let d = Diagnostic::error(Code::Schema, self.path, err.to_string())
                    .with_path(&doc_path);
                out.push(self.loc.locate(d, &doc_path, false));
            }
        }
    }

    fn unknown_keys(&self, unexpected: &[String], doc_path: &DocPath, out: &mut Vec<Diagnostic>) {
        let hint = match crate::schema::allowed_keys(self.kind, doc_path, self.json) {
            Some(keys) => format!("allowed keys here: {keys}"),
            None => "remove it or check its spelling".into(),
        };
        let allowed = crate::schema::allowed_keys(self.kind, doc_path, self.json);
        for key in unexpected {
            let p = doc_path.key(key.clone());
            let hint = match allowed
                .as_deref()
                .and_then(|a| suggest::closest(key, a.split(", ")))
            {
                Some(c) => format!("did you mean `{c}`? {hint}"),
                None => hint.clone(),
            };
            // A key is not a value: the message is public as it is.
            let message = format!("unknown key `{key}`");
            let d = Diagnostic::error(Code::UnknownKey, self.path, message.clone())
                .with_path(&p)
                .with_public_message(message)
                .with_hint(hint);
            out.push(self.loc.locate(d, &p, true));
        }
    }

    /// A failed `oneOf`/`anyOf`: an enum written as constants, the errors of the one branch that
    /// matches, or "does not match any allowed form".
    fn alternatives(
        &self,
        context: &[Vec<jsonschema::ValidationError<'static>>],
        pointer: &str,
        doc_path: &DocPath,
        instance: &Json,
        out: &mut Vec<Diagnostic>,
    ) {
        let shown = display_json(instance);
        let found = json_type(instance);
        if let Some(allowed) = enum_alternatives(context, pointer) {
            let (w, detail) = match allowed.as_slice() {
                [one] => (
                    Wording {
                        code: Code::BadEnum,
                        message: |q| format!("{} must be {}", q.v(), q.detail),
                    },
                    one.clone(),
                ),
                many => (
                    Wording {
                        code: Code::BadEnum,
                        message: |q| format!("{} is not one of {}", q.v(), q.detail),
                    },
                    many.join(", "),
                ),
            };
            let q = Quote {
                shown: Some(&shown),
                detail: &detail,
                found,
            };
            let hint = match allowed.as_slice() {
                [one] => doc_path
                    .keys()
                    .last()
                    .map(|k| format!("write `{k} = {one}`")),
                _ => None,
            };
            return self.push(out, w, q, (doc_path, false), hint);
        }
        if let Some(branch) = matching_branch(context, pointer) {
            for e in branch {
                self.convert(e, out);
            }
            return;
        }
        let w = Wording {
            code: Code::BadValue,
            message: |q| format!("{} does not match any allowed form", q.v()),
        };
        let q = Quote {
            shown: Some(&shown),
            detail: "",
            found,
        };
        self.push(out, w, q, (doc_path, false), tagged_hint(instance));
    }
}

/// The wording of a rejected amount: negative, too precise, or not an amount at all.
/// A schema description as the object of "expected …": dates by their form, anything else
/// lowercased and cut at its first comma or period, so that no description reads mid-sentence
/// ("expected A calendar date, written as …").
fn expected_noun(description: &str) -> String {
    if description.starts_with("A calendar date") {
        return "a date (YYYY-MM-DD)".into();
    }
    let first = description
        .split([',', '.'])
        .next()
        .unwrap_or(description)
        .trim();
    let mut chars = first.chars();
    match (chars.next(), first.chars().nth(1)) {
        // An acronym (`VAT …`) keeps its capitals.
        (Some(_), Some(second)) if second.is_uppercase() => first.to_string(),
        (Some(c), _) => c.to_lowercase().chain(chars).collect(),
        (None, _) => "the expected format".into(),
    }
}

/// For a date written the German way (`30.11.2025`, also `30/11/2025`): the same date in the
/// form to write.
pub fn date_hint(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.trim().split(['.', '/']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let num = |t: &str, max: u32| t.parse::<u32>().ok().filter(|n| (1..=max).contains(n));
    let (d, m) = (num(d, 31)?, num(m, 12)?);
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("write dates as {y}-{m:02}-{d:02}"))
}

fn money_wording(s: &str) -> (Wording, Option<&'static str>) {
    match Money::parse(s) {
        Err(MoneyError::Negative) => (
            Wording {
                code: Code::NegativeAmount,
                message: |q| match q.shown {
                    Some(v) => format!("amount {v} is negative"),
                    None => "amount is negative".into(),
                },
            },
            None,
        ),
        Err(MoneyError::Precision) => (
            Wording {
                code: Code::AmountPrecision,
                message: |q| match q.shown {
                    Some(v) => format!("amount {v} has more than 2 decimal places"),
                    None => "amount has more than 2 decimal places".into(),
                },
            },
            Some("amounts are exact to the cent"),
        ),
        _ => (
            Wording {
                code: Code::BadAmount,
                message: |q| format!("{} is not an amount", q.v()),
            },
            Some("write amounts as decimal strings, e.g. \"2000.00\""),
        ),
    }
}

/// How to write a number where the schema expects a string: amounts, percentages, periods and
/// months are quoted; dates are TOML dates. `None` where a number is simply wrong.
fn number_hint(kind: FileKind, path: &DocPath, json: &Json) -> Option<String> {
    let node = crate::schema::node_at(kind, path, json)?;
    if node.get("format").and_then(Json::as_str) == Some("date") {
        return Some("write dates as TOML dates, e.g. date = 2025-03-01".into());
    }
    let pattern = node
        .get("pattern")
        .and_then(Json::as_str)
        .unwrap_or_default();
    (pattern == MONEY_PATTERN
        || pattern == crate::model::scalar::PERCENT_PATTERN
        || pattern.starts_with("^[0-9]{4}"))
    .then(|| "amounts, percentages and periods are written as strings, e.g. \"2000.00\"".to_owned())
}

fn tagged_hint(instance: &Json) -> Option<String> {
    instance
        .get("type")
        .map(|t| format!("check the keys allowed for type {}", display_json(t)))
}

fn type_kind_name(kind: &jsonschema::error::TypeKind) -> String {
    use jsonschema::error::TypeKind;
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(ts) => {
            let names: Vec<String> = (*ts).into_iter().map(|t| t.to_string()).collect();
            names.join(" or ")
        }
    }
}

fn json_type(v: &Json) -> &'static str {
    match v {
        Json::Null => "nothing",
        Json::Bool(_) => "boolean",
        Json::Number(n) if n.is_f64() => "float",
        Json::Number(_) => "integer",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "table",
    }
}

fn display_json(v: &Json) -> String {
    match v {
        Json::Object(_) => "a table".into(),
        Json::Array(_) => "an array".into(),
        other => {
            let s = other.to_string();
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(60).collect::<String>())
            } else {
                s
            }
        }
    }
}

fn display_options(v: &Json) -> String {
    match v {
        Json::Array(items) => items
            .iter()
            .map(display_json)
            .collect::<Vec<_>>()
            .join(", "),
        other => display_json(other),
    }
}

fn path_from_serde(p: &serde_path_to_error::Path) -> DocPath {
    use serde_path_to_error::Segment;
    DocPath(
        p.iter()
            .filter_map(|s| match s {
                Segment::Seq { index } => Some(Seg::Index(*index)),
                Segment::Map { key } => Some(Seg::Key(key.clone())),
                Segment::Enum { .. } | Segment::Unknown => None,
            })
            .collect(),
    )
}

/// A file's text with its TOML tree, parsed once, and its line index: every diagnostic of the
/// file is located against these, so N diagnostics cost one parse plus O(N log size).
pub struct Locator<'t> {
    text: &'t str,
    doc: Option<Spanned<DeTable<'t>>>,
    lines: LineIndex,
}

impl<'t> Locator<'t> {
    /// Parse `text` for locating; a text that does not parse locates nothing.
    pub fn new(text: &'t str) -> Self {
        Locator {
            text,
            doc: DeTable::parse(text).ok(),
            lines: LineIndex::new(text),
        }
    }

    /// Attach `span` (bytes of the text) to a diagnostic.
    pub fn at(&self, d: Diagnostic, span: Range<usize>) -> Diagnostic {
        d.with_span_in(&self.lines, self.text, span)
    }

    /// Attach the span of `path` (its key when `at_key`, else its value) to a diagnostic.
    pub fn locate(&self, d: Diagnostic, path: &DocPath, at_key: bool) -> Diagnostic {
        match self.span_of(path, at_key) {
            Some(span) => self.at(d, span),
            None => d,
        }
    }

    /// The byte span of the value (or, with `at_key`, the key) at `path`. Falls back to the
    /// nearest ancestor that exists.
    pub fn span_of(&self, path: &DocPath, at_key: bool) -> Option<Range<usize>> {
        let text = self.text;
        let root = self.doc.as_ref()?.get_ref();
        let mut segs = path.0.iter();
        let Some(first) = segs.next() else {
            return Some(0..text.lines().next().map_or(0, str::len));
        };
        // The root table has no key; walk its entries by hand.
        let Seg::Key(k) = first else { return None };
        let (key, value) = root.get_key_value(k.as_str())?;
        let mut best = Some(if at_key && path.0.len() == 1 {
            key.span()
        } else {
            value.span()
        });
        let mut node: &DeValue<'_> = value.get_ref();
        let mut last_key = key.span();
        for (i, seg) in segs.enumerate() {
            let is_last = i + 2 == path.0.len();
            let next = match (node, seg) {
                (DeValue::Table(t), Seg::Key(k)) => t.get_key_value(k.as_str()).map(|(kk, v)| {
                    last_key = kk.span();
                    v
                }),
                (DeValue::Array(a), Seg::Key(k)) => k.parse::<usize>().ok().and_then(|i| a.get(i)),
                (DeValue::Array(a), Seg::Index(i)) => a.get(*i),
                _ => None,
            };
            let Some(next) = next else { break };
            let key_wanted = at_key && is_last && matches!(seg, Seg::Key(_));
            best = Some(if key_wanted && matches!(node, DeValue::Table(_)) {
                last_key.clone()
            } else {
                next.span()
            });
            node = next.get_ref();
        }
        // Tables declared with a header span their whole body; point at the header line instead.
        best.map(|r| trim_to_first_line(text, r))
    }
}

/// Attach the span of `path` (its key when `at_key`, else its value) to a diagnostic. Parses
/// `text`: for many diagnostics of one file, use one [`Locator`].
pub fn locate(d: Diagnostic, text: &str, path: &DocPath, at_key: bool) -> Diagnostic {
    Locator::new(text).locate(d, path, at_key)
}

/// The byte span of the value (or, with `at_key`, the key) at `path` in `text`.
pub fn span_of(text: &str, path: &DocPath, at_key: bool) -> Option<Range<usize>> {
    Locator::new(text).span_of(path, at_key)
}

fn trim_to_first_line(text: &str, r: Range<usize>) -> Range<usize> {
    let slice = &text[r.start.min(text.len())..r.end.min(text.len())];
    match slice.find('\n') {
        Some(nl) => r.start..r.start + slice[..nl].trim_end().len(),
        None => r,
    }
}

#[cfg(test)]
mod wording_tests {
    use super::*;

    #[test]
    fn german_dates_get_the_iso_form_and_descriptions_read_as_nouns() {
        assert_eq!(
            date_hint("30.11.2025").as_deref(),
            Some("write dates as 2025-11-30")
        );
        assert_eq!(
            date_hint("1/3/2024").as_deref(),
            Some("write dates as 2024-03-01")
        );
        assert_eq!(date_hint("31.13.2025"), None);
        assert_eq!(date_hint("2025-11-30"), None);
        assert_eq!(
            expected_noun("A calendar date, written as a TOML local date: 2025-03-01"),
            "a date (YYYY-MM-DD)"
        );
        assert_eq!(expected_noun("Lowercase id. Letters"), "lowercase id");
        assert_eq!(
            expected_noun("VAT identification number, e.g. DE123"),
            "VAT identification number"
        );
    }
}
