//! Legends: the row of marks and labels above a chart, wrapped to its width.

use std::error::Error;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Mark;
use super::style::{LEGEND_SIZE, font, text_size};

pub(super) fn legend_item_width(label: &str, mark: Mark) -> i32 {
    let swatch = if mark == Mark::Heading { 0 } else { 28 };
    swatch + text_size(label, &font(LEGEND_SIZE)).0 + 24
}

pub(super) fn legend_rows(items: &[(String, RGBColor, Mark)], width: u32) -> u32 {
    let mut rows = if items.is_empty() { 0 } else { 1 };
    let mut x = 0;
    for (label, _, mark) in items {
        let w = legend_item_width(label, *mark);
        // A heading starts a row of its own.
        if x > 0 && (x + w > width as i32 || *mark == Mark::Heading) {
            rows += 1;
            x = 0;
        }
        x += w;
    }
    rows
}

/// Draws a legend starting at `(x0, y0)`, wrapping at `width`; returns the y below it.
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(String, RGBColor, Mark)],
    (x0, y0): (i32, i32),
    width: i32,
) -> Result<i32, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let (mut x, mut y) = (x0, y0);
    let style = font(LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    for (label, colour, mark) in items {
        let w = legend_item_width(label, *mark);
        if x > x0 && (x + w > x0 + width || *mark == Mark::Heading) {
            x = x0;
            y += 24;
        }
        let cy = y + 10;
        match mark {
            Mark::Line => area.draw(&PathElement::new(vec![(x, cy), (x + 22, cy)], colour.stroke_width(3)))?,
            Mark::Dashed => {
                area.draw(&PathElement::new(vec![(x, cy), (x + 8, cy)], colour.stroke_width(3)))?;
                area.draw(&PathElement::new(vec![(x + 14, cy), (x + 22, cy)], colour.stroke_width(3)))?;
            }
            Mark::Band => area.draw(&Rectangle::new([(x, cy - 7), (x + 22, cy + 7)], colour.mix(0.3).filled()))?,
            Mark::Bar => area.draw(&Rectangle::new([(x, cy - 7), (x + 22, cy + 7)], colour.mix(0.85).filled()))?,
            Mark::Heading => {
                area.draw(&Text::new(label.clone(), (x, cy), style.clone().color(colour)))?;
                x += w;
                continue;
            }
            Mark::Rule => {
                for y in (cy - 9..cy + 9).step_by(7) {
                    area.draw(&PathElement::new(
                        vec![(x + 11, y), (x + 11, (y + 4).min(cy + 9))],
                        colour.stroke_width(1),
                    ))?;
                }
            }
        }
        area.draw(&Text::new(label.clone(), (x + 28, cy), style.clone()))?;
        x += w;
    }
    Ok(y + 24)
}
