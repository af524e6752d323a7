//! Scenarios: the file format, its validation, and the checked [`Scenario`] the engine runs.
//!
//! Loading is the only place file contents are checked. A [`Scenario`] is valid by
//! construction: every name resolves, every number lies in its domain, every date falls in
//! the calendar, so the engine never re-checks.

pub mod diagnostic;
pub(crate) mod file;
pub(crate) mod inherit;
pub(crate) mod keys;
pub mod shipped;
pub mod sources;
mod validate;

use std::path::Path;

use serde::Serialize;

use crate::model::actor::{Actor, ActorId, ActorKind};
use crate::model::calendar::Calendar;
use crate::model::events::Event;
use crate::model::issue::{Issue, Linear};
use crate::model::metric::{Metric, Names};
use crate::model::outcome::Outcome;
use crate::model::param::{ParamId, ParamTable};
pub use diagnostic::{Diagnostic, Location, ScenarioError};
pub use inherit::{MAX_FILE_BYTES, Reader};
pub use validate::{MAX_ACTORS, MAX_ELEMENTS};

/// A checked scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// The scenario's name (`[scenario] name`).
    pub name: String,
    /// What it describes, in a few sentences.
    pub description: String,
    /// The question it answers, in one sentence, if it states one (a variant does).
    pub question: Option<String>,
    /// The source the file gives for the scenario as a whole.
    pub source: Option<String>,
    /// Its turns: start, end and step.
    pub calendar: Calendar,
    /// Default number of Monte Carlo runs.
    pub runs: u64,
    /// Default master seed.
    pub seed: u64,
    /// The interest dimensions (e.g. `security`, `economy`), in file order; interests and payoffs
    /// are indexed like them.
    pub dimensions: Vec<String>,
    /// States and organizations, in file order ([`ActorId`] is an index into it).
    pub actors: Vec<Actor>,
    /// Every number of the scenario, by path, with its domain, distribution and source.
    pub params: ParamTable,
    /// Initial trust, `n × n` row-major (`trust[a * n + b]` is a's trust in b); `None` on the
    /// diagonal, where trust is 1.
    pub trust: Vec<Option<ParamId>>,
    /// The state variables, in file order.
    pub state: Vec<StateVar>,
    /// Patrons' shares of influence over client states, by domain.
    pub influence: Influence,
    /// The issues, in file order.
    pub issues: Vec<Issue>,
    /// Scheduled and stochastic events, in file order.
    pub events: Vec<Event>,
    /// The outcomes whose probabilities a Monte Carlo estimates, in file order.
    pub outcomes: Vec<Outcome>,
    /// Turns averaged by `coop_rate` metrics (1–64).
    pub window: u32,
    /// Years over which arrangements' flows are weighed (`model.horizon`, default 1).
    pub horizon: ParamId,
    /// The least probability with which each party keeps an arrangement in force at the start
    /// in the first turn (`model.keep_at_start`, 0.5–0.999); `None`: no floor.
    pub keep_at_start: Option<ParamId>,
    /// Under a consensus rule, the least cost of a change (utility) at which a member objects
    /// to it and blocks it (`model.objection`, ≥ 0); `None`: 0, unanimity.
    pub objection: Option<ParamId>,
    /// The metrics recorded every turn for `series.csv`.
    pub series: Vec<Metric>,
    /// The files the scenario was read from, the base of any `extends` chain first.
    pub files: Vec<SourceDigest>,
    names: NameLists,
}

/// A file a scenario was read from.
#[derive(Debug, Clone, Serialize)]
pub struct SourceDigest {
    /// The file's name as resolved (`NAME (shipped)` for a shipped file).
    pub name: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
}

/// A state variable: relaxes toward `target` at `rate` per year, then is clamped to
/// `[min, max]`; issues and events move it too.
#[derive(Debug, Clone, Serialize)]
pub struct StateVar {
    /// The key in the file (`state.ID` in metric paths).
    pub id: String,
    /// Display name.
    pub label: String,
    /// Value at the start of a run.
    pub initial: ParamId,
    /// Lower bound of its range.
    pub min: f64,
    /// Upper bound of its range.
    pub max: f64,
    /// The level it relaxes toward: `base + Σ coefficient × metric`.
    pub target: Linear,
    /// Per-year fraction of the gap to the target closed, in [0, 1]; `None` when it does not relax.
    pub rate: Option<ParamId>,
    /// Standard deviation of the random shocks of a year, in the variable's units, in
    /// [0, max − min]; `None` when the variable moves only by its target, issues and events.
    pub volatility: Option<ParamId>,
    /// The source the file gives for the variable.
    pub source: Option<String>,
}

/// Influence shares of patrons over client states, by domain (security, economic, ...).
/// Each client's shares in a domain are normalised to sum to 1 at the start of a run; they
/// are the client's ties to each patron, which follow the arrangements the client keeps with
/// that patron (see `docs/MODEL.md`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Influence {
    /// The domains' names, in file order.
    pub domains: Vec<String>,
    /// Every client of any domain, in order of first appearance.
    pub clients: Vec<ActorId>,
    /// Every patron of any domain, in order of first appearance.
    pub patrons: Vec<ActorId>,
    /// `domains × clients × patrons`, row-major; `None` is a share of 0.
    pub shares: Vec<Option<ParamId>>,
    /// `domains × patrons`: per-year growth of the patron's structural ties in the domain
    /// (`None`: no trend).
    pub trend: Vec<Option<ParamId>>,
    /// Per-year fraction of the gap between ties and their target closed.
    pub relaxation: Option<ParamId>,
}

impl Influence {
    /// The index of a share in `shares` (and in a run's influence state).
    #[inline]
    pub fn cell(&self, domain: usize, client: usize, patron: usize) -> usize {
        (domain * self.clients.len() + client) * self.patrons.len() + patron
    }
}

#[derive(Debug, Clone, Default, Serialize)]
struct NameLists {
    actors: Vec<String>,
    state: Vec<String>,
    issues: Vec<String>,
    participants: Vec<Vec<ActorId>>,
    domains: Vec<String>,
    clients: Vec<ActorId>,
    patrons: Vec<ActorId>,
    outcomes: Vec<String>,
    events: Vec<String>,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = crate::input::read(path, MAX_FILE_BYTES as u64)
            .map_err(|source| ScenarioError::Io { path: path.to_path_buf(), source })?;
        let display = path.display().to_string();
        let text = String::from_utf8(text).map_err(|e| ScenarioError::Invalid {
            file: display.clone(),
            diagnostics: vec![
                Diagnostic::new(
                    "",
                    format!("the file is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
                )
                .expected("a TOML scenario file"),
            ],
        })?;
        Scenario::parse(&text, &display)
    }

    /// Validates scenario text; `file` names it in messages, and files it `extends` are read
    /// relative to it, or else are the shipped scenarios of those names (see [`shipped`]).
    pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        Scenario::parse_resolving(text, file, &mut shipped::read_disk_or_shipped)
    }

    /// As [`Scenario::parse`], reading extended files with `read` alone (no shipped fallback).
    pub fn parse_with(text: &str, file: &str, read: &mut inherit::Reader<'_>) -> Result<Scenario, ScenarioError> {
        let invalid = |diagnostics| ScenarioError::Invalid { file: file.to_string(), diagnostics };
        Scenario::checked(inherit::SourceFiles::read(text, file, read).map_err(invalid)?, file)
    }

    /// As [`Scenario::parse`], finding extended files with `resolve`.
    pub(crate) fn parse_resolving(
        text: &str,
        file: &str,
        resolve: &mut inherit::Resolver<'_>,
    ) -> Result<Scenario, ScenarioError> {
        let invalid = |diagnostics| ScenarioError::Invalid { file: file.to_string(), diagnostics };
        Scenario::checked(inherit::SourceFiles::resolve(text, file, resolve).map_err(invalid)?, file)
    }

    /// A shipped scenario by name (`baseline_2014`, with or without `.toml`), read from the
    /// copy compiled into the library; `None` if no shipped scenario has that name.
    pub fn shipped(name: &str) -> Option<Result<Scenario, ScenarioError>> {
        let s = shipped::scenario(name)?;
        Some(Scenario::parse_resolving(s.text, &s.display_name(), &mut shipped::read_shipped))
    }

    /// Reads and validates the scenario file at `path`, or, when there is no file there, the
    /// shipped scenario of that file name (how a sweep finds its scenario).
    pub fn load_or_shipped(path: &Path) -> Result<Scenario, ScenarioError> {
        match Scenario::load(path) {
            Err(ScenarioError::Io { path, source }) if source.kind() == std::io::ErrorKind::NotFound => {
                match shipped::at(&path) {
                    Some(s) => Scenario::parse_resolving(s.text, &s.display_name(), &mut shipped::read_shipped),
                    None => Err(ScenarioError::Io { path, source }),
                }
            }
            other => other,
        }
    }

    fn checked(files: inherit::SourceFiles, file: &str) -> Result<Scenario, ScenarioError> {
        let invalid = |diagnostics| ScenarioError::Invalid { file: file.to_string(), diagnostics };
        let mut scenario = validate::parse(&files).map_err(invalid)?;
        scenario.files = files
            .files
            .iter()
            .rev()
            .map(|f| SourceDigest { name: f.name.clone(), sha256: sha256_hex(f.text.as_bytes()) })
            .collect();
        Ok(scenario)
    }

    /// The scenario this one extends, if any: the file it names, as resolved, or
    /// `NAME (shipped)` for a shipped one.
    pub fn base_file(&self) -> Option<&str> {
        self.files.get(1).map(|f| f.name.as_str())
    }

    /// Number of actors (states and organizations).
    pub fn actor_count(&self) -> usize {
        self.actors.len()
    }

    /// The actor whose key is `id`.
    pub fn actor(&self, id: &str) -> Option<ActorId> {
        self.actors.iter().position(|a| a.id == id).map(ActorId)
    }

    /// The index of the issue whose key is `id`.
    pub fn issue(&self, id: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.id == id)
    }

    /// Whether actor `a` is an organization.
    pub fn is_organization(&self, a: ActorId) -> bool {
        self.actors[a.0].kind == ActorKind::Organization
    }

    /// The names metric paths refer to.
    pub(crate) fn names(&self) -> Names<'_> {
        let n = &self.names;
        Names {
            actors: &n.actors,
            state: &n.state,
            issues: &n.issues,
            participants: &n.participants,
            domains: &n.domains,
            clients: &n.clients,
            patrons: &n.patrons,
            outcomes: &n.outcomes,
            events: &n.events,
        }
    }

    /// Resolves a metric path such as `trust.russia.china`.
    pub fn metric(&self, path: &str) -> Option<Metric> {
        Metric::parse(path, &self.names()).ok()
    }

    /// The dotted path of a metric.
    pub fn metric_path(&self, m: &Metric) -> String {
        m.path(&self.names())
    }

    /// Checks an ad-hoc inject written in a scenario event's syntax (`label = "..."` and
    /// `effects = [{ target = "state.NAME", add = 0.1 }]`) against this scenario, with the
    /// same checks as a scenario event's effects; amounts must be plain numbers. `file` names
    /// the text in messages (`inject`, or the file it came from).
    pub fn check_inject(&self, text: &str, file: &str) -> Result<AdHocInject, ScenarioError> {
        validate::adhoc_inject(self, text, file)
            .map_err(|diagnostics| ScenarioError::Invalid { file: file.to_string(), diagnostics })
    }
}

/// A checked ad-hoc inject: effects with their amounts ([`Scenario::check_inject`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AdHocInject {
    /// What the facilitator called it.
    pub label: String,
    /// What it changes, how, and by how much.
    pub effects: Vec<(crate::model::events::Target, crate::model::events::Op, f64)>,
}
