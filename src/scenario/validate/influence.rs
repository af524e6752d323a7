//! `[influence.CLIENT]` and `model.influence_relaxation`: the patrons' initial shares of
//! influence over client states.

use super::{Validator, path, with};
use crate::model::actor::{Actor, ActorId, ActorKind};
use crate::model::param::{Domain, ParamId};
use crate::scenario::Influence;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::ScenarioFile;

impl Validator {
    pub(super) fn influence(&mut self, f: &ScenarioFile, actors: &[Actor], ids: &[String]) -> Influence {
        let mut inf = Influence::default();
        let mut rows: Vec<(usize, Vec<(usize, ParamId)>)> = Vec::new();
        for (client, row) in &f.influence {
            let at = path(&["influence", client]);
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
            let mut entries = Vec::new();
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
                let slot = match inf.patrons.iter().position(|x| x.0 == pi) {
                    Some(s) => s,
                    None => {
                        inf.patrons.push(ActorId(pi));
                        inf.patrons.len() - 1
                    }
                };
                entries.push((slot, self.param(&at_p, p, Domain::UNIT)));
            }
            if entries.is_empty() {
                self.error_on_key(
                    &at,
                    Diagnostic::new("", format!("`{client}` lists no patrons")).expected("PATRON = share pairs"),
                );
            }
            inf.clients.push(ActorId(c));
            rows.push((c, entries));
        }
        let np = inf.patrons.len();
        inf.shares = vec![None; rows.len() * np];
        for (ci, (_, entries)) in rows.iter().enumerate() {
            for (slot, id) in entries {
                inf.shares[ci * np + slot] = Some(*id);
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
