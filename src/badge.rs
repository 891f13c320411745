//! Partner badges: small SVG images a partner embeds on its website, showing a program and the
//! partner's current standing in it ("NoSpamProxy | Premium Partner"). Built here from program
//! terms and the evaluation only — no partner-supplied text is ever inside — so a badge is inert
//! and the same data always gives the same bytes.
//!
//! Text width comes from a fixed advance table (DejaVu Sans at 11 px) rather than font metrics at
//! runtime, and every text carries `textLength`, so a viewer with another font still fits the
//! text into the computed box instead of overflowing it.

use std::fmt::Write as _;

use crate::diagnostic::DocPath;
use crate::model::program::{BadgeStyle, Program};

/// Height of a badge in pixels.
pub const HEIGHT: u32 = 20;
/// The least contrast ratio between a badge's text and its background (WCAG 2 AA, normal text).
pub const MIN_CONTRAST: f64 = 4.5;
/// The standing shown when a partner holds nothing listable in the program.
pub const NEUTRAL: &str = "no current partnership";

/// Horizontal padding on each side of a text, in pixels.
const PAD: u32 = 6;
const FONT: &str = "DejaVu Sans,Verdana,Geneva,sans-serif";

/// Advances of ASCII 32..=126 in DejaVu Sans at 11 px, in tenths of a pixel, read once from the
/// font's `hmtx` table (advance × 11 / 2048 units per em). Regular for the label, bold for the
/// standing.
const ADVANCE: [u8; 95] = [
    35, 44, 51, 92, 70, 105, 86, 30, 43, 43, 55, 92, 35, 40, 35, 37, 70, 70, 70, 70, 70, 70, 70,
    70, 70, 70, 37, 37, 92, 92, 92, 58, 110, 75, 75, 77, 85, 70, 63, 85, 83, 32, 32, 72, 61, 95,
    82, 87, 66, 87, 76, 70, 67, 81, 75, 109, 75, 67, 75, 43, 37, 43, 92, 55, 55, 67, 70, 60, 70,
    68, 39, 70, 70, 31, 31, 64, 31, 107, 70, 67, 70, 70, 45, 57, 43, 70, 65, 90, 65, 65, 58, 70,
    37, 70, 92,
];
const ADVANCE_BOLD: [u8; 95] = [
    38, 50, 57, 92, 77, 110, 96, 34, 50, 50, 58, 92, 42, 46, 42, 40, 77, 77, 77, 77, 77, 77, 77,
    77, 77, 77, 44, 44, 92, 92, 92, 64, 110, 85, 84, 81, 91, 75, 75, 90, 92, 41, 41, 85, 70, 109,
    92, 94, 81, 94, 85, 79, 75, 89, 85, 121, 85, 80, 80, 50, 40, 50, 92, 55, 55, 74, 79, 65, 79,
    75, 48, 79, 78, 38, 38, 73, 38, 115, 78, 76, 79, 79, 54, 65, 53, 78, 72, 102, 71, 72, 64, 78,
    40, 78, 92,
];

/// Width of `text` in whole pixels (rounded up). Characters outside ASCII count as the widest
/// lowercase letter, so accented names never overflow.
pub fn text_width(text: &str, bold: bool) -> u32 {
    let table = if bold { &ADVANCE_BOLD } else { &ADVANCE };
    let tenths: u32 = text
        .chars()
        .map(|c| match c {
            ' '..='~' => u32::from(table[c as usize - 32]),
            _ => u32::from(table[usize::from(b'm' - 32)]),
        })
        .sum();
    tenths.div_ceil(10)
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb` (either case); anything else is `None`.
    pub fn parse(hex: &str) -> Option<Rgb> {
        let h = hex.strip_prefix('#')?;
        if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    /// Relative luminance (WCAG 2).
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let s = f64::from(c) / 255.0;
            if s <= 0.04045 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }
}

impl std::fmt::Display for Rgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Contrast ratio of two colours (WCAG 2), from 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Text on a background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// Background.
    pub bg: Rgb,
    /// Text.
    pub fg: Rgb,
}

/// Light or dark variant of a badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// For light pages.
    Light,
    /// For dark pages.
    Dark,
}

impl Variant {
    /// Both variants, light first.
    pub const ALL: [Variant; 2] = [Variant::Light, Variant::Dark];
    /// File name suffix: `""` or `"-dark"`.
    pub fn suffix(self) -> &'static str {
        match self {
            Variant::Light => "",
            Variant::Dark => "-dark",
        }
    }
}

/// The program label part, per variant.
pub const LABEL: [Pair; 2] = [
    Pair {
        bg: Rgb(0x3d, 0x44, 0x4d),
        fg: Rgb(0xff, 0xff, 0xff),
    },
    Pair {
        bg: Rgb(0x30, 0x36, 0x3d),
        fg: Rgb(0xf0, 0xf6, 0xfc),
    },
];
/// The standing part when a program sets no colours, per variant.
pub const DEFAULT_STANDING: [Pair; 2] = [
    Pair {
        bg: Rgb(0x05, 0x50, 0xae),
        fg: Rgb(0xff, 0xff, 0xff),
    },
    Pair {
        bg: Rgb(0x44, 0x93, 0xf8),
        fg: Rgb(0x0d, 0x11, 0x17),
    },
];
/// The standing part of the neutral "no current partnership" badge, per variant.
pub const NEUTRAL_STANDING: [Pair; 2] = [
    Pair {
        bg: Rgb(0x57, 0x60, 0x6a),
        fg: Rgb(0xff, 0xff, 0xff),
    },
    Pair {
        bg: Rgb(0x9d, 0xa7, 0xb3),
        fg: Rgb(0x0d, 0x11, 0x17),
    },
];

/// Position of a variant in the per-variant arrays ([`LABEL`], [`DEFAULT_STANDING`], …).
pub fn index(v: Variant) -> usize {
    match v {
        Variant::Light => 0,
        Variant::Dark => 1,
    }
}

/// The keys of one variant's colours in `[badge]`.
fn keys(v: Variant) -> (&'static str, &'static str) {
    match v {
        Variant::Light => ("background", "foreground"),
        Variant::Dark => ("dark_background", "dark_foreground"),
    }
}

fn style_values(s: &BadgeStyle, v: Variant) -> (Option<&str>, Option<&str>) {
    match v {
        Variant::Light => (s.background.as_deref(), s.foreground.as_deref()),
        Variant::Dark => (s.dark_background.as_deref(), s.dark_foreground.as_deref()),
    }
}

/// The program's colours for the standing part of variant `v`, each missing one from the
/// default pair; `Err` with the pair and its contrast when that is below [`MIN_CONTRAST`].
fn program_pair(p: &Program, v: Variant) -> Result<Pair, (Pair, f64)> {
    let default = DEFAULT_STANDING[index(v)];
    let Some(style) = &p.badge else {
        return Ok(default);
    };
    let (bg, fg) = style_values(style, v);
    let pair = Pair {
        bg: bg.and_then(Rgb::parse).unwrap_or(default.bg),
        fg: fg.and_then(Rgb::parse).unwrap_or(default.fg),
    };
    let ratio = contrast(pair.bg, pair.fg);
    if ratio < MIN_CONTRAST {
        Err((pair, ratio))
    } else {
        Ok(pair)
    }
}

/// The colours a published badge of `p` uses: the program's, or the default pair where the
/// program's fail the contrast check (which `check` reports, see [`contrast_problems`]).
pub fn standing_colours(p: &Program, v: Variant) -> Pair {
    program_pair(p, v).unwrap_or(DEFAULT_STANDING[index(v)])
}

/// Badge colour pairs of `p` whose contrast is too low: the key to point at and a message.
pub fn contrast_problems(p: &Program) -> Vec<(DocPath, String)> {
    let Some(style) = &p.badge else {
        return Vec::new();
    };
    Variant::ALL
        .into_iter()
        .filter_map(|v| {
            let (pair, ratio) = program_pair(p, v).err()?;
            let (bg_key, fg_key) = keys(v);
            // Point at the colour the author wrote; the foreground when both are written.
            let key = match style_values(style, v) {
                (_, Some(_)) => fg_key,
                _ => bg_key,
            };
            let message = format!(
                "badge text {} on {} has a contrast of {:.2}:1, below the {MIN_CONTRAST}:1 \
                 badges need; the directory uses the default colours instead",
                pair.fg,
                pair.bg,
                (ratio * 100.0).floor() / 100.0
            );
            Some((DocPath::root().key("badge").key(key), message))
        })
        .collect()
}

/// The program label of `p`'s badges.
pub fn label(p: &Program) -> &str {
    p.badge
        .as_ref()
        .and_then(|b| b.label.as_deref())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or(p.name.as_str())
}

/// What a badge shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeText<'a> {
    /// Program label (left).
    pub label: &'a str,
    /// The standing (right); `None` for the neutral badge.
    pub standing: Option<&'a str>,
}

impl BadgeText<'_> {
    /// The accessible name: "NoSpamProxy: Premium Partner".
    pub fn title(&self) -> String {
        format!("{}: {}", self.label, self.standing.unwrap_or(NEUTRAL))
    }
    /// Width of the whole badge in pixels.
    pub fn width(&self) -> u32 {
        let (l, r) = self.parts();
        l + r
    }
    fn parts(&self) -> (u32, u32) {
        let left = text_width(self.label, false) + 2 * PAD;
        let right = text_width(self.standing.unwrap_or(NEUTRAL), true) + 2 * PAD;
        (left, right)
    }
}

/// Badge text as XML; a control character has no place on a badge and is dropped.
fn xml_escape(s: &str) -> String {
    crate::markup::escape(s, None)
}

/// The SVG of a badge. `standing` colours are used unless the badge is neutral.
pub fn svg(text: &BadgeText<'_>, standing: Pair, v: Variant) -> String {
    let label_pair = LABEL[index(v)];
    let right_pair = match text.standing {
        Some(_) => standing,
        None => NEUTRAL_STANDING[index(v)],
    };
    let right_text = text.standing.unwrap_or(NEUTRAL);
    let (lw, rw) = text.parts();
    let w = lw + rw;
    let title = xml_escape(&text.title());
    let mut s = String::with_capacity(900);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {w} {HEIGHT}\" role=\"img\" aria-label=\"{title}\">\
         <title>{title}</title>\
         <clipPath id=\"r\"><rect width=\"{w}\" height=\"{HEIGHT}\" rx=\"3\"/></clipPath>\
         <g clip-path=\"url(#r)\">\
         <rect width=\"{lw}\" height=\"{HEIGHT}\" fill=\"{}\"/>\
         <rect x=\"{lw}\" width=\"{rw}\" height=\"{HEIGHT}\" fill=\"{}\"/></g>\
         <g font-family=\"{FONT}\" font-size=\"11\" text-anchor=\"middle\" aria-hidden=\"true\">",
        label_pair.bg, right_pair.bg
    );
    for (x, width, pair, content, bold) in [
        (lw / 2, lw - 2 * PAD, label_pair, text.label, false),
        (lw + rw / 2, rw - 2 * PAD, right_pair, right_text, true),
    ] {
        let weight = if bold { " font-weight=\"bold\"" } else { "" };
        let _ = write!(
            s,
            "<text x=\"{x}\" y=\"14\" fill=\"{}\"{weight} textLength=\"{width}\" \
             lengthAdjust=\"spacingAndGlyphs\">{}</text>",
            pair.fg,
            xml_escape(content)
        );
    }
    s.push_str("</g></svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        let white = Rgb(255, 255, 255);
        let black = Rgb(0, 0, 0);
        assert!((contrast(white, black) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1 AA boundary.
        let grey = Rgb::parse("#767676").unwrap();
        assert!((contrast(grey, white) - 4.54).abs() < 0.01);
    }

    #[test]
    fn only_six_digit_hex_parses() {
        assert_eq!(Rgb::parse("#0550AE"), Some(Rgb(5, 0x50, 0xae)));
        for bad in [
            "0550ae",
            "#055",
            "#0550aeff",
            "#05 0ae",
            "#gggggg",
            "red",
            "#ü550ae",
        ] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn widths_come_from_the_table() {
        // "Premium Partner" in DejaVu Sans Bold 11 px: the advances in tenths summed by hand.
        let tenths = [81, 54, 75, 115, 38, 78, 115, 38, 81, 74, 54, 53, 78, 75, 54];
        let sum: u32 = tenths.iter().sum();
        assert_eq!(text_width("Premium Partner", true), sum.div_ceil(10));
        assert_eq!(text_width("", false), 0);
        assert_eq!(text_width("é", false), text_width("m", false));
    }

    #[test]
    fn text_is_escaped() {
        let t = BadgeText {
            label: "A<b>&\"'",
            standing: Some("x"),
        };
        let s = svg(&t, DEFAULT_STANDING[0], Variant::Light);
        assert!(s.contains("A&lt;b&gt;&amp;&quot;&#39;"));
        assert!(!s.contains("<b>"));
    }
}
