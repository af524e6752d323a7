//! The page of a tournament: its settings, the ranking table, the Moran process if any, and
//! the charts; drawn from the folder's files alone.

use std::fmt::Write as _;

use super::charts::Drawn;
use super::html::{STYLE, charts_section, escape};
use crate::results::tournament::TournamentResults;

fn n(x: f64) -> String {
    format!("{x:.3}")
}

pub(crate) fn tournament_html(r: &TournamentResults, charts: &[Drawn]) -> String {
    let m = &r.manifest;
    let e = escape;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — heartland tournament</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        e(&m.name)
    );
    let _ = writeln!(h, "<header>\n<h1>{}</h1>", e(&m.name));
    if let Some(d) = m.description.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = writeln!(h, "<p class=\"description\">{}</p>", e(d.trim()));
    }
    h.push_str("</header>\n<section>\n<h2>In short</h2>\n<ul class=\"summary\">\n");
    if let (Some(first), Some(last)) = (r.players.first(), r.players.last()) {
        let _ = writeln!(
            h,
            "<li>{} ranks first with a median of {} points per turn; {} ranks last with {}.</li>",
            e(&first.player),
            n(first.median_score),
            e(&last.player),
            n(last.median_score)
        );
        if let Some(w) = r.players.iter().max_by_key(|p| p.wins) {
            let _ = writeln!(
                h,
                "<li>{} wins the most matches ({}), which is not the same as scoring the most.</li>",
                e(&w.player),
                w.wins
            );
        }
    }
    h.push_str(
        "</ul>\n</section>\n<section>\n<h2>Ranking</h2>\n<table>\n<thead><tr><th class=\"num\">rank</th><th>player</th>\
                <th>strategy</th><th class=\"num\">median score per turn</th><th class=\"num\">mean</th>\
                <th class=\"num\">wins</th><th class=\"num\">cooperation</th></tr></thead>\n<tbody>\n",
    );
    for p in &r.players {
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{:.0}%</td></tr>",
            p.rank,
            e(&p.player),
            e(&p.strategy),
            n(p.median_score),
            n(p.mean_score),
            p.wins,
            100.0 * p.cooperation_rate
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    if let Some(mo) = &r.moran {
        let _ = writeln!(
            h,
            "<section>\n<h2>Evolution</h2>\n<p>In a population of {} with one {} among {} residents {}, the mutant took \
             over in {} of {} Moran processes: {} (95% interval {} to {}). The exact probability from the same payoffs \
             is {}; a neutral mutant's would be {}.</p>\n</section>",
            mo.population,
            e(&mo.mutant),
            mo.population - 1,
            e(&mo.resident),
            mo.fixations,
            mo.runs,
            n(mo.probability),
            n(mo.ci_low),
            n(mo.ci_high),
            n(mo.exact),
            n(1.0 / mo.population as f64)
        );
    }
    charts_section(&mut h, charts);
    h.push_str("<section>\n<h2>Settings</h2>\n<table class=\"settings\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", e(k), e(&v));
    };
    let g = m.game;
    row("file", m.file.clone());
    row("game (R, S, T, P)", format!("({}, {}, {}, {})", g.r, g.s, g.t, g.p));
    row("turns", m.turns.to_string());
    row("continuation", m.continuation.map_or("none: every match lasts the turns".into(), |c| c.to_string()));
    row("noise", m.noise.to_string());
    row("repetitions", m.repetitions.to_string());
    row("seed", m.seed.to_string());
    row("tool", format!("heartland {}", m.version));
    h.push_str("</table>\n</section>\n");
    let _ = writeln!(
        h,
        "<footer>Written by heartland {} from the files beside this page (<code>players.csv</code>, \
         <code>matches.csv</code>, <code>repetitions.csv</code>, <code>tournament.json</code>).</footer>\n</body>\n</html>",
        e(env!("CARGO_PKG_VERSION"))
    );
    h
}
