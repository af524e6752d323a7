//! `[issues.ID]`: dyadic games and arrangements (sides and payoffs; an arrangement's state at
//! the start, commitment, formation cost, membership) and public goods (participants,
//! threat, efficacy, exposure, reach and its drivers, cost), with their salience, effects on
//! mutual cooperation, weight in the influence domains and relevance to trust.

use indexmap::IndexMap;

use super::{Path, Validator, did_you_mean, path, unknown, with, with_index};
use crate::model::actor::Actor;
use crate::model::actor::ActorId;
use crate::model::issue::{Arrangement, DimPayoff, Issue, IssueKind, Linear, Membership, PublicGood};
use crate::model::metric::{Metric, Names};
use crate::model::param::{Domain, ParamId};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::{IssueFile, IssueKindFile, ParamFile};

impl Validator {
    /// Each issue's sides or participants, resolved (metric paths need them before the issues
    /// themselves are checked).
    pub(super) fn participants(
        &mut self,
        issues: &IndexMap<String, IssueFile>,
        actor_ids: &[String],
    ) -> Vec<Vec<ActorId>> {
        issues
            .iter()
            .map(|(id, issue)| {
                let (key, list) = match issue.kind {
                    IssueKindFile::Dyadic | IssueKindFile::Arrangement => ("sides", &issue.sides),
                    IssueKindFile::PublicGood => ("participants", &issue.participants),
                };
                let at = path(&["issues", id, key]);
                let mut out = Vec::new();
                for (i, name) in list.iter().enumerate() {
                    if let Some(a) = self.resolve_actor(&with_index(&at, i), name, actor_ids) {
                        if out.contains(&ActorId(a)) {
                            self.error(&with_index(&at, i), Diagnostic::new("", format!("`{name}` is listed twice")));
                        } else {
                            out.push(ActorId(a));
                        }
                    }
                }
                out
            })
            .collect()
    }

    pub(super) fn issues(
        &mut self,
        issues: &IndexMap<String, IssueFile>,
        participants: &[Vec<ActorId>],
        dimensions: &[String],
        names: &Names<'_>,
    ) -> Vec<Issue> {
        issues
            .iter()
            .zip(participants)
            .map(|((id, issue), parts)| {
                self.within(&["issues", id], &issue.source, |v| v.issue(id, issue, parts, dimensions, names))
            })
            .collect()
    }

    /// A value `>= 0` of the issue: as the file gives it, or the documented default, whose
    /// source is the issue's own (as for a participant's default reach).
    fn param_or_inherit(&mut self, at: &Path, p: Option<&ParamFile>, default: f64) -> ParamId {
        match p {
            Some(p) => self.param(at, p, Domain::NonNegative),
            None => self.implicit(at, default, Domain::NonNegative, true),
        }
    }

    /// `METRIC = coefficient` terms, such as a reach's or a hazard's drivers.
    pub(super) fn terms(
        &mut self,
        at: &Path,
        drivers: &IndexMap<String, ParamFile>,
        names: &Names<'_>,
    ) -> Vec<(Metric, ParamId)> {
        drivers
            .iter()
            .filter_map(|(m, p)| {
                let at_m = with(at, m);
                let metric = self.metric(&at_m, m, names, true)?;
                Some((metric, self.param(&at_m, p, Domain::Real)))
            })
            .collect()
    }

    /// Resolves membership arrangements: the organization on one side must list the state on
    /// the other among its members, each member at most once; the member then votes in the
    /// organization only while the arrangement is in force.
    pub(super) fn memberships(
        &mut self,
        issues: &mut [Issue],
        actors: &mut [Actor],
        files: &IndexMap<String, IssueFile>,
    ) {
        for (k, (issue, (id, f))) in issues.iter_mut().zip(files).enumerate() {
            if !f.membership || issue.participants.len() != 2 {
                continue;
            }
            let at = path(&["issues", id, "membership"]);
            let [x, y] = [issue.participants[0], issue.participants[1]];
            let (org, member) = match (actors[x.0].organization.is_some(), actors[y.0].organization.is_some()) {
                (true, false) => (x, y),
                (false, true) => (y, x),
                _ => {
                    self.error(
                        &at,
                        Diagnostic::new("", "a membership is between a state and an organization")
                            .expected("sides = [\"STATE\", \"ORGANIZATION\"]"),
                    );
                    continue;
                }
            };
            let name = |a: ActorId| actors[a.0].id.clone();
            let (org_name, member_name) = (name(org), name(member));
            let organization = actors[org.0].organization.as_mut().expect("checked");
            let Some(index) = organization.members.iter().position(|&m| m == member) else {
                self.error(
                    &at,
                    Diagnostic::new("", format!("`{member_name}` is not listed among the members of `{org_name}`"))
                        .help(format!("add `{member_name}` to `actors.{org_name}.members`: its membership arrangement says when it votes")),
                );
                continue;
            };
            if organization.gates[index].is_some() {
                self.error(
                    &at,
                    Diagnostic::new(
                        "",
                        format!("`{member_name}` already has a membership arrangement with `{org_name}`"),
                    ),
                );
                continue;
            }
            organization.gates[index] = Some(k);
            if let IssueKind::Dyadic { arrangement: Some(a), .. } = &mut issue.kind {
                a.membership = Some(Membership { organization: org, index });
            }
        }
    }

    fn linear(
        &mut self,
        at: &Path,
        base: Option<&ParamFile>,
        drivers: &indexmap::IndexMap<String, ParamFile>,
        names: &Names<'_>,
        base_domain: Domain,
    ) -> Linear {
        let base = self.opt_param(&with(at, "base"), base, base_domain);
        let at_d = with(at, "drivers");
        let terms = drivers
            .iter()
            .filter_map(|(m, p)| {
                let at_m = with(&at_d, m);
                let metric = self.metric(&at_m, m, names, true)?;
                Some((metric, self.param(&at_m, p, Domain::Real)))
            })
            .collect();
        Linear { base, terms }
    }

    fn issue(&mut self, id: &str, f: &IssueFile, parts: &[ActorId], dims: &[String], names: &Names<'_>) -> Issue {
        let at = path(&["issues", id]);
        let wrong_kind = |v: &mut Self, key: &str, present: bool, kind: &str| {
            if present {
                v.error(&with(&at, key), Diagnostic::new("", format!("`{key}` applies only to {kind} issues")));
            }
        };
        if f.kind != IssueKindFile::Arrangement {
            for (key, present) in [
                ("in_force", f.in_force),
                ("commitment", f.commitment.is_some()),
                ("formation", f.formation.is_some()),
                ("membership", f.membership),
                ("upkeep", !f.upkeep.is_empty()),
            ] {
                wrong_kind(self, key, present, "arrangement");
            }
        }
        let kind = match f.kind {
            IssueKindFile::Dyadic | IssueKindFile::Arrangement => {
                for (key, present) in [
                    ("participants", !f.participants.is_empty()),
                    ("threat", f.threat.is_some()),
                    ("efficacy", f.efficacy.is_some()),
                    ("harm_dimension", f.harm_dimension.is_some()),
                    ("exposure", !f.exposure.is_empty()),
                    ("reach", !f.reach.is_empty()),
                    ("reach_drivers", !f.reach_drivers.is_empty()),
                    ("cost", !f.cost.is_empty()),
                ] {
                    wrong_kind(self, key, present, "public_good");
                }
                if f.sides.len() != 2 {
                    self.error(
                        &with(&at, "sides"),
                        Diagnostic::new("", format!("a dyadic issue has exactly two sides, got {}", f.sides.len()))
                            .expected("sides = [\"A\", \"B\"]"),
                    );
                }
                let mut payoffs: [Vec<DimPayoff>; 2] = [Vec::new(), Vec::new()];
                for (side, table) in &f.payoffs {
                    let at_s = with(&with(&at, "payoffs"), side);
                    let Some(si) = f.sides.iter().position(|s| s == side).filter(|&i| i < 2) else {
                        if parts.len() != f.sides.len() {
                            continue; // a side failed to resolve: that error says it all
                        }
                        self.error_on_key(
                            &at_s,
                            Diagnostic::new("", format!("`{side}` is not a side of `{id}`"))
                                .expected(format!("one of {}", f.sides.join(", ")))
                                .help_opt(did_you_mean(side, f.sides.iter().map(String::as_str))),
                        );
                        continue;
                    };
                    for (d, p) in table {
                        let at_d = with(&at_s, d);
                        let Some(di) = self.resolve_dimension(&at_d, d, dims) else {
                            continue;
                        };
                        let mut entry = |key: &str, v: &Option<ParamFile>| {
                            v.as_ref().map(|v| {
                                let mut pf = v.clone();
                                if pf.source.is_none() {
                                    pf.source = p.source.clone();
                                }
                                self.param(&with(&at_d, key), &pf, Domain::Real)
                            })
                        };
                        let dp = DimPayoff {
                            dimension: di,
                            reward: entry("reward", &p.reward),
                            sucker: entry("sucker", &p.sucker),
                            temptation: entry("temptation", &p.temptation),
                            punishment: entry("punishment", &p.punishment),
                        };
                        payoffs[si].push(dp);
                    }
                }
                if f.payoffs.is_empty() {
                    self.error(&at, Diagnostic::new("", format!("issue `{id}` has no payoffs")).expected("[issues.ID.payoffs.SIDE] tables with DIMENSION = { reward, sucker, temptation, punishment }"));
                }
                let arrangement = (f.kind == IssueKindFile::Arrangement).then(|| Arrangement {
                    in_force: f.in_force,
                    commitment: self.param_or_inherit(&with(&at, "commitment"), f.commitment.as_ref(), 0.0),
                    formation: self.param_or_inherit(&with(&at, "formation"), f.formation.as_ref(), 0.0),
                    upkeep: {
                        let ids = self.per_participant(&at, id, "upkeep", &f.upkeep, &f.sides, Some(0.0));
                        let fallback = ids.first().copied().unwrap_or(ParamId(0));
                        [ids.first().copied().unwrap_or(fallback), ids.get(1).copied().unwrap_or(fallback)]
                    },
                    // Resolved once every issue is known (`memberships`).
                    membership: None,
                });
                IssueKind::Dyadic { payoffs, arrangement }
            }
            IssueKindFile::PublicGood => {
                for (key, present) in [("sides", !f.sides.is_empty()), ("payoffs", !f.payoffs.is_empty())] {
                    wrong_kind(self, key, present, "dyadic");
                }
                if f.participants.len() < 2 {
                    self.error(
                        &with(&at, "participants"),
                        Diagnostic::new("", "a public good needs at least two participants"),
                    );
                }
                let threat = match &f.threat {
                    Some(t) => {
                        let found = names.state.iter().position(|s| s == t);
                        if found.is_none() {
                            self.error(&with(&at, "threat"), unknown("state variable", t, names.state));
                        }
                        found
                    }
                    None => {
                        self.error(
                            &at,
                            Diagnostic::new("", "a public good needs `threat`")
                                .expected("the name of the state variable contributions lower"),
                        );
                        None
                    }
                };
                let harm = match &f.harm_dimension {
                    Some(h) => {
                        let found = dims.iter().position(|d| d == h);
                        if found.is_none() {
                            self.error(&with(&at, "harm_dimension"), unknown("interest dimension", h, dims));
                        }
                        found
                    }
                    None => {
                        self.error(
                            &at,
                            Diagnostic::new("", "a public good needs `harm_dimension`")
                                .expected("the interest dimension the threat harms, e.g. \"security\""),
                        );
                        None
                    }
                };
                let efficacy =
                    self.param_or(&with(&at, "efficacy"), f.efficacy.as_ref(), None, 0.0, Domain::NonNegative);
                if f.efficacy.is_none() {
                    self.error(
                        &at,
                        Diagnostic::new("", "a public good needs `efficacy`")
                            .expected("per-year threat reduction per unit of capability contributed"),
                    );
                }
                let exposure = self.per_participant(&at, id, "exposure", &f.exposure, &f.participants, None);
                let cost = f
                    .cost
                    .iter()
                    .filter_map(|(d, p)| {
                        let at_c = with(&with(&at, "cost"), d);
                        let di = self.resolve_dimension(&at_c, d, dims)?;
                        Some((di, self.param(&at_c, p, Domain::Real)))
                    })
                    .collect();
                let reach = self.per_participant(&at, id, "reach", &f.reach, &f.participants, Some(1.0));
                let at_r = with(&at, "reach_drivers");
                for e in f.reach_drivers.keys().filter(|e| !f.participants.contains(e)) {
                    self.error_on_key(
                        &with(&at_r, e),
                        Diagnostic::new("", format!("`{e}` is not a participant of `{id}`"))
                            .help_opt(did_you_mean(e, f.participants.iter().map(String::as_str))),
                    );
                }
                let reach_drivers = f
                    .participants
                    .iter()
                    .map(|p| match f.reach_drivers.get(p) {
                        Some(terms) => self.terms(&with(&at_r, p), terms, names),
                        None => Vec::new(),
                    })
                    .collect();
                IssueKind::PublicGood(PublicGood {
                    reach,
                    reach_drivers,
                    threat: threat.unwrap_or(0),
                    efficacy,
                    harm_dimension: harm.unwrap_or(0),
                    exposure,
                    cost,
                })
            }
        };
        let salience = match &f.salience {
            Some(s) => self.linear(&with(&at, "salience"), s.base.as_ref(), &s.drivers, names, Domain::NonNegative),
            None => Linear { base: None, terms: Vec::new() },
        };
        let on_mutual = f
            .on_mutual
            .iter()
            .filter_map(|(m, p)| {
                let at_m = with(&with(&at, "on_mutual"), m);
                match self.metric(&at_m, m, names, true)? {
                    Metric::State(v) => Some((v, self.param(&at_m, p, Domain::Real))),
                    _ => {
                        self.error_on_key(
                            &at_m,
                            Diagnostic::new("", format!("`{m}` is not a state variable")).expected("state.NAME"),
                        );
                        None
                    }
                }
            })
            .collect();
        let at_i = with(&at, "influence");
        let influence = f
            .influence
            .iter()
            .filter_map(|(domain, p)| {
                let at_d = with(&at_i, domain);
                let Some(d) = names.domains.iter().position(|x| x == domain) else {
                    self.error_on_key(&at_d, unknown("influence domain", domain, names.domains));
                    return None;
                };
                Some((d, self.param(&at_d, p, Domain::Real)))
            })
            .collect();
        // A contribution to a shared threat is no dealing with any one partner.
        let default_relevance = if f.kind == IssueKindFile::PublicGood { 0.0 } else { 1.0 };
        let relevance = self.param_or_inherit(&with(&at, "relevance"), f.relevance.as_ref(), default_relevance);
        Issue {
            id: id.to_string(),
            label: f.label.clone().unwrap_or_else(|| id.to_string()),
            active: f.active,
            participants: parts.to_vec(),
            kind,
            salience,
            on_mutual,
            influence,
            relevance,
            source: f.source.clone(),
        }
    }

    /// A public good's `PARTICIPANT = value` table (exposure, reach): keys must be
    /// participants; a participant it omits takes `default`, or is an error without one.
    fn per_participant(
        &mut self,
        at: &Path,
        issue: &str,
        key: &str,
        table: &indexmap::IndexMap<String, ParamFile>,
        participants: &[String],
        default: Option<f64>,
    ) -> Vec<ParamId> {
        let at_t = with(at, key);
        for e in table.keys() {
            if !participants.contains(e) {
                self.error_on_key(
                    &with(&at_t, e),
                    Diagnostic::new("", format!("`{e}` is not a participant of `{issue}`"))
                        .help_opt(did_you_mean(e, participants.iter().map(String::as_str))),
                );
            }
        }
        participants
            .iter()
            .map(|p| match (table.get(p), default) {
                (Some(pf), _) => self.param(&with(&at_t, p), pf, Domain::NonNegative),
                (None, Some(value)) => self.implicit(&with(&at_t, p), value, Domain::NonNegative, true),
                (None, None) => {
                    self.error(
                        &at_t,
                        Diagnostic::new("", format!("participant `{p}` has no {key}"))
                            .expected(format!("{p} = a number >= 0 in the `{key}` table")),
                    );
                    self.implicit(&at_t, 0.0, Domain::NonNegative, false)
                }
            })
            .collect()
    }
}
