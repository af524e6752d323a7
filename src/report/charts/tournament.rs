//! The charts of a tournament: the pairwise payoff heat map (drawn as the trust maps are) and
//! the distribution of each player's score over the repetitions, players in rank order.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{GRID, LABEL_SIZE, MUTED, WIDTH, clip, font, palette, short};
use super::{Body, Chart, HeatMaps, Res};
use crate::results::tournament::TournamentResults;

/// Each player's scores per repetition, in rank order.
pub(super) struct Strip {
    /// (name, scores per repetition, median), best first.
    rows: Vec<(String, Vec<f64>, f64)>,
    x: (f64, f64),
}

pub(super) fn build(r: &TournamentResults) -> Vec<Chart<'static>> {
    let names: Vec<&str> = r.manifest.players.iter().map(|(n, _)| n.as_str()).collect();
    let at = |n: &str| names.iter().position(|x| *x == n);
    let n = names.len();
    let mut m = vec![vec![None; n]; n];
    for row in &r.matches {
        if let (Some(i), Some(j)) = (at(&row.player), at(&row.opponent)) {
            if i == j {
                // Self-play: the two copies' mean, as `Played::payoff` and the caption say.
                m[i][i] = Some((row.score + row.opponent_score) / 2.0);
            } else {
                m[i][j] = Some(row.score);
                m[j][i] = Some(row.opponent_score);
            }
        }
    }
    let g = r.manifest.game;
    let max = [g.r, g.s, g.t, g.p].into_iter().fold(f64::MIN, f64::max).max(1e-9);
    let mut charts = vec![Chart {
        name: "payoffs",
        title: "Pairwise payoffs".into(),
        subtitle: "Mean score per turn of the row player against the column player, over the repetitions".into(),
        caption: "Each square is what the player on the left scored per turn against the player on top, \
                  averaged over the repetitions; the diagonal is self-play (two copies, averaged). The colour \
                  scale runs from 0 to the game's largest payoff."
            .into(),
        body: Body::HeatMaps(HeatMaps {
            rows: names.iter().map(|s| vec![clip(s, 28)]).collect(),
            cols: names.iter().map(|s| clip(s, 28)).collect(),
            snapshots: vec![(String::new(), m)],
            scale: "score per turn",
            percent: false,
            max,
        }),
    }];
    let rows: Vec<(String, Vec<f64>, f64)> = r
        .players
        .iter()
        .map(|p| {
            let scores = r.repetitions.iter().filter(|x| x.player == p.player).map(|x| x.score).collect();
            (p.player.clone(), scores, p.median_score)
        })
        .collect();
    let all = rows.iter().flat_map(|(_, s, _)| s.iter().copied());
    let (lo, hi) = all.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    if lo <= hi {
        let pad = ((hi - lo) * 0.08).max(0.05);
        charts.push(Chart {
            name: "scores",
            title: "Scores by player".into(),
            subtitle: "Mean score per turn against the other players, one dot per repetition; best first".into(),
            caption: "Each dot is one repetition of the whole round robin: the player's mean score per turn \
                      against everyone else (self-play left out). The black bar is the median, by which the \
                      players are ranked, as in the axelrod library."
                .into(),
            body: Body::Strip(Strip { rows, x: (lo - pad, hi + pad) }),
        });
    }
    charts
}

const ROW: u32 = 26;

pub(super) fn strip_height(s: &Strip) -> u32 {
    60 + ROW * s.rows.len() as u32
}

pub(super) fn draw_strip<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Strip) -> Res
where
    DB::ErrorType: 'static,
{
    let n = s.rows.len();
    let names: Vec<String> = s.rows.iter().map(|(name, _, _)| clip(name, 28)).collect();
    let label = |y: &f64| {
        let k = y.round();
        if (y - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < n {
            names[n - 1 - k as usize].clone()
        } else {
            String::new()
        }
    };
    let num = |x: &f64| short(*x);
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_right(30)
        .x_label_area_size(30)
        .y_label_area_size((WIDTH / 5) as i32)
        .build_cartesian_2d(s.x.0..s.x.1, -0.6..(n as f64 - 0.4))?;
    chart
        .configure_mesh()
        .x_label_formatter(&num)
        .y_label_formatter(&label)
        .x_labels(8)
        .y_labels(n * 2 + 1)
        .label_style(font(LABEL_SIZE))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(MUTED.stroke_width(1))
        .x_desc("mean score per turn")
        .draw()?;
    for (k, (_, scores, median)) in s.rows.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        chart.draw_series(scores.iter().map(|&x| Circle::new((x, y), 4, palette::BLUE.mix(0.45).filled())))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(*median, y - 0.35), (*median, y + 0.35)],
            palette::BLACK.stroke_width(3),
        )))?;
    }
    Ok(())
}
