//! A new partner record written from a program's own terms (`partnerctl new partner`).

use std::fmt::Write;

use crate::model::Program;

use super::placeholder::MARK;

/// What the user chose for the new record; `None` leaves a placeholder.
#[derive(Debug, Clone, Default)]
pub struct NewPartner {
    /// The partner id (file name without `.toml`).
    pub id: String,
    /// Track, for programs with tracks.
    pub track: Option<String>,
    /// Partner types, for programs with partner types.
    pub types: Vec<String>,
    /// Registered legal name.
    pub legal_name: Option<String>,
    /// Public display name.
    pub display_name: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// Contract start, `YYYY-MM-DD`.
    pub contract_start: Option<String>,
}

/// A TOML basic string for `s`.
pub fn quote(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

/// `s` as one comment line: program texts are untrusted, and a newline would end the comment.
pub fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn value_or_todo(v: &Option<String>, todo: &str) -> String {
    match v {
        Some(v) => quote(v),
        None => quote(&format!("{MARK} {todo}")),
    }
}

/// The text of `partners/<id>.toml` for a member of `program`.
pub fn render(program: &Program, p: &NewPartner) -> String {
    let mut s = String::new();
    let name = comment(&program.name);
    let _ = writeln!(s, "#:schema ../schemas/partner.schema.json");
    let _ = writeln!(
        s,
        "# Partner in {name}. Replace every \"{MARK} …\" value; `partnerctl check` points at each."
    );
    let _ = writeln!(s, "api_version = \"partnerctl/v1\"\nkind = \"Partner\"");
    let _ = writeln!(s, "id = {}", quote(&p.id));
    let _ = writeln!(
        s,
        "legal_name = {}",
        value_or_todo(&p.legal_name, "registered legal name (confidential)")
    );
    let _ = writeln!(s, "\n[profile]");
    let _ = writeln!(
        s,
        "display_name = {}",
        value_or_todo(&p.display_name, "name shown in the public directory")
    );
    let _ = writeln!(
        s,
        "country = {}",
        value_or_todo(
            &p.country,
            "country of the head office, two letters, e.g. DE"
        )
    );
    membership(&mut s, program, p);
    facts(&mut s, program);
    s
}

fn membership(s: &mut String, program: &Program, p: &NewPartner) {
    let _ = writeln!(
        s,
        "\n[[memberships]]\nprogram = {}",
        quote(program.id.as_str())
    );
    if !program.tracks.is_empty() {
        let ids: Vec<&str> = program.tracks.iter().map(|t| t.id.as_str()).collect();
        let todo = format!("track, one of {}", ids.join(", "));
        let _ = writeln!(s, "track = {}", value_or_todo(&p.track, &todo));
    }
    if !program.partner_types.is_empty() {
        let ids: Vec<&str> = program
            .partner_types
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        let _ = writeln!(s, "# Partner types: {}", comment(&ids.join(", ")));
        let types: Vec<String> = p.types.iter().map(|t| quote(t)).collect();
        let _ = writeln!(s, "types = [{}]", types.join(", "));
    }
    let _ = writeln!(
        s,
        "contract_start = {}",
        match &p.contract_start {
            Some(d) => d.clone(),
            None => quote(&format!(
                "{MARK} contract start date, written like 2026-01-31"
            )),
        }
    );
    if program.obligations.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "# Set each obligation to true once the partner fulfils it."
    );
    let _ = writeln!(s, "[memberships.obligations]");
    for (id, obligation) in &program.obligations {
        let _ = writeln!(s, "# {}", comment(obligation.description()));
        let _ = writeln!(s, "{id} = false");
    }
}

/// Commented examples of the facts the program judges, with its own product lines and kinds.
fn facts(s: &mut String, program: &Program) {
    let id = quote(program.id.as_str());
    let currency = program
        .currencies
        .first()
        .map_or_else(|| "EUR".to_string(), |c| c.to_string());
    if let Some((line, _)) = program.product_lines.iter().next() {
        let _ = writeln!(
            s,
            "\n# Revenue, one entry per booking (uncomment to use). Product lines:"
        );
        for (pl, description) in &program.product_lines {
            let _ = writeln!(s, "#   {pl}: {}", comment(description));
        }
        let _ = writeln!(
            s,
            "# [[revenue]]\n# program = {id}\n# product_line = \"{line}\"\n# date = 2026-01-31\n\
             # currency = \"{currency}\"\n# amount = \"1000.00\""
        );
    }
    if let Some((kind, _)) = program.trainings.iter().next() {
        let _ = writeln!(s, "\n# Trainings attended. Kinds:");
        for (k, description) in &program.trainings {
            let _ = writeln!(s, "#   {k}: {}", comment(description));
        }
        let _ = writeln!(
            s,
            "# [[trainings]]\n# program = {id}\n# person = \"Jane Doe\"\n# kind = \"{kind}\"\n\
             # date = 2026-01-31"
        );
    }
    if let Some((kind, _)) = program.certifications.iter().next() {
        let _ = writeln!(s, "\n# Certifications held. Kinds:");
        for (k, c) in &program.certifications {
            let _ = writeln!(s, "#   {k}: {}", comment(&c.name));
        }
        let _ = writeln!(
            s,
            "# [[certifications]]\n# program = {id}\n# person = \"Jane Doe\"\n# kind = \"{kind}\"\n\
             # date = 2026-01-31"
        );
    }
}
