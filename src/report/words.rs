//! The summaries in words: what a run's or a sweep's numbers say, as short paragraphs of
//! plain text (escaped by the page that shows them), with likelihoods on the IPCC's
//! calibrated scale.

use super::charts::{self, humanize, percent};
use crate::results::{Band, Date, Results, SweepResults};

/// A likelihood in words, on the IPCC's calibrated scale.
pub fn likelihood(p: f64) -> &'static str {
    match p {
        p if p >= 0.99 => "virtually certain",
        p if p >= 0.9 => "very likely",
        p if p >= 0.66 => "likely",
        p if p >= 0.33 => "about as likely as not",
        p if p >= 0.1 => "unlikely",
        p if p >= 0.01 => "very unlikely",
        _ => "exceptionally unlikely",
    }
}

fn month_year(d: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match Date::parse(d) {
        Some(d) => format!("{} {}", MONTHS[(d.month - 1) as usize], d.year),
        None => d.to_string(),
    }
}

/// Mean of the finite values of `v[range]`.
fn mean_of(v: &[f64]) -> Option<f64> {
    let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    (!finite.is_empty()).then(|| finite.iter().sum::<f64>() / finite.len() as f64)
}

fn first_finite(v: &[f64]) -> Option<(usize, f64)> {
    v.iter().copied().enumerate().find(|(_, x)| x.is_finite())
}

fn last_finite(v: &[f64]) -> Option<(usize, f64)> {
    v.iter().copied().enumerate().rev().find(|(_, x)| x.is_finite())
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A small upper bound as a percentage with two significant digits: 0.000959 → `0.096%`.
fn small_percent(p: f64) -> String {
    if p >= 0.01 {
        return percent(p);
    }
    let pct = p * 100.0;
    let digits = (1 - pct.log10().floor() as i32).clamp(1, 6) as usize;
    format!("{pct:.digits$}%")
}

pub(super) fn number(x: f64) -> String {
    if x.abs() >= 100.0 { format!("{x:.0}") } else { format!("{x:.2}") }
}

/// The summary in words: a list of short paragraphs of plain text (not yet escaped).
pub fn summary(r: &Results) -> Vec<String> {
    let mut out = Vec::new();
    let names: Vec<String> = r
        .series
        .of("trust")
        .chain(r.series.of("influence"))
        .flat_map(|(p, _)| p.into_iter().map(str::to_string))
        .collect();
    let human = |id: &str| humanize(id, &names);
    let runs = r.reached.runs.max(r.outcomes.iter().map(|o| o.runs).max().unwrap_or(0));

    // Outcomes, most likely first.
    let mut outcomes: Vec<_> = r.outcomes.iter().collect();
    outcomes.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    let likely: Vec<String> = outcomes
        .iter()
        .filter(|o| o.probability >= 0.5)
        .map(|o| {
            let when = if o.median_first_date.is_empty() {
                String::new()
            } else {
                format!(", typically by {}", month_year(&o.median_first_date))
            };
            format!("{} is {} ({}{when})", o.label, likelihood(o.probability), percent(o.probability))
        })
        .collect();
    if !likely.is_empty() {
        out.push(format!("Most likely: {}.", likely.join("; ")));
    }
    let possible: Vec<String> = outcomes
        .iter()
        .filter(|o| o.probability < 0.5 && o.probability >= 0.05)
        .map(|o| format!("{} ({}, {})", o.label, percent(o.probability), likelihood(o.probability)))
        .collect();
    if !possible.is_empty() {
        out.push(format!("Possible but not expected: {}.", possible.join("; ")));
    }
    let rare: Vec<String> = outcomes
        .iter()
        .filter(|o| o.probability < 0.05 && o.reached > 0)
        .map(|o| format!("{} ({} of {} runs, {})", o.label, o.reached, o.runs, small_percent(o.probability)))
        .collect();
    if !rare.is_empty() {
        out.push(format!("Rare: {}.", rare.join("; ")));
    }
    let never: Vec<_> = outcomes.iter().filter(|o| o.reached == 0).collect();
    if let Some(bound) = never.iter().map(|o| o.ci_high).reduce(f64::max) {
        let labels: Vec<String> = never.iter().map(|o| o.label.clone()).collect();
        out.push(format!(
            "Never reached in any of the {runs} runs (so each has a probability under {} with 95% confidence): {}.",
            small_percent(bound),
            labels.join("; ")
        ));
    }

    // State variables: start against end.
    let dates = &r.series.dates;
    for (p, band) in r.series.of("state") {
        let (Some((t0, a)), Some((t1, b))) = (first_finite(&band.mean), last_finite(&band.mean)) else { continue };
        if t1 <= t0 {
            continue;
        }
        let scale = band
            .p95
            .iter()
            .chain(&band.p05)
            .filter(|x| x.is_finite())
            .fold(a.abs().max(b.abs()), |m, x| m.max(x.abs()));
        let verb = if (b - a).abs() < 0.05 * scale.max(1e-9) {
            "stays about level"
        } else if b > a {
            "rises"
        } else {
            "falls"
        };
        let (lo, hi) = (band.p05[t1], band.p95[t1]);
        let spread = if !lo.is_finite() || !hi.is_finite() {
            String::new()
        } else if number(lo) == number(hi) {
            format!("; it ends at {} in nearly every run", number(lo))
        } else {
            format!("; by then 90% of runs lie between {} and {}", number(lo), number(hi))
        };
        out.push(format!(
            "{} {verb}: from {} in {} to {} in {} (mean across runs){spread}.",
            human(&p.join("_")),
            number(a),
            month_year(&dates[t0].to_string()),
            number(b),
            month_year(&dates[t1].to_string()),
        ));
    }

    // Cooperation: the biggest movers between the first and the last year.
    let mut movers: Vec<(String, f64, f64)> = r
        .series
        .of("coop")
        .filter(|(p, _)| p.len() == 1)
        .filter_map(|(p, band)| {
            let k = band.mean.len().min(4);
            let a = mean_of(&band.mean[..k])?;
            let b = mean_of(&band.mean[band.mean.len() - k..])?;
            Some((human(p[0]), a, b))
        })
        .collect();
    movers.sort_by(|x, y| (y.2 - y.1).abs().total_cmp(&(x.2 - x.1).abs()));
    let moved: Vec<String> = movers
        .iter()
        .filter(|m| (m.2 - m.1).abs() >= 0.05)
        .take(3)
        .map(|(name, a, b)| {
            format!("{name} {} from {} to {}", if b > a { "rises" } else { "falls" }, percent(*a), percent(*b))
        })
        .collect();
    if !moved.is_empty() {
        out.push(format!("Biggest changes in cooperation, first year against last: {}.", moved.join("; ")));
    } else if !movers.is_empty() {
        out.push("Cooperation on every issue stays within 5 points of where it starts.".into());
    }
    if let Some(top) = movers.iter().max_by(|x, y| x.2.total_cmp(&y.2)) {
        let low = movers.iter().min_by(|x, y| x.2.total_cmp(&y.2)).expect("non-empty");
        if movers.len() > 1 {
            out.push(format!(
                "In the last year, cooperation is most frequent on {} ({}) and least on {} ({}).",
                top.0,
                percent(top.2),
                low.0,
                percent(low.2)
            ));
        }
    }

    // Influence: who leads each client at the end, and where the leader changes.
    let mut clients: Vec<&str> = Vec::new();
    for (p, _) in r.series.of("influence") {
        if p.len() == 2 && !clients.contains(&p[0]) {
            clients.push(p[0]);
        }
    }
    // Grouped by the patron leading at the end, in the order patrons first lead.
    let mut leads: Vec<(&str, Vec<String>)> = Vec::new();
    for c in clients {
        let shares: Vec<(&str, &Band)> =
            r.series.of("influence").filter(|(p, _)| p.len() == 2 && p[0] == c).map(|(p, b)| (p[1], b)).collect();
        let leader = |at: fn(&[f64]) -> Option<(usize, f64)>| {
            shares
                .iter()
                .filter_map(|(patron, b)| at(&b.mean).map(|(_, v)| (*patron, v)))
                .max_by(|x, y| x.1.total_cmp(&y.1))
        };
        let (Some(start), Some(end)) = (leader(first_finite), leader(last_finite)) else { continue };
        let place = if start.0 == end.0 {
            format!("{} ({})", human(c), percent(end.1))
        } else {
            format!("{} ({}, overtaking {})", human(c), percent(end.1), human(start.0))
        };
        match leads.iter_mut().find(|(p, _)| *p == end.0) {
            Some((_, places)) => places.push(place),
            None => leads.push((end.0, vec![place])),
        }
    }
    if !leads.is_empty() {
        let parts: Vec<String> =
            leads.iter().map(|(patron, places)| format!("{} in {}", human(patron), and_list(places))).collect();
        out.push(format!("Largest influence share at the end: {}.", parts.join("; ")));
    }
    out
}

/// The summary of a sweep in words: plain text, not yet escaped.
pub fn sweep_summary(r: &SweepResults) -> Vec<String> {
    let mut out = Vec::new();
    let info = &r.info;
    out.push(format!(
        "{} design points ({} design) over {} parameter{}, {} runs each: {} runs in all.",
        r.points.len(),
        info.design,
        info.parameters.len(),
        if info.parameters.len() == 1 { "" } else { "s" },
        info.replications,
        info.runs
    ));
    for (o, id) in r.outcomes.iter().enumerate() {
        let ps: Vec<f64> = r.points.iter().map(|p| p.outcomes[o].0).filter(|p| p.is_finite()).collect();
        if ps.is_empty() {
            continue;
        }
        let (lo, hi) = ps.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(*p), b.max(*p)));
        let mean = ps.iter().sum::<f64>() / ps.len() as f64;
        let name = humanize(id, &[]);
        if percent(lo) == percent(hi) {
            out.push(format!("The probability of “{name}” is {} at every design point.", percent(lo)));
        } else {
            out.push(format!(
                "The probability of “{name}” ranges from {} to {} across the design points (mean {}).",
                percent(lo),
                percent(hi),
                percent(mean)
            ));
        }
    }
    // The most influential parameters on each output, by total effect when there is one.
    let mut outputs: Vec<&str> = Vec::new();
    for row in &r.sensitivity {
        if !outputs.contains(&row.output.as_str()) {
            outputs.push(&row.output);
        }
    }
    for output in outputs {
        let rows: Vec<_> = r.sensitivity.iter().filter(|x| x.output == output).collect();
        let stat = ["ST", "mu_star", "mu*"]
            .into_iter()
            .find(|s| rows.iter().any(|x| x.statistic == *s))
            .unwrap_or(rows[0].statistic.as_str());
        let mut ranked: Vec<_> = rows.iter().filter(|x| x.statistic == stat && x.value.is_finite()).collect();
        ranked.sort_by(|a, b| b.value.total_cmp(&a.value));
        let described: Vec<String> = ranked
            .iter()
            .take(2)
            .map(|x| match (x.low, x.high) {
                (Some(l), Some(h)) => {
                    format!("{} ({stat} {} [{}, {}])", x.parameter, number(x.value), number(l), number(h))
                }
                _ => format!("{} ({stat} {})", x.parameter, number(x.value)),
            })
            .collect();
        if !described.is_empty() {
            out.push(format!("{}: most influenced by {}.", charts::output_label(output), described.join(", then ")));
        }
    }
    if let Some(chosen) = r.discovery.iter().find(|b| b.chosen) {
        let whole = &r.discovery[0];
        let ranges: Vec<String> = info
            .parameters
            .iter()
            .enumerate()
            .filter(|(d, _)| chosen.bounds[*d].0 > whole.bounds[*d].0 || chosen.bounds[*d].1 < whole.bounds[*d].1)
            .map(|(d, p)| format!("{p} between {} and {}", number(chosen.bounds[d].0), number(chosen.bounds[d].1)))
            .collect();
        if !ranges.is_empty() {
            out.push(format!(
                "Scenario discovery (PRIM): the outcome is concentrated where {} (the box holds {} of the cases where it \
                 happens, and it happens in {} of the box's cases).",
                and_list(&ranges),
                percent(chosen.coverage),
                percent(chosen.density)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_bounds_keep_two_digits() {
        assert_eq!(small_percent(0.000959443), "0.096%");
        assert_eq!(small_percent(0.0071), "0.71%");
        assert_eq!(small_percent(0.071), "7.1%");
        assert_eq!(and_list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }

    #[test]
    fn likelihood_follows_the_calibrated_scale() {
        assert_eq!(likelihood(0.995), "virtually certain");
        assert_eq!(likelihood(0.5), "about as likely as not");
        assert_eq!(likelihood(0.05), "very unlikely");
        assert_eq!(likelihood(0.0), "exceptionally unlikely");
    }
}
