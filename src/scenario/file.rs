//! The scenario file as written: plain serde data, read from TOML and never used by the
//! engine directly. [`super::validate`] turns it into a checked [`super::Scenario`].
//!
//! Every table rejects unknown keys, so a misspelt key is an error rather than a silently
//! ignored line. The structs are the one list of the format's keys: [`super::keys`] derives
//! the list validation uses from them, and the behaviour keys come from
//! [`crate::model::actor::BEHAVIOUR`]. Maps keep the order of the file (actors, issues and outcomes are reported
//! in the order the author wrote them).

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::model::actor::BEHAVIOUR;
use crate::model::calendar::Step;

/// The whole file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioFile {
    pub scenario: MetaFile,
    /// The interest dimensions actors weigh, e.g. `["security", "narcotics", ...]`.
    pub dimensions: Vec<String>,
    #[serde(default)]
    pub model: ModelFile,
    #[serde(default)]
    pub defaults: DefaultsFile,
    pub actors: IndexMap<String, ActorFile>,
    /// `trust.A.B`: A's initial trust in B, in [0, 1].
    #[serde(default)]
    pub trust: IndexMap<String, IndexMap<String, ParamFile>>,
    #[serde(default)]
    pub state: IndexMap<String, StateVarFile>,
    /// `influence.DOMAIN.CLIENT.PATRON`: the patron's initial share of influence over the
    /// client in the domain (e.g. `security`, `economic`).
    #[serde(default)]
    pub influence: IndexMap<String, IndexMap<String, IndexMap<String, ParamFile>>>,
    /// `influence_trend.DOMAIN.PATRON`: per-year growth of the patron's structural ties in
    /// the domain (e.g. China's trade with Central Asia).
    #[serde(default)]
    pub influence_trend: IndexMap<String, IndexMap<String, ParamFile>>,
    #[serde(default)]
    pub issues: IndexMap<String, IssueFile>,
    #[serde(default)]
    pub events: IndexMap<String, EventFile>,
    #[serde(default)]
    pub outcomes: IndexMap<String, OutcomeFile>,
    /// `"PATH PATTERN" = { relative = r }` or `{ absolute = a }`: the judgement values whose
    /// paths match (`*` for one path segment) become uniform over `x·(1 ± r)` or `x ± a`.
    #[serde(default)]
    pub uncertainty: IndexMap<String, UncertaintyFile>,
    /// Joint samples of some parameters (a calibration's posterior).
    pub posterior: Option<PosteriorFile>,
    /// The parameters `heartland calibrate` fits (default: every uncertain one).
    pub calibration: Option<CalibrationFile>,
}

/// `[calibration]`: the uncertain parameters a calibration fits; the others keep their draws.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CalibrationFile {
    /// Parameter paths, e.g. `events.war_weariness.hazard`.
    pub parameters: Vec<String>,
    /// Why these.
    pub source: Option<String>,
}

/// A class of judgement values and the range the sources defend for them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UncertaintyFile {
    /// Half-width as a fraction of the value.
    pub relative: Option<f64>,
    /// Half-width in the value's units.
    pub absolute: Option<f64>,
    /// Why the range is what it is.
    pub source: Option<String>,
}

/// `[posterior]`: parameters drawn jointly, one row of `samples` per run, chosen uniformly.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PosteriorFile {
    /// Parameter paths, e.g. `actors.kazakhstan.capability`.
    pub parameters: Vec<String>,
    /// One row per sample, one value per parameter.
    pub samples: Vec<Vec<f64>>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MetaFile {
    pub name: String,
    pub description: String,
    /// The question the scenario answers, in one sentence.
    pub question: Option<String>,
    /// First turn, e.g. `2014-Q1` or `2014-01`.
    pub start: String,
    /// Last turn (inclusive).
    pub end: String,
    pub step: Step,
    /// Monte Carlo runs when the command line gives none.
    pub runs: Option<u64>,
    /// Master seed when the command line gives none.
    pub seed: Option<u64>,
    /// The scenario this one starts from, relative to this file (see `inherit`).
    pub extends: Option<String>,
    /// Dotted paths of the base's entries to delete, e.g. `events.ukraine_break`.
    #[serde(default)]
    pub remove: Vec<String>,
    pub source: Option<String>,
}

/// Settings of the model's mechanisms that are not attached to one actor or issue.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelFile {
    /// Turns over which `coop_rate` metrics average (1–64).
    pub cooperation_window: Option<u32>,
    /// Per-year fraction of the gap between a client's ties to its patrons and their target
    /// closed.
    pub influence_relaxation: Option<ParamFile>,
    /// Initial trust for every pair `trust` does not list.
    pub trust: Option<ParamFile>,
    /// Years over which a decider weighs an arrangement's flows (payoffs, pressure, upkeep)
    /// against its one-off commitment or formation cost.
    pub horizon: Option<ParamFile>,
    /// The least probability (0.5–0.999) with which each party to an arrangement in force at
    /// the start keeps it in the first turn: what existed was chosen, so whatever leaving cost
    /// its parties is at least what that takes. Absent: no such floor.
    pub keep_at_start: Option<ParamFile>,
    /// Under a consensus rule, how much a change must cost a member (utility, ≥ 0) before it
    /// objects and so blocks it; members it costs less go along. Absent: 0, every member
    /// against a change blocks it (unanimity).
    pub objection: Option<ParamFile>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DefaultsFile {
    #[serde(default)]
    pub behaviour: BehaviourFile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ActorKindFile {
    State,
    Organization,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RuleFile {
    /// Every member can block.
    Consensus,
    /// Cooperate when the weighted share of members for it reaches `threshold`, and no
    /// member listed in `veto` is against.
    Weighted,
    /// The `leader` decides.
    Leader,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActorFile {
    pub name: Option<String>,
    pub kind: ActorKindFile,
    pub capability: Option<ParamFile>,
    #[serde(default)]
    pub interests: IndexMap<String, ParamFile>,
    #[serde(default)]
    pub behaviour: BehaviourFile,
    #[serde(default)]
    pub members: Vec<String>,
    pub rule: Option<RuleFile>,
    pub leader: Option<String>,
    #[serde(default)]
    pub weights: IndexMap<String, ParamFile>,
    pub threshold: Option<ParamFile>,
    pub veto: Option<Vec<String>>,
    pub source: Option<String>,
}

/// An actor's `behaviour` table, or `[defaults.behaviour]`: one optional parameter per row of
/// [`BEHAVIOUR`] (the keys are read from that table, not listed here), unknown keys rejected
/// with the same message as every other table.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct BehaviourFile {
    values: [Option<ParamFile>; BEHAVIOUR.len()],
}

impl BehaviourFile {
    /// The value given for row `i` of [`BEHAVIOUR`].
    pub(crate) fn get(&self, i: usize) -> Option<&ParamFile> {
        self.values[i].as_ref()
    }
}

/// The behaviour keys, in table order (serde wants them as a static list).
const BEHAVIOUR_KEYS: [&str; BEHAVIOUR.len()] = {
    let mut keys = [""; BEHAVIOUR.len()];
    let mut i = 0;
    while i < keys.len() {
        keys[i] = BEHAVIOUR[i].key;
        i += 1;
    }
    keys
};

impl<'de> Deserialize<'de> for BehaviourFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// A key of the table, as its row in [`BEHAVIOUR`].
        struct Key(usize);

        impl<'de> Deserialize<'de> for Key {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct KeyVisitor;
                impl Visitor<'_> for KeyVisitor {
                    type Value = Key;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a behaviour key")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                        BEHAVIOUR_KEYS
                            .iter()
                            .position(|k| *k == v)
                            .map(Key)
                            .ok_or_else(|| E::unknown_field(v, &BEHAVIOUR_KEYS))
                    }
                }
                deserializer.deserialize_identifier(KeyVisitor)
            }
        }

        struct TableVisitor;
        impl<'de> Visitor<'de> for TableVisitor {
            type Value = BehaviourFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of behaviour parameters")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BehaviourFile, A::Error> {
                let mut out = BehaviourFile::default();
                while let Some(Key(i)) = map.next_key()? {
                    if out.values[i].is_some() {
                        return Err(de::Error::duplicate_field(BEHAVIOUR_KEYS[i]));
                    }
                    out.values[i] = Some(map.next_value()?);
                }
                Ok(out)
            }
        }

        deserializer.deserialize_struct("BehaviourFile", &BEHAVIOUR_KEYS, TableVisitor)
    }
}

impl Serialize for BehaviourFile {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (p, v) in BEHAVIOUR.iter().zip(&self.values) {
            if let Some(v) = v {
                map.serialize_entry(p.key, v)?;
            }
        }
        map.end()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateVarFile {
    pub label: Option<String>,
    pub initial: ParamFile,
    pub min: f64,
    pub max: f64,
    pub target: Option<ParamFile>,
    /// Per-year fraction of the gap to the target closed.
    pub rate: Option<ParamFile>,
    /// `metric path = coefficient`: target += coefficient × metric.
    #[serde(default)]
    pub drivers: IndexMap<String, ParamFile>,
    /// Standard deviation of the year's random shocks, in the variable's units.
    pub volatility: Option<ParamFile>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum IssueKindFile {
    Dyadic,
    /// A dyadic issue whose mutual cooperation is a state that persists.
    Arrangement,
    PublicGood,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssueFile {
    pub label: Option<String>,
    pub kind: IssueKindFile,
    #[serde(default = "yes")]
    pub active: bool,
    // dyadic
    #[serde(default)]
    pub sides: Vec<String>,
    /// `payoffs.SIDE.DIMENSION = { reward, sucker, temptation, punishment }`.
    #[serde(default)]
    pub payoffs: IndexMap<String, IndexMap<String, PayoffFile>>,
    // public good
    #[serde(default)]
    pub participants: Vec<String>,
    pub threat: Option<String>,
    pub efficacy: Option<ParamFile>,
    pub harm_dimension: Option<String>,
    #[serde(default)]
    pub exposure: IndexMap<String, ParamFile>,
    /// Per participant: how much of its capability it can bring to bear on the threat
    /// (forces on the spot, proximity); 1 when not given.
    #[serde(default)]
    pub reach: IndexMap<String, ParamFile>,
    #[serde(default)]
    pub cost: IndexMap<String, ParamFile>,
    /// Per participant: `METRIC = coefficient` terms added to its reach each turn.
    #[serde(default)]
    pub reach_drivers: IndexMap<String, IndexMap<String, ParamFile>>,
    // arrangement
    /// In force at the start.
    #[serde(default)]
    pub in_force: bool,
    /// One-off utility added to staying in the arrangement while it is in force (what leaving
    /// would cost), beside the horizon-weighted flows.
    pub commitment: Option<ParamFile>,
    /// One-off utility taken from joining while it is not in force (what forming it costs).
    pub formation: Option<ParamFile>,
    /// The arrangement is a state's membership of the organization on its other side.
    #[serde(default)]
    pub membership: bool,
    /// `SIDE = cost`: utility per year a side pays for keeping the arrangement.
    #[serde(default)]
    pub upkeep: IndexMap<String, ParamFile>,
    // all
    pub salience: Option<SalienceFile>,
    #[serde(default)]
    pub on_mutual: IndexMap<String, ParamFile>,
    /// `DOMAIN = weight`: how much the issue's cooperation counts in clients' ties.
    #[serde(default)]
    pub influence: IndexMap<String, ParamFile>,
    /// Weight of the issue's observations in trust learning.
    pub relevance: Option<ParamFile>,
    pub source: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PayoffFile {
    pub reward: Option<ParamFile>,
    pub sucker: Option<ParamFile>,
    pub temptation: Option<ParamFile>,
    pub punishment: Option<ParamFile>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SalienceFile {
    pub base: Option<ParamFile>,
    #[serde(default)]
    pub drivers: IndexMap<String, ParamFile>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventFile {
    pub label: Option<String>,
    /// Scheduled: the date it fires.
    pub at: Option<String>,
    /// Stochastic: probability per year of firing while its conditions hold.
    pub hazard: Option<ParamFile>,
    /// `METRIC = coefficient` terms added to the hazard each turn.
    #[serde(default)]
    pub hazard_drivers: IndexMap<String, ParamFile>,
    /// A hindcast's forcing: given as it happened, never scored.
    #[serde(default)]
    pub forcing: bool,
    #[serde(default)]
    pub when: Vec<ConditionFile>,
    /// May a stochastic event fire more than once?
    #[serde(default)]
    pub repeat: bool,
    pub effects: Vec<EffectFile>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionFile {
    pub metric: String,
    pub above: Option<ThresholdFile>,
    pub below: Option<ThresholdFile>,
}

/// What a metric is compared with: a number, or another metric's path.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub(crate) enum ThresholdFile {
    Number(f64),
    Metric(String),
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EffectFile {
    pub target: String,
    pub set: Option<ParamFile>,
    pub add: Option<ParamFile>,
    pub scale: Option<ParamFile>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutcomeFile {
    pub label: Option<String>,
    pub when: Vec<ConditionFile>,
    /// Consecutive turns the conditions must hold.
    #[serde(rename = "for")]
    pub for_turns: Option<u32>,
    pub source: Option<String>,
}

/// A numeric parameter as written: a bare number, or a table with `value` or `dist` and an
/// optional `source`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct ParamFile {
    pub value: Option<f64>,
    pub dist: Option<String>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub mode: Option<f64>,
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub values: Option<Vec<f64>>,
    pub weights: Option<Vec<f64>>,
    pub source: Option<String>,
}

impl ParamFile {
    pub(crate) fn fixed(value: f64) -> ParamFile {
        ParamFile { value: Some(value), ..ParamFile::default() }
    }
}

/// The table form of [`ParamFile`], read with unknown keys rejected.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamTableFile {
    value: Option<f64>,
    dist: Option<String>,
    low: Option<f64>,
    high: Option<f64>,
    mean: Option<f64>,
    sd: Option<f64>,
    mode: Option<f64>,
    alpha: Option<f64>,
    beta: Option<f64>,
    values: Option<Vec<f64>>,
    weights: Option<Vec<f64>>,
    source: Option<String>,
}

impl<'de> Deserialize<'de> for ParamFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ParamVisitor;

        impl<'de> Visitor<'de> for ParamVisitor {
            type Value = ParamFile;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a table such as { value = 0.5, source = \"...\" } or { dist = \"uniform\", low = 0.2, high = 0.4 }")
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ParamFile, E> {
                Ok(ParamFile::fixed(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ParamFile, E> {
                Ok(ParamFile::fixed(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ParamFile, E> {
                Ok(ParamFile::fixed(v as f64))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ParamFile, A::Error> {
                let t = ParamTableFile::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ParamFile {
                    value: t.value,
                    dist: t.dist,
                    low: t.low,
                    high: t.high,
                    mean: t.mean,
                    sd: t.sd,
                    mode: t.mode,
                    alpha: t.alpha,
                    beta: t.beta,
                    values: t.values,
                    weights: t.weights,
                    source: t.source,
                })
            }
        }

        deserializer.deserialize_any(ParamVisitor)
    }
}
