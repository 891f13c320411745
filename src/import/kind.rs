//! The kinds of facts `import` and `export` handle: their section in a partner file, their columns
//! and which columns form an entry's stable key.

/// A kind of fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// `[[revenue]]`: booked revenue on a date or for a period.
    Revenue,
    /// `[[recurring_revenue]]`: monthly recurring revenue per month.
    Recurring,
    /// `[[managed_volume]]`: managed product volume on a date or for a period.
    ManagedVolume,
    /// `[[projects]]`: realized customer projects.
    Projects,
    /// `[[trainings]]`: trainings attended, per person.
    Trainings,
    /// `[[certifications]]`: certifications held, per person.
    Certifications,
}

/// How a column's text becomes a TOML value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A program's product line, training or certification kind, or a program id.
    Id,
    /// Free text.
    Text,
    /// A calendar date, written as a TOML date.
    Date,
    /// `2025`, `2025-Q2` or `2025-03`.
    Period,
    /// `2025-03`.
    Month,
    /// An ISO currency code of the program.
    Currency,
    /// An exact amount, written as a two-place decimal string.
    Money,
}

/// One column.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Key in the partner file and default CSV header.
    pub name: &'static str,
    /// Type.
    pub ty: Ty,
    /// Part of the stable key: a row updates the entry with the same key instead of adding one.
    pub key: bool,
    /// May be empty.
    pub optional: bool,
}

const fn f(name: &'static str, ty: Ty, key: bool, optional: bool) -> Field {
    Field {
        name,
        ty,
        key,
        optional,
    }
}

const MONEY: &[Field] = &[
    f("program", Ty::Id, true, false),
    f("product_line", Ty::Id, true, false),
    f("date", Ty::Date, true, true),
    f("period", Ty::Period, true, true),
    f("currency", Ty::Currency, true, false),
    f("amount", Ty::Money, false, false),
    f("note", Ty::Text, false, true),
];
const RECURRING: &[Field] = &[
    f("program", Ty::Id, true, false),
    f("product_line", Ty::Id, true, false),
    f("month", Ty::Month, true, false),
    f("currency", Ty::Currency, true, false),
    f("amount", Ty::Money, false, false),
];
const PROJECTS: &[Field] = &[
    f("program", Ty::Id, true, false),
    f("name", Ty::Text, true, false),
    f("customer", Ty::Text, false, true),
    f("completed", Ty::Date, false, false),
];
const PEOPLE: &[Field] = &[
    f("program", Ty::Id, true, false),
    f("person", Ty::Text, true, false),
    f("kind", Ty::Id, true, false),
    f("date", Ty::Date, true, false),
];

impl Kind {
    /// The array of tables in a partner file.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Revenue => "revenue",
            Kind::Recurring => "recurring_revenue",
            Kind::ManagedVolume => "managed_volume",
            Kind::Projects => "projects",
            Kind::Trainings => "trainings",
            Kind::Certifications => "certifications",
        }
    }

    /// The columns after `partner`, in the partner file's key order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Revenue | Kind::ManagedVolume => MONEY,
            Kind::Recurring => RECURRING,
            Kind::Projects => PROJECTS,
            Kind::Trainings | Kind::Certifications => PEOPLE,
        }
    }
}
