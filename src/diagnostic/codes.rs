//! Every diagnostic code, in one table: its stable name, its severity and what it means.
//!
//! Adding a code is one row here; the README's table is checked against this one (see the test
//! below), so the documentation cannot drift from what `check` emits.

use super::Severity;

/// Declare the [`Code`] enum and its table from rows of `Variant "name" Severity "doc"`.
macro_rules! codes {
    ($($variant:ident $name:literal $severity:ident $doc:literal;)*) => {
        /// A stable diagnostic code; [`Code::as_str`] is the name outputs show.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable name, e.g. `unknown-key`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity the code is reported with (see [`Code::doc`] for an exception).
            pub const fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// One line saying what the code means.
            pub const fn doc(self) -> &'static str {
                match self {
                    $(Code::$variant => $doc,)*
                }
            }
        }
    };
}

codes! {
    // Reading the files.
    TomlSyntax "toml-syntax" Error "the file is not valid TOML";
    InvalidUtf8 "invalid-utf8" Error "the file is not valid UTF-8";
    FileTooLarge "file-too-large" Error "the file is larger than a data file may be";
    InvalidFileName "invalid-file-name" Error "a file name that is not valid UTF-8";
    Symlink "symlink" Error "a symbolic link where a data file belongs (never followed)";
    Submodule "submodule" Error "a git submodule where a data file belongs";
    TooDeep "too-deep" Error "tables or arrays nested deeper than the limit";
    IntegerRange "integer-range" Error "an integer beyond TOML's 64 bits (never cut short)";
    InvalidValue "invalid-value" Error "a value of the wrong TOML kind (e.g. a date where text is expected)";
    // The schema.
    Schema "schema" Error "any other schema violation, in the schema validator's words";
    UnknownKey "unknown-key" Error "a key the schema does not allow here";
    MissingKey "missing-key" Error "a required key is missing";
    WrongType "wrong-type" Error "a value of the wrong type";
    BadEnum "bad-enum" Error "a value that is not one of the allowed ones";
    BadFormat "bad-format" Error "a value that does not have the expected format (ids, dates, …)";
    BadValue "bad-value" Error "a value that matches none of the allowed forms";
    BadKey "bad-key" Error "a table key that is not a valid identifier or currency code";
    TooShort "too-short" Error "a text shorter than allowed";
    TooLong "too-long" Error "a text longer than allowed";
    OutOfRange "out-of-range" Error "a number below the minimum or above the maximum";
    BadAmount "bad-amount" Error "an amount that is not a decimal string";
    NegativeAmount "negative-amount" Error "a negative amount";
    AmountPrecision "amount-precision" Error "an amount with more than 2 decimal places";
    TooManyProblems "too-many-problems" Error "a file has more than 100 problems; counts the rest";
    // Program files.
    NoCurrency "no-currency" Error "a program that measures no currency";
    MeasureType "measure-type" Error "a requirement whose type does not fit its measure (money or count)";
    EmptyThreshold "empty-threshold" Error "an amount requirement with no currency";
    EmptyCombination "empty-combination" Error "a combination of no requirements";
    UnreachableThreshold "unreachable-threshold" Error "a points threshold the components can never reach";
    UnmeasuredCurrency "unmeasured-currency" Error "a currency the program does not measure (a warning in partner files)";
    RegistrationKinds "registration-kinds" Warning "a registration requirement that accepts no kind";
    InvalidVerify "invalid-verify" Error "an obligation's `verify` table has a bad `link_to` URL or `link_host`, nothing to look for, or `follow` without a link";
    BadgeContrast "badge-contrast" Warning "a program's `[badge]` text and background colours have less than 4.5:1 contrast (the directory uses the default colours)";
    StaleRequirementName "stale-requirement-name" Warning "a requirement id or name embeds a number none of which is its threshold any more (e.g. `revenue-20000` requiring 25,000 EUR)";
    OverlappingLevels "overlapping-levels" Error "a tier defined twice for the same track";
    UnreachableTier "unreachable-tier" Error "a tier no partner can reach";
    TierOrder "tier-order" Error "a tier requiring a tier that is not lower";
    RequirementCycle "requirement-cycle" Error "requirements that require each other";
    RequirementTooDeep "requirement-too-deep" Error "requirements nested deeper than 32 levels";
    RequirementTooLarge "requirement-too-large" Error "a requirement whose trace would exceed 10,000 checks";
    GrantType "grant-type" Error "an entitlement value of the wrong shape for its kind";
    // References between records.
    IdMismatch "id-mismatch" Error "an id that differs from the file name";
    DuplicateId "duplicate-id" Error "two files with the same id";
    DuplicateMembership "duplicate-membership" Error "two memberships in the same program";
    UnknownProgram "unknown-program" Error "a program no valid program file defines";
    UnknownTrack "unknown-track" Error "a track the program does not define";
    UnknownPartnerType "unknown-partner-type" Error "a partner type the program does not define";
    UnknownTier "unknown-tier" Error "a tier the program does not define";
    UnknownProductLine "unknown-product-line" Error "a product line the program does not define";
    UnknownMeasure "unknown-measure" Error "a measure the program does not define";
    UnknownRequirement "unknown-requirement" Error "a requirement the program does not define";
    UnknownEntitlement "unknown-entitlement" Error "an entitlement the program does not define";
    UnknownReference "unknown-reference" Error "a reference to something the program does not define";
    NotAMember "not-a-member" Warning "a fact for a program the partner is not a member of";
    // Partner files.
    DateOrder "date-order" Error "an end date before its start";
    DateOrPeriod "date-or-period" Error "a fact with both or neither of `date` and `period`";
    MembershipEnd "membership-end" Error "a reason for leaving without an end date";
    ApprovalTarget "approval-target" Error "an approval naming not exactly one status, tier or requirement";
    PaymentNeedsFullAccess "payment-needs-full-access" Error "a means of payment on a restricted access grant";
    NoGoalReviews "no-goal-reviews" Warning "goals for a program that does not review goals";
    GoalReviewDate "goal-review-date" Error "a goal review on a date that is not one of its review dates";
    FullAccessConflict "full-access-conflict" Error "two partners with full access to the same customer";
    RestrictedAccessOverlap "restricted-access-overlap" Error "two partners with restricted access to the same product of a customer";
    Placeholder "placeholder" Error "a `TODO: …` value that `partnerctl new` wrote and nobody filled in";
    // Logos.
    LogoMissing "logo-missing" Error "a logo the record names is not in the logo folder";
    LogoRefused "logo-refused" Error "a logo that cannot be published safely";
}

/// Debug shows the name as a string, as it did before codes were an enum (test snapshots).
impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// The Markdown table of every code, as the README shows it.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | severity | meaning |\n|---|---|---|\n");
    for code in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            code.as_str(),
            code.severity(),
            code.doc()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_kebab_case() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| n
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())));
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "a code name is used twice");
    }

    /// The README's table of codes is this table: regenerate it from the failure message.
    #[test]
    fn readme_lists_every_code() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        let start = "<!-- diagnostic codes: generated from src/diagnostic/codes.rs -->\n";
        let end = "<!-- end of diagnostic codes -->";
        let from = readme.find(start).expect("README marks the table of codes") + start.len();
        let to = from
            + readme[from..]
                .find(end)
                .expect("README ends the table of codes");
        assert_eq!(
            &readme[from..to],
            markdown_table(),
            "README.md's table of codes differs from src/diagnostic/codes.rs; paste:\n{}",
            markdown_table()
        );
    }
}
