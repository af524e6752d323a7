//! Heat maps: `trust` (mean trust of each actor in each other at a few dates), and the
//! drawing of a set of heat maps with their colour bar, which the sweep's grid chart shares.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::names::Names;
use super::style::{EMPTY_CELL, FAMILY, GRID, LABEL_SIZE, WIDTH, clip, font, palette, percent, short, text_size};
use super::text::{at_most, line_height, wrap};
use super::{Body, Chart, HeatMaps, Res};
use crate::results::{Band, Date, Results};

/// Trust between the main actors, as heat maps at a few dates.
pub(super) fn trust<'a>(r: &'a Results, names: &Names<'_>, charts: &mut Vec<Chart<'a>>) {
    let series = &r.series;
    let dated = !series.dates.is_empty();
    let trust: Vec<(Vec<&str>, &Band)> = series.of("trust").filter(|(p, _)| p.len() == 2).collect();
    if dated && !trust.is_empty() {
        let mut actors: Vec<String> = Vec::new();
        for (p, _) in &trust {
            for a in p {
                if !actors.iter().any(|x| x == a) && actors.len() < 12 {
                    actors.push(a.to_string());
                }
            }
        }
        // Rows: the actors that trust someone; columns: those trusted; both in actor order.
        let pairs: Vec<&(Vec<&str>, &Band)> = trust
            .iter()
            .filter(|(p, _)| actors.iter().any(|a| a == p[0]) && actors.iter().any(|a| a == p[1]))
            .collect();
        let rows: Vec<&String> = actors.iter().filter(|a| pairs.iter().any(|(p, _)| p[0] == a.as_str())).collect();
        let cols: Vec<&String> = actors.iter().filter(|a| pairs.iter().any(|(p, _)| p[1] == a.as_str())).collect();
        let snapshots = snapshot_dates(&series.dates)
            .into_iter()
            .map(|t| {
                let mut m = vec![vec![None; cols.len()]; rows.len()];
                for (p, band) in &pairs {
                    let i = rows.iter().position(|a| a.as_str() == p[0]).expect("a row");
                    let j = cols.iter().position(|a| a.as_str() == p[1]).expect("a column");
                    m[i][j] = Some(band.mean[t]).filter(|v| v.is_finite());
                }
                (series.dates[t].to_string(), m)
            })
            .collect();
        let rows = rows.iter().map(|a| at_most(wrap(&names.actor(a), ROW_LABEL, LABEL_SIZE), 3)).collect();
        let cols = cols.iter().map(|a| clip(&names.actor(a), 40)).collect();
        charts.push(Chart {
            name: "trust",
            title: "Trust between the main actors".into(),
            subtitle: "Mean trust of the row actor in the column actor (0 = none, 1 = full), across runs".into(),
            caption: "Each square is how much the actor on the left trusts the actor on top, averaged over runs, \
                      at the date above the map. Blank squares are pairs the scenario does not record."
                .into(),
            body: Body::HeatMaps(HeatMaps { rows, cols, snapshots, scale: "trust", percent: false, max: 1.0 }),
        });
    }
}

/// The dates of the trust heat maps: the start, two years on, the middle year and the end,
/// leaving out any too close to one already chosen.
fn snapshot_dates(dates: &[Date]) -> Vec<usize> {
    let n = dates.len();
    let xs: Vec<f64> = dates.iter().map(|d| d.year_fraction()).collect();
    let nearest = |x: f64| (0..n).min_by(|&a, &b| (xs[a] - x).abs().total_cmp(&(xs[b] - x).abs())).unwrap_or(0);
    let targets = [xs[0], xs[n - 1], xs[0].floor() + 2.0, ((xs[0] + xs[n - 1]) / 2.0).round()];
    let mut chosen: Vec<usize> = Vec::new();
    let gap = n as f64 / 10.0;
    for x in targets {
        let t = nearest(x);
        if chosen.iter().all(|&c| (c as f64 - t as f64).abs() >= gap.max(1.0)) {
            chosen.push(t);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// The widest a row label may be before it wraps, in pixels.
const ROW_LABEL: i32 = 170;
/// Size of a map's title.
const MAP_TITLE: f64 = 17.0;

/// How a set of heat maps is laid out.
pub(super) struct Layout {
    /// Maps side by side.
    pub(super) cols: usize,
    /// Side of a cell, in pixels.
    pub(super) cell: u32,
    /// Space above the cells (title and column labels).
    pub(super) top: u32,
    /// Space left of the cells (row labels).
    pub(super) label_w: u32,
    /// Each map's title, wrapped to the map's width.
    pub(super) titles: Vec<Vec<String>>,
}

/// Heat-map layout: columns of maps, cell size, space above the cells, space left of them.
pub(super) fn heat_layout(h: &HeatMaps) -> Layout {
    let width = |labels: &mut dyn Iterator<Item = &String>| {
        labels.map(|l| text_size(l, &font(LABEL_SIZE)).0).max().unwrap_or(60) as u32
    };
    let label_w = width(&mut h.rows.iter().flatten()) + 14;
    let n = h.cols.len().max(1) as u32;
    // As many maps side by side as fit with cells of at least 34 pixels.
    let fits = (WIDTH / (label_w + 40 + 34 * n)).max(1) as usize;
    let cols = h.snapshots.len().clamp(1, fits);
    let panel_w = WIDTH / cols as u32;
    let cell = (panel_w.saturating_sub(label_w + 40) / n).clamp(20, 46);
    let titles: Vec<Vec<String>> = h
        .snapshots
        .iter()
        .map(|(title, _)| at_most(wrap(title, panel_w as i32 - label_w as i32 - 30, MAP_TITLE), 3))
        .collect();
    let title_lines = titles.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let top = 46 + (title_lines - 1) * line_height(MAP_TITLE) + width(&mut h.cols.iter());
    Layout { cols, cell, top, label_w, titles }
}

pub(super) fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    h: &HeatMaps,
) -> Res
where
    DB::ErrorType: 'static,
{
    let style = font(LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    let start = format!("{}:  0", h.scale);
    area.draw(&Text::new(start.clone(), (x, y + 10), style.clone()))?;
    let x0 = x + text_size(&start, &font(LABEL_SIZE)).0 + 8;
    let w = 240;
    for k in 0..w {
        let c = ViridisRGB::get_color(k as f32 / (w - 1) as f32);
        area.draw(&Rectangle::new([(x0 + k, y + 2), (x0 + k + 1, y + 18)], c.filled()))?;
    }
    let end = if h.percent { percent(h.max) } else { short(h.max) };
    area.draw(&Text::new(end.clone(), (x0 + w + 8, y + 10), style.clone()))?;
    let x1 = x0 + w + 24 + text_size(&end, &font(LABEL_SIZE)).0;
    area.draw(&Rectangle::new([(x1, y + 2), (x1 + 16, y + 18)], EMPTY_CELL.filled()))?;
    area.draw(&Rectangle::new([(x1, y + 2), (x1 + 16, y + 18)], GRID.stroke_width(1)))?;
    area.draw(&Text::new("not recorded", (x1 + 24, y + 10), style))?;
    Ok(())
}

pub(super) fn draw_heat_maps<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, h: &HeatMaps) -> Res
where
    DB::ErrorType: 'static,
{
    let Layout { cols, cell, top, label_w, titles } = heat_layout(h);
    let rows = h.snapshots.len().div_ceil(cols);
    let panels = area.split_evenly((rows, cols));
    let cell_i = cell as i32;
    let value_size = (cell as f64 * 0.34).clamp(9.0, 13.0);
    for ((panel, (_, m)), title) in panels.iter().zip(&h.snapshots).zip(&titles) {
        let x0 = 20 + label_w as i32;
        let y0 = top as i32;
        for (k, line) in title.iter().enumerate() {
            panel.draw(&Text::new(
                line.clone(),
                (x0, 8 + k as i32 * line_height(MAP_TITLE) as i32),
                font(MAP_TITLE),
            ))?;
        }
        for (j, label) in h.cols.iter().enumerate() {
            // Column labels, rotated to read upwards, ending just above the cells.
            let style = font(LABEL_SIZE).transform(FontTransform::Rotate270).pos(Pos::new(HPos::Left, VPos::Center));
            panel.draw(&Text::new(label.clone(), (x0 + j as i32 * cell_i + cell_i / 2, y0 - 6), style))?;
        }
        for (i, (label, row)) in h.rows.iter().zip(m).enumerate() {
            let style = font(LABEL_SIZE).pos(Pos::new(HPos::Right, VPos::Center));
            // A label of several lines is centred on its row.
            let (step, k) = (15, label.len() as i32);
            for (l, line) in label.iter().enumerate() {
                let y = y0 + i as i32 * cell_i + cell_i / 2 - (k - 1) * step / 2 + l as i32 * step;
                panel.draw(&Text::new(line.clone(), (x0 - 8, y), style.clone()))?;
            }
            for (j, value) in row.iter().enumerate() {
                let (cx, cy) = (x0 + j as i32 * cell_i, y0 + i as i32 * cell_i);
                let rect = [(cx, cy), (cx + cell_i, cy + cell_i)];
                match *value {
                    Some(v) => {
                        let shade = (v / h.max).clamp(0.0, 1.0);
                        let c = ViridisRGB::get_color(shade as f32);
                        panel.draw(&Rectangle::new(rect, c.filled()))?;
                        let ink = if shade < 0.55 { WHITE } else { palette::BLACK };
                        let style =
                            (FAMILY, value_size).into_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center));
                        let text = if h.percent {
                            format!("{:.0}", v * 100.0)
                        } else {
                            format!("{:.2}", v).trim_start_matches('0').to_string()
                        };
                        if cell >= 26 {
                            panel.draw(&Text::new(text, (cx + cell_i / 2, cy + cell_i / 2), style))?;
                        }
                    }
                    None => panel.draw(&Rectangle::new(rect, EMPTY_CELL.filled()))?,
                }
                panel.draw(&Rectangle::new(rect, WHITE.stroke_width(1)))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_fall_on_round_dates() {
        let d = |s: &str| Date::parse(s).unwrap();
        let q: Vec<Date> = (0..68).map(|t| d(&format!("{}-{:02}-01", 2014 + t / 4, 1 + 3 * (t % 4)))).collect();
        let picked: Vec<String> = snapshot_dates(&q).iter().map(|&t| q[t].to_string()).collect();
        assert_eq!(picked, ["2014-01-01", "2016-01-01", "2022-01-01", "2030-10-01"]);
        let picked: Vec<String> = snapshot_dates(&q[..20]).iter().map(|&t| q[t].to_string()).collect();
        assert_eq!(picked, ["2014-01-01", "2016-01-01", "2018-10-01"]);
        assert_eq!(snapshot_dates(&q[..1]), [0]);
    }
}
