//! The look shared by every chart: the embedded font and its registration, the Okabe–Ito
//! palette and each actor's colour, the sizes of text and of the canvas, and the way ids,
//! numbers and shares become labels (`humanize`, `percent`, `short`, `clip`).
//!
//! Nothing here draws; the chart families and the legend take their styles from here.

use std::sync::Once;

use plotters::prelude::*;

/// The embedded font: DejaVu Sans (see `assets/fonts/LICENSE-DejaVu.txt`).
pub(super) static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// The family name the charts use. It is written verbatim into SVG `font-family` attributes,
/// so a browser uses DejaVu Sans if installed, else a font of similar width.
pub(super) const FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

/// Registers the embedded font with plotters (once per process).
pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for name in [FAMILY, "sans-serif"] {
            if plotters::style::register_font(name, FontStyle::Normal, FONT_BYTES).is_err() {
                unreachable!("the embedded font is a valid TrueType file");
            }
        }
    });
}

pub(super) fn font(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&INK)
}

/// Width and height of `text` in `style`, from the embedded font's metrics.
pub(super) fn text_size(text: &str, style: &TextStyle<'_>) -> (i32, i32) {
    style.font.box_size(text).map(|(w, h)| (w as i32, h as i32)).unwrap_or((text.len() as i32 * 8, 14))
}

/// The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design").
pub(crate) mod palette {
    use plotters::style::RGBColor;
    pub(crate) const BLACK: RGBColor = RGBColor(0, 0, 0);
    pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub(crate) const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    pub(crate) const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    pub(crate) const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub(crate) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub(crate) const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// For series that are not actors (outcomes), in order of contrast on white.
    pub(crate) const SERIES: [RGBColor; 8] =
        [BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, ORANGE, SKY_BLUE, BLACK, YELLOW];
}

pub(super) const INK: RGBColor = RGBColor(34, 34, 34);
pub(super) const GRID: RGBColor = RGBColor(225, 225, 225);
pub(super) const MUTED: RGBColor = RGBColor(95, 95, 95);
pub(super) const EMPTY_CELL: RGBColor = RGBColor(242, 242, 242);

/// One colour per actor, the same in every chart: the West (NATO, the US, its allies) blue,
/// Russia and the CSTO vermillion, China and the SCO reddish purple; any other actor gets one
/// of the remaining Okabe–Ito colours, chosen by a hash of its id, so it never depends on
/// which other actors a chart shows.
pub(crate) fn actor_colour(id: &str) -> RGBColor {
    use palette::*;
    match id.to_ascii_lowercase().as_str() {
        "nato" | "usa" | "us" | "allies" | "west" | "eu" => BLUE,
        "russia" | "csto" | "eaeu" => VERMILLION,
        "china" | "sco" => REDDISH_PURPLE,
        other => {
            const REST: [RGBColor; 5] = [ORANGE, SKY_BLUE, BLUISH_GREEN, BLACK, YELLOW];
            // FNV-1a: stable across platforms and releases, unlike std's hasher.
            let h = other.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
            REST[(h % REST.len() as u64) as usize]
        }
    }
}

/// Words written in capitals in labels.
pub(super) const ACRONYMS: [&str; 12] =
    ["nato", "csto", "sco", "usa", "us", "eu", "un", "isaf", "cis", "eaeu", "osce", "nrc"];

/// A person's name for an id: `kazakhstan` → `Kazakhstan`, `nato_csto_info` → `NATO CSTO info`,
/// `afghan_threat` → `Afghan threat`. Acronyms are capitalized, and so are `proper` names.
pub(crate) fn humanize(id: &str, proper: &[String]) -> String {
    let cap = |w: &str| {
        let mut c = w.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
    };
    id.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            if ACRONYMS.contains(&w.to_ascii_lowercase().as_str()) {
                w.to_uppercase()
            } else if i == 0 || proper.iter().any(|p| p == w) {
                cap(w)
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) const WIDTH: u32 = 1200;
pub(super) const TITLE_SIZE: f64 = 26.0;
pub(super) const SUBTITLE_SIZE: f64 = 15.0;
pub(super) const LABEL_SIZE: f64 = 13.0;
pub(super) const LEGEND_SIZE: f64 = 14.0;

/// A number for a label: at most four significant decimals, no trailing zeros.
pub(super) fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// `s`, cut to at most `n` characters with an ellipsis, so that no label can crowd out a plot.
pub(super) fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

/// `0.0123` → `1.2%`; tiny non-zero shares are not rounded to zero.
pub fn percent(p: f64) -> String {
    if p <= 0.0 {
        "0%".into()
    } else if p < 0.001 {
        "<0.1%".into()
    } else if p > 0.999 && p < 1.0 {
        ">99.9%".into()
    } else if (0.99..1.0).contains(&p) {
        format!("{:.1}%", p * 100.0)
    } else if p >= 0.1 {
        format!("{:.0}%", p * 100.0)
    } else {
        format!("{:.1}%", p * 100.0)
    }
}

/// A change of probability in signed percentage points, one decimal: `0.473` → `+47.3`,
/// `-0.02` → `−2.0`; smaller changes keep two decimals (`+0.03`), and one too small even for
/// that reads `+<0.01`, never `+0.0`.
pub fn points(d: f64) -> String {
    let sign = if d < 0.0 { "−" } else { "+" };
    let pts = d.abs() * 100.0;
    if d == 0.0 {
        "0".into()
    } else if pts < 0.005 {
        format!("{sign}<0.01")
    } else if pts < 0.05 {
        format!("{sign}{pts:.2}")
    } else {
        format!("{sign}{pts:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_keep_their_colours() {
        assert_eq!(actor_colour("nato"), palette::BLUE);
        assert_eq!(actor_colour("russia"), actor_colour("csto"));
        assert_eq!(actor_colour("China"), palette::REDDISH_PURPLE);
        // Others: deterministic, and never one of the pinned colours.
        let k = actor_colour("kazakhstan");
        assert_eq!(k, actor_colour("kazakhstan"));
        assert!(![palette::BLUE, palette::VERMILLION, palette::REDDISH_PURPLE].contains(&k));
    }

    #[test]
    fn ids_become_labels() {
        let proper = vec!["kazakhstan".to_string()];
        assert_eq!(humanize("nato_csto_info", &proper), "NATO CSTO info");
        assert_eq!(humanize("transit_kazakhstan", &proper), "Transit Kazakhstan");
        assert_eq!(humanize("afghan_threat", &proper), "Afghan threat");
        assert_eq!(humanize("usa", &proper), "USA");
    }

    #[test]
    fn percentages_keep_rare_events_visible() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.0004), "<0.1%");
        assert_eq!(percent(0.0123), "1.2%");
        assert_eq!(percent(0.4567), "46%");
        assert_eq!(percent(0.9996), ">99.9%");
        assert_eq!(percent(0.9962), "99.6%");
        assert_eq!(percent(0.9929), "99.3%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(1.0 / 4000.0), "<0.1%");
        assert_eq!(points(0.473), "+47.3");
        assert_eq!(points(-0.02), "−2.0");
        assert_eq!(points(0.00025), "+0.03");
        assert_eq!(points(-0.00001), "−<0.01");
        assert_eq!(points(0.0), "0");
    }
}
