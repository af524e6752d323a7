//! The summaries in words: what a run's or a sweep's numbers say, as short paragraphs of
//! plain text (escaped by the page that shows them), with likelihoods on the IPCC's
//! calibrated scale.

use super::charts::{Names, percent};
use crate::english::{count, thousands};
use crate::results::{Band, Date, Results, SweepResults};

/// A likelihood in words, on the IPCC's calibrated scale.
pub(crate) fn likelihood(p: f64) -> &'static str {
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

/// What the outcome table says of the outcomes defined on any of `metrics` (by the first
/// condition of their rules in the manifest), each outcome once: the words about a quantity then carry the
/// probability of the outcome that quantity decides, so they cannot be read against the
/// table. Empty when the manifest records no rules (an older one).
fn outcomes_on(r: &Results, names: &Names<'_>, metrics: &[String], told: &mut Vec<String>) -> String {
    let mut sentences = Vec::new();
    for o in &r.outcomes {
        let Some(rule) = r.info.outcome_conditions.get(&o.outcome) else { continue };
        // An outcome belongs with the quantity of its first condition (the one it is about).
        if told.contains(&o.outcome) || !rule.when.first().is_some_and(|b| metrics.contains(&b.metric)) {
            continue;
        }
        told.push(o.outcome.clone());
        sentences.push(format!(
            " The outcome “{}” counts when {}: {} of runs get there ({} of {}).",
            o.label,
            names.rule(rule),
            percent(o.probability),
            thousands(o.reached),
            thousands(o.runs)
        ));
    }
    sentences.concat()
}

/// `rises`, `falls` or `stays about level`, from `a` to `b` on a scale of `scale`.
fn direction(a: f64, b: f64, scale: f64) -> &'static str {
    if (b - a).abs() < 0.05 * scale.max(1e-9) {
        "stays about level"
    } else if b > a {
        "rises"
    } else {
        "falls"
    }
}

/// The summary in words: a list of short paragraphs of plain text (not yet escaped).
///
/// Every claim is about the quantity it names: the outcome table's probabilities, or the
/// means across runs of the series. Where an outcome is defined on a series the words
/// describe, they give the outcome's probability with its definition, since a mean across
/// runs crossing a line does not mean most runs cross it.
pub(crate) fn summary(r: &Results) -> Vec<String> {
    let mut out = Vec::new();
    let proper: Vec<String> = r
        .series
        .of("trust")
        .chain(r.series.of("influence"))
        .flat_map(|(p, _)| p.into_iter().map(str::to_string))
        .collect();
    let names = Names::new(&r.info.labels, proper);
    let runs = r.reached.runs.max(r.outcomes.iter().map(|o| o.runs).max().unwrap_or(0));
    let mut told: Vec<String> = Vec::new();

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
        .map(|o| {
            format!("{} ({} of {}, {})", o.label, thousands(o.reached), count(o.runs, "run"), percent(o.probability))
        })
        .collect();
    if !rare.is_empty() {
        out.push(format!("Rare: {}.", rare.join("; ")));
    }
    let never: Vec<_> = outcomes.iter().filter(|o| o.reached == 0).collect();
    if let Some(bound) = never.iter().map(|o| o.ci_high).reduce(f64::max) {
        let labels: Vec<String> = never.iter().map(|o| o.label.clone()).collect();
        let (in_runs, each) = match (runs, labels.len()) {
            (1, 1) => ("in the one run".to_string(), "it has"),
            (1, _) => ("in the one run".to_string(), "each has"),
            (n, 1) => (format!("in any of the {}", count(n, "run")), "it has"),
            (n, _) => (format!("in any of the {}", count(n, "run")), "each has"),
        };
        out.push(format!(
            "Never reached {in_runs} (so {each} a probability under {} with 95% confidence): {}.",
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
        let verb = direction(a, b, scale);
        let (lo, hi) = (band.p05[t1], band.p95[t1]);
        let spread = if !lo.is_finite() || !hi.is_finite() {
            String::new()
        } else if number(lo) == number(hi) {
            format!("; it ends at {} in nearly every run", number(lo))
        } else {
            format!("; by then 90% of runs lie between {} and {}", number(lo), number(hi))
        };
        let id = p.join(".");
        out.push(format!(
            "{}: {verb} from {} in {} to {} in {} (mean across runs){spread}.{}",
            names.state(&id),
            number(a),
            month_year(&dates[t0].to_string()),
            number(b),
            month_year(&dates[t1].to_string()),
            outcomes_on(r, &names, &[format!("state.{id}")], &mut told)
        ));
    }

    // Cooperation: the biggest movers between the first and the last year.
    let mut movers: Vec<(&str, f64, f64)> = r
        .series
        .of("coop")
        .filter(|(p, _)| p.len() == 1)
        .filter_map(|(p, band)| {
            let k = band.mean.len().min(4);
            let a = mean_of(&band.mean[..k])?;
            let b = mean_of(&band.mean[band.mean.len() - k..])?;
            Some((p[0], a, b))
        })
        .collect();
    movers.sort_by(|x, y| (y.2 - y.1).abs().total_cmp(&(x.2 - x.1).abs()));
    let moved: Vec<&(&str, f64, f64)> = movers.iter().filter(|m| (m.2 - m.1).abs() >= 0.05).take(3).collect();
    let described: Vec<String> = moved
        .iter()
        .map(|(issue, a, b)| {
            format!(
                "{} {} from {} to {}",
                names.issue(issue),
                if b > a { "rises" } else { "falls" },
                percent(*a),
                percent(*b)
            )
        })
        .collect();
    if !described.is_empty() {
        let metrics: Vec<String> =
            moved.iter().flat_map(|(issue, _, _)| [format!("coop.{issue}"), format!("coop_rate.{issue}")]).collect();
        out.push(format!(
            "Biggest changes in the probability of cooperation, first year against last: {}.{}",
            described.join("; "),
            outcomes_on(r, &names, &metrics, &mut told)
        ));
    } else if !movers.is_empty() {
        out.push("Cooperation on every issue stays within 5 points of where it starts.".into());
    }
    if let Some(top) = movers.iter().max_by(|x, y| x.2.total_cmp(&y.2)) {
        let low = movers.iter().min_by(|x, y| x.2.total_cmp(&y.2)).expect("non-empty");
        if movers.len() > 1 {
            out.push(format!(
                "In the last year, cooperation is most frequent on {} ({}) and least on {} ({}).",
                names.issue(top.0),
                percent(top.2),
                names.issue(low.0),
                percent(low.2)
            ));
        }
    }

    // Influence, domain by domain: the largest mean share in each client at the end, grouped
    // by patron; where another patron had the largest mean share at the start, how both
    // shares moved. Paths are `influence.DOMAIN.CLIENT.PATRON`.
    let mut domains: Vec<&str> = Vec::new();
    for (p, _) in r.series.of("influence") {
        if p.len() == 3 && !domains.contains(&p[0]) {
            domains.push(p[0]);
        }
    }
    for domain in domains {
        let in_domain = || r.series.of("influence").filter(move |(p, _)| p.len() == 3 && p[0] == domain);
        let mut clients: Vec<&str> = Vec::new();
        for (p, _) in in_domain() {
            if !clients.contains(&p[1]) {
                clients.push(p[1]);
            }
        }
        let mut leads: Vec<(&str, Vec<String>)> = Vec::new();
        let mut shifts: Vec<String> = Vec::new();
        let mut metrics: Vec<String> = Vec::new();
        for c in clients {
            let shares: Vec<(&str, &Band)> = in_domain().filter(|(p, _)| p[1] == c).map(|(p, b)| (p[2], b)).collect();
            metrics.extend(shares.iter().map(|(patron, _)| format!("influence.{domain}.{c}.{patron}")));
            let largest = |at: fn(&[f64]) -> Option<(usize, f64)>| {
                shares
                    .iter()
                    .filter_map(|(patron, b)| at(&b.mean).map(|(_, v)| (*patron, v)))
                    .max_by(|x, y| x.1.total_cmp(&y.1))
            };
            let (Some(start), Some(end)) = (largest(first_finite), largest(last_finite)) else { continue };
            let place = format!("{} ({})", names.actor(c), percent(end.1));
            match leads.iter_mut().find(|(p, _)| *p == end.0) {
                Some((_, places)) => places.push(place),
                None => leads.push((end.0, vec![place])),
            }
            if start.0 != end.0 {
                let moved = |patron: &str| {
                    let band = shares.iter().find(|(p, _)| *p == patron).map(|(_, b)| *b)?;
                    let (a, b) = (first_finite(&band.mean)?.1, last_finite(&band.mean)?.1);
                    Some(format!(
                        "{}'s share {} from {} to {}",
                        names.actor(patron),
                        direction(a, b, 1.0),
                        percent(a),
                        percent(b)
                    ))
                };
                if let (Some(rising), Some(falling)) = (moved(end.0), moved(start.0)) {
                    shifts.push(format!("in {}, {rising} and {falling}", names.actor(c)));
                }
            }
        }
        if !leads.is_empty() {
            let parts: Vec<String> = leads
                .iter()
                .map(|(patron, places)| format!("{} in {}", names.actor(patron), and_list(places)))
                .collect();
            let shifts = if shifts.is_empty() {
                String::new()
            } else {
                format!(" Mean shares, first turn against last: {}.", shifts.join("; "))
            };
            out.push(format!(
                "Largest mean share of {domain} influence at the end, across runs: {}.{shifts}{}",
                parts.join("; "),
                outcomes_on(r, &names, &metrics, &mut told)
            ));
        }
    }
    out
}

/// The summary of a sweep in words: plain text, not yet escaped.
pub(crate) fn sweep_summary(r: &SweepResults) -> Vec<String> {
    let mut out = Vec::new();
    let info = &r.info;
    let names = Names::new(&info.labels, Vec::new());
    out.push(format!(
        "{} ({} design) over {}, {} each: {} in all.",
        count(r.points.len() as u64, "design point"),
        info.design,
        count(info.parameters.len() as u64, "parameter"),
        count(info.replications, "run"),
        count(info.runs, "run")
    ));
    for (o, id) in r.outcomes.iter().enumerate() {
        let ps: Vec<f64> = r.points.iter().map(|p| p.outcomes[o].0).filter(|p| p.is_finite()).collect();
        if ps.is_empty() {
            continue;
        }
        let (lo, hi) = ps.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(*p), b.max(*p)));
        let mean = ps.iter().sum::<f64>() / ps.len() as f64;
        let name = names.outcome(id);
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
            out.push(format!("{}: most influenced by {}.", names.output(output), described.join(", then ")));
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

    /// Kazakhstan, where Russia's mean share falls from 60% to 29% and China's rises from 25%
    /// to 36%, and the outcome "China overtakes Russia in Kazakhstan", defined as China's
    /// share above 45%, which 15 of 4,000 runs reach. From the means alone the words used to
    /// say China was "overtaking Russia" while the table gave the outcome 0.4%.
    fn kazakhstan(with_rules: bool) -> Results {
        use crate::results::OutcomeRow;
        use crate::results::labels::{Bound, OutcomeRule};
        use crate::results::{Reached, RunInfo, Series};
        let dates: Vec<Date> =
            (0..8).map(|t| Date { year: 2014 + t / 4, month: 1 + 3 * (t as u32 % 4), day: 1 }).collect();
        let band = |a: f64, b: f64| {
            let mean: Vec<f64> = (0..8).map(|t| a + (b - a) * t as f64 / 7.0).collect();
            Band { p05: mean.clone(), p50: mean.clone(), p95: mean.clone(), mean }
        };
        let mut series = Series { dates, ..Default::default() };
        series.paths.insert("influence.security.kazakhstan.russia".into(), band(0.60, 0.29));
        series.paths.insert("influence.security.kazakhstan.china".into(), band(0.25, 0.36));
        series.paths.insert("influence.security.kazakhstan.nato".into(), band(0.15, 0.35));
        let outcome = OutcomeRow {
            outcome: "china_leads_kazakhstan".into(),
            label: "China overtakes Russia in Kazakhstan".into(),
            runs: 4000,
            reached: 15,
            probability: 0.00375,
            ci_low: 0.0023,
            ci_high: 0.0062,
            median_first_date: "2015-07-01".into(),
        };
        let mut info = RunInfo::default();
        if with_rules {
            let bound = Bound {
                metric: "influence.security.kazakhstan.china".into(),
                minus: None,
                above: Some(0.45),
                below: None,
            };
            info.outcome_conditions
                .insert("china_leads_kazakhstan".into(), OutcomeRule { when: vec![bound], for_turns: 1 });
        }
        Results {
            info,
            series,
            outcomes: vec![outcome],
            reached: Reached { runs: 4000, by_date: vec![Default::default()] },
            comparison: Vec::new(),
        }
    }

    #[test]
    fn the_words_never_contradict_the_outcome_table() {
        for with_rules in [true, false] {
            let words = summary(&kazakhstan(with_rules));
            let text = words.join("\n");
            // No claim of overtaking from the means: only the outcome's own label says it.
            assert_eq!(text.matches("overtak").count(), text.matches("China overtakes Russia in Kazakhstan").count());
            // What the means do is said as what it is.
            assert!(
                text.contains("China's share rises from 25% to 36% and Russia's share falls from 60% to 29%"),
                "{text}"
            );
            // The rare outcome reads as the table gives it: 15 of 4,000 runs, <0.1% never "0.000".
            assert!(text.contains("China overtakes Russia in Kazakhstan (15 of 4,000 runs, 0.4%)"), "{text}");
            let influence = words.iter().find(|w| w.starts_with("Largest mean share of security influence")).unwrap();
            if with_rules {
                // The outcome decided by these shares is given with its definition and the
                // table's probability, in the same paragraph.
                assert!(
                    influence.contains(
                        "The outcome “China overtakes Russia in Kazakhstan” counts when China's share of security \
                         influence in Kazakhstan is above 45%: 0.4% of runs get there (15 of 4,000)."
                    ),
                    "{influence}"
                );
            } else {
                assert!(!influence.contains("China overtakes Russia"), "{influence}");
            }
        }
    }

    #[test]
    fn one_run_in_four_thousand_reads_under_a_tenth_of_a_percent() {
        let mut r = kazakhstan(false);
        r.outcomes[0].reached = 1;
        r.outcomes[0].probability = 1.0 / 4000.0;
        let text = summary(&r).join("\n");
        assert!(text.contains("China overtakes Russia in Kazakhstan (1 of 4,000 runs, <0.1%)"), "{text}");
    }

    #[test]
    fn likelihood_follows_the_calibrated_scale() {
        assert_eq!(likelihood(0.995), "virtually certain");
        assert_eq!(likelihood(0.5), "about as likely as not");
        assert_eq!(likelihood(0.05), "very unlikely");
        assert_eq!(likelihood(0.0), "exceptionally unlikely");
    }
}
