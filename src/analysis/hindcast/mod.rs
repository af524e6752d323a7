//! Hindcasts: a scenario scored against what happened.
//!
//! An observation file ([`observations`]) lists facts of the past as conditions in the
//! scenario's metric vocabulary, each with a window, whether it held, a split (`train` or
//! `test`) and a source. A Monte Carlo with the [`Facts`] collector (`collect.rs`) counts the
//! runs in which each fact held: that share is the model's forecast of it. [`assess`] scores
//! the forecasts ([`score`]: Brier and log scores, the Murphy decomposition) per split,
//! against three references scored on the same facts: `always_0.5`, the leave-one-out
//! `base_rate` of the fact's split, and the `status_quo` (what held at the start goes on
//! holding). Facts about a forcing event are listed and never scored. [`calibrate`] fits the
//! scenario's uncertain parameters on the train facts alone.

pub mod calibrate;
mod collect;
pub mod observations;
mod quantity;
pub mod score;
pub mod summary;

use serde::Serialize;

pub use collect::{FactCounts, Facts};
pub use observations::{Mode, Observation, Observations, Split};
pub use score::Scores;

use crate::montecarlo::aggregate::wilson;
use crate::montecarlo::{Plan, run_with};
use crate::scenario::Scenario;
use crate::simulation::Simulation;

/// The forecasters scored, in the order of `scores.csv`.
pub const FORECASTERS: [&str; 4] = ["model", "always_0.5", "base_rate", "status_quo"];

/// The splits scores are given for, in the order of `scores.csv`: `all` is train and test
/// together (never the forcing facts).
pub const SPLITS: [&str; 3] = ["train", "test", "all"];

/// One fact with its forecasts and scores: a row of `hindcast.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactRow {
    /// The fact's id.
    pub id: String,
    /// The fact in words.
    pub claim: String,
    /// Its condition, as written in the observation file.
    pub quantity: String,
    /// `at`, `throughout` or `sometime`.
    pub mode: String,
    /// Start of the window, as written (empty for `at`).
    pub from: String,
    /// End of the window, as written.
    pub to: String,
    /// `train`, `test` or `forcing`.
    pub split: String,
    /// Whether the fact held.
    pub observed: bool,
    /// Share of runs in which the fact held, in [0, 1], with its 95% Wilson interval.
    pub probability: f64,
    /// Lower bound of the 95% Wilson interval of `probability`.
    pub ci_low: f64,
    /// Upper bound of the 95% Wilson interval of `probability`.
    pub ci_high: f64,
    /// The model's Brier and log scores on the fact; `None` for a forcing fact.
    pub brier: Option<f64>,
    /// The model's log score on the fact (forecast clipped to [0.01, 0.99]); `None` for a forcing
    /// fact.
    pub log_score: Option<f64>,
    /// The status quo's forecast: 1 if the condition holds at the start, else 0.
    pub status_quo: f64,
    /// The leave-one-out base rate of the fact's split; `None` for a forcing fact.
    pub base_rate: Option<f64>,
}

/// A forecaster's scores on one split: a row of `scores.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRow {
    /// `train`, `test` or `all`.
    pub split: String,
    /// `model`, `always_0.5`, `base_rate` or `status_quo`.
    pub forecaster: String,
    /// Facts scored.
    pub n: usize,
    /// `None` when the split has no facts.
    pub scores: Option<Scores>,
}

/// One bin of the model's reliability diagram on one split: a row of `reliability.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinRow {
    /// `train`, `test` or `all`.
    pub split: String,
    /// 0–10: forecasts nearest to bin/10.
    pub bin: usize,
    /// Lower bound of the bin's forecasts.
    pub low: f64,
    /// Upper bound of the bin's forecasts.
    pub high: f64,
    /// Forecasts in the bin.
    pub n: usize,
    /// Their mean; `None` for an empty bin.
    pub mean_forecast: Option<f64>,
    /// Share of their facts that held; `None` for an empty bin.
    pub observed_frequency: Option<f64>,
}

/// Everything a hindcast finds.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Every fact with its forecasts and scores, in file order.
    pub facts: Vec<FactRow>,
    /// Per split and forecaster.
    pub scores: Vec<ScoreRow>,
    /// The model's reliability diagram, per split and bin.
    pub reliability: Vec<BinRow>,
}

impl Assessment {
    /// The scores of `forecaster` on `split`, if it has facts.
    pub fn score(&self, split: &str, forecaster: &str) -> Option<&Scores> {
        self.scores.iter().find(|r| r.split == split && r.forecaster == forecaster)?.scores.as_ref()
    }

    /// The scored facts of `split` (or all), worst Brier first; ties in file order.
    pub fn worst(&self, split: &str) -> Vec<&FactRow> {
        let mut rows: Vec<&FactRow> =
            self.facts.iter().filter(|f| f.brier.is_some() && (split == "all" || f.split == split)).collect();
        rows.sort_by(|a, b| b.brier.partial_cmp(&a.brier).expect("Brier scores are finite"));
        rows
    }
}

/// The status quo's forecast of each fact: whether its condition holds on the scenario's
/// start state (a simulation before its first turn, every parameter at its central value).
/// A window over a frozen state reads one value, so every mode reduces to it.
pub fn status_quo(sc: &Scenario, obs: &Observations) -> Vec<bool> {
    let sim = Simulation::with_values(sc, sc.params.central(), sc.seed, 0);
    obs.rows.iter().map(|o| o.condition.check(|m| sim.metric(m))).collect()
}

/// Plays `plan`'s runs with the [`Facts`] collector of every fact, forcing facts included.
/// Returns the counts and the actor-decisions simulated.
pub fn forecast(sc: &Scenario, obs: &Observations, plan: Plan, progress: &(dyn Fn(u64) + Sync)) -> (FactCounts, u64) {
    let facts = Facts::new(sc, &obs.rows);
    match run_with(sc, &facts, plan, |_: &[()]| Ok::<(), std::convert::Infallible>(()), progress) {
        Ok(done) => done,
        Err(never) => match never {},
    }
}

/// Scores the forecasts `counts` of every fact of `obs` (in file order) against what
/// happened, with the references.
pub fn assess(obs: &Observations, counts: &FactCounts, status_quo: &[bool]) -> Assessment {
    let rows = &obs.rows;
    let runs = counts.runs;
    let model: Vec<f64> = counts.held.iter().map(|&k| if runs == 0 { 0.0 } else { k as f64 / runs as f64 }).collect();
    let scored: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].split != Split::Forcing).collect();
    let observed = |i: usize| rows[i].observed;
    let groups: Vec<Split> = scored.iter().map(|&i| rows[i].split).collect();
    let base: Vec<f64> = score::base_rate(&scored.iter().map(|&i| observed(i)).collect::<Vec<_>>(), &groups);
    let mut base_rate = vec![None; rows.len()];
    for (&i, &b) in scored.iter().zip(&base) {
        base_rate[i] = Some(b);
    }
    let sq: Vec<f64> = status_quo.iter().map(|&h| f64::from(u8::from(h))).collect();

    let facts = rows
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let (lo, hi) = wilson(counts.held[i], runs);
            let scored = o.split != Split::Forcing;
            FactRow {
                id: o.id.clone(),
                claim: o.claim.clone(),
                quantity: o.quantity.clone(),
                mode: o.mode.name().to_string(),
                from: o.from.clone(),
                to: o.to.clone(),
                split: o.split.name().to_string(),
                observed: o.observed,
                probability: model[i],
                ci_low: lo,
                ci_high: hi,
                brier: scored.then(|| score::brier(model[i], o.observed)),
                log_score: scored.then(|| score::log_score(model[i], o.observed)),
                status_quo: sq[i],
                base_rate: base_rate[i],
            }
        })
        .collect();

    let mut scores = Vec::new();
    let mut reliability = Vec::new();
    for split in SPLITS {
        let members: Vec<usize> =
            scored.iter().copied().filter(|&i| split == "all" || rows[i].split.name() == split).collect();
        let outcomes: Vec<bool> = members.iter().map(|&i| observed(i)).collect();
        for forecaster in FORECASTERS {
            let forecasts: Vec<f64> = members
                .iter()
                .map(|&i| match forecaster {
                    "model" => model[i],
                    "always_0.5" => 0.5,
                    "base_rate" => base_rate[i].expect("scored facts have a base rate"),
                    _ => sq[i],
                })
                .collect();
            scores.push(ScoreRow {
                split: split.to_string(),
                forecaster: forecaster.to_string(),
                n: members.len(),
                scores: score::score(&forecasts, &outcomes),
            });
        }
        let forecasts: Vec<f64> = members.iter().map(|&i| model[i]).collect();
        for (k, b) in score::bins(&forecasts, &outcomes).iter().enumerate() {
            let (low, high) = score::bin_bounds(k);
            reliability.push(BinRow {
                split: split.to_string(),
                bin: k,
                low,
                high,
                n: b.n,
                mean_forecast: b.mean_forecast,
                observed_frequency: b.observed_frequency,
            });
        }
    }
    Assessment { facts, scores, reliability }
}

/// A whole hindcast of `sc` on `obs`: forecasts from `plan`'s runs, the status quo, the
/// scores. Returns the assessment and the actor-decisions simulated.
pub fn hindcast(sc: &Scenario, obs: &Observations, plan: Plan, progress: &(dyn Fn(u64) + Sync)) -> (Assessment, u64) {
    let (counts, decisions) = forecast(sc, obs, plan, progress);
    (assess(obs, &counts, &status_quo(sc, obs)), decisions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Scenario {
        Scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml")).unwrap()
    }

    const FACTS: &str = "id,claim,quantity,mode,from,to,observed,tolerance,split,source\n\
        isaf,ISAF present at the start,state.isaf > 0.5,at,,2014-Q1,1,,train,R\n\
        calm,Threat below 0.2,state.threat < 0.2,at,,2014-Q1,0,,train,R\n\
        high,Threat above 0.3,state.threat > 0.3,at,,2014-Q1,1,,test,R\n\
        down,Drawdown fired,event.drawdown,at,,2014-Q4,1,,test,R\n";

    /// The references on a small table, by hand: the status quo reads the start state
    /// (ISAF 1, threat 0.4, no event), the base rate leaves each fact out of its split.
    #[test]
    fn references_on_a_small_table() {
        let mut sc = tiny();
        let obs = Observations::parse(FACTS, "o.csv", &sc).unwrap();
        assert_eq!(status_quo(&sc, &obs), [true, false, true, false]);
        let counts = FactCounts { runs: 4, held: vec![4, 1, 2, 3] };
        let a = assess(&obs, &counts, &status_quo(&sc, &obs));
        let p: Vec<f64> = a.facts.iter().map(|f| f.probability).collect();
        assert_eq!(p, [1.0, 0.25, 0.5, 0.75]);
        let base: Vec<Option<f64>> = a.facts.iter().map(|f| f.base_rate).collect();
        assert_eq!(base, [Some(0.0), Some(1.0), Some(1.0), Some(1.0)]);
        // The status quo is right on three facts and wrong on the event.
        let sq = a.score("all", "status_quo").unwrap();
        assert_eq!((sq.n, sq.brier), (4, 0.25));
        let model = a.score("train", "model").unwrap();
        assert_eq!(model.brier, (0.0 + 0.0625) / 2.0);
        assert_eq!(a.score("test", "always_0.5").unwrap().brier, 0.25);
        // Base rate on train: forecasts 0 for an observed 1 and 1 for an observed 0.
        assert_eq!(a.score("train", "base_rate").unwrap().brier, 1.0);
        assert_eq!(a.worst("all")[0].id, "high");
        assert_eq!(a.reliability.len(), 33);

        // Made a forcing, the event fact is listed but not scored.
        sc.events[0].forcing = true;
        let obs = Observations::parse(FACTS, "o.csv", &sc).unwrap();
        let a = assess(&obs, &counts, &status_quo(&sc, &obs));
        assert_eq!((a.facts[3].split.as_str(), a.facts[3].brier, a.facts[3].base_rate), ("forcing", None, None));
        assert_eq!(a.score("test", "model").unwrap().n, 1);
        assert_eq!(a.score("all", "model").unwrap().n, 3);
    }

    #[test]
    fn an_empty_split_has_no_scores() {
        let sc = tiny();
        let text = "id,claim,quantity,mode,from,to,observed,tolerance,split,source\n\
            a,A,state.isaf > 0.5,at,,2014-Q1,1,,train,R\n";
        let obs = Observations::parse(text, "o.csv", &sc).unwrap();
        let a = assess(&obs, &FactCounts { runs: 2, held: vec![2] }, &[true]);
        assert!(a.score("test", "model").is_none());
        assert_eq!(a.score("train", "base_rate").unwrap().brier, 0.25);
    }
}
