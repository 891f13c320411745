//! JSON Schema errors → located diagnostics, each with a full and a public (value-free) message.

use serde_json::Value as Json;

use super::wording::date_hint;
use super::wording::{
    display_json, display_options, expected_noun, json_type, money_wording, number_hint,
    tagged_hint, type_kind_name, Quote, Wording,
};
use super::{FileKind, Locator};
use crate::diagnostic::{Code, Diagnostic, DocPath};
use crate::model::scalar::MONEY_PATTERN;
use crate::suggest;

pub(super) fn schema_diagnostics(
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
pub(super) fn matching_branch<'e>(
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
pub(super) fn enum_alternatives(
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
pub(super) struct SchemaCx<'a, 't> {
    kind: FileKind,
    json: &'a Json,
    path: &'a str,
    loc: &'a Locator<'t>,
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
        let allowed = crate::schema::allowed_keys(self.kind, doc_path, self.json);
        let hint = match &allowed {
            Some(keys) => format!("allowed keys here: {}", keys.join(", ")),
            None => "remove it or check its spelling".into(),
        };
        for key in unexpected {
            let p = doc_path.key(key.clone());
            let hint = match allowed
                .as_ref()
                .and_then(|a| suggest::closest(key, a.iter().copied()))
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
