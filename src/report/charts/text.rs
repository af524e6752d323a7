//! Text layout: labels wrapped to a width rather than cut (words at spaces, parameter paths
//! after their dots), and titles of several lines drawn above a plot.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{font, text_size};

/// Height of one line of a title in `size`-pixel text.
pub(super) fn line_height(size: f64) -> u32 {
    (size * 1.3).ceil() as u32
}

/// Joins `tokens` greedily into lines no wider than `max` pixels in `size`-pixel text.
fn fill(tokens: &[String], sep: &str, max: i32, size: f64) -> Vec<String> {
    let style = font(size);
    // A token wider than a line is broken into pieces that fit, losing no character.
    let mut pieces: Vec<String> = Vec::new();
    for t in tokens {
        if text_size(t, &style).0 <= max {
            pieces.push(t.clone());
            continue;
        }
        let mut piece = String::new();
        for c in t.chars() {
            piece.push(c);
            if piece.chars().count() > 1 && text_size(&piece, &style).0 > max {
                piece.pop();
                pieces.push(std::mem::replace(&mut piece, c.to_string()));
            }
        }
        pieces.push(piece);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for t in &pieces {
        let candidate = if line.is_empty() { t.clone() } else { format!("{line}{sep}{t}") };
        if !line.is_empty() && text_size(candidate.trim_end(), &style).0 > max {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
            line = t.clone();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// `text` in lines no wider than `max` pixels, broken at spaces; nothing is cut.
pub(super) fn wrap(text: &str, max: i32, size: f64) -> Vec<String> {
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    fill(&words, " ", max, size)
}

/// A dotted parameter path in lines no wider than `max` pixels, broken after its dots (an
/// underscore-joined part too wide for a line is broken after an underscore); nothing is cut,
/// so two paths never look alike.
pub(super) fn wrap_path(path: &str, max: i32, size: f64) -> Vec<String> {
    let style = font(size);
    let mut tokens: Vec<String> = Vec::new();
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let part = if i + 1 < parts.len() { format!("{part}.") } else { part.to_string() };
        if text_size(&part, &style).0 > max && part.contains('_') {
            let pieces: Vec<&str> = part.split('_').collect();
            let k = pieces.len();
            tokens.extend(
                pieces.iter().enumerate().map(|(j, p)| if j + 1 < k { format!("{p}_") } else { p.to_string() }),
            );
        } else {
            tokens.push(part);
        }
    }
    fill(&tokens, "", max, size)
}

/// At most `n` lines; when some are dropped the last kept line ends with an ellipsis. For
/// titles in words, never for paths.
pub(super) fn at_most(mut lines: Vec<String>, n: usize) -> Vec<String> {
    if lines.len() > n {
        lines.truncate(n);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

/// Draws `lines` centred at the top of `area`, `size`-pixel text, and returns the area below
/// a title of `reserve` lines (so that panels with shorter titles keep their plots aligned).
pub(super) fn draw_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
    reserve: usize,
    size: f64,
) -> Result<DrawingArea<DB, Shift>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let (w, _) = area.dim_in_pixel();
    let step = line_height(size) as i32;
    let style = font(size).pos(Pos::new(HPos::Center, VPos::Top));
    for (k, line) in lines.iter().enumerate() {
        area.draw(&Text::new(line.clone(), (w as i32 / 2, 6 + k as i32 * step), style.clone()))?;
    }
    let (_, below) = area.split_vertically(8 + reserve.max(lines.len()) as i32 * step);
    Ok(below)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_wrap_without_losing_a_character() {
        super::super::style::register_font();
        let path = "issues.sco_csto_integration.payoffs.sco.autonomy.reward";
        let lines = wrap_path(path, 200, 13.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.concat(), path);
        assert!(lines.iter().all(|l| text_size(l, &font(13.0)).0 <= 200), "{lines:?}");
        // A part wider than the line is broken after an underscore, still whole.
        let lines = wrap_path("issues.a_very_long_issue_identifier_that_goes_on.reward", 120, 13.0);
        assert_eq!(lines.concat(), "issues.a_very_long_issue_identifier_that_goes_on.reward");
        let words = wrap("Russia–China strategic partnership (arms, energy, joint exercises)", 280, 15.0);
        assert_eq!(words.join(" "), "Russia–China strategic partnership (arms, energy, joint exercises)");
        assert_eq!(words.len(), 2, "{words:?}");
        assert_eq!(wrap("short", 280, 15.0), ["short"]);
        assert_eq!(at_most(vec!["a".into(), "b".into(), "c".into()], 2), ["a", "b…"]);
        // A word wider than a line is broken, not lost.
        let long = "x".repeat(300);
        let lines = wrap(&long, 200, 13.0);
        assert!(lines.len() > 1 && lines.concat() == long);
    }
}
