//! `heartland play` and `heartland explain`: the terminal front end of `heartland::play`.
//! Part of the binary (`src/main.rs` includes it), not of the library: it reads lines from
//! standard input and prints screens; the game itself lives in the library.
//!
//! Every line is read as text and checked; anything not understood is asked again. The game
//! is saved after every turn and on every way out (`quit`, end of input, orders missing), so
//! closing the terminal loses nothing.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use heartland::model::issue::IssueKind;
use heartland::play::aar;
use heartland::play::explain;
use heartland::play::forecast;
use heartland::play::orders;
use heartland::play::save::{SaveFile, SavedScenario};
use heartland::play::{Decision, Game, Team};
use heartland::report::charts::percent;
use heartland::scenario::Scenario;

use super::{Failure, Source, load_source};

#[derive(clap::Args)]
pub(crate) struct PlayArgs {
    /// The scenario: a file, or the name of a shipped scenario (not with --resume).
    #[arg(required_unless_present = "resume", conflicts_with = "resume")]
    scenario: Option<PathBuf>,
    /// The actors the players take, comma-separated; each is a team (`--as kazakhstan,nato`).
    #[arg(long = "as", value_delimiter = ',', required_unless_present = "resume", conflicts_with = "resume")]
    actors: Vec<String>,
    /// Master seed [default: the scenario's].
    #[arg(long, conflicts_with = "resume")]
    seed: Option<u64>,
    /// Run index: which of the scenario's runs is played.
    #[arg(long, default_value_t = 0, conflicts_with = "resume")]
    run: u64,
    /// The save file, written after every turn [default: outputs/games/<scenario>-<actors>.json,
    /// or the file resumed].
    #[arg(long)]
    save: Option<PathBuf>,
    /// Resume the game saved in FILE.
    #[arg(long, value_name = "FILE")]
    resume: Option<PathBuf>,
    /// With --resume: play on with the scenario text saved in the game, even if the file changed.
    #[arg(long, requires = "resume")]
    embedded: bool,
    /// Read every team's decisions from DIR/DATE/TEAM.toml; stop, saving, when some are missing.
    #[arg(long, value_name = "DIR")]
    orders: Option<PathBuf>,
    /// Runs of a forecast, and behind the after-action report's bands.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    forecast_runs: u64,
    /// Write the after-action report (aar.html, aar.md, aar.json) to DIR and stop.
    #[arg(long, value_name = "DIR", requires = "resume")]
    aar: Option<PathBuf>,
}

pub(crate) fn input(msg: impl Into<String>) -> Failure {
    Failure::Input(msg.into())
}

/// A scenario with the texts of its files, as a game saves them.
pub(crate) fn load_with_texts(arg: &Path) -> Result<(Scenario, SavedScenario), Failure> {
    let source = Source::of(arg, heartland::scenario::shipped::scenario);
    let (scenario, bytes) = load_source(&source)?;
    let text = String::from_utf8(bytes).map_err(|_| input("error: the scenario is not UTF-8 text"))?;
    let saved = SavedScenario::read(&text, &source.name()).map_err(|e| input(e.to_string()))?;
    Ok((scenario, saved))
}

/// A saved game's file and its scenario: as it reads now where the game found it (refused if
/// it changed), or, `embedded`, as the save file keeps it.
pub(crate) fn read_saved(path: &Path, embedded: bool) -> Result<(Scenario, SaveFile), Failure> {
    let file = SaveFile::read(path).map_err(|e| input(format!("error: {e}")))?;
    let scenario = if embedded {
        file.embedded_scenario().map_err(|e| input(format!("error: {e}")))?
    } else {
        let name = &file.scenario.name;
        let source = heartland::scenario::shipped::by_display_name(name)
            .map_or_else(|| Source::File(PathBuf::from(name)), Source::Shipped);
        let (now, _) = load_source(&source)?;
        file.check(&now).map_err(|e| input(format!("error: {e}")))?;
        now
    };
    Ok((scenario, file))
}

pub(crate) fn play(args: PlayArgs) -> Result<(), Failure> {
    let (scenario, saved, file, save_path) = match &args.resume {
        Some(path) => {
            let (scenario, file) = read_saved(path, args.embedded)?;
            let saved = file.scenario.clone();
            (scenario, saved, Some(file), args.save.clone().unwrap_or_else(|| path.clone()))
        }
        None => {
            let arg = args.scenario.as_ref().expect("clap requires it");
            let (scenario, saved) = load_with_texts(arg)?;
            let stem = Source::of(arg, heartland::scenario::shipped::scenario).stem("game");
            let default = Path::new("outputs/games").join(format!("{stem}-{}.json", args.actors.join("-")));
            (scenario, saved, None, args.save.clone().unwrap_or(default))
        }
    };
    let mut game = match &file {
        Some(f) => {
            f.resume(&scenario, args.resume.as_deref().expect("resumed")).map_err(|e| input(format!("error: {e}")))?
        }
        None => {
            let teams = args.actors.iter().map(|a| Team { name: a.clone(), actors: vec![a.clone()] }).collect();
            Game::new(&scenario, args.seed.unwrap_or(scenario.seed), args.run, teams)
                .map_err(|e| input(format!("error: {e}")))?
        }
    };
    if let Some(dir) = &args.aar {
        return write_aar(&game, dir, args.forecast_runs);
    }
    if let Some(parent) = save_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Failure::Io(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut session = Session { saved, save_path, orders: args.orders.clone(), runs: args.forecast_runs };
    session.save(&game)?;
    session.say(&format!(
        "heartland play: {} — you play {}. Saved after every turn in {}.",
        scenario.name,
        game.teams().iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
        session.save_path.display()
    ));
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    session.run(&mut game, &mut lines)
}

struct Session {
    saved: SavedScenario,
    save_path: PathBuf,
    orders: Option<PathBuf>,
    runs: u64,
}

/// What a line at the turn prompt asks for.
enum Next {
    Decide,
    /// Every decision of the turn as the model recommends.
    Model,
    Stay,
    Quit,
}

impl Session {
    fn say(&mut self, s: &str) {
        super::out::text(&format!("{s}\n"));
    }

    fn prompt(&mut self, p: &str) {
        super::out::text(p);
    }

    fn save(&self, game: &Game<'_>) -> Result<(), Failure> {
        SaveFile::of(game, &self.saved).write(&self.save_path).map_err(|e| Failure::Io(e.to_string()))
    }

    /// A line of input; `None` at the end of input. A line that is not text is read as
    /// empty of meaning, and asked again by the caller.
    fn read(&mut self, lines: &mut impl BufRead) -> Option<String> {
        let mut buf = Vec::new();
        match lines.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(String::from_utf8_lossy(&buf).trim().to_string()),
        }
    }

    fn run(&mut self, game: &mut Game<'_>, lines: &mut impl BufRead) -> Result<(), Failure> {
        loop {
            if game.is_over() {
                self.screen(game);
                self.say("The game is over.");
                self.save(game)?;
                return self.finish(game);
            }
            self.screen(game);
            let next = self.commands(game, lines)?;
            match next {
                Next::Quit => {
                    self.save(game)?;
                    self.say(&format!(
                        "Saved in {}. Resume with: heartland play --resume {}",
                        self.save_path.display(),
                        self.save_path.display()
                    ));
                    return Ok(());
                }
                Next::Stay => continue,
                Next::Decide | Next::Model => {}
            }
            let decided = match (&self.orders, next) {
                (Some(dir), _) => self.read_orders(game, &dir.clone())?,
                (None, Next::Model) => self.ask(game, lines, true),
                (None, _) => self.ask(game, lines, false),
            };
            if !decided {
                self.save(game)?;
                self.say(&format!("Saved in {}.", self.save_path.display()));
                return Ok(());
            }
            if let Err(e) = game.adjudicate() {
                self.say(&format!("cannot play the turn: {e}"));
                continue;
            }
            self.save(game)?;
        }
    }

    /// The facilitator's prompt before a turn's decisions. Empty line: decide.
    fn commands(&mut self, game: &mut Game<'_>, lines: &mut impl BufRead) -> Result<Next, Failure> {
        loop {
            self.prompt("[Enter] decide · model · forecast · explain ACTOR ISSUE · inject EVENT · adhoc · set TARGET VALUE REASON · undo · save · quit · help\nturn> ");
            let Some(line) = self.read(lines) else {
                // End of input: orders play on; at the keyboard, the game is saved and left.
                return Ok(if self.orders.is_some() { Next::Decide } else { Next::Quit });
            };
            let (cmd, rest) = line.split_once(char::is_whitespace).unwrap_or((line.as_str(), ""));
            let rest = rest.trim();
            match cmd {
                "" | "decide" | "d" => return Ok(Next::Decide),
                "model" | "m" => return Ok(Next::Model),
                "quit" | "q" | "exit" => return Ok(Next::Quit),
                "help" | "h" | "?" => self.say(HELP),
                "save" => {
                    self.save(game)?;
                    self.say(&format!("saved in {}", self.save_path.display()));
                }
                "undo" => match game.undo() {
                    Ok(()) => {
                        self.save(game)?;
                        self.say("The last turn is undone.");
                        return Ok(Next::Stay);
                    }
                    Err(e) => self.say(&format!("cannot undo: {e}")),
                },
                "forecast" => {
                    let runs = if rest.is_empty() {
                        Some(self.runs)
                    } else {
                        rest.parse().ok().filter(|&n| n > 0 && n <= 100_000)
                    };
                    match runs {
                        Some(n) => self.forecast(game, n),
                        None => self.say("forecast takes a number of runs, 1 to 100000 (e.g. forecast 500)"),
                    }
                }
                "explain" => {
                    let parts: Vec<&str> = rest.split_whitespace().collect();
                    match parts.as_slice() {
                        [actor, issue] => {
                            let sc = game.scenario();
                            let found: Vec<String> = explain::find(sc, game.coming_records(), actor, issue, None)
                                .into_iter()
                                .map(|r| explain::describe(sc, r, false))
                                .collect();
                            if found.is_empty() {
                                self.say(&format!(
                                    "{actor} takes no decision on {issue} this turn (or no such actor or issue)"
                                ));
                            } else {
                                self.say(&found.join("\n"));
                            }
                        }
                        _ => self.say("explain takes an actor and an issue: explain russia transit_russia"),
                    }
                }
                "inject" => {
                    let (event, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                    if event.is_empty() {
                        let ids: Vec<&str> = game.scenario().events.iter().map(|e| e.id.as_str()).collect();
                        self.say(&format!("inject which event? {}", ids.join(", ")));
                        continue;
                    }
                    let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
                    match game.fire_event(event, reason) {
                        Ok(()) => {
                            self.save(game)?;
                            self.say(&format!("Event {event} fired."));
                            return Ok(Next::Stay);
                        }
                        Err(e) => self.say(&format!("cannot inject: {e}")),
                    }
                }
                "adhoc" => {
                    let text = if rest.is_empty() {
                        self.say("Write the inject as a scenario event's effects; end with an empty line:");
                        self.say(
                            "  label = \"Border clash\"\n  effects = [{ target = \"state.afghan_threat\", add = 0.1 }]",
                        );
                        let mut text = String::new();
                        while let Some(l) = self.read(lines).filter(|l| !l.is_empty()) {
                            text.push_str(&l);
                            text.push('\n');
                        }
                        text
                    } else {
                        rest.to_string()
                    };
                    match game.inject(&text, "inject", None) {
                        Ok(label) => {
                            self.save(game)?;
                            self.say(&format!("Injected: {label}."));
                            return Ok(Next::Stay);
                        }
                        Err(e) => self.say(&e.to_string()),
                    }
                }
                "set" => {
                    let mut parts = rest.splitn(3, char::is_whitespace);
                    let (target, value, reason) = (parts.next(), parts.next(), parts.next().unwrap_or("").trim());
                    match (target, value.and_then(|v| v.parse::<f64>().ok())) {
                        (Some(t), Some(v)) if !t.is_empty() => match game.override_value(t, v, reason) {
                            Ok(()) => {
                                self.save(game)?;
                                self.say(&format!("{t} set to {v}."));
                                return Ok(Next::Stay);
                            }
                            Err(e) => self.say(&format!("cannot set: {e}")),
                        },
                        _ => self.say("set takes a target, a number and a reason: set state.afghan_threat 0.6 the umpire rules a surge"),
                    }
                }
                other => self.say(&format!("`{other}` is not a command; type help")),
            }
        }
    }

    /// Asks each decision of the players' teams; false at the end of input.
    fn ask(&mut self, game: &mut Game<'_>, lines: &mut impl BufRead, mut model: bool) -> bool {
        let decisions = game.decisions().to_vec();
        let sc = game.scenario();
        let total = decisions.len();
        for (i, d) in decisions.iter().enumerate() {
            let (yes, no) = d.kind.words();
            let partner = partner_words(sc, d);
            let state = match d.kind {
                heartland::play::DecisionKind::Stay => " (the arrangement is in force)",
                heartland::play::DecisionKind::Join => " (the arrangement is not in force)",
                _ => "",
            };
            self.say(&format!(
                "\nDecision {} of {total}, {}: {} — {}{partner}{state}",
                i + 1,
                sc.actors[d.participant.0].id,
                sc.issues[d.issue].id,
                sc.issues[d.issue].label
            ));
            let rec = d.kind.word(d.recommend);
            loop {
                if model {
                    let (team, issue, actor) =
                        (game.teams()[d.team].name.clone(), &sc.issues[d.issue].id, &sc.actors[d.participant.0].id);
                    if game.submit(&team, issue, Some(actor), d.recommend).is_ok() {
                        self.say(&format!("  the model's choice: {rec}"));
                    }
                    break;
                }
                self.prompt(&format!(
                    "  [y] {yes} · [n] {no} · [Enter] the model's choice: {rec} ({} likely to {yes}) · [?] why · [m] model for the rest · [q] quit\n  > ",
                    percent(d.p_cooperate)
                ));
                let Some(line) = self.read(lines) else { return false };
                let choice = match line.as_str() {
                    "" => Some(d.recommend),
                    "quit" | "q" => return false,
                    "model" | "m" => {
                        model = true;
                        continue;
                    }
                    "y" | "Y" => Some(true),
                    "n" | "N" => Some(false),
                    "?" | "why" => {
                        for r in &d.records {
                            // The turn is not played yet: its draws are not shown.
                            let text = explain::describe(sc, r, false);
                            self.say(&text);
                        }
                        continue;
                    }
                    other => d.kind.parse(other),
                };
                match choice {
                    Some(c) => {
                        let (team, issue, actor) =
                            (game.teams()[d.team].name.clone(), &sc.issues[d.issue].id, &sc.actors[d.participant.0].id);
                        if let Err(e) = game.submit(&team, issue, Some(actor), c) {
                            self.say(&format!("  {e}"));
                            continue;
                        }
                        break;
                    }
                    None => self.say(&format!("  `{line}` is not a choice here: y ({yes}), n ({no}), Enter, ? or q")),
                }
            }
        }
        true
    }

    /// Reads every team's orders for the coming turn; false when some are missing or wrong.
    fn read_orders(&mut self, game: &mut Game<'_>, dir: &Path) -> Result<bool, Failure> {
        let date = game.date();
        let teams: Vec<String> = game.teams().iter().map(|t| t.name.clone()).collect();
        let mut missing = Vec::new();
        let mut read = Vec::new();
        for (t, name) in teams.iter().enumerate() {
            let path = orders::orders_path(dir, &date, name);
            match heartland::input::read(&path, heartland::scenario::MAX_FILE_BYTES as u64) {
                Ok(bytes) => read.push((t, path, bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(path),
                Err(e) if heartland::input::is_bad_input(&e) => {
                    return Err(Failure::Input(format!("error: {} {e}", path.display())));
                }
                Err(e) => return Err(Failure::Io(format!("cannot read {}: {e}", path.display()))),
            }
        }
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(|p| format!("  {}", p.display())).collect();
            self.say(&format!(
                "Waiting for orders for {date}:\n{}\nThe game is saved; when the orders are in: heartland play --resume {} --orders {}",
                list.join("\n"),
                self.save_path.display(),
                dir.display()
            ));
            return Ok(false);
        }
        for (t, path, bytes) in read {
            let name = path.display().to_string();
            let Ok(text) = String::from_utf8(bytes) else {
                self.save(game)?;
                return Err(input(format!("error: {name} is not UTF-8 text")));
            };
            match orders::parse(game, t, &text, &name) {
                Ok(o) => game.submit_orders(&o).map_err(|e| input(format!("error: {e}")))?,
                Err(e) => {
                    self.save(game)?;
                    return Err(input(format!("{e}\nThe game is saved; fix the orders and resume.")));
                }
            }
        }
        // What the orders left to the model.
        game.submit_recommended().map_err(|e| input(format!("error: {e}")))?;
        self.say(&format!("Orders for {date} read for {}.", teams.join(", ")));
        Ok(true)
    }

    fn forecast(&mut self, game: &Game<'_>, runs: u64) {
        let start = forecast::at_start(game.scenario(), game.seed(), runs);
        let f = forecast::forecast(game, runs, &start);
        self.say(&format!(
            "Forecast from {} ({runs} runs each). From here: this game's state and parameter values, the model playing \
             everyone. At start: the scenario's runs, each with its own sampled parameters.",
            game.date()
        ));
        self.say(&format!("  {:<52} {:>10} {:>10}", "outcome", "from here", "at start"));
        for o in &f.outcomes {
            let here = if o.reached.is_some() { "reached".to_string() } else { percent(o.p_from_here) };
            self.say(&format!("  {:<52} {:>10} {:>10}", truncate(&o.label, 52), here, percent(o.p_at_start)));
        }
    }

    fn finish(&mut self, game: &Game<'_>) -> Result<(), Failure> {
        let dir = self.save_path.with_extension("aar");
        write_aar(game, &dir, self.runs)
    }

    /// The screen before a turn: date, last turn, state.
    fn screen(&mut self, game: &mut Game<'_>) {
        let text = screen(game);
        self.say(&text);
    }
}

const HELP: &str = "Commands before a turn's decisions:
  [Enter] or decide        take this turn's decisions
  model                    take every decision of this turn as the model recommends
  forecast [RUNS]          the model plays everyone from here: each outcome's probability, against the start
  explain ACTOR ISSUE      the model's terms for ACTOR's decision on ISSUE this turn
  inject EVENT [REASON]    fire one of the scenario's events now
  adhoc [TEXT]             an ad-hoc inject, e.g. adhoc effects = [{ target = \"state.afghan_threat\", add = 0.1 }]
  set TARGET VALUE REASON  override a parameter or a state value (state.NAME, trust.A.B, ...)
  undo                     undo the last turn
  save                     save now (the game is saved after every turn anyway)
  quit                     save and leave; resume with heartland play --resume FILE
At a decision: y or n, the choice's own word (stay, leave, join, stay out, ...), Enter for the model's choice, ? for its reasons.";

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).collect::<String>() + "…" }
}

fn partner_words(sc: &Scenario, d: &Decision) -> String {
    match &sc.issues[d.issue].kind {
        IssueKind::Dyadic { .. } => {
            let other = sc.issues[d.issue].participants.iter().find(|&&a| a != d.participant);
            other.map_or_else(String::new, |a| format!(", with {}", sc.actors[a.0].id))
        }
        IssueKind::PublicGood(_) => ", a public good".to_string(),
    }
}

/// The screen before a turn, as text.
fn screen(game: &mut Game<'_>) -> String {
    use std::fmt::Write as _;
    let sc = game.scenario();
    let mut s = String::new();
    let turns = sc.calendar.turns();
    let _ = writeln!(s, "\n══ {} · turn {} of {turns} · {} ══", sc.name, (game.turn() + 1).min(turns), game.date());
    let mine: Vec<heartland::model::actor::ActorId> =
        (0..game.teams().len()).flat_map(|t| game.team_actors(t).to_vec()).collect();
    let actor = |a: heartland::model::actor::ActorId| sc.actors[a.0].id.as_str();
    if let Some(r) = game.last_report() {
        let _ = writeln!(s, "Last turn ({}):", sc.calendar.period(r.turn));
        for &e in &r.events {
            let _ = writeln!(s, "  event: {}", sc.events[e].label);
        }
        for (k, acts) in &r.actions {
            let issue = &sc.issues[*k];
            let involved = acts.iter().any(|(a, _)| mine.contains(a));
            if !involved && !r.formed.contains(k) && !r.ended.contains(k) {
                continue;
            }
            let words: Vec<String> = acts
                .iter()
                .map(|&(a, c)| format!("{} {}", actor(a), if c { "cooperated" } else { "defected" }))
                .collect();
            let _ = writeln!(s, "  {}: {}", issue.id, words.join(", "));
        }
        for &k in &r.formed {
            let _ = writeln!(s, "  formed: {}", sc.issues[k].label);
        }
        for &k in &r.ended {
            let _ = writeln!(s, "  ended: {}", sc.issues[k].label);
        }
        for &o in &r.reached {
            let _ = writeln!(s, "  OUTCOME reached: {}", sc.outcomes[o].label);
        }
        let others: usize = r.actions.iter().filter(|(_, acts)| !acts.iter().any(|(a, _)| mine.contains(a))).count();
        let _ = writeln!(s, "  (and {others} other issues decided by the model)");
    }
    let coming: Vec<String> = game.coming_events().iter().map(|&e| sc.events[e].label.clone()).collect();
    let st = game.simulation().state();
    let vars: Vec<String> = sc.state.iter().zip(&st.vars).map(|(v, x)| format!("{} {:.2}", v.id, x)).collect();
    let _ = writeln!(s, "State: {}", vars.join(" · "));
    let inf = &sc.influence;
    for &a in &mine {
        if let Some(c) = inf.clients.iter().position(|&x| x == a) {
            for (d, domain) in inf.domains.iter().enumerate() {
                let shares: Vec<String> = inf
                    .patrons
                    .iter()
                    .enumerate()
                    .map(|(p, &pa)| format!("{} {}", actor(pa), percent(st.influence[inf.cell(d, c, p)])))
                    .collect();
                let _ = writeln!(s, "Influence over {} ({domain}): {}", actor(a), shares.join(", "));
            }
        }
    }
    let n = sc.actor_count();
    for &a in &mine {
        let partners: Vec<usize> = (0..n)
            .filter(|&b| {
                b != a.0
                    && sc.issues.iter().any(|i| i.participants.contains(&a) && i.participants.iter().any(|p| p.0 == b))
            })
            .collect();
        let line: Vec<String> = partners
            .iter()
            .map(|&b| format!("{} {:.2}/{:.2}", sc.actors[b].id, st.trust[a.0 * n + b], st.trust[b * n + a.0]))
            .collect();
        let _ = writeln!(s, "Trust of {} toward/from: {}", actor(a), line.join(" · "));
    }
    if !coming.is_empty() {
        let _ = writeln!(s, "This turn opens with: {}", coming.join("; "));
    }
    let reached: Vec<&str> =
        sc.outcomes.iter().zip(&st.reached).filter(|(_, r)| r.is_some()).map(|(o, _)| o.label.as_str()).collect();
    if !reached.is_empty() {
        let _ = writeln!(s, "Outcomes reached so far: {}", reached.join("; "));
    }
    s
}

/// Writes the after-action report of a game into `dir`: aar.json, then aar.html and aar.md
/// drawn from it.
fn write_aar(game: &Game<'_>, dir: &Path, runs: u64) -> Result<(), Failure> {
    let written = aar::write_report(game, dir, runs).map_err(Failure::Io)?;
    say!("After-action report: {}", written.display());
    Ok(())
}
