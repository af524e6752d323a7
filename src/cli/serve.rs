//! `heartland serve`: the seminar server's flags and start-up. Part of the binary: it loads
//! the scenario or the saved game as `heartland play` does, prints the join codes, and
//! serves until stopped; the server itself is `heartland::serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::Failure;

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// A saved game (a `.json` file, as `heartland play` saves it), or a scenario: a file or the
    /// name of a shipped scenario.
    game_or_scenario: PathBuf,
    /// With a scenario: the actors the teams play, comma-separated; each is a team.
    #[arg(long = "as", value_delimiter = ',')]
    actors: Vec<String>,
    /// The address and port to listen on. The default is this machine only; to let the teams'
    /// laptops in, bind the room's network on purpose (e.g. 0.0.0.0:8014).
    #[arg(long, default_value = "127.0.0.1:8014")]
    bind: SocketAddr,
    /// With a scenario: master seed [default: the scenario's].
    #[arg(long)]
    seed: Option<u64>,
    /// With a scenario: which of the scenario's runs is played.
    #[arg(long, default_value_t = 0)]
    run: u64,
    /// The save file, written after every submission and action [default: the game's file, or
    /// outputs/games/<scenario>-<actors>.json].
    #[arg(long)]
    save: Option<PathBuf>,
    /// With a saved game: play on with the scenario text saved in it, even if the file changed.
    #[arg(long)]
    embedded: bool,
    /// Runs of the projector's forecasts, and behind the after-action report's bands.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    forecast_runs: u64,
}

/// Without the `serve` feature, the command says how to get it.
#[cfg(not(feature = "serve"))]
pub(crate) fn serve(_: ServeArgs) -> Result<(), Failure> {
    Err(super::play::input(
        "error: this heartland was built without the `serve` feature (cargo build --features serve)",
    ))
}

#[cfg(feature = "serve")]
pub(crate) fn serve(args: ServeArgs) -> Result<(), Failure> {
    use std::io::Write as _;
    use std::path::Path;

    use heartland::play::{Game, Team};
    use heartland::scenario::Scenario;
    use heartland::serve::{self, Seminar};

    use super::Source;
    use super::play::{input, load_with_texts, read_saved};

    let arg = &args.game_or_scenario;
    let is_game = arg.extension().is_some_and(|e| e == "json");
    let (scenario, saved, file, save_path) = if is_game {
        if !args.actors.is_empty() {
            return Err(input("error: --as is for a scenario; a saved game has its teams"));
        }
        let (scenario, file) = read_saved(arg, args.embedded)?;
        let saved = file.scenario.clone();
        (scenario, saved, Some(file), args.save.clone().unwrap_or_else(|| arg.clone()))
    } else {
        if args.actors.is_empty() {
            return Err(input("error: name the actors the teams play: heartland serve SCENARIO --as kazakhstan,nato"));
        }
        let (scenario, saved) = load_with_texts(arg)?;
        let stem = Source::of(arg, heartland::scenario::shipped::scenario).stem("game");
        let default = Path::new("outputs/games").join(format!("{stem}-{}.json", args.actors.join("-")));
        (scenario, saved, None, args.save.clone().unwrap_or(default))
    };
    // The server serves this one game until the process ends.
    let scenario: &'static Scenario = Box::leak(Box::new(scenario));
    let game = match &file {
        Some(f) => f.resume(scenario, arg).map_err(|e| input(format!("error: {e}")))?,
        None => {
            let teams = args.actors.iter().map(|a| Team { name: a.clone(), actors: vec![a.clone()] }).collect();
            Game::new(scenario, args.seed.unwrap_or(scenario.seed), args.run, teams)
                .map_err(|e| input(format!("error: {e}")))?
        }
    };
    if let Some(parent) = save_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Failure::Io(format!("cannot create {}: {e}", parent.display())))?;
    }
    let seminar =
        Seminar::open(game, saved, &save_path, args.forecast_runs).map_err(|e| Failure::Io(e.message().into()))?;
    let server = serve::start(seminar, args.bind).map_err(|e| Failure::Io(e.to_string()))?;
    let url = format!("http://{}", server.addr());
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "heartland serve: {} — saved after every submission and action in {}.",
        heartland::printable::printable(&scenario.name),
        heartland::printable::printable(&save_path.display().to_string())
    );
    if !server.addr().ip().is_loopback() {
        let _ = writeln!(
            out,
            "Listening on {} for the room's network: anyone who reaches it with a code can play.",
            server.addr()
        );
    }
    let _ = writeln!(out, "Each person opens {url}/ and types a code:");
    for t in &server.room().teams {
        let _ = writeln!(out, "  team {:<20} {}   {url}/t/{}", t.team, t.code, t.code);
    }
    let f = &server.room().facilitator;
    let _ = writeln!(out, "  {:<25} {f}   {url}/f/{f}", "facilitator");
    let _ = writeln!(out, "  {:<25} {:<8}   {url}/projector", "projector", "");
    let _ = writeln!(out, "Stop with Ctrl-C: nothing is lost; serve the saved game again to go on.");
    let _ = out.flush();
    drop(out);
    server.wait();
    Ok(())
}
