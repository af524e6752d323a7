//! The projector's page: the date, what happened last turn, the state and the outcomes'
//! probabilities, in large type for the back of the room, updating by itself. It shows
//! nothing a team keeps to itself (no pending choice).

use std::fmt::Write as _;

use super::html::{bar, clock, esc, page, pct};
use super::room;
use super::seminar::Seminar;

/// The projector's page.
pub fn projector(s: &Seminar) -> String {
    let sc = s.game.scenario();
    let st = s.game.simulation().state();
    let turns = sc.calendar.turns();
    let mut b = format!(
        "<header><h1>{}</h1><span class=\"turn\">{}</span>{}</header><main>",
        esc(&sc.name),
        if s.game.is_over() { "every turn played".into() } else { format!("turn {} of {turns}", s.game.turn() + 1) },
        clock(s.room.left(room::now()), s.room.paused)
    );
    let status = if s.room.ended {
        "The game has ended"
    } else if s.room.paused {
        "Paused"
    } else {
        "Teams are deciding"
    };
    let _ = write!(
        b,
        "<div class=\"cols\"><div><section><p class=\"big\">{}</p><p class=\"muted\">{status}</p></section>",
        esc(&s.game.date())
    );
    b.push_str("<section id=\"last\"><h2>Last turn</h2>");
    match s.game.last_report() {
        Some(r) => {
            let _ = write!(b, "<p class=\"muted\">{}</p><ul class=\"events\">", sc.calendar.period(r.turn));
            let mut any = false;
            for &e in &r.events {
                let _ = write!(b, "<li>{}</li>", esc(&sc.events[e].label));
                any = true;
            }
            for &k in &r.formed {
                let _ = write!(b, "<li>Formed: {}</li>", esc(&sc.issues[k].label));
                any = true;
            }
            for &k in &r.ended {
                let _ = write!(b, "<li>Ended: {}</li>", esc(&sc.issues[k].label));
                any = true;
            }
            for &o in &r.reached {
                let _ = write!(b, "<li class=\"reached\">Outcome reached: {}</li>", esc(&sc.outcomes[o].label));
                any = true;
            }
            let imposed = r.imposed.len();
            let _ = write!(
                b,
                "{}</ul><p class=\"muted\">{} decided by the teams, the rest by the model.</p>",
                if any { "" } else { "<li>No event; nothing formed or ended.</li>" },
                if imposed == 1 { "1 decision".to_string() } else { format!("{imposed} decisions") }
            );
        }
        None => b.push_str("<p class=\"muted\">The game begins.</p>"),
    }
    let coming: Vec<String> = s.game.log().iter().rev().take(3).filter_map(|e| recent(s, e)).collect();
    if !coming.is_empty() {
        let _ = write!(b, "<h2>Since</h2><ul class=\"events\">{}</ul>", coming.join(""));
    }
    b.push_str("</section><section id=\"state\"><h2>State</h2><table>");
    for (v, x) in sc.state.iter().zip(&st.vars) {
        let _ = write!(b, "<tr><td>{}</td><td>{}</td></tr>", esc(&v.label), bar(*x, &format!("{x:.2}"), ""));
    }
    b.push_str("</table></section></div><div><section id=\"outcomes\"><h2>Outcomes</h2>");
    match &s.forecast {
        Some((_, f)) => {
            let _ = write!(
                b,
                "<table><tr><th></th><th>from here</th><th>at the start</th></tr>{}</table>\
                 <p class=\"muted\">Chance of each outcome by {}: from this game's state with the model playing everyone ({} runs), and at the start.</p>",
                f.outcomes
                    .iter()
                    .map(|o| {
                        let (v, t) = match o.reached {
                            Some(_) => (1.0, "reached".to_string()),
                            None => (o.p_from_here, pct(o.p_from_here)),
                        };
                        format!(
                            "<tr><td{}>{}</td><td>{}</td><td>{}</td></tr>",
                            if o.reached.is_some() { " class=\"reached\"" } else { "" },
                            esc(&o.label),
                            bar(v, &t, ""),
                            bar(o.p_at_start, &pct(o.p_at_start), "start")
                        )
                    })
                    .collect::<String>(),
                sc.calendar.period(turns - 1),
                f.runs
            );
        }
        None => {
            b.push_str("<table>");
            for (o, r) in sc.outcomes.iter().zip(&st.reached) {
                let _ = write!(
                    b,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    esc(&o.label),
                    if r.is_some() { "<span class=\"reached\">reached</span>" } else { "" }
                );
            }
            b.push_str("</table><p class=\"muted\">The forecast is being computed…</p>");
        }
    }
    b.push_str("</section></div></div></main>");
    page(&format!("{} · projector", sc.name), "projector", s.version, &b)
}

/// A facilitator's recent change, for the room.
fn recent(s: &Seminar, e: &crate::play::Entry) -> Option<String> {
    use crate::play::Entry;
    let sc = s.game.scenario();
    let turn = s.game.turn();
    match e {
        Entry::Event { turn: t, event, .. } if *t == turn => {
            let label = sc.events.iter().find(|x| &x.id == event).map_or(event.as_str(), |x| x.label.as_str());
            Some(format!("<li>Inject: {}</li>", esc(label)))
        }
        Entry::Inject { turn: t, label, .. } if *t == turn => Some(format!("<li>Inject: {}</li>", esc(label))),
        Entry::Override { turn: t, target, to, reason, .. } if *t == turn => {
            Some(format!("<li>Umpire: {} set to {} — {}</li>", esc(target), super::html::num(*to), esc(reason)))
        }
        _ => None,
    }
}
