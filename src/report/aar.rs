//! The after-action report of a game: `aar.html` (self-contained like `report.html`: style
//! inline, charts as inline SVG) and `aar.md`, both drawn from `aar.json` alone, which the
//! game writes ([`crate::play::aar`]).
//!
//! Sections: the teams' record (decisions, departures from the model's recommendation and
//! the expected utility they gave up, utility against the same game played by the model),
//! the outcomes reached against their probability at the start, the game's path through the
//! state against the scenario's Monte Carlo bands, and the timeline.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::charts::percent;
use super::html::{STYLE, escape};
use crate::play::aar::{Aar, PathLine, read_json};
use crate::results::atomic::AtomicFile;

/// Reads `DIR/aar.json` and writes `DIR/aar.html` and `DIR/aar.md`; returns the page's path.
pub fn publish(dir: &Path) -> Result<PathBuf, String> {
    let aar = read_json(&dir.join("aar.json"))?;
    let write = |name: &str, text: &str| -> Result<PathBuf, String> {
        let path = dir.join(name);
        let mut f = AtomicFile::create(&path).map_err(|e| e.to_string())?;
        f.writer().write_all(text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        f.commit().map_err(|e| e.to_string())?;
        Ok(path)
    };
    write("aar.md", &markdown(&aar))?;
    write("aar.html", &html(&aar))
}

fn teams(a: &Aar) -> String {
    a.teams.iter().map(|t| format!("{} ({})", t.name, t.actors.join(", "))).collect::<Vec<_>>().join("; ")
}

fn last_date(a: &Aar) -> &str {
    a.played.checked_sub(1).and_then(|t| a.dates.get(t)).map_or("the start", String::as_str)
}

/// The page.
pub fn html(a: &Aar) -> String {
    let e = escape;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>After-action report: {}</title>\n<style>{STYLE}\
         .departure {{ color: #a33; }} td.date {{ white-space: nowrap; }} .kind {{ color: #666; font-size: 0.85em; white-space: nowrap; }}\n\
         .charts {{ display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }}\n</style>\n</head>\n<body>\n",
        e(&a.scenario)
    );
    let _ = writeln!(h, "<h1>After-action report</h1>\n<p class=\"question\">{}</p>", e(&a.scenario));
    if let Some(q) = &a.question {
        let _ = writeln!(h, "<p class=\"description\">{}</p>", e(q));
    }
    let _ = writeln!(
        h,
        "<table class=\"settings\"><tr><th>teams</th><td>{}</td></tr><tr><th>played</th><td>{} of {} turns, to {}</td></tr>\
         <tr><th>seed, run</th><td>{}, {}</td></tr><tr><th>bands and probabilities at the start</th><td>{} runs</td></tr></table>",
        e(&teams(a)),
        a.played,
        a.dates.len(),
        e(last_date(a)),
        a.seed,
        a.run,
        a.runs
    );
    h.push_str("<section>\n<h2>The teams against the model</h2>\n<table><thead><tr><th>team</th><th class=\"num\">decisions</th>\
                <th class=\"num\">departures</th><th class=\"num\">expected utility given up</th>\
                <th>utility: game / model playing the team</th></tr></thead><tbody>\n");
    for t in &a.team_records {
        let u: Vec<String> =
            t.utility.iter().map(|(id, g, m)| format!("{id}: {g:.3} / {m:.3} ({:+.3})", g - m)).collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3}</td><td>{}</td></tr>",
            e(&t.team),
            t.decisions,
            t.departures,
            t.expected_cost,
            e(&u.join("; "))
        );
    }
    h.push_str(
        "</tbody></table>\n<p class=\"rule\">A departure is a choice against the model's most likely choice. Its cost is the \
         utility advantage the model saw in its own choice (interests, trust, pressure, upkeep, the status quo, over the \
         horizon). The last column compares the utility each actor accumulated with what it accumulated in the same game \
         (same draws, injects and overrides) with the model taking the team's decisions.</p>\n",
    );
    if !a.departures.is_empty() {
        h.push_str(
            "<table><thead><tr><th>date</th><th>team</th><th>decision</th><th>chose</th><th>model</th>\
                    <th class=\"num\">p(cooperate)</th><th class=\"num\">cost</th></tr></thead><tbody>\n",
        );
        for d in &a.departures {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code> ({})</td><td class=\"departure\">{}</td><td>{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{:.3}</td></tr>",
                e(&d.date),
                e(&d.team),
                e(&d.issue),
                e(&d.actor),
                e(&d.chose),
                e(&d.recommended),
                percent(d.p_cooperate),
                d.cost
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str(
        "</section>\n<section>\n<h2>Outcomes</h2>\n<table><thead><tr><th>outcome</th><th>in this game</th>\
                <th class=\"num\">probability at the start</th></tr></thead><tbody>\n",
    );
    for o in &a.outcomes {
        let reached = o.reached.as_ref().map_or("not reached".to_string(), |d| format!("reached {d}"));
        let _ = writeln!(
            h,
            "<tr><td>{}<br><code>{}</code></td><td>{}</td><td class=\"num\">{}</td></tr>",
            e(&o.label),
            e(&o.id),
            e(&reached),
            percent(o.p_at_start)
        );
    }
    h.push_str("</tbody></table>\n</section>\n<section>\n<h2>The game's path against the scenario's bands</h2>\n<div class=\"charts\">\n");
    for p in &a.paths {
        let _ = writeln!(h, "<figure>{}<figcaption>{}</figcaption></figure>", chart(p, &a.dates), e(&p.label));
    }
    h.push_str(
        "</div>\n<p class=\"rule\">Black: this game. Shaded: the scenario's Monte Carlo from the start under the game's seed, \
         5th–95th and 25th–75th percentiles; grey line: the median.</p>\n</section>\n<section>\n<h2>Timeline</h2>\n<table><tbody>\n",
    );
    for m in &a.timeline {
        let class = if m.kind == "departure" { " class=\"departure\"" } else { "" };
        let _ = writeln!(
            h,
            "<tr><td class=\"date\">{}</td><td class=\"kind\">{}</td><td{class}>{}</td></tr>",
            e(&m.date),
            e(&m.kind),
            e(&m.text)
        );
    }
    h.push_str(
        "</tbody></table>\n</section>\n<footer>Written by heartland from aar.json.</footer>\n</body>\n</html>\n",
    );
    h
}

/// One path against its bands, as inline SVG.
fn chart(p: &PathLine, dates: &[String]) -> String {
    let (w, ht, left, right, top, bottom) = (560.0, 260.0, 48.0, 12.0, 12.0, 30.0);
    let turns = p.bands.len().max(2);
    let mut lo = p.bands.iter().map(|b| b[0]).chain(p.game.iter().copied()).fold(f64::INFINITY, f64::min);
    let mut hi = p.bands.iter().map(|b| b[4]).chain(p.game.iter().copied()).fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let x = |t: usize| left + (w - left - right) * t as f64 / (turns - 1) as f64;
    let y = |v: f64| top + (ht - top - bottom) * (1.0 - (v - lo) / (hi - lo));
    let mut s = format!(
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {w} {ht}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"11\">",
        escape(&p.label)
    );
    let area = |a: usize, b: usize| {
        let up: Vec<String> = (0..p.bands.len()).map(|t| format!("{:.1},{:.1}", x(t), y(p.bands[t][b]))).collect();
        let down: Vec<String> =
            (0..p.bands.len()).rev().map(|t| format!("{:.1},{:.1}", x(t), y(p.bands[t][a]))).collect();
        format!("{} {}", up.join(" "), down.join(" "))
    };
    let _ = write!(s, "<polygon points=\"{}\" fill=\"#56B4E9\" fill-opacity=\"0.22\"/>", area(0, 4));
    let _ = write!(s, "<polygon points=\"{}\" fill=\"#56B4E9\" fill-opacity=\"0.35\"/>", area(1, 3));
    let median: Vec<String> = (0..p.bands.len()).map(|t| format!("{:.1},{:.1}", x(t), y(p.bands[t][2]))).collect();
    let _ = write!(s, "<polyline points=\"{}\" fill=\"none\" stroke=\"#888\" stroke-width=\"1.2\"/>", median.join(" "));
    let game: Vec<String> = p.game.iter().enumerate().map(|(t, &v)| format!("{:.1},{:.1}", x(t), y(v))).collect();
    let _ = write!(s, "<polyline points=\"{}\" fill=\"none\" stroke=\"#000\" stroke-width=\"2.2\"/>", game.join(" "));
    // Axes: three values, and a date every few years.
    let _ = write!(s, "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#444\"/>", ht - bottom);
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\"/>",
        ht - bottom,
        w - right,
        ht - bottom
    );
    for v in [lo, (lo + hi) / 2.0, hi] {
        let _ = write!(s, "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v:.2}</text>", left - 4.0, y(v) + 4.0);
    }
    let step = (turns / 5).max(1);
    for t in (0..turns).step_by(step) {
        if let Some(d) = dates.get(t) {
            let _ =
                write!(s, "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x(t), ht - 10.0, escape(d));
        }
    }
    s.push_str("</svg>");
    s
}

/// The Markdown version, for a facilitator's debrief notes.
pub fn markdown(a: &Aar) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# After-action report: {}\n", a.scenario);
    if let Some(q) = &a.question {
        let _ = writeln!(m, "{q}\n");
    }
    let _ = writeln!(m, "- Teams: {}", teams(a));
    let _ = writeln!(m, "- Played: {} of {} turns, to {}", a.played, a.dates.len(), last_date(a));
    let _ =
        writeln!(m, "- Seed {}, run {}; bands and probabilities at the start from {} runs\n", a.seed, a.run, a.runs);
    let _ = writeln!(m, "## The teams against the model\n");
    let _ = writeln!(m, "| team | decisions | departures | expected utility given up | utility: game / model |");
    let _ = writeln!(m, "|---|---:|---:|---:|---|");
    for t in &a.team_records {
        let u: Vec<String> = t.utility.iter().map(|(id, g, mo)| format!("{id}: {g:.3} / {mo:.3}")).collect();
        let _ = writeln!(
            m,
            "| {} | {} | {} | {:.3} | {} |",
            t.team,
            t.decisions,
            t.departures,
            t.expected_cost,
            u.join("; ")
        );
    }
    if !a.departures.is_empty() {
        let _ = writeln!(m, "\n| date | team | decision | chose | model | p(cooperate) | cost |");
        let _ = writeln!(m, "|---|---|---|---|---|---:|---:|");
        for d in &a.departures {
            let _ = writeln!(
                m,
                "| {} | {} | `{}` ({}) | {} | {} | {} | {:.3} |",
                d.date,
                d.team,
                d.issue,
                d.actor,
                d.chose,
                d.recommended,
                percent(d.p_cooperate),
                d.cost
            );
        }
    }
    let _ = writeln!(m, "\n## Outcomes\n\n| outcome | in this game | probability at the start |\n|---|---|---:|");
    for o in &a.outcomes {
        let reached = o.reached.as_ref().map_or("not reached".to_string(), |d| format!("reached {d}"));
        let _ = writeln!(m, "| {} | {} | {} |", o.label, reached, percent(o.p_at_start));
    }
    let _ = writeln!(
        m,
        "\n## The game's path\n\n| quantity | at the end of the game | median of the scenario then | 5th–95th |\n|---|---:|---:|---|"
    );
    for p in &a.paths {
        let t = p.game.len().saturating_sub(1);
        if let (Some(g), Some(b)) = (p.game.last(), p.bands.get(t)) {
            let _ = writeln!(m, "| {} | {g:.3} | {:.3} | {:.3}–{:.3} |", p.label, b[2], b[0], b[4]);
        }
    }
    let _ = writeln!(m, "\n## Timeline\n");
    for t in &a.timeline {
        let _ = writeln!(m, "- {} ({}): {}", t.date, t.kind, t.text);
    }
    m
}
