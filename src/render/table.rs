//! Terminal tables that fit the terminal: columns shrink (widest first) until the table fits,
//! cells wrap at word boundaries (no line starts with a space), words longer than a column are
//! cut, and a cell longer than [`MAX_CELL_LINES`] lines ends in `…`. `Fit::Wide` leaves every
//! cell on one line.
//!
//! Any command's tables can use it: `table(&header, rows, Fit::from_env(wide), "no results: …")`.

use tabled::builder::Builder;
use tabled::settings::Style;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Width a table gets when neither `COLUMNS` nor a terminal says: output to a file or pipe is
/// the same wherever it runs.
pub const DEFAULT_WIDTH: usize = 120;

/// Lines a wrapped cell may take; the rest is cut with `…`.
pub const MAX_CELL_LINES: usize = 6;

/// Columns never shrink below this (or their widest word, if narrower).
const MIN_COLUMN: usize = 6;

/// Words up to this wide are kept whole while other columns can still give room.
const WHOLE_WORD: usize = 24;

/// How wide tables may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// At most this many columns of the terminal.
    Columns(usize),
    /// As wide as the content (`--wide`).
    Wide,
}

impl Fit {
    /// `Wide` when asked; else `COLUMNS` when set to a number, else the width of the terminal on
    /// standard output, else [`DEFAULT_WIDTH`].
    pub fn from_env(wide: bool) -> Fit {
        if wide {
            return Fit::Wide;
        }
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse().ok());
        let terminal = || terminal_size::terminal_size().map(|(w, _)| usize::from(w.0));
        Fit::Columns(columns.or_else(terminal).unwrap_or(DEFAULT_WIDTH))
    }
}

/// A rounded table of `rows` under `header`, fitted to `fit`; `empty` (a sentence saying why
/// there is nothing) instead of an empty frame when there are no rows. Cells are shown as given:
/// escape untrusted text first.
pub fn table(header: &[&str], rows: Vec<Vec<String>>, fit: Fit, empty: &str) -> String {
    if rows.is_empty() {
        return format!("{empty}\n");
    }
    let rows = match fit {
        Fit::Wide => rows,
        Fit::Columns(total) => fitted(header, rows, total),
    };
    let mut b = Builder::default();
    b.push_record(header.iter().map(|h| h.to_string()));
    for r in rows {
        b.push_record(r);
    }
    let mut t = b.build();
    t.with(Style::rounded());
    format!("{t}\n")
}

/// Rows with every cell wrapped to its column's width, the widths chosen so that the table
/// (content plus a frame of 3 characters per column and 1) is at most `total` wide.
pub fn fitted(header: &[&str], rows: Vec<Vec<String>>, total: usize) -> Vec<Vec<String>> {
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.lines().map(UnicodeWidthStr::width).max().unwrap_or(0));
        }
    }
    let mut words: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (w, c) in words.iter_mut().zip(r) {
            let widest = c.split_whitespace().map(UnicodeWidthStr::width).max();
            *w = (*w).max(widest.unwrap_or(0));
        }
    }
    let room = total.saturating_sub(3 * n + 1);
    // First keep words whole, then cut them if the table is still too wide.
    let floors: Vec<usize> = words
        .iter()
        .map(|w| (*w).clamp(MIN_COLUMN, WHOLE_WORD))
        .collect();
    shrink(&mut widths, &floors, room);
    shrink(&mut widths, &vec![MIN_COLUMN; n], room);
    rows.into_iter()
        .map(|r| r.iter().zip(&widths).map(|(c, w)| wrap(c, *w)).collect())
        .collect()
}

/// Narrow the widest column above its floor until the sum fits `room` or every column is at
/// its floor.
fn shrink(widths: &mut [usize], floors: &[usize], room: usize) {
    let mut sum: usize = widths.iter().sum();
    while sum > room {
        let above = |i: &usize| widths[*i] > floors[*i];
        let Some(widest) = (0..widths.len())
            .filter(above)
            .max_by_key(|i| (widths[*i], usize::MAX - i))
        else {
            return;
        };
        // Jump straight to the next narrower width (or the floor, or the room), not one by one.
        let next = widths
            .iter()
            .copied()
            .filter(|w| *w < widths[widest])
            .max()
            .unwrap_or(0);
        let step = (widths[widest] - next.max(floors[widest])).clamp(1, sum - room);
        widths[widest] -= step;
        sum -= step;
    }
}

/// `text` wrapped at word boundaries to `width` display columns: no line starts or ends with a
/// space, a word wider than `width` is cut across lines, and past [`MAX_CELL_LINES`] lines the
/// last one ends in `…`.
pub fn wrap(text: &str, width: usize) -> String {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let (lw, ww) = (line.width(), word.width());
            if !line.is_empty() && lw + 1 + ww <= width {
                line.push(' ');
                line.push_str(word);
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for piece in cut(word, width) {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line = piece;
            }
        }
        lines.push(line);
    }
    if lines.len() > MAX_CELL_LINES {
        lines.truncate(MAX_CELL_LINES);
        let last = lines.last_mut().expect("at least one line");
        *last = ellipsis(last, width);
    }
    lines.join("\n")
}

/// `word` in pieces of at most `width` display columns.
fn cut(word: &str, width: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut w = 0;
    for c in word.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width && w > 0 {
            out.push(String::new());
            w = 0;
        }
        out.last_mut().expect("a piece").push(c);
        w += cw;
    }
    out
}

/// `line` with a trailing `…`, shortened so that both fit `width`.
fn ellipsis(line: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    for c in line.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// The plain layout of `history` and `upcoming`: columns padded to their widest cell (in
/// characters), two spaces apart, each line trimmed at its end, header first; control characters
/// from the data shown escaped. Unlike [`table`] it never wraps: their cells are short.
pub fn aligned<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    use std::fmt::Write;
    let rows: Vec<[String; N]> = (rows.iter())
        .map(|row| {
            row.each_ref()
                .map(|c| super::terminal::escape(c).into_owned())
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let header = header.map(str::to_owned);
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = (row.iter().zip(&widths))
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_start_with_no_space() {
        assert_eq!(
            wrap("membership ended, revenue no longer met", 12),
            "membership\nended,\nrevenue no\nlonger met"
        );
        assert_eq!(wrap("  a   b  ", 10), "a b");
        assert_eq!(wrap("abcdefghij", 4), "abcd\nefgh\nij");
    }

    #[test]
    fn long_cells_end_in_an_ellipsis() {
        let text = "word ".repeat(40);
        let w = wrap(&text, 10);
        assert_eq!(w.lines().count(), MAX_CELL_LINES);
        assert_eq!(w.lines().last(), Some("word word…"));
    }

    #[test]
    fn a_fitted_table_is_no_wider_than_asked() {
        let header = ["partner", "because"];
        let rows = vec![vec!["acme".into(), "x ".repeat(100)]];
        let t = table(&header, rows.clone(), Fit::Columns(40), "none");
        assert!(t.lines().all(|l| l.width() <= 40), "{t}");
        // 2 columns: 7 characters of frame, so the text column gets 40 - 7 - 7 = 26.
        assert!(t.lines().any(|l| l.width() == 40), "{t}");
        let wide = table(&header, rows, Fit::Wide, "none");
        assert_eq!(
            wide.lines().map(UnicodeWidthStr::width).max(),
            Some(7 + 7 + 200)
        );
    }

    #[test]
    fn no_rows_give_the_message_not_a_frame() {
        assert_eq!(
            table(
                &["a"],
                vec![],
                Fit::Wide,
                "no results: terms for nospamproxy take effect on 2024-01-01"
            ),
            "no results: terms for nospamproxy take effect on 2024-01-01\n"
        );
    }
}
