//! Loading: bytes → TOML syntax tree → JSON Schema check → typed record, each problem located.

use std::ops::Range;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, DocPath, Seg};
use crate::model::scalar::{Money, MoneyError, MONEY_PATTERN};
use crate::model::{Partner, Program};
use crate::source::SourceFile;

/// Tables and arrays nested deeper than this are rejected (protects the recursive walks).
pub const MAX_DEPTH: usize = 24;

/// Which schema a file is checked against, decided by its directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `partners/*.toml`
    Partner,
    /// `programs/*.toml`
    Program,
}

impl FileKind {
    /// The kind of a repository path, if it is a data file.
    pub fn of_path(path: &str) -> Option<FileKind> {
        let (dir, name) = path.split_once('/')?;
        if name.contains('/') || !name.ends_with(".toml") {
            return None;
        }
        match dir {
            "partners" => Some(FileKind::Partner),
            "programs" => Some(FileKind::Program),
            _ => None,
        }
    }
}

/// A data file after loading: its text (when it was text) and the typed record (when it was valid
/// enough to build one).
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// Repository-relative path.
    pub path: String,
    /// Git blob id of the bytes.
    pub blob_id: String,
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
/// the strict types accept every value and [`Partner::meets_schema_only_constraints`] holds,
/// which together imply the schema would pass with the same record. Anything else takes the full path, whose diagnostics are unchanged.
pub fn load_partner(file: &SourceFile) -> Loaded<Partner> {
    if let Ok(text) = std::str::from_utf8(&file.bytes) {
        let record = crate::fast_toml::from_str::<Partner>(text)
            .or_else(|| toml::from_str::<Partner>(text).ok());
        if let Some(record) = record {
            if record.meets_schema_only_constraints() {
                return Loaded {
                    path: file.path.clone(),
                    blob_id: file.blob_id.clone(),
                    text: Some(text.to_owned()),
                    record: Some(record),
                    diagnostics: Vec::new(),
                };
            }
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
        blob_id: file.blob_id.clone(),
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
                    "invalid-utf8",
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
    let (json, diags) = parse_to_json(&file.path, text);
    out.diagnostics.extend(diags);
    let Some(json) = json else { return out };

    let validator = validator(kind);
    let schema_diags = schema_diagnostics(validator, kind, &json, &file.path, text);
    if !schema_diags.is_empty() {
        out.diagnostics.extend(schema_diags);
        return out;
    }
    // By value: strings move from the JSON tree into the record instead of being copied. The
    // errors are the same as when deserializing from `&Json`.
    match serde_path_to_error::deserialize::<_, T>(json) {
        Ok(record) => out.record = Some(record),
        Err(err) => {
            let path = path_from_serde(err.path());
            let msg = err.inner().to_string();
            out.diagnostics.push(locate(
                Diagnostic::error("invalid-value", &file.path, msg).with_path(&path),
                text,
                &path,
                false,
            ));
        }
    }
    out
}

/// Parse TOML into JSON for schema validation. Returns syntax problems instead when it cannot.
pub fn parse_to_json(path: &str, text: &str) -> (Option<Json>, Vec<Diagnostic>) {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let diags = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or_else(|| deepest_line(text));
                Diagnostic::error("toml-syntax", path, first_line(e.message()))
                    .with_span(text, span)
            })
            .collect();
        return (None, diags);
    }
    let mut diags = Vec::new();
    let json = table_to_json(doc.get_ref(), 1, path, text, &mut diags);
    if diags.is_empty() {
        (Some(json), diags)
    } else {
        (None, diags)
    }
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
    t: &DeTable<'_>,
    depth: usize,
    path: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Json {
    let mut map = serde_json::Map::new();
    for (k, v) in t.iter() {
        map.insert(
            k.get_ref().to_string(),
            value_to_json(v, depth + 1, path, text, diags),
        );
    }
    Json::Object(map)
}

fn value_to_json(
    v: &Spanned<DeValue<'_>>,
    depth: usize,
    path: &str,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Json {
    if depth > MAX_DEPTH {
        if diags.is_empty() {
            diags.push(
                Diagnostic::error(
                    "too-deep",
                    path,
                    format!("tables or arrays nested more than {MAX_DEPTH} levels deep"),
                )
                .with_span(text, v.span())
                .with_hint("partner and program files never need this much nesting"),
            );
        }
        return Json::Null;
    }
    match v.get_ref() {
        DeValue::String(s) => Json::String(s.to_string()),
        DeValue::Integer(i) => i
            .as_str()
            .replace('_', "")
            .parse::<i64>()
            .ok()
            .filter(|_| i.radix() == 10)
            .or_else(|| i64::from_str_radix(&i.as_str().replace('_', "")[2..], i.radix()).ok())
            .map_or(Json::Null, Json::from),
        DeValue::Float(f) => {
            let n: f64 = f.as_str().replace('_', "").parse().unwrap_or(f64::NAN);
            serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
        }
        DeValue::Boolean(b) => Json::Bool(*b),
        DeValue::Datetime(d) => Json::String(d.to_string()),
        DeValue::Array(a) => Json::Array(
            a.iter()
                .map(|x| value_to_json(x, depth + 1, path, text, diags))
                .collect(),
        ),
        DeValue::Table(t) => table_to_json(t, depth, path, text, diags),
    }
}

fn schema_diagnostics(
    validator: &jsonschema::Validator,
    kind: FileKind,
    json: &Json,
    path: &str,
    text: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Most files are valid: the boolean check is much cheaper than collecting (no) errors.
    if validator.is_valid(json) {
        return out;
    }
    for err in validator.iter_errors(json) {
        convert_schema_error(&err, kind, json, path, text, &mut out);
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
    let candidates: Vec<&Vec<_>> = context
        .iter()
        .filter(|errs| !tag_failed(errs) && !only_not_null(errs))
        .collect();
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

fn convert_schema_error(
    err: &jsonschema::ValidationError<'_>,
    kind: FileKind,
    json: &Json,
    path: &str,
    text: &str,
    out: &mut Vec<Diagnostic>,
) {
    use jsonschema::error::ValidationErrorKind as K;
    let pointer = err.instance_path().as_str();
    let doc_path = DocPath::from_pointer(pointer, json);
    let instance = err.instance();
    let shown = display_json(instance);
    let mut at_key = false;
    let (code, message, hint): (&'static str, String, Option<String>) = match err.kind() {
        K::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let p = doc_path.key(key.clone());
                let d = Diagnostic::error("unknown-key", path, format!("unknown key `{key}`"))
                    .with_path(&p)
                    .with_hint(match crate::schema::allowed_keys(kind, &doc_path, json) {
                        Some(keys) => format!("allowed keys here: {keys}"),
                        None => "remove it or check its spelling".into(),
                    });
                out.push(locate(d, text, &p, true));
            }
            return;
        }
        K::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            at_key = true;
            (
                "missing-key",
                format!("missing required key `{name}`"),
                Some(format!("add `{name} = …`")),
            )
        }
        K::Type { kind: expected } => {
            let expected = type_kind_name(expected);
            let hint = if expected.contains("string") && instance.is_number() {
                number_hint(kind, &doc_path, json)
            } else {
                None
            };
            (
                "wrong-type",
                format!("expected {expected}, found {} {shown}", json_type(instance)),
                hint,
            )
        }
        K::Enum { options } => (
            "bad-enum",
            format!("{shown} is not one of {}", display_options(options)),
            None,
        ),
        K::Constant { expected_value } => (
            "bad-enum",
            format!("{shown} must be {}", display_json(expected_value)),
            None,
        ),
        K::Pattern { pattern } if pattern == MONEY_PATTERN => {
            let s = instance.as_str().unwrap_or_default();
            match Money::parse(s) {
                Err(MoneyError::Negative) => (
                    "negative-amount",
                    format!("amount {shown} is negative"),
                    None,
                ),
                Err(MoneyError::Precision) => (
                    "amount-precision",
                    format!("amount {shown} has more than 2 decimal places"),
                    Some("amounts are exact to the cent".into()),
                ),
                _ => (
                    "bad-amount",
                    format!("{shown} is not an amount"),
                    Some("write amounts as decimal strings, e.g. \"2000.00\"".into()),
                ),
            }
        }
        K::Pattern { .. } | K::Format { .. } => {
            let what = crate::schema::description_at(kind, &doc_path, json)
                .unwrap_or_else(|| "the expected format".into());
            (
                "bad-format",
                format!("{shown} is not valid: expected {what}"),
                None,
            )
        }
        K::AnyOf { context } | K::OneOfNotValid { context } => {
            if let Some(allowed) = enum_alternatives(context, pointer) {
                let message = match allowed.as_slice() {
                    [one] => format!("{shown} must be {one}"),
                    many => format!("{shown} is not one of {}", many.join(", ")),
                };
                let d = Diagnostic::error("bad-enum", path, message).with_path(&doc_path);
                out.push(locate(d, text, &doc_path, false));
                return;
            }
            if let Some(branch) = matching_branch(context, pointer) {
                for e in branch {
                    convert_schema_error(e, kind, json, path, text, out);
                }
                return;
            }
            (
                "bad-value",
                format!("{shown} does not match any allowed form"),
                tagged_hint(instance),
            )
        }
        K::PropertyNames { error } => {
            let key = error.instance().as_str().unwrap_or_default().to_owned();
            let p = doc_path.key(key.clone());
            let d = Diagnostic::error("bad-key", path, format!("`{key}` is not a valid key here"))
                .with_path(&p)
                .with_hint("keys here are identifiers or currency codes");
            out.push(locate(d, text, &p, true));
            return;
        }
        K::MinLength { limit } => (
            "too-short",
            format!("{shown} is shorter than {limit} characters"),
            None,
        ),
        K::MaxLength { limit } => (
            "too-long",
            format!("value is longer than {limit} characters"),
            None,
        ),
        K::Minimum { limit } | K::ExclusiveMinimum { limit } => (
            "out-of-range",
            format!("{shown} is below the minimum {limit}"),
            None,
        ),
        K::Maximum { limit } | K::ExclusiveMaximum { limit } => (
            "out-of-range",
            format!("{shown} is above the maximum {limit}"),
            None,
        ),
        _ => ("schema", err.to_string(), None),
    };
    let mut d = Diagnostic::error(code, path, message).with_path(&doc_path);
    d.hint = hint;
    out.push(locate(d, text, &doc_path, at_key));
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

/// Attach the span of `path` (its key when `at_key`, else its value) to a diagnostic.
pub fn locate(d: Diagnostic, text: &str, path: &DocPath, at_key: bool) -> Diagnostic {
    match span_of(text, path, at_key) {
        Some(span) => d.with_span(text, span),
        None => d,
    }
}

/// The byte span of the value (or, with `at_key`, the key) at `path`. Falls back to the nearest
/// ancestor that exists. Re-parses the text: diagnostics are rare, parsing is cheap.
pub fn span_of(text: &str, path: &DocPath, at_key: bool) -> Option<Range<usize>> {
    let doc = DeTable::parse(text).ok()?;
    let mut node: &DeValue<'_>;
    // The root table has no key; walk its entries by hand.
    let root = doc.get_ref();
    let mut segs = path.0.iter();
    let Some(first) = segs.next() else {
        return Some(0..text.lines().next().map_or(0, str::len));
    };
    let Seg::Key(k) = first else { return None };
    let (key, value) = root.get_key_value(k.as_str())?;
    let mut best = Some(if at_key && path.0.len() == 1 {
        key.span()
    } else {
        value.span()
    });
    node = value.get_ref();
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
        best = Some(
            if at_key && is_last && matches!(seg, Seg::Key(_)) && matches!(node, DeValue::Table(_))
            {
                last_key.clone()
            } else {
                next.span()
            },
        );
        node = next.get_ref();
    }
    // Tables declared with a header span their whole body; point at the header line instead.
    best.map(|r| trim_to_first_line(text, r))
}

fn trim_to_first_line(text: &str, r: Range<usize>) -> Range<usize> {
    let slice = &text[r.start.min(text.len())..r.end.min(text.len())];
    match slice.find('\n') {
        Some(nl) => r.start..r.start + slice[..nl].trim_end().len(),
        None => r,
    }
}
