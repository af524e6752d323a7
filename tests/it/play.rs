//! Wargame play through the library: scripted games, save and resume, replay, orders files,
//! facilitator operations, explanations that add up, forecasts.

use heartland::Scenario;
use heartland::model::decision::{logistic, with_error};
use heartland::play::explain;
use heartland::play::forecast;
use heartland::play::orders;
use heartland::play::save::{SaveError, SaveFile, SavedScenario};
use heartland::play::{Entry, Game, GameError, Team};
use heartland::simulation::{Overrides, Recorder, Simulation};

use crate::baseline_path;

fn baseline() -> Scenario {
    Scenario::load(&baseline_path()).unwrap()
}

fn team(actor: &str) -> Team {
    Team { name: actor.to_string(), actors: vec![actor.to_string()] }
}

/// One turn of the scripted game: facilitator moves on some turns, then the team's choices
/// (the recommendation, except every fourth turn, when it departs from it).
fn script_turn(g: &mut Game<'_>) {
    let t = g.turn();
    match t {
        6 => g.fire_event("taliban_offensive", Some("the seminar's inject".into())).unwrap(),
        12 => {
            g.inject(
                "label = \"Border clash\"\neffects = [{ target = \"state.afghan_threat\", add = 0.1 }]",
                "inject",
                None,
            )
            .unwrap();
        }
        18 => g.override_value("state.western_presence", 0.3, "the umpire rules a drawdown").unwrap(),
        24 => g.override_value("actors.russia.behaviour.rationality", 3.0, "Moscow calculates coldly").unwrap(),
        _ => {}
    }
    let decisions = g.decisions().to_vec();
    for d in &decisions {
        let name = g.teams()[d.team].name.clone();
        let sc = g.scenario();
        let (issue, actor) = (sc.issues[d.issue].id.clone(), sc.actors[d.participant.0].id.clone());
        let choice = if t % 4 == 3 { !d.recommend } else { d.recommend };
        g.submit(&name, &issue, Some(&actor), choice).unwrap();
    }
    assert!(g.pending().is_empty());
    g.adjudicate().unwrap();
    if t == 30 {
        // Undo the turn just played and play it again the same way.
        g.undo().unwrap();
        assert_eq!(g.turn(), 30);
        let decisions = g.decisions().to_vec();
        for d in &decisions {
            let sc = g.scenario();
            let (issue, actor) = (sc.issues[d.issue].id.clone(), sc.actors[d.participant.0].id.clone());
            g.submit("kazakhstan", &issue, Some(&actor), !d.recommend).unwrap();
        }
        g.adjudicate().unwrap();
    }
}

#[test]
fn a_scripted_game_saves_resumes_and_replays_to_the_same_end() {
    let sc = baseline();
    let teams = vec![team("kazakhstan")];
    let mut whole = Game::new(&sc, 17, 2, teams.clone()).unwrap();
    while !whole.is_over() {
        script_turn(&mut whole);
    }
    assert_eq!(whole.turn(), sc.calendar.turns());
    // The team decided something on most turns, departures were logged.
    let choices: usize =
        whole.log().iter().map(|e| if let Entry::Turn { choices, .. } = e { choices.len() } else { 0 }).sum();
    assert!(choices >= sc.calendar.turns(), "{choices} choices");
    assert!(whole.log().iter().any(|e| matches!(e, Entry::Undo { turn: 30 })));
    assert!(whole.log().iter().any(|e| matches!(e, Entry::Override { from, to, .. } if *from != *to)));

    // The same game, saved mid-way, read back, resumed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("game.json");
    let saved =
        SavedScenario::read(&std::fs::read_to_string(baseline_path()).unwrap(), &baseline_path().display().to_string())
            .unwrap();
    let mut first = Game::new(&sc, 17, 2, teams.clone()).unwrap();
    while first.turn() < 34 {
        script_turn(&mut first);
    }
    SaveFile::of(&first, &saved).write(&path).unwrap();
    drop(first);
    let file = SaveFile::read(&path).unwrap();
    file.check(&sc).unwrap();
    let mut resumed = file.resume(&sc, &path).unwrap();
    assert_eq!(resumed.turn(), 34);
    while !resumed.is_over() {
        script_turn(&mut resumed);
    }
    assert_eq!(resumed.simulation().state(), whole.simulation().state());
    assert_eq!(resumed.log(), whole.log());

    // Replaying the log reproduces the game, and its log.
    let replayed = Game::replay(&sc, 17, 2, teams, whole.log()).unwrap();
    assert_eq!(replayed.simulation().state(), whole.simulation().state());
    assert_eq!(replayed.log(), whole.log());
    // The embedded text plays the same game.
    let embedded = file.embedded_scenario().unwrap();
    let again = file.resume(&embedded, &path).unwrap();
    assert_eq!(again.simulation().state().turn, 34);
}

/// Looking at the recommendations never advances the game: a game whose decisions are
/// looked at before every turn and one left to the model from the start are the same run.
#[test]
fn recommendations_do_not_advance_the_random_stream() {
    let sc = baseline();
    let mut looked = Game::new(&sc, 5, 9, vec![team("uzbekistan")]).unwrap();
    let mut plain = Simulation::new(&sc, 5, 9);
    while !looked.is_over() {
        let _ = looked.decisions().len();
        let _ = looked.coming_events().len();
        looked.adjudicate_with_model().unwrap();
        plain.step();
        assert_eq!(looked.simulation().state(), plain.state());
    }
}

/// Imposing a participant's action leaves every decider's draw where it was.
#[test]
fn an_imposed_action_does_not_shift_the_other_draws() {
    let sc = baseline();
    let k = sc.issue("transit_kazakhstan").unwrap();
    let a = sc.actor("kazakhstan").unwrap();
    let mut free = Simulation::new(&sc, 3, 4);
    let mut forced = Simulation::new(&sc, 3, 4);
    let slot = forced.slot(k, a).unwrap();
    for _ in 0..10 {
        let (mut r1, mut r2) = (Recorder::default(), Recorder::default());
        let mut o = Overrides(vec![None; forced.slot_count()]);
        o.0[slot] = Some(false);
        free.step_with(&Overrides::default(), &mut r1);
        forced.step_with(&o, &mut r2);
        let draws = |r: &Recorder| r.decisions.iter().map(|d| d.draw).collect::<Vec<_>>();
        assert_eq!(draws(&r1), draws(&r2));
        // The forced side defected.
        assert_eq!(forced.state().history[slot] & 1, 0);
        // Re-align the states so that the draws are compared on the same turn only.
        forced = Simulation::resume(&sc, free.snapshot());
    }
}

#[test]
fn a_resume_against_a_changed_scenario_is_refused() {
    let sc = baseline();
    let dir = tempfile::tempdir().unwrap();
    let scenario_path = dir.path().join("mine.toml");
    let text = std::fs::read_to_string(baseline_path()).unwrap();
    std::fs::write(&scenario_path, &text).unwrap();
    let name = scenario_path.display().to_string();
    let saved = SavedScenario::read(&text, &name).unwrap();
    let mine = Scenario::load(&scenario_path).unwrap();
    let mut g = Game::new(&mine, 1, 0, vec![team("kazakhstan")]).unwrap();
    g.adjudicate_with_model().unwrap();
    let save = dir.path().join("save.json");
    SaveFile::of(&g, &saved).write(&save).unwrap();
    // Unchanged: accepted.
    SaveFile::read(&save).unwrap().check(&Scenario::load(&scenario_path).unwrap()).unwrap();
    // Changed: refused, naming the file and the way out.
    std::fs::write(&scenario_path, text.replace("runs = ", "# edited\nruns = ")).unwrap();
    let changed = Scenario::load(&scenario_path).unwrap();
    let err = SaveFile::read(&save).unwrap().check(&changed).unwrap_err();
    assert!(matches!(err, SaveError::ScenarioChanged { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("has changed since this game was saved") && msg.contains(&name) && msg.contains("--embedded"),
        "{msg}"
    );
    drop(sc);
}

#[test]
fn a_damaged_save_file_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.json");
    let err = SaveFile::parse("{\"format\": 1,\n \"seed\": \"x\"}", &p).unwrap_err();
    assert!(matches!(err, SaveError::Malformed { line: 2, .. }), "{err}");
    let err = SaveFile::parse("{\"format\": 9}", &p).unwrap_err();
    assert!(err.to_string().contains("format 9"), "{err}");
    // A log edited so that it no longer leads to the saved state.
    let sc = baseline();
    let saved = SavedScenario::read(&std::fs::read_to_string(baseline_path()).unwrap(), "b.toml").unwrap();
    let mut g = Game::new(&sc, 1, 0, vec![team("kazakhstan")]).unwrap();
    for _ in 0..3 {
        g.adjudicate_with_model().unwrap();
    }
    let mut file = SaveFile::of(&g, &saved);
    file.log.pop();
    let err = file.resume(&sc, &p).unwrap_err();
    assert!(err.to_string().contains("does not arrive at the saved state"), "{err}");
}

#[test]
fn facilitator_changes_are_checked_and_logged() {
    let sc = baseline();
    let mut g = Game::new(&sc, 1, 0, vec![team("nato")]).unwrap();
    // An ad-hoc inject with a typo: located, nothing changed, nothing logged.
    let err = g.inject("effects = [{ target = \"state.afghan_thret\", add = 0.1 }]", "inject", None).unwrap_err();
    let d = &err.diagnostics()[0];
    assert_eq!(d.key, "effects[0].target");
    assert_eq!(d.location.as_ref().map(|l| (l.line, l.column)), Some((1, 23)));
    assert!(d.help.as_deref().unwrap_or_default().contains("afghan_threat"), "{d:?}");
    assert!(g.log().is_empty());
    // A distribution is not an amount.
    let err =
        g.inject("effects = [{ target = \"state.afghan_threat\", add = { uniform = [0.0, 1.0] } }]", "inject", None);
    assert!(err.is_err());
    // A good one moves the state, clamped to its domain.
    let before = g.current("state.afghan_threat").unwrap();
    g.inject(
        "label = \"Surge\"\neffects = [{ target = \"state.afghan_threat\", add = 0.05 }]",
        "inject",
        Some("why".into()),
    )
    .unwrap();
    assert!((g.current("state.afghan_threat").unwrap() - (before + 0.05)).abs() < 1e-12);
    // Overrides need a reason and a value in the domain.
    assert!(g.override_value("trust.russia.usa", 0.2, " ").is_err());
    assert!(g.override_value("actors.russia.behaviour.error", 7.0, "x").is_err());
    assert!(g.override_value("state.afghan_threat.initial", 0.5, "x").is_err());
    assert!(g.override_value("trust.nato.usa", 0.5, "x").is_err(), "an organization's trust is derived");
    g.override_value("trust.russia.usa", 0.2, "Crimea").unwrap();
    assert_eq!(g.current("trust.russia.usa").unwrap(), 0.2);
    assert!(g.fire_event("no_such_event", None).unwrap_err().to_string().contains("no event"));
    assert_eq!(g.log().len(), 2);
    assert!(g.undo().is_err(), "nothing played yet");
}

#[test]
fn submissions_are_checked_and_pending_decisions_listed() {
    let sc = baseline();
    let mut g = Game::new(&sc, 1, 0, vec![team("kazakhstan"), team("nato")]).unwrap();
    assert!(
        Game::new(&sc, 1, 0, vec![team("kazakstan")]).unwrap_err().to_string().contains("did you mean `kazakhstan`")
    );
    assert!(Game::new(&sc, 1, 0, vec![team("nato"), team("nato")]).is_err());
    let pending = g.pending();
    assert!(pending.iter().any(|d| d.team == 0) && pending.iter().any(|d| d.team == 1));
    let err = g.adjudicate().unwrap_err();
    assert!(matches!(err, GameError::Pending(_)), "{err}");
    // Kazakhstan and NATO both sit on the Kazakh transit route: each team decides its side.
    assert!(g.submit("kazakhstan", "transit_kazakstan", None, true).unwrap_err().to_string().contains("did you mean"));
    assert!(matches!(g.submit("kazakhstan", "transit_russia", None, true), Err(GameError::NotTheirs { .. })));
    for d in g.pending() {
        let (t, i, a) =
            (g.teams()[d.team].name.clone(), sc.issues[d.issue].id.clone(), sc.actors[d.participant.0].id.clone());
        g.submit(&t, &i, Some(&a), d.recommend).unwrap();
    }
    assert!(g.pending().is_empty());
    g.adjudicate().unwrap();
}

#[test]
fn an_organizations_recommendation_is_its_members_votes_carried() {
    let sc = baseline();
    let mut g = Game::new(&sc, 1, 0, vec![team("csto")]).unwrap();
    let d = g.decisions().to_vec();
    assert!(!d.is_empty());
    for d in &d {
        assert!(d.records.iter().all(|r| r.participant == d.participant && r.decider != d.participant));
        assert!((0.0..=1.0).contains(&d.p_cooperate));
        assert_eq!(d.recommend, d.p_cooperate >= 0.5);
    }
}

const ORDERS: &str =
    "turn = \"2014-Q1\"\nnote = \"we keep the route open\"\n\n[decisions]\ntransit_kazakhstan = \"stay\"\n";

#[test]
fn orders_files_are_read_and_their_errors_located() {
    let sc = baseline();
    let mut g = Game::new(&sc, 1, 0, vec![team("kazakhstan")]).unwrap();
    assert_eq!(g.date(), "2014-Q1");
    let mine: Vec<String> = g.decisions().iter().map(|d| sc.issues[d.issue].id.clone()).collect();
    assert!(mine.contains(&"transit_kazakhstan".to_string()), "{mine:?}");
    let rest = if mine.len() > 1 { "rest = \"model\"\n" } else { "" };
    let good = format!("{rest}{ORDERS}");
    let o = orders::parse(&mut g, 0, &good, "o.toml").unwrap();
    g.submit_orders(&o).unwrap();
    assert!(g.log().iter().any(|e| matches!(e, Entry::Note { text, .. } if text == "we keep the route open")));

    let err = |text: &str, g: &mut Game<'_>| orders::parse(g, 0, text, "o.toml").unwrap_err();
    // An unknown issue, with a suggestion, on its line.
    let e = err(&format!("{rest}{}", ORDERS.replace("transit_kazakhstan =", "transit_kazakstan =")), &mut g);
    let d = e.diagnostics().iter().find(|d| d.message.contains("no issue")).expect("unknown issue");
    assert!(d.help.as_deref().unwrap().contains("transit_kazakhstan"));
    assert_eq!(d.location.as_ref().unwrap().line, 5 + usize::from(!rest.is_empty()));
    // A decision the actor does not take.
    let e = err(&format!("{rest}{ORDERS}transit_russia = \"stay\"\n"), &mut g);
    assert!(e.diagnostics().iter().any(|d| d.message.contains("takes no decision on `transit_russia`") && d.key == "decisions.transit_russia"));
    // A word that is not a choice here (the arrangement is in force: stay or leave).
    let e = err(&format!("{rest}{}", ORDERS.replace("\"stay\"", "\"join\"")), &mut g);
    let d = &e.diagnostics()[0];
    assert!(d.message.contains("`join` is not a choice"), "{d:?}");
    assert!(d.expected.as_deref().unwrap().contains("stay_in"));
    // Orders for another turn; an unknown key; not TOML; a missing decision.
    let e = err(&format!("{rest}{}", ORDERS.replace("2014-Q1", "2014-Q2")), &mut g);
    assert!(e.diagnostics()[0].message.contains("coming turn is 2014-Q1"));
    assert!(err("turn = \"2014-Q1\"\nteam = \"x\"\n", &mut g).to_string().contains("unknown field"));
    let e = err("turn = \"2014-Q1\n", &mut g);
    assert!(e.diagnostics()[0].location.is_some());
    let e = err("turn = \"2014-Q1\"\n[decisions]\n", &mut g);
    assert!(
        e.diagnostics()
            .iter()
            .any(|d| d.message.contains("no decision on") && d.message.contains("transit_kazakhstan"))
    );
}

/// `explain`'s terms add up to the utility the engine used, and the probability follows.
#[test]
fn explained_terms_add_up_to_the_engines_utility_and_probability() {
    let sc = baseline();
    let records = explain::run_records(&sc, 4, 1);
    assert!(records.len() > 1000);
    for r in &records {
        let pressure: f64 = r.pressure.iter().map(|p| p.1).sum();
        let by_dim: f64 = r.by_dimension.iter().map(|d| d.1).sum();
        assert!((by_dim - r.advantage).abs() < 1e-9, "{r:?}");
        let utility = r.horizon * (r.advantage - pressure - r.upkeep) + r.status_quo;
        assert!((utility - r.utility).abs() < 1e-9, "{r:?}");
        assert_eq!(r.p_intend, logistic(r.rationality * r.utility));
        assert!((with_error(r.p_intend, r.error) - r.p_cooperate).abs() < 1e-12);
        assert_eq!(r.cooperated, r.draw < r.p_cooperate);
    }
    // The text of one decision names its terms and ends with the draw.
    let one = explain::find(&sc, &records, "kazakhstan", "transit_kazakhstan", Some(3));
    assert_eq!(one.len(), 1);
    let text = explain::describe(&sc, one[0], true);
    assert!(
        text.contains("kazakhstan on transit_kazakhstan")
            && text.contains("p(intend) = logistic")
            && text.contains("draw"),
        "{text}"
    );
    // The table has a row per decision and a column per interest.
    let table = explain::csv(&sc, &records);
    assert_eq!(table.lines().count(), records.len() + 1);
    let header = table.lines().next().unwrap();
    assert!(sc.dimensions.iter().all(|d| header.contains(&format!("advantage_{d}"))));
}

#[test]
fn forecasts_do_not_depend_on_threads_and_know_what_happened() {
    let sc = baseline();
    let mut g = Game::new(&sc, 8, 0, vec![team("russia")]).unwrap();
    for _ in 0..20 {
        g.adjudicate_with_model().unwrap();
    }
    let go = |threads: usize, g: &Game<'_>| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let start = forecast::at_start(&sc, 8, 40);
            forecast::forecast(g, 40, &start)
        })
    };
    let (a, b) = (go(1, &g), go(2, &g));
    assert_eq!(a, b);
    assert_eq!(a.turn, 20);
    for o in &a.outcomes {
        if o.reached.is_some() {
            assert_eq!(o.from_here, 40, "{}: reached already", o.id);
        }
        assert!(o.ci_from_here.0 <= o.p_from_here && o.p_from_here <= o.ci_from_here.1);
    }
    // At the end of the game a forecast is what happened.
    while !g.is_over() {
        g.adjudicate_with_model().unwrap();
    }
    let end = go(2, &g);
    for o in &end.outcomes {
        assert_eq!(o.from_here, if o.reached.is_some() { 40 } else { 0 });
    }
}

// ---- The binary: `heartland play` fed by standard input and by orders files. ----

fn heartland_play(args: &[&str], stdin: &str, dir: &std::path::Path) -> std::process::Output {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_heartland"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The lines of turn `t` of the scripted terminal game: the model's choices, a departure
/// every fifth turn, and a facilitator's moves on some turns.
fn terminal_turn(t: usize) -> Vec<&'static str> {
    let mut lines = match t {
        3 => vec!["inject taliban_offensive the seminar's inject"],
        7 => vec!["adhoc effects = [{ target = \"state.afghan_threat\", add = 0.1 }]"],
        11 => vec!["set state.western_presence 0.4 the umpire rules a drawdown"],
        _ => vec![],
    };
    if t % 5 == 4 {
        lines.extend(["", "n", "model"]);
    } else {
        lines.push("model");
    }
    lines
}

fn save_of(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_terminal_game_quit_and_resumed_ends_as_the_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let turns = baseline().calendar.turns();
    let all: Vec<&str> = (0..turns).flat_map(terminal_turn).collect();
    let args = |save: &'static str| {
        vec!["play", "baseline_2014", "--as", "kazakhstan", "--save", save, "--forecast-runs", "20"]
    };
    let whole = heartland_play(&args("whole.json"), &(all.join("\n") + "\n"), dir.path());
    assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
    let screen = String::from_utf8_lossy(&whole.stdout);
    assert!(screen.contains("The game is over.") && screen.contains("After-action report"), "{screen}");
    assert!(screen.contains("Event taliban_offensive fired.") && screen.contains("Injected: ad-hoc inject."));
    assert!(dir.path().join("whole.aar/aar.html").is_file());

    // Quit after 30 turns (at the turn prompt), resume, play the rest.
    let first: Vec<&str> = (0..30).flat_map(terminal_turn).chain(["quit"]).collect();
    let out = heartland_play(&args("split.json"), &(first.join("\n") + "\n"), dir.path());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Resume with: heartland play --resume split.json"));
    assert_eq!(save_of(&dir.path().join("split.json"))["turn"], 30);
    let rest: Vec<&str> = (30..turns).flat_map(terminal_turn).collect();
    let out = heartland_play(
        &["play", "--resume", "split.json", "--forecast-runs", "20"],
        &(rest.join("\n") + "\n"),
        dir.path(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (save_of(&dir.path().join("whole.json")), save_of(&dir.path().join("split.json")));
    assert_eq!(a["snapshot"], b["snapshot"]);
    assert_eq!(a["log"], b["log"]);
    assert_eq!(a["turn"], turns);
    // The log has the facilitator's moves and the departures.
    let log = a["log"].as_array().unwrap();
    for kind in ["event", "inject", "override"] {
        assert!(log.iter().any(|e| e["entry"] == kind), "{kind}");
    }
    let departures = log
        .iter()
        .flat_map(|e| e["choices"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["cooperate"] != c["recommended"])
        .count();
    // The first departure (leaving the transit route) ends the arrangement; later "n"s may agree with the model.
    assert!(departures >= 1, "{departures}");
}

#[test]
fn bad_player_input_is_asked_again_and_never_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let junk = [
        "fly",
        "set",
        "set state.afghan_threat high reason",
        "set state.afghan_threat 0.5",
        "set nothing.here 1 why",
        "forecast -3",
        "forecast many",
        "inject",
        "inject no_such_event",
        "adhoc effects = [",
        "explain",
        "explain russia",
        "undo",
        "\u{7f}\u{1b}[A",
        "",
        "maybe",
        "?",
        "yes please",
        "q",
    ];
    let out = heartland_play(
        &["play", "baseline_2014", "--as", "kazakhstan", "--save", "g.json"],
        &(junk.join("\n") + "\n"),
        dir.path(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let screen = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "`fly` is not a command",
        "set takes a target, a number and a reason",
        "cannot set: an override needs a reason",
        "cannot set:",
        "forecast takes a number of runs",
        "inject which event?",
        "cannot inject: no event `no_such_event`",
        "explain takes an actor and an issue",
        "cannot undo: no turn to undo",
        "`maybe` is not a choice here",
        "`yes please` is not a choice here",
        "Saved in g.json",
    ] {
        assert!(screen.contains(expected), "missing {expected:?} in:\n{screen}");
    }
    // Bytes that are not UTF-8, then the end of input: saved, no panic.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_heartland"))
        .args(["play", "--resume", "g.json"])
        .current_dir(dir.path())
        .stdin(
            std::fs::File::open({
                let p = dir.path().join("bytes");
                std::fs::write(&p, b"\xff\xfe\n\n\xc3\n").unwrap();
                p
            })
            .unwrap(),
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is not a choice here"));
}

#[test]
fn an_orders_game_stops_for_missing_orders_and_ends_as_the_uninterrupted_one() {
    let sc = baseline();
    let dir = tempfile::tempdir().unwrap();
    let orders_dir = dir.path().join("orders");
    let write_orders = |from: usize, to: usize| {
        for t in from..to {
            let date = sc.calendar.period(t).to_string();
            let p = orders::orders_path(&orders_dir, &date, "kazakhstan");
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            let leave = if t == 2 { "csto_kazakhstan = \"leave\"\n" } else { "" };
            std::fs::write(
                p,
                format!("turn = \"{date}\"\nrest = \"model\"\nnote = \"orders {t}\"\n[decisions]\n{leave}"),
            )
            .unwrap();
        }
    };
    let turns = sc.calendar.turns();
    let facilitator = "inject taliban_offensive seminar inject\n\n\n\nset state.western_presence 0.4 drawdown\n";
    let args = |save: &'static str| {
        vec![
            "play",
            "baseline_2014",
            "--as",
            "kazakhstan",
            "--orders",
            "orders",
            "--save",
            save,
            "--forecast-runs",
            "20",
        ]
    };
    write_orders(0, turns);
    let whole = heartland_play(&args("whole.json"), facilitator, dir.path());
    assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
    assert!(String::from_utf8_lossy(&whole.stdout).contains("The game is over."));

    // Orders only up to turn 20: the game stops there, saved, and says what it waits for.
    std::fs::remove_dir_all(&orders_dir).unwrap();
    write_orders(0, 20);
    let out = heartland_play(&args("split.json"), facilitator, dir.path());
    assert!(out.status.success());
    let screen = String::from_utf8_lossy(&out.stdout);
    let waiting = format!("Waiting for orders for {}", sc.calendar.period(20));
    assert!(screen.contains(&waiting) && screen.contains("kazakhstan.toml"), "{screen}");
    assert_eq!(save_of(&dir.path().join("split.json"))["turn"], 20);
    // Malformed orders for turn 20: located errors, exit 2, the game still at turn 20.
    let bad = orders::orders_path(&orders_dir, &sc.calendar.period(20).to_string(), "kazakhstan");
    std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
    std::fs::write(
        &bad,
        format!("turn = \"{}\"\nrest = \"model\"\n[decisions]\ncsto_kazakstan = \"leave\"\n", sc.calendar.period(20)),
    )
    .unwrap();
    let out = heartland_play(&["play", "--resume", "split.json", "--orders", "orders"], "", dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no issue `csto_kazakstan`")
            && err.contains(":4:1")
            && err.contains("did you mean `csto_kazakhstan`"),
        "{err}"
    );
    assert_eq!(save_of(&dir.path().join("split.json"))["turn"], 20);
    // The rest of the orders arrive: the game ends as the uninterrupted one.
    write_orders(20, turns);
    let out = heartland_play(
        &["play", "--resume", "split.json", "--orders", "orders", "--forecast-runs", "20"],
        "",
        dir.path(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (save_of(&dir.path().join("whole.json")), save_of(&dir.path().join("split.json")));
    assert_eq!(a["snapshot"], b["snapshot"]);
    assert_eq!(a["log"], b["log"]);
    assert!(a["log"].as_array().unwrap().iter().any(|e| e["entry"] == "override"));
}

#[test]
fn a_resume_against_a_changed_scenario_file_is_refused_by_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(baseline_path(), dir.path().join("mine.toml")).unwrap();
    let out = heartland_play(&["play", "mine.toml", "--as", "russia", "--save", "g.json"], "model\nquit\n", dir.path());
    assert!(out.status.success());
    let text = std::fs::read_to_string(dir.path().join("mine.toml")).unwrap();
    std::fs::write(dir.path().join("mine.toml"), text.replacen("runs = ", "runs = 1 + 0 * ", 0) + "\n# edited\n")
        .unwrap();
    let out = heartland_play(&["play", "--resume", "g.json"], "quit\n", dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the scenario has changed since this game was saved: mine.toml"), "{err}");
    assert!(err.contains("--embedded"));
    // With the embedded text the game plays on.
    let out = heartland_play(&["play", "--resume", "g.json", "--embedded"], "quit\n", dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn explain_gives_one_decisions_terms_and_a_sortable_table() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| heartland_play(args, "", dir.path());
    let one = run(&[
        "explain",
        "baseline_2014",
        "--seed",
        "3",
        "--run",
        "2",
        "--actor",
        "kazakhstan",
        "--issue",
        "transit_kazakhstan",
        "--date",
        "2015-Q1",
    ]);
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(text.contains("utility advantage of stay in") || text.contains("utility advantage of join"), "{text}");
    let table = run(&["explain", "baseline_2014", "--seed", "3", "--run", "2", "--out", "d.csv"]);
    assert!(table.status.success());
    let csv = std::fs::read_to_string(dir.path().join("d.csv")).unwrap();
    assert!(csv.starts_with("turn,date,issue,participant,decider"));
    assert!(csv.lines().count() > 1000);
    let bad = run(&["explain", "baseline_2014", "--actor", "kazakstan", "--issue", "transit_kazakhstan"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = run(&[
        "explain",
        "baseline_2014",
        "--actor",
        "kazakhstan",
        "--issue",
        "transit_kazakhstan",
        "--date",
        "1999-Q1",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}
