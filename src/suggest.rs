//! "Did you mean …?" for ids given on the command line.

/// The candidate closest to `given` by Jaro-Winkler similarity, if any is close enough to be a
/// plausible typo (a threshold of 0.8 keeps `nospamproxi` → `nospamproxy` and drops unrelated
/// ids).
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(given, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `unknown {what} "given"` plus a suggestion or the list of known ids (up to ten).
pub fn unknown<'a>(
    what: &str,
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let mut msg = format!("unknown {what} {given:?}");
    match closest(given, candidates.iter().copied()) {
        Some(c) => msg.push_str(&format!("; did you mean {c:?}?")),
        None if candidates.is_empty() => msg.push_str(&format!(" (there is no {what})")),
        None => {
            let shown: Vec<&str> = candidates.iter().take(10).copied().collect();
            let more = if candidates.len() > 10 { ", …" } else { "" };
            msg.push_str(&format!(" (known: {}{more})", shown.join(", ")));
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_close_id_and_lists_otherwise() {
        let ids = ["nospamproxy", "infomaniak", "pimentachat"];
        assert_eq!(closest("nospamproxi", ids), Some("nospamproxy"));
        assert_eq!(closest("zzz", ids), None);
        assert_eq!(
            unknown("program", "infomaniac", ids),
            "unknown program \"infomaniac\"; did you mean \"infomaniak\"?"
        );
        assert_eq!(
            unknown("track", "x", ["a", "b"]),
            "unknown track \"x\" (known: a, b)"
        );
    }
}
