//! JSON Schemas generated from the model types: the files under `schemas/`, the validators, and
//! lookups that turn a schema node into hints ("allowed keys here: …").

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use serde_json::Value as Json;

use crate::diagnostic::{DocPath, Seg};
use crate::model::{FileKind, Partner, Program};

/// Relative path of the committed partner schema.
pub const PARTNER_SCHEMA_PATH: &str = "schemas/partner.schema.json";
/// Relative path of the committed program schema.
pub const PROGRAM_SCHEMA_PATH: &str = "schemas/program.schema.json";

fn generate<T: schemars::JsonSchema>() -> Json {
    let generator = SchemaSettings::draft07().into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

/// The partner schema (draft-07).
pub fn partner_schema() -> Json {
    static S: OnceLock<Json> = OnceLock::new();
    S.get_or_init(generate::<Partner>).clone()
}

/// The program schema (draft-07).
pub fn program_schema() -> Json {
    static S: OnceLock<Json> = OnceLock::new();
    S.get_or_init(generate::<Program>).clone()
}

/// The schema text as committed: pretty JSON with a trailing newline.
pub fn render(schema: &Json) -> String {
    let mut s = serde_json::to_string_pretty(schema).expect("schema serializes");
    s.push('\n');
    s
}

fn cached(kind: FileKind) -> &'static Json {
    static P: OnceLock<Json> = OnceLock::new();
    static G: OnceLock<Json> = OnceLock::new();
    match kind {
        FileKind::Partner => P.get_or_init(partner_schema),
        FileKind::Program => G.get_or_init(program_schema),
    }
}

/// Follow `$ref`s to `#/definitions/…`.
fn resolve<'a>(root: &'a Json, mut node: &'a Json) -> &'a Json {
    for _ in 0..16 {
        // schemars wraps a described `$ref` in a one-element `allOf`.
        if let Some([only]) = node
            .get("allOf")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
        {
            node = only;
            continue;
        }
        match node.get("$ref").and_then(Json::as_str) {
            Some(r) => match r.strip_prefix("#/") {
                Some(ptr) => match root.pointer(&format!("/{ptr}")) {
                    Some(n) => node = n,
                    None => return node,
                },
                None => return node,
            },
            None => return node,
        }
    }
    node
}

/// Pick the branch of a `oneOf`/`anyOf` that matches the instance's `type` tag, or the only branch
/// that is not `null` (for optional fields).
fn pick_branch<'a>(root: &'a Json, node: &'a Json, instance: Option<&Json>) -> &'a Json {
    let node = resolve(root, node);
    let branches = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(Json::as_array);
    let Some(branches) = branches else {
        return node;
    };
    let tag = instance.and_then(|i| i.get("type"));
    let resolved: Vec<&Json> = branches.iter().map(|b| resolve(root, b)).collect();
    if let Some(tag) = tag {
        if let Some(b) = resolved
            .iter()
            .find(|b| b.pointer("/properties/type/const") == Some(tag))
        {
            return b;
        }
    }
    let non_null: Vec<&&Json> = resolved
        .iter()
        .filter(|b| b.get("type") != Some(&Json::from("null")))
        .collect();
    if non_null.len() == 1 {
        return non_null[0];
    }
    node
}

/// The schema node describing the value at `path` in `instance`.
pub fn node_at<'a>(kind: FileKind, path: &DocPath, instance: &Json) -> Option<&'a Json> {
    let root = cached(kind);
    let mut node = pick_branch(root, root, Some(instance));
    let mut value = Some(instance);
    for seg in &path.0 {
        let key = match seg {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        };
        let child_value = value.and_then(|v| match v {
            Json::Object(m) => m.get(&key),
            Json::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        });
        let next = if let Some(items) = node.get("items") {
            items
        } else if let Some(p) = node.get("properties").and_then(|p| p.get(&key)) {
            p
        } else {
            node.get("additionalProperties").filter(|a| a.is_object())?
        };
        node = pick_branch(root, next, child_value);
        value = child_value;
    }
    Some(node)
}

/// The keys allowed in the table at `path`, sorted.
pub fn allowed_keys(kind: FileKind, path: &DocPath, instance: &Json) -> Option<Vec<&'static str>> {
    let node = node_at(kind, path, instance)?;
    let props = node.get("properties")?.as_object()?;
    Some(props.keys().map(String::as_str).collect())
}

/// The description of the value at `path`, for "expected …" messages.
pub fn description_at(kind: FileKind, path: &DocPath, instance: &Json) -> Option<String> {
    let node = node_at(kind, path, instance)?;
    node.get("description").and_then(Json::as_str).map(|d| {
        let first = d.split(". ").next().unwrap_or(d).trim_end_matches('.');
        first.to_owned()
    })
}
