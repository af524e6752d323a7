//! Metrics: named quantities of a run's state, addressed by dotted paths.
//!
//! The same paths are used in outcome and event conditions, in state-variable and salience
//! drivers, and in `series.csv` (there split into typed columns, [`Subject`]), so what an
//! analyst reads in the output is what a scenario author writes in a condition.
//!
//! | path                          | value                                                     |
//! |-------------------------------|-----------------------------------------------------------|
//! | `state.NAME`                  | a state variable                                          |
//! | `trust.A.B`                   | A's trust in B, in [0, 1]                                 |
//! | `influence.DOMAIN.CLIENT.PATRON` | the patron's share of influence over the client in a domain (e.g. security, economic), in [0, 1] |
//! | `coop.ISSUE`                  | this turn: 1 if both sides cooperated (dyadic), or the share of participants contributing (public good) |
//! | `coop.ISSUE.ACTOR`            | this turn: 1 if the actor cooperated                      |
//! | `coop_rate.ISSUE`             | `coop.ISSUE` averaged over the cooperation window         |
//! | `coop_rate.ISSUE.ACTOR`       | `coop.ISSUE.ACTOR` averaged over the window               |
//! | `outcome.ID`                  | 1 once the outcome has been reached, else 0               |
//! | `event.ID`                    | 1 in a turn in which the event fired, else 0              |

use serde::Serialize;

use crate::model::actor::ActorId;

/// A quantity of a run's state, resolved from its path (see the table above) to indices of
/// the scenario. [`crate::scenario::Scenario::metric`] resolves a path and
/// [`crate::scenario::Scenario::metric_path`] writes one back;
/// [`crate::simulation::Simulation::metric`] reads the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Metric {
    /// `state.NAME`: a state variable, by index.
    State(usize),
    /// `trust.A.B`: A's trust in B, in [0, 1].
    Trust(ActorId, ActorId),
    /// `influence.DOMAIN.CLIENT.PATRON`: the patron's share of influence, in [0, 1].
    Influence {
        /// Index of the influence domain.
        domain: usize,
        /// Index among the influence clients.
        client: usize,
        /// Index among the influence patrons.
        patron: usize,
    },
    /// `coop.ISSUE`: this turn, 1 if both sides cooperated (dyadic) or the share of
    /// participants contributing (public good).
    Coop(usize),
    /// `coop.ISSUE.ACTOR`: this turn, 1 if the participant cooperated; issue and participant
    /// slot.
    CoopActor(usize, usize),
    /// `coop_rate.ISSUE`: `coop.ISSUE` averaged over the cooperation window.
    CoopRate(usize),
    /// `coop_rate.ISSUE.ACTOR`: `coop.ISSUE.ACTOR` averaged over the window; issue and
    /// participant slot.
    CoopRateActor(usize, usize),
    /// `outcome.ID`: 1 once the outcome has been reached, else 0.
    Outcome(usize),
    /// `event.ID`: 1 in a turn in which the event fired, else 0.
    Event(usize),
}

/// What a metric is about, one part of its path per typed column (empty where it has none):
/// the columns of `series.csv` after `variable`, the metric's kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// A state variable's, an outcome's or an event's id.
    pub name: String,
    /// The issue of `coop` and `coop_rate`.
    pub issue: String,
    /// The domain of `influence` (`security`, `economic`…).
    pub domain: String,
    /// The participant of `coop.ISSUE.ACTOR` and `coop_rate.ISSUE.ACTOR`.
    pub actor: String,
    /// Whose trust (`trust.A.B`: A) or influence (`influence.D.CLIENT.PATRON`: the patron).
    pub from_actor: String,
    /// Trusted (`trust.A.B`: B) or influenced (`influence.D.CLIENT.PATRON`: the client).
    pub to_actor: String,
}

impl Subject {
    /// The metric path of kind `variable` with this subject, as a scenario writes it
    /// (`influence.security.kazakhstan.russia`); `Err` names the column a kind needs and
    /// lacks, or the unknown kind.
    pub fn path(&self, variable: &str) -> Result<String, String> {
        let need = |column: &str, value: &str| {
            if value.is_empty() { Err(format!("`{variable}` needs a `{column}`")) } else { Ok(()) }
        };
        match variable {
            "state" | "outcome" | "event" => {
                need("name", &self.name)?;
                Ok(format!("{variable}.{}", self.name))
            }
            "trust" => {
                need("from_actor", &self.from_actor)?;
                need("to_actor", &self.to_actor)?;
                Ok(format!("trust.{}.{}", self.from_actor, self.to_actor))
            }
            "influence" => {
                need("domain", &self.domain)?;
                need("from_actor", &self.from_actor)?;
                need("to_actor", &self.to_actor)?;
                Ok(format!("influence.{}.{}.{}", self.domain, self.to_actor, self.from_actor))
            }
            "coop" | "coop_rate" => {
                need("issue", &self.issue)?;
                Ok(match self.actor.as_str() {
                    "" => format!("{variable}.{}", self.issue),
                    actor => format!("{variable}.{}.{actor}", self.issue),
                })
            }
            _ => Err(format!("unknown `variable` `{variable}`: one of {}", KINDS.join(", "))),
        }
    }
}

/// The names a metric path may refer to, in scenario order.
pub(crate) struct Names<'a> {
    pub actors: &'a [String],
    pub state: &'a [String],
    pub issues: &'a [String],
    /// Participants of each issue, as actor indices.
    pub participants: &'a [Vec<ActorId>],
    /// Influence domains, e.g. `security`, `economic`.
    pub domains: &'a [String],
    pub clients: &'a [ActorId],
    pub patrons: &'a [ActorId],
    pub outcomes: &'a [String],
    pub events: &'a [String],
}

/// Why a path is not a metric: a message, what was expected, and the closest valid name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetricError {
    pub message: String,
    pub expected: String,
    pub suggestion: Option<String>,
}

const KINDS: [&str; 7] = ["state", "trust", "influence", "coop", "coop_rate", "outcome", "event"];

impl Metric {
    /// Resolves a path such as `trust.russia.china`.
    pub(crate) fn parse(path: &str, names: &Names<'_>) -> Result<Metric, MetricError> {
        let parts: Vec<&str> = path.split('.').collect();
        let kind = parts[0];
        let err = |message: String, expected: &str, wrong: &str, pool: &[&str]| MetricError {
            message,
            expected: expected.to_string(),
            suggestion: crate::scenario::diagnostic::closest(wrong, pool.iter().copied()).map(str::to_string),
        };
        fn strs(v: &[String]) -> Vec<&str> {
            v.iter().map(String::as_str).collect()
        }
        let find = |pool: &[String], name: &str, what: &str| -> Result<usize, MetricError> {
            pool.iter().position(|n| n == name).ok_or_else(|| {
                err(
                    format!("unknown {what} `{name}` in metric `{path}`"),
                    &crate::english::a(&format!("{what} name")),
                    name,
                    &strs(pool),
                )
            })
        };
        let arity = |n: usize, shape: &str| -> Result<(), MetricError> {
            if parts.len() == n {
                Ok(())
            } else {
                Err(MetricError {
                    message: format!("metric `{path}` has the wrong number of parts"),
                    expected: shape.into(),
                    suggestion: None,
                })
            }
        };
        match kind {
            "state" => {
                arity(2, "state.NAME")?;
                Ok(Metric::State(find(names.state, parts[1], "state variable")?))
            }
            "trust" => {
                arity(3, "trust.A.B")?;
                let a = find(names.actors, parts[1], "actor")?;
                let b = find(names.actors, parts[2], "actor")?;
                Ok(Metric::Trust(ActorId(a), ActorId(b)))
            }
            "influence" => {
                arity(4, "influence.DOMAIN.CLIENT.PATRON")?;
                let domain = find(names.domains, parts[1], "influence domain")?;
                let parts = &parts[1..];
                let a = find(names.actors, parts[1], "actor")?;
                let client = names.clients.iter().position(|c| c.0 == a).ok_or_else(|| MetricError {
                    message: format!("`{}` has no influence shares in metric `{path}`", parts[1]),
                    expected: "an actor listed under [influence.DOMAIN]".into(),
                    suggestion: None,
                })?;
                let p = find(names.actors, parts[2], "actor")?;
                let patron = names.patrons.iter().position(|c| c.0 == p).ok_or_else(|| MetricError {
                    message: format!("`{}` is not a patron in metric `{path}`", parts[2]),
                    expected: "an actor named in some influence.DOMAIN.CLIENT table".into(),
                    suggestion: None,
                })?;
                Ok(Metric::Influence { domain, client, patron })
            }
            "coop" | "coop_rate" => {
                if parts.len() != 2 && parts.len() != 3 {
                    arity(2, &format!("{kind}.ISSUE or {kind}.ISSUE.ACTOR"))?;
                }
                let issue = find(names.issues, parts[1], "issue")?;
                if parts.len() == 2 {
                    return Ok(if kind == "coop" { Metric::Coop(issue) } else { Metric::CoopRate(issue) });
                }
                let a = find(names.actors, parts[2], "actor")?;
                let slot = names.participants[issue].iter().position(|p| p.0 == a).ok_or_else(|| {
                    let pool: Vec<&str> =
                        names.participants[issue].iter().map(|p| names.actors[p.0].as_str()).collect();
                    err(
                        format!("`{}` does not take part in issue `{}`", parts[2], parts[1]),
                        &format!("one of {}", pool.join(", ")),
                        parts[2],
                        &pool,
                    )
                })?;
                Ok(if kind == "coop" { Metric::CoopActor(issue, slot) } else { Metric::CoopRateActor(issue, slot) })
            }
            "outcome" => {
                arity(2, "outcome.ID")?;
                Ok(Metric::Outcome(find(names.outcomes, parts[1], "outcome")?))
            }
            "event" => {
                arity(2, "event.ID")?;
                Ok(Metric::Event(find(names.events, parts[1], "event")?))
            }
            _ => Err(err(
                format!("unknown metric kind `{kind}` in `{path}`"),
                "state, trust, influence, coop, coop_rate, outcome or event",
                kind,
                &KINDS,
            )),
        }
    }

    /// The path of the metric, split as `(variable, subject)` for `series.csv`.
    pub(crate) fn split_path(&self, names: &Names<'_>) -> (&'static str, String) {
        let actor = |a: ActorId| names.actors[a.0].as_str();
        match *self {
            Metric::State(i) => ("state", names.state[i].clone()),
            Metric::Trust(a, b) => ("trust", format!("{}.{}", actor(a), actor(b))),
            Metric::Influence { domain, client, patron } => (
                "influence",
                format!("{}.{}.{}", names.domains[domain], actor(names.clients[client]), actor(names.patrons[patron])),
            ),
            Metric::Coop(k) => ("coop", names.issues[k].clone()),
            Metric::CoopActor(k, s) => ("coop", format!("{}.{}", names.issues[k], actor(names.participants[k][s]))),
            Metric::CoopRate(k) => ("coop_rate", names.issues[k].clone()),
            Metric::CoopRateActor(k, s) => {
                ("coop_rate", format!("{}.{}", names.issues[k], actor(names.participants[k][s])))
            }
            Metric::Outcome(o) => ("outcome", names.outcomes[o].clone()),
            Metric::Event(e) => ("event", names.events[e].clone()),
        }
    }

    /// The parts of the path after its kind, each in its typed column of `series.csv`.
    pub(crate) fn subject(&self, names: &Names<'_>) -> Subject {
        let actor = |a: ActorId| names.actors[a.0].clone();
        let mut s = Subject::default();
        match *self {
            Metric::State(i) => s.name = names.state[i].clone(),
            Metric::Trust(a, b) => (s.from_actor, s.to_actor) = (actor(a), actor(b)),
            Metric::Influence { domain, client, patron } => {
                s.domain = names.domains[domain].clone();
                (s.from_actor, s.to_actor) = (actor(names.patrons[patron]), actor(names.clients[client]));
            }
            Metric::Coop(k) | Metric::CoopRate(k) => s.issue = names.issues[k].clone(),
            Metric::CoopActor(k, slot) | Metric::CoopRateActor(k, slot) => {
                (s.issue, s.actor) = (names.issues[k].clone(), actor(names.participants[k][slot]));
            }
            Metric::Outcome(o) => s.name = names.outcomes[o].clone(),
            Metric::Event(e) => s.name = names.events[e].clone(),
        }
        s
    }

    /// The full dotted path.
    pub(crate) fn path(&self, names: &Names<'_>) -> String {
        let (v, s) = self.split_path(names);
        format!("{v}.{s}")
    }
}
