//! `[influence.DOMAIN.CLIENT]`, `[influence_trend.DOMAIN]` and `model.influence_relaxation`:
//! the patrons' initial shares of influence over client states, domain by domain, and the
//! trends of their structural ties.

use super::{Validator, is_identifier, path, with};
use crate::model::actor::{Actor, ActorId, ActorKind};
use crate::model::param::{Domain, ParamId};
use crate::scenario::Influence;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::ScenarioFile;

impl Validator {
    pub(super) fn influence(&mut self, f: &ScenarioFile, actors: &[Actor], ids: &[String]) -> Influence {
        let mut inf = Influence::default();
        // (domain, client index, patron index, share) as read.
        let mut entries: Vec<(usize, usize, usize, ParamId)> = Vec::new();
        for (domain, table) in &f.influence {
            let at_d = path(&["influence", domain]);
            if !is_identifier(domain) {
                self.error_on_key(
                    &at_d,
                    Diagnostic::new("", format!("`{domain}` is not a usable domain name"))
                        .expected("lowercase letters, digits and _ (the name is used in metric paths)"),
                );
                continue;
            }
            let d = inf.domains.len();
            inf.domains.push(domain.clone());
            for (client, row) in table {
                let at = with(&at_d, client);
                let Some(c) = self.resolve_actor_key(&at, client, ids) else {
                    continue;
                };
                if actors[c].kind == ActorKind::Organization {
                    self.error_on_key(
                        &at,
                        Diagnostic::new(
                            "",
                            format!("`{client}` is an organization; influence shares are held over states"),
                        ),
                    );
                    continue;
                }
                let ci = position_or_push(&mut inf.clients, c);
                let before = entries.len();
                for (patron, p) in row {
                    let at_p = with(&at, patron);
                    let Some(pi) = self.resolve_actor_key(&at_p, patron, ids) else {
                        continue;
                    };
                    if pi == c {
                        self.error_on_key(
                            &at_p,
                            Diagnostic::new("", format!("`{client}` cannot hold influence over itself")),
                        );
                        continue;
                    }
                    let slot = position_or_push(&mut inf.patrons, pi);
                    entries.push((d, ci, slot, self.param(&at_p, p, Domain::UNIT)));
                }
                if entries.len() == before {
                    self.error_on_key(
                        &at,
                        Diagnostic::new("", format!("`{client}` lists no patrons")).expected("PATRON = share pairs"),
                    );
                }
            }
        }
        let (nd, nc, np) = (inf.domains.len(), inf.clients.len(), inf.patrons.len());
        inf.shares = vec![None; nd * nc * np];
        for (d, c, p, id) in entries {
            let cell = inf.cell(d, c, p);
            inf.shares[cell] = Some(id);
        }
        inf.trend = vec![None; nd * np];
        for (domain, row) in &f.influence_trend {
            let at_d = path(&["influence_trend", domain]);
            let Some(d) = inf.domains.iter().position(|x| x == domain) else {
                self.error_on_key(
                    &at_d,
                    super::unknown("influence domain", domain, &inf.domains)
                        .expected("a domain defined by an [influence.DOMAIN.CLIENT] table"),
                );
                continue;
            };
            for (patron, p) in row {
                let at_p = with(&at_d, patron);
                let Some(pi) = self.resolve_actor_key(&at_p, patron, ids) else {
                    continue;
                };
                let Some(slot) = inf.patrons.iter().position(|x| x.0 == pi) else {
                    self.error_on_key(
                        &at_p,
                        Diagnostic::new("", format!("`{patron}` is not a patron in any influence table")),
                    );
                    continue;
                };
                inf.trend[d * np + slot] = Some(self.param(&at_p, p, Domain::Range(-0.5, 1.0)));
            }
        }
        inf.relaxation = Some(self.param_or(
            &path(&["model", "influence_relaxation"]),
            f.model.influence_relaxation.as_ref(),
            None,
            0.0,
            Domain::UNIT,
        ));
        inf
    }
}

/// The index of actor `a` in `list`, added at the end if it is not there yet.
fn position_or_push(list: &mut Vec<ActorId>, a: usize) -> usize {
    match list.iter().position(|x| x.0 == a) {
        Some(i) => i,
        None => {
            list.push(ActorId(a));
            list.len() - 1
        }
    }
}
