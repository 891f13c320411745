//! Cell text → exact TOML values. Anything that could be read two ways is rejected, never guessed.

use crate::model::scalar::{Date, Month, Period};

use super::kind::Ty;

/// The TOML value of a cell of type `ty`.
pub fn parse(ty: Ty, cell: &str, decimal_comma: bool) -> Result<toml_edit::Value, String> {
    Ok(match ty {
        Ty::Text => cell.into(),
        Ty::Id => {
            cell.parse::<crate::model::scalar::Id>()?;
            cell.into()
        }
        Ty::Currency => {
            cell.parse::<crate::model::scalar::Currency>()?;
            cell.into()
        }
        Ty::Money => amount(cell, decimal_comma)?.into(),
        Ty::Date => date(cell)?,
        Ty::Period => {
            cell.parse::<Period>()?;
            cell.into()
        }
        Ty::Month => {
            cell.parse::<Month>()?;
            cell.into()
        }
    })
}

/// `2025-11-30` as a TOML date; `30.11.2025` and the like get the spelling to use.
fn date(cell: &str) -> Result<toml_edit::Value, String> {
    let d: Date = cell.parse().map_err(|_| {
        format!("{cell:?} is not a date; write dates as YYYY-MM-DD, e.g. 2025-11-30")
    })?;
    use chrono::Datelike;
    let d = d.0;
    let (Ok(year), Ok(month), Ok(day)) = (
        u16::try_from(d.year()),
        u8::try_from(d.month()),
        u8::try_from(d.day()),
    ) else {
        return Err(format!("{cell:?} is out of range"));
    };
    Ok(toml_edit::Datetime {
        date: Some(toml_edit::Date { year, month, day }),
        time: None,
        offset: None,
    }
    .into())
}

/// An amount as a two-place decimal string. Without `decimal_comma`: `1234.56` (a point, no
/// grouping). With it: `1234,56` or `1.234,56` (points only as thousands separators in groups of
/// three). Everything else, e.g. `1,234` or `1.234` without the flag, is ambiguous.
pub fn amount(cell: &str, decimal_comma: bool) -> Result<String, String> {
    let s = cell.trim();
    let (point, grouping) = if decimal_comma {
        (',', '.')
    } else {
        ('.', ',')
    };
    if s.contains(grouping) && !decimal_comma {
        return Err(format!(
            "amount {cell:?} is ambiguous: write 1234.56 (no thousands separator), or pass \
             --decimal-comma for 1.234,56"
        ));
    }
    let (int, frac) = s.split_once(point).unwrap_or((s, ""));
    let int = if decimal_comma {
        ungroup(int)
    } else {
        Some(int.to_string())
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let ok_frac = frac.is_empty() && !s.ends_with(point) || (digits(frac) && frac.len() <= 2);
    match int {
        Some(int) if digits(&int) && ok_frac => {
            let int = int.trim_start_matches('0');
            let int = if int.is_empty() { "0" } else { int };
            let text = format!("{int}.{frac:0<2}");
            crate::model::scalar::Money::parse(&text)
                .map(|_| text)
                .map_err(|e| format!("amount {cell:?}: {e}"))
        }
        _ => Err(format!(
            "amount {cell:?} is not an exact amount with at most two decimals ({})",
            if decimal_comma {
                "like 1.234,56"
            } else {
                "like 1234.56"
            }
        )),
    }
}

/// `1.234.567` → `1234567` when every group after the first has three digits.
fn ungroup(int: &str) -> Option<String> {
    let mut groups = int.split('.');
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    if !rest.is_empty()
        && (first.is_empty() || first.len() > 3 || rest.iter().any(|g| g.len() != 3))
    {
        return None;
    }
    Some(std::iter::once(first).chain(rest).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_or_rejected() {
        assert_eq!(amount("1234.56", false).unwrap(), "1234.56");
        assert_eq!(amount("1234.5", false).unwrap(), "1234.50");
        assert_eq!(amount("1234", false).unwrap(), "1234.00");
        assert_eq!(amount("0.05", false).unwrap(), "0.05");
        assert_eq!(amount("1.234,56", true).unwrap(), "1234.56");
        assert_eq!(amount("1234,5", true).unwrap(), "1234.50");
        assert_eq!(amount("12.345.678", true).unwrap(), "12345678.00");
        for bad in [
            "1,234.56", "1,234", "1.234", "1e3", "-5", "12.", "", "1.2.3",
        ] {
            assert!(amount(bad, false).is_err(), "{bad}");
        }
        for bad in ["1.23", "1234.5", "1,234,5", "12.34,5", "1,234"] {
            assert!(amount(bad, true).is_err(), "{bad}");
        }
        assert!(amount("1,234", false).unwrap_err().contains("ambiguous"));
    }

    #[test]
    fn german_dates_get_the_spelling_to_use() {
        let e = date("30.11.2025").unwrap_err();
        assert!(
            e.contains("write dates as YYYY-MM-DD, e.g. 2025-11-30"),
            "{e}"
        );
        assert_eq!(date("2025-11-30").unwrap().to_string(), "2025-11-30");
    }
}
