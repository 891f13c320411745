//! Country and language names for visitors, in the site's language (English), from maintained
//! ISO tables (`rust_iso3166`, `isolang`), verbatim: ISO's short names are unambiguous ("Korea
//! (Republic of)"), which a hand-shortened list would not be. The feed keeps the codes; pages show
//! the names.

/// English short name of an ISO 3166-1 alpha-2 country code; the code itself when unknown.
pub fn country(code: &str) -> String {
    rust_iso3166::from_alpha2(code).map_or_else(|| code.to_owned(), |c| c.name.to_owned())
}

/// English name of an ISO 639-1 language code; the code itself when unknown.
pub fn language(code: &str) -> String {
    isolang::Language::from_639_1(code).map_or_else(|| code.to_owned(), |l| l.to_name().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_names() {
        assert_eq!(country("DE"), "Germany");
        assert_eq!(country("CH"), "Switzerland");
        assert_eq!(country("AT"), "Austria");
        assert_eq!(country("FR"), "France");
        assert_eq!(country("ZZ"), "ZZ");
        assert_eq!(language("de"), "German");
        assert_eq!(language("fr"), "French");
        assert_eq!(language("en"), "English");
        assert_eq!(language("qq"), "qq");
    }
}
