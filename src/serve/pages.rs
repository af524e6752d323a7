//! The team's page and the facilitator's page, rendered on the server from the game. Every
//! text that comes from the scenario, the log or a browser is escaped ([`esc`]).

use std::fmt::Write as _;

use crate::model::actor::ActorId;
use crate::model::issue::IssueKind;
use crate::play::{Choice, Decision, DecisionKind, Entry, explain};
use crate::scenario::Scenario;

use super::form::Fields;
use super::html::{bar, clock, entry, esc, notice, num, page, pct};
use super::room;
use super::seminar::Seminar;

/// A message to show at the top of a page: the text, and whether it reports success.
pub type Flash = Option<(String, bool)>;

fn header(s: &Seminar, who: &str) -> String {
    let sc = s.game.scenario();
    let turns = sc.calendar.turns();
    let turn = if s.game.is_over() {
        "every turn played".to_string()
    } else {
        format!("turn {} of {turns}", s.game.turn() + 1)
    };
    format!(
        "<header><h1>{}</h1><span class=\"who\">{}</span><span class=\"date\">{}</span><span class=\"turn\">{turn}</span>{}</header>",
        esc(&sc.name),
        esc(who),
        esc(&s.game.date()),
        clock(s.room.left(room::now()), s.room.paused)
    )
}

fn banners(s: &Seminar) -> String {
    let mut b = String::new();
    if s.room.ended {
        b.push_str("<div class=\"banner\">The game has ended. Thank you for playing.</div>");
    } else if s.game.is_over() {
        b.push_str("<div class=\"banner\">Every turn has been played.</div>");
    } else if s.room.paused {
        b.push_str("<div class=\"banner\">The facilitator has paused the game.</div>");
    }
    b
}

fn flash_html(flash: &Flash) -> String {
    flash.as_ref().map_or_else(String::new, |(t, ok)| notice(t, *ok))
}

fn actor_name(sc: &Scenario, a: ActorId) -> &str {
    &sc.actors[a.0].name
}

/// The team's page: its situation, its decisions as a form with the model's recommendation
/// on request, the clock, its history.
pub fn team(s: &mut Seminar, team: usize, code: &str, flash: &Flash, sent: Option<&Fields>) -> String {
    let sc = s.game.scenario();
    let name = s.game.teams()[team].name.clone();
    let actors: Vec<ActorId> = s.game.team_actors(team).to_vec();
    let who = actors.iter().map(|&a| actor_name(sc, a)).collect::<Vec<_>>().join(", ");
    let mut body = header(s, &format!("Team {who}"));
    body.push_str("<main>");
    body.push_str(&banners(s));
    body.push_str(&flash_html(flash));
    body.push_str("<div class=\"cols\"><div>");
    let decisions: Vec<Decision> = s.game.decisions().iter().filter(|d| d.team == team).cloned().collect();
    let _ = write!(body, "<section id=\"decisions\"><h2>Your decisions for {}</h2>", esc(&s.game.date()));
    let open = !s.room.ended && !s.game.is_over();
    if !open {
        body.push_str("<p class=\"muted\">No decisions to take.</p>");
    } else if decisions.is_empty() {
        body.push_str("<p class=\"muted\">Your team takes no decision this turn: the model plays on.</p>");
    } else {
        let coming: Vec<String> = s.game.coming_events().iter().map(|&e| esc(&sc.events[e].label)).collect();
        if !coming.is_empty() {
            let _ = write!(body, "<p><b>This turn opens with:</b> {}</p>", coming.join("; "));
        }
        let _ = write!(
            body,
            "<form method=\"post\" action=\"/t/{}/orders\" class=\"orders\"><input type=\"hidden\" name=\"turn\" value=\"{}\">",
            esc(code),
            esc(&s.game.date())
        );
        for d in &decisions {
            body.push_str(&decision_card(s, d, sent));
        }
        let note = sent.map_or("", |f| f.text("note"));
        let _ = write!(
            body,
            "<label>A note for the log (optional)<br><textarea name=\"note\" maxlength=\"2000\" rows=\"2\">{}</textarea></label>\
             <p><button type=\"submit\">Submit our decisions</button> <span class=\"muted\">You can submit again until the turn is adjudicated; the last submission counts.</span></p></form>",
            esc(note)
        );
        let pasted = sent.map_or("", |f| f.text("orders"));
        let _ = write!(
            body,
            "<details><summary>Or paste an orders file</summary><form method=\"post\" action=\"/t/{}/orders-file\" class=\"orders\">\
             <textarea name=\"orders\" rows=\"7\" spellcheck=\"false\" placeholder=\"turn = &quot;{}&quot;&#10;[decisions]&#10;ISSUE = &quot;stay&quot;\">{}</textarea>\
             <p><button type=\"submit\" class=\"plain\">Submit the orders file</button></p></form></details>",
            esc(code),
            esc(&s.game.date()),
            esc(pasted)
        );
    }
    body.push_str("</section>");
    body.push_str(&history(s, &name));
    body.push_str("</div><div>");
    body.push_str(&situation(s, &actors));
    body.push_str("</div></div></main>");
    page(&format!("{who} · {}", sc.name), "team", s.version, &body)
}

fn decision_card(s: &Seminar, d: &Decision, sent: Option<&Fields>) -> String {
    let sc = s.game.scenario();
    let issue = &sc.issues[d.issue];
    let field = format!("d:{}:{}", issue.id, sc.actors[d.participant.0].id);
    let (yes, no) = d.kind.words();
    let about = match &issue.kind {
        IssueKind::Dyadic { .. } => issue
            .participants
            .iter()
            .find(|&&a| a != d.participant)
            .map_or_else(String::new, |&a| format!("with {}", esc(actor_name(sc, a)))),
        IssueKind::PublicGood(_) => "a public good: every participant gains from each contribution".into(),
    };
    let state = match d.kind {
        DecisionKind::Stay => " · the arrangement is in force",
        DecisionKind::Join => " · the arrangement is not in force",
        _ => "",
    };
    let submitted = s.game.submitted(d.slot);
    let chosen = sent.and_then(|f| f.get(&field)).and_then(|w| d.kind.parse(w)).or(submitted);
    let badge = match submitted {
        Some(c) => format!("<span class=\"badge done\">submitted: {}</span>", d.kind.word(c)),
        None => "<span class=\"badge wait\">not submitted</span>".into(),
    };
    let radio = |word: &str, value: bool| {
        format!(
            "<label><input type=\"radio\" name=\"{}\" value=\"{}\"{}>{}</label>",
            esc(&field),
            esc(&word.replace(' ', "_")),
            if chosen == Some(value) { " checked" } else { "" },
            esc(word)
        )
    };
    let reasons: Vec<String> = d.records.iter().map(|r| esc(&explain::describe(sc, r, false))).collect();
    format!(
        "<div class=\"decision\"><div class=\"title\">{}{} {badge}</div>\
         <div class=\"about\">{}{}{state}</div><div class=\"choices\">{}{}</div>\
         <details><summary>The model's recommendation and its reasons</summary>\
         <p>The model would <b>{}</b>: {} likely to {}; utility advantage of {} {}.</p><pre>{}</pre></details></div>",
        esc(&issue.label),
        if issue.label == issue.id {
            String::new()
        } else {
            format!(" <span class=\"muted\">({})</span>", esc(&issue.id))
        },
        if d.participant == s.game.team_actors(d.team)[0] && s.game.team_actors(d.team).len() == 1 {
            String::new()
        } else {
            format!("{}: ", esc(actor_name(sc, d.participant)))
        },
        about,
        radio(yes, true),
        radio(no, false),
        d.kind.word(d.recommend),
        pct(d.p_cooperate),
        yes,
        yes,
        num(d.utility),
        reasons.join("\n")
    )
}

/// The turns still standing (an undone turn drops out), oldest first.
fn standing_turns(log: &[Entry]) -> Vec<(&str, &[Choice])> {
    let mut turns = Vec::new();
    for e in log {
        match e {
            Entry::Turn { date, choices, .. } => turns.push((date.as_str(), choices.as_slice())),
            Entry::Undo { .. } => {
                turns.pop();
            }
            _ => {}
        }
    }
    turns
}

fn history(s: &Seminar, team: &str) -> String {
    let sc = s.game.scenario();
    let mut rows = String::new();
    for (date, choices) in standing_turns(s.game.log()).iter().rev() {
        for c in choices.iter().filter(|c| c.team == team) {
            let label = sc.issues.iter().find(|i| i.id == c.issue).map_or(c.issue.as_str(), |i| i.label.as_str());
            let departed = c.cooperate != c.recommended;
            let _ = write!(
                rows,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
                esc(date),
                esc(label),
                c.kind.word(c.cooperate),
                c.kind.word(c.recommended),
                if departed { " <span class=\"badge wait\">you departed</span>" } else { "" }
            );
        }
    }
    if rows.is_empty() {
        return "<section id=\"history\"><h2>Your history</h2><p class=\"muted\">No turn played yet.</p></section>"
            .into();
    }
    format!(
        "<section id=\"history\"><h2>Your history</h2><table><tr><th>turn</th><th>decision</th><th>you chose</th><th>the model recommended</th></tr>{rows}</table></section>"
    )
}

/// What the team's actors see: the last turn, the state, influence over them, trust.
fn situation(s: &Seminar, mine: &[ActorId]) -> String {
    let sc = s.game.scenario();
    let st = s.game.simulation().state();
    let mut h = String::from("<section id=\"situation\"><h2>Your situation</h2>");
    if let Some(r) = s.game.last_report() {
        let _ = write!(h, "<h3>Last turn ({})</h3><ul class=\"events\">", sc.calendar.period(r.turn));
        for &e in &r.events {
            let _ = write!(h, "<li>Event: {}</li>", esc(&sc.events[e].label));
        }
        for (k, acts) in &r.actions {
            if !acts.iter().any(|(a, _)| mine.contains(a)) {
                continue;
            }
            let words: Vec<String> = acts
                .iter()
                .map(|&(a, c)| format!("{} {}", esc(actor_name(sc, a)), if c { "cooperated" } else { "defected" }))
                .collect();
            let _ = write!(h, "<li>{}: {}</li>", esc(&sc.issues[*k].label), words.join(", "));
        }
        for &k in &r.formed {
            let _ = write!(h, "<li>Formed: {}</li>", esc(&sc.issues[k].label));
        }
        for &k in &r.ended {
            let _ = write!(h, "<li>Ended: {}</li>", esc(&sc.issues[k].label));
        }
        for &o in &r.reached {
            let _ = write!(h, "<li><b>Outcome reached:</b> {}</li>", esc(&sc.outcomes[o].label));
        }
        h.push_str("</ul>");
    }
    h.push_str("<h3>State</h3><table>");
    for (v, x) in sc.state.iter().zip(&st.vars) {
        let _ = write!(h, "<tr><td>{}</td><td>{}</td></tr>", esc(&v.label), bar(*x, &format!("{x:.2}"), ""));
    }
    h.push_str("</table>");
    let inf = &sc.influence;
    for &a in mine {
        let Some(c) = inf.clients.iter().position(|&x| x == a) else { continue };
        let _ = write!(h, "<h3>Influence over {}</h3><table>", esc(actor_name(sc, a)));
        for (d, domain) in inf.domains.iter().enumerate() {
            for (p, &pa) in inf.patrons.iter().enumerate() {
                let x = st.influence[inf.cell(d, c, p)];
                let _ = write!(
                    h,
                    "<tr><td>{} ({})</td><td>{}</td></tr>",
                    esc(actor_name(sc, pa)),
                    esc(domain),
                    bar(x, &pct(x), "")
                );
            }
        }
        h.push_str("</table>");
    }
    let n = sc.actor_count();
    for &a in mine {
        let partners: Vec<usize> = (0..n)
            .filter(|&b| {
                b != a.0
                    && sc.issues.iter().any(|i| i.participants.contains(&a) && i.participants.iter().any(|p| p.0 == b))
            })
            .collect();
        if partners.is_empty() {
            continue;
        }
        let _ = write!(
            h,
            "<h3>Trust of {}</h3><table><tr><th>partner</th><th>toward</th><th>from</th></tr>",
            esc(actor_name(sc, a))
        );
        for b in partners {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{:.2}</td><td>{:.2}</td></tr>",
                esc(&sc.actors[b].name),
                st.trust[a.0 * n + b],
                st.trust[b * n + a.0]
            );
        }
        h.push_str("</table>");
    }
    h.push_str("</section>");
    h
}

/// The facilitator's page: the codes, who has submitted, and every action.
pub fn facilitator(s: &mut Seminar, code: &str, flash: &Flash, sent: Option<&Fields>) -> String {
    let sc = s.game.scenario();
    let c = esc(code);
    let mut body = header(s, "Facilitator");
    body.push_str("<main>");
    body.push_str(&banners(s));
    body.push_str(&flash_html(flash));
    body.push_str("<div class=\"cols\"><div>");
    // Submissions.
    let decisions: Vec<Decision> = s.game.decisions().to_vec();
    let _ = write!(
        body,
        "<section id=\"submissions\"><h2>Submissions for {}</h2><table><tr><th>team</th><th>decision</th><th>status</th><th>the model recommends</th></tr>",
        esc(&s.game.date())
    );
    for d in &decisions {
        let status = match s.game.submitted(d.slot) {
            Some(x) => format!("<span class=\"badge done\">{}</span>", d.kind.word(x)),
            None => "<span class=\"badge wait\">pending</span>".into(),
        };
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{status}</td><td>{} ({})</td></tr>",
            esc(actor_name(sc, d.participant)),
            esc(&sc.issues[d.issue].label),
            d.kind.word(d.recommend),
            pct(d.p_cooperate)
        );
    }
    if decisions.is_empty() {
        body.push_str("<tr><td colspan=\"4\" class=\"muted\">No team decision this turn.</td></tr>");
    }
    let _ = write!(
        body,
        "</table><form method=\"post\" action=\"/f/{c}/adjudicate\" class=\"row\">\
         <label><input type=\"checkbox\" name=\"rest\" value=\"model\" checked> the model takes the decisions still pending</label>\
         <button type=\"submit\">Adjudicate {}</button></form>\
         <p class=\"hint\">The model plays every actor without a team.</p></section>",
        esc(&s.game.date())
    );
    // Injects and overrides.
    let v = |k: &str| esc(sent.map_or("", |f| f.text(k)));
    let options: String = sc
        .events
        .iter()
        .map(|e| format!("<option value=\"{}\">{} ({})</option>", esc(&e.id), esc(&e.label), esc(&e.id)))
        .collect();
    let _ = write!(
        body,
        "<section id=\"injects\"><h2>Inject</h2>\
         <form method=\"post\" action=\"/f/{c}/event\" class=\"row\"><select name=\"event\">{options}</select>\
         <input type=\"text\" name=\"reason\" placeholder=\"reason (optional)\" maxlength=\"500\" value=\"{}\"><button type=\"submit\">Fire the event</button></form>\
         <form method=\"post\" action=\"/f/{c}/inject\"><label>An ad-hoc inject, written as a scenario event's effects:\
         <textarea name=\"text\" rows=\"3\" spellcheck=\"false\" placeholder=\"label = &quot;Border clash&quot;&#10;effects = [{{ target = &quot;state.NAME&quot;, add = 0.1 }}]\">{}</textarea></label>\
         <div class=\"row\"><input type=\"text\" name=\"reason\" placeholder=\"reason (optional)\" maxlength=\"500\"><button type=\"submit\">Inject</button></div></form>\
         <p class=\"hint\">An inject or an override changes the situation: the teams' choices for this turn are asked again. Make them before the teams submit.</p></section>",
        v("reason"),
        v("text")
    );
    let targets: String = sc.state.iter().map(|x| format!("<option value=\"state.{}\">", esc(&x.id))).collect();
    let _ = write!(
        body,
        "<section id=\"override\"><h2>Override</h2><form method=\"post\" action=\"/f/{c}/override\" class=\"row\">\
         <input type=\"text\" name=\"target\" list=\"targets\" placeholder=\"state.NAME, trust.A.B, a parameter's path\" value=\"{}\">\
         <datalist id=\"targets\">{targets}</datalist>\
         <input type=\"text\" name=\"value\" placeholder=\"value\" size=\"6\" value=\"{}\">\
         <input type=\"text\" name=\"override_reason\" placeholder=\"reason (required, for the log)\" maxlength=\"500\" value=\"{}\">\
         <button type=\"submit\">Override</button></form></section>",
        v("target"),
        v("value"),
        v("override_reason")
    );
    body.push_str(&forecast_section(s, &c));
    body.push_str("</div><div>");
    // Control of the room.
    let minutes = s.room.turn_minutes.map_or_else(String::new, |m| m.to_string());
    let _ = write!(
        body,
        "<section id=\"control\"><h2>The room</h2>\
         <form method=\"post\" action=\"/f/{c}/clock\" class=\"row\"><label>Minutes a turn <input type=\"number\" name=\"minutes\" min=\"0\" max=\"600\" value=\"{minutes}\"></label><button type=\"submit\" class=\"plain\">Set the clock</button></form>\
         <form method=\"post\" action=\"/f/{c}/{}\" class=\"row\"><button type=\"submit\" class=\"plain\">{}</button></form>\
         <form method=\"post\" action=\"/f/{c}/undo\" class=\"row\"><button type=\"submit\" class=\"plain\">Undo the last turn</button></form>\
         <form method=\"post\" action=\"/f/{c}/end\" class=\"row\"><button type=\"submit\" class=\"danger\">End the game and write the after-action report</button></form>{}</section>",
        if s.room.paused { "resume" } else { "pause" },
        if s.room.paused { "Resume the game" } else { "Pause the game" },
        if s.aar.is_some() {
            format!("<p><a href=\"/f/{c}/aar\">The after-action report</a></p>")
        } else {
            String::new()
        }
    );
    body.push_str(
        "<section id=\"codes\"><h2>Join codes</h2><table class=\"codes\"><tr><th>team</th><th>code</th></tr>",
    );
    for (t, tc) in s.room.teams.iter().enumerate() {
        let who: Vec<&str> = s.game.team_actors(t).iter().map(|&a| actor_name(sc, a)).collect();
        let _ = write!(body, "<tr><td>{}</td><td>{}</td></tr>", esc(&who.join(", ")), esc(&tc.code));
    }
    body.push_str(
        "</table><p class=\"hint\">Each team opens this server's address and types its code; the projector opens /projector.</p></section>",
    );
    body.push_str("<section id=\"log\"><h2>Log</h2><ul class=\"events\">");
    for e in s.game.log().iter().rev().take(40) {
        let _ = write!(body, "<li>{}</li>", entry(sc, e));
    }
    body.push_str("</ul></section></div></div></main>");
    page(&format!("Facilitator · {}", sc.name), "facilitator", s.version, &body)
}

fn forecast_section(s: &Seminar, c: &str) -> String {
    let mut h = format!(
        "<section id=\"forecast\"><h2>Forecast</h2><form method=\"post\" action=\"/f/{c}/forecast\" class=\"row\">\
         <label>runs <input type=\"number\" name=\"runs\" min=\"1\" max=\"10000\" value=\"{}\"></label><button type=\"submit\" class=\"plain\">Forecast from here</button></form>",
        s.forecast_runs
    );
    match &s.forecast {
        Some((v, f)) => {
            let stale = if *v == s.state_version { "" } else { " (the game has changed since)" };
            let _ = write!(
                h,
                "<p class=\"hint\">Before {}, {} runs each{stale}. From here: this game's state, the model playing everyone.</p>\
                 <table><tr><th>outcome</th><th>from here</th><th>at the start</th></tr>",
                esc(&s.game.scenario().calendar.period(f.turn.min(s.game.scenario().calendar.turns() - 1)).to_string()),
                f.runs
            );
            for o in &f.outcomes {
                let here = if o.reached.is_some() { "reached".to_string() } else { pct(o.p_from_here) };
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&o.label),
                    bar(if o.reached.is_some() { 1.0 } else { o.p_from_here }, &here, ""),
                    bar(o.p_at_start, &pct(o.p_at_start), "start")
                );
            }
            h.push_str("</table>");
        }
        None => h.push_str("<p class=\"muted\">Computing…</p>"),
    }
    h.push_str("</section>");
    h
}

/// The join page: type a code.
pub fn join(version: u64, flash: &Flash) -> String {
    let body = format!(
        "<header><h1>heartland seminar</h1></header><main>{}<section><h2>Join the game</h2>\
         <form method=\"post\" action=\"/join\" class=\"row\"><input type=\"text\" name=\"code\" autocomplete=\"off\" autocapitalize=\"characters\" placeholder=\"your team's code\" autofocus>\
         <button type=\"submit\">Join</button></form>\
         <p class=\"hint\">The facilitator gives each team its code. The room's screen is at <a href=\"/projector\">/projector</a>.</p></section></main>",
        flash_html(flash)
    );
    page("heartland seminar", "join", version, &body)
}
