//! The seminar server through HTTP, as browsers reach it: the built binary, on loopback.
//! Who may do what (each refusal tried), forms that are wrong or too large, kill -9 between
//! submissions, a game equal to the same orders played with `heartland play`, and a load of
//! 30 clients.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixture;

/// The binary under test: `SEMINAR_BIN` (e.g. a release build, for measuring) or the one
/// cargo built for the tests.
fn bin() -> PathBuf {
    std::env::var_os("SEMINAR_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_heartland")), PathBuf::from)
}

/// A server started by a test, killed when dropped.
pub struct Running {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// Per team: its name and code.
    pub teams: Vec<(String, String)>,
    /// The facilitator's code.
    pub facilitator: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// The code of team `name`.
    pub fn code(&self, name: &str) -> &str {
        &self.teams.iter().find(|(t, _)| t == name).unwrap().1
    }

    /// Kills the server with SIGKILL: nothing is flushed, nothing is shut down.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Starts `heartland serve ARGS --bind 127.0.0.1:0` in `dir` and reads its codes.
pub fn serve(dir: &Path, args: &[&str]) -> Running {
    let mut child = Command::new(bin())
        .arg("serve")
        .args(args)
        .args(["--bind", "127.0.0.1:0", "--forecast-runs", "10"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut addr, mut teams, mut facilitator) = (String::new(), Vec::new(), String::new());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "the server stopped before printing its codes");
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Each", "person", "opens", url, ..] => {
                addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
            }
            ["team", name, code, _] => teams.push((name.to_string(), code.to_string())),
            ["facilitator", code, _] => facilitator = code.to_string(),
            ["Stop", ..] => break,
            _ => {}
        }
    }
    // Keep reading (and dropping) what it prints, so it never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    Running { child, addr, teams, facilitator }
}

/// A response: status, headers (lower-cased names), body.
pub struct Reply {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

/// One HTTP/1.1 request on a fresh connection, a form if it has a body.
pub fn request(addr: &str, method: &str, path: &str, body: &[u8]) -> Reply {
    request_with(addr, method, path, "application/x-www-form-urlencoded", body)
}

/// One HTTP/1.1 request on a fresh connection, with a body of type `kind`.
pub fn request_with(addr: &str, method: &str, path: &str, kind: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // A server may refuse a large body before reading it all: a reset here is its answer.
    let _ = s.write_all(body);
    let raw = read_reply(&mut s);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = headers.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = headers.to_lowercase();
    let body = if headers.contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_string() };
    Reply { status, headers, body }
}

/// The bytes of one response: up to its Content-Length, or its last chunk, or the close
/// (a peer such as ChromeDriver may keep the connection open whatever the request asks).
fn read_reply(s: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = s.read(&mut buf).unwrap_or(0);
        if n == 0 {
            return raw;
        }
        raw.extend_from_slice(&buf[..n]);
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&raw[..end]).to_lowercase();
        let length: Option<usize> =
            head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok());
        match length {
            Some(len) if raw.len() >= end + 4 + len => return raw,
            None if head.contains("transfer-encoding: chunked") && raw.ends_with(b"0\r\n\r\n") => return raw,
            _ => {}
        }
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn get(addr: &str, path: &str) -> Reply {
    request(addr, "GET", path, b"")
}

pub fn post(addr: &str, path: &str, form: &str) -> Reply {
    request(addr, "POST", path, form.as_bytes())
}

/// The decisions on a team's page: per decision, its field and its two words.
pub fn decisions_on(page: &str) -> Vec<(String, [String; 2])> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for part in page.split("<input type=\"radio\" name=\"").skip(1) {
        let name = part.split('"').next().unwrap().to_string();
        let value = part.split("value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push(value),
            None => out.push((name, vec![value])),
        }
    }
    out.into_iter().map(|(n, v)| (n, [v[0].clone(), v[1].clone()])).collect()
}

/// The coming turn's date as the page shows it.
pub fn date_on(page: &str) -> String {
    page.split("<span class=\"date\">").nth(1).unwrap().split('<').next().unwrap().to_string()
}

/// The form a team sends choosing, for decision `i`, its first word when `pick(i)`.
fn orders_form(page: &str, pick: impl Fn(usize) -> bool) -> String {
    let mut f = format!("turn={}", date_on(page));
    for (i, (name, words)) in decisions_on(page).iter().enumerate() {
        f.push_str(&format!("&{}={}", name.replace(':', "%3A"), words[usize::from(!pick(i))]));
    }
    f
}

fn save(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn tiny_server(dir: &Path) -> Running {
    let tiny = fixture("tiny.toml");
    serve(dir, &[tiny.to_str().unwrap(), "--as", "kazakhstan,nato", "--save", "g.json"])
}

#[test]
fn serve_each_code_opens_only_its_own_page_and_actions() {
    let dir = tempfile::tempdir().unwrap();
    let s = tiny_server(dir.path());
    let (k, n, f) = (s.code("kazakhstan"), s.code("nato"), s.facilitator.as_str());
    let kz = get(&s.addr, &format!("/t/{k}"));
    assert_eq!(kz.status, 200);
    assert!(kz.headers.contains("content-security-policy"), "{}", kz.headers);
    // Kazakhstan's page holds its own decisions and none of NATO's.
    let fields: Vec<String> = decisions_on(&kz.body).into_iter().map(|(n, _)| n).collect();
    assert!(!fields.is_empty() && fields.iter().all(|n| n.ends_with(":kazakhstan")), "{fields:?}");
    let nato = get(&s.addr, &format!("/t/{n}")).body;
    assert!(decisions_on(&nato).iter().all(|(n, _)| n.ends_with(":nato")));
    let before = std::fs::read_to_string(dir.path().join("g.json")).unwrap();
    // A wrong code sees nothing.
    let wrong = get(&s.addr, "/t/AAAAAAAA");
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains("not a code of this game"));
    assert!(!wrong.body.contains("d:transit"));
    // A team cannot open the facilitator's page nor take the facilitator's actions.
    assert_eq!(get(&s.addr, &format!("/f/{k}")).status, 403);
    for action in ["adjudicate", "undo", "event", "override", "pause", "forecast", "end"] {
        let r = post(&s.addr, &format!("/f/{k}/{action}"), "rest=model&event=offensive");
        assert_eq!(r.status, 403, "{action}");
        assert!(r.body.contains("needs the facilitator"), "{action}");
    }
    assert_eq!(get(&s.addr, &format!("/f/{k}/aar")).status, 403);
    // A team cannot submit another team's decision, nor name another team.
    let mut form = orders_form(&kz.body, |_| true);
    form.push_str("&d%3Ainfo%3Anato=cooperate");
    let r = post(&s.addr, &format!("/t/{k}/orders"), &form);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("takes no decision on `info` this turn"), "{}", r.body);
    let r = post(&s.addr, &format!("/t/{k}/orders"), &format!("{}&team=nato", orders_form(&kz.body, |_| true)));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("`team`"));
    let pasted = "orders=turn+%3D+%222014-Q1%22%0A%5Bdecisions.info%5D%0Anato+%3D+%22cooperate%22%0A";
    let r = post(&s.addr, &format!("/t/{k}/orders-file"), pasted);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("takes no decision on `info`"), "{}", r.body);
    // The facilitator's code is not a team's.
    assert_eq!(post(&s.addr, &format!("/t/{f}/orders"), &orders_form(&kz.body, |_| true)).status, 403);
    // Nothing refused was saved.
    assert_eq!(std::fs::read_to_string(dir.path().join("g.json")).unwrap(), before);
    // The right codes work.
    assert_eq!(post(&s.addr, &format!("/t/{k}/orders"), &orders_form(&kz.body, |_| true)).status, 303);
    assert_eq!(get(&s.addr, &format!("/f/{f}")).status, 200);
    assert_eq!(save(&dir.path().join("g.json"))["submitted"].as_array().unwrap().len(), fields.len());
}

#[test]
fn serve_malformed_and_oversized_forms_get_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let s = tiny_server(dir.path());
    let (k, f) = (s.code("kazakhstan").to_string(), s.facilitator.clone());
    let page = get(&s.addr, &format!("/t/{k}")).body;
    let orders = format!("/t/{k}/orders");
    let big = format!("note={}", "x".repeat(200 * 1024));
    let r = post(&s.addr, &orders, &big);
    assert!(r.status == 400 || r.status == 413, "{}", r.status);
    if r.status == 400 {
        assert!(r.body.contains("too large"), "{}", r.body);
    }
    let long_note = format!("{}&note={}", orders_form(&page, |_| true), "x".repeat(20 * 1024));
    let r = post(&s.addr, &orders, &long_note);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("too long"));
    let r = post(&s.addr, &orders, "turn=%FF%FE&d%3Atransit%3Akazakhstan=stay");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("could not be read"), "{}", r.body);
    // A word that is not a choice: the orders file's message, with its key and the choices.
    let bad = orders_form(&page, |_| true).replacen("=cooperate", "=perhaps", 1);
    let r = post(&s.addr, &orders, &bad);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("`perhaps` is not a choice on `transit` this turn"), "{}", r.body);
    assert!(r.body.contains("key: decisions.transit.kazakhstan") && r.body.contains("expected: one of"));
    // What the team typed is kept (escaped) for it to fix.
    let note = orders_form(&page, |_| true).replacen("=cooperate", "=perhaps", 1) + "&note=%3Cscript%3E";
    let r = post(&s.addr, &orders, &note);
    assert!(r.body.contains("&lt;script&gt;") && !r.body.contains("<script>a"), "escaped");
    // Orders for another turn, and a pasted file that is not TOML: located messages.
    let stale = orders_form(&page, |_| true).replace("turn=2014-Q1", "turn=2013-Q4");
    let r = post(&s.addr, &orders, &stale);
    assert!(r.body.contains("these orders are for 2013-Q4, but the coming turn is 2014-Q1"), "{}", r.body);
    let r = post(&s.addr, &format!("/t/{k}/orders-file"), "orders=turn+%3D+");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("--&gt; orders:1:"), "{}", r.body);
    // The facilitator's forms too.
    let fac = |action: &str, form: &str| post(&s.addr, &format!("/f/{f}/{action}"), form);
    let r = fac("override", "target=state.threat&value=lots&override_reason=x");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("`lots` is not a number"));
    let r = fac("override", "target=state.threat&value=0.5&override_reason=");
    assert!(r.status == 400 && r.body.contains("needs a reason"));
    let r = fac("override", "target=state.thret&value=0.5&override_reason=x");
    assert!(r.status == 400 && r.body.contains("state.thret"), "{}", r.body);
    let r = fac("inject", "text=effects+%3D+%5B%7B+target+%3D+%22state.nope%22%2C+add+%3D+0.1+%7D%5D");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("state.nope"), "{}", r.body);
    assert_eq!(fac("event", "event=nothing").status, 400);
    assert_eq!(fac("forecast", "runs=0").status, 400);
    assert_eq!(fac("clock", "minutes=-3").status, 400);
    assert_eq!(fac("adjudicate", "rest=model&extra=1").status, 400);
    assert_eq!(fac("launch", "").status, 400);
    assert_eq!(fac("adjudicate", "").status, 409, "decisions pending");
    // None of it changed the game.
    assert!(save(&dir.path().join("g.json"))["log"].as_array().unwrap().is_empty());
}

#[test]
fn serve_kill_9_between_submissions_loses_no_submitted_order() {
    let dir = tempfile::tempdir().unwrap();
    let s = tiny_server(dir.path());
    let (addr, k, n, f) =
        (s.addr.clone(), s.code("kazakhstan").to_string(), s.code("nato").to_string(), s.facilitator.clone());
    // Turn 1 adjudicated; then Kazakhstan submits turn 2 against the model's choices.
    for code in [&k, &n] {
        let page = get(&addr, &format!("/t/{code}")).body;
        assert_eq!(post(&addr, &format!("/t/{code}/orders"), &orders_form(&page, |_| true)).status, 303);
    }
    assert_eq!(post(&addr, &format!("/f/{f}/adjudicate"), "").status, 303);
    let page = get(&addr, &format!("/t/{k}")).body;
    let kz_form = orders_form(&page, |i| i % 2 == 1);
    assert_eq!(post(&addr, &format!("/t/{k}/orders"), &kz_form).status, 303);
    s.kill9();
    // Restarted on the saved game: the same codes, Kazakhstan's orders still in.
    let s = serve(dir.path(), &["g.json"]);
    assert_eq!((s.code("kazakhstan"), s.code("nato"), s.facilitator.as_str()), (k.as_str(), n.as_str(), f.as_str()));
    let page = get(&s.addr, &format!("/t/{k}")).body;
    assert_eq!(date_on(&page), "2014-Q2");
    let decisions = decisions_on(&page);
    assert_eq!(page.matches("badge done").count(), decisions.len(), "every decision still submitted");
    for (i, (_, words)) in decisions.iter().enumerate() {
        let chosen = &words[usize::from(i % 2 != 1)];
        assert!(page.contains(&format!("submitted: {}", chosen.replace('_', " "))), "{chosen}");
    }
    // NATO submits, the server dies again; restarted, the turn adjudicates with nothing pending.
    let page = get(&s.addr, &format!("/t/{n}")).body;
    assert_eq!(post(&s.addr, &format!("/t/{n}/orders"), &orders_form(&page, |_| false)).status, 303);
    s.kill9();
    let s = serve(dir.path(), &["g.json"]);
    assert_eq!(post(&s.addr, &format!("/f/{f}/adjudicate"), "").status, 303, "nothing pending");
    let log = save(&dir.path().join("g.json"))["log"].clone();
    let turn2 = &log.as_array().unwrap()[1]["choices"];
    assert_eq!(turn2.as_array().unwrap().len(), decisions.len() + decisions_on(&page).len());
}

/// Plays `turns` turns through the server with an inject on the second and an override on
/// the third; returns the save file, and writes each team's orders as files under `orders`.
fn seminar_game(dir: &Path, orders: &Path, turns: usize) -> serde_json::Value {
    let s = tiny_server(dir);
    let f = s.facilitator.clone();
    for t in 0..turns {
        match t {
            1 => assert_eq!(post(&s.addr, &format!("/f/{f}/event"), "event=offensive&reason=the+seminar").status, 303),
            2 => assert_eq!(
                post(&s.addr, &format!("/f/{f}/override"), "target=state.threat&value=0.6&override_reason=umpire")
                    .status,
                303
            ),
            _ => {}
        }
        for (team, code) in &s.teams {
            let page = get(&s.addr, &format!("/t/{code}")).body;
            let date = date_on(&page);
            let decisions = decisions_on(&page);
            let pick = |i: usize| !(i + t).is_multiple_of(3);
            assert_eq!(post(&s.addr, &format!("/t/{code}/orders"), &orders_form(&page, pick)).status, 303);
            let mut file = format!("turn = \"{date}\"\n");
            for (i, (name, words)) in decisions.iter().enumerate() {
                let mut parts = name.split(':').skip(1);
                let (issue, actor) = (parts.next().unwrap(), parts.next().unwrap());
                file.push_str(&format!("[decisions.{issue}]\n{actor} = \"{}\"\n", words[usize::from(!pick(i))]));
            }
            std::fs::create_dir_all(orders.join(&date)).unwrap();
            std::fs::write(orders.join(&date).join(format!("{team}.toml")), file).unwrap();
        }
        assert_eq!(post(&s.addr, &format!("/f/{f}/adjudicate"), "").status, 303);
    }
    save(&dir.join("g.json"))
}

#[test]
fn serve_a_seminar_game_ends_where_the_same_orders_played_with_heartland_play_end() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders");
    let seminar = seminar_game(dir.path(), &orders, 5);
    // The same orders, inject and override, with `heartland play`.
    let tiny = fixture("tiny.toml");
    let mut child = Command::new(bin())
        .args(["play", tiny.to_str().unwrap(), "--as", "kazakhstan,nato", "--orders", "orders", "--save", "p.json"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = "\ninject offensive the seminar\n\nset state.threat 0.6 umpire\n\n\n\n";
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    let play = save(&dir.path().join("p.json"));
    assert_eq!(seminar["turn"], 5);
    assert_eq!(seminar["snapshot"], play["snapshot"]);
    assert_eq!(seminar["log"], play["log"]);
    let kinds: Vec<&str> = seminar["log"].as_array().unwrap().iter().map(|e| e["entry"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["turn", "event", "turn", "override", "turn", "turn", "turn"]);
}

/// 30 clients poll and submit at once for a bounded time; no error, and the latency.
/// `SEMINAR_LOAD_SECS` sets the time (default 3 s; the figures in docs/PERFORMANCE.md ran
/// longer on a release build, with `SEMINAR_BIN`).
#[test]
fn serve_load_of_30_clients_polling_and_submitting() {
    let secs: u64 = std::env::var("SEMINAR_LOAD_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let dir = tempfile::tempdir().unwrap();
    let s = tiny_server(dir.path());
    let pages: Vec<(String, String)> = s
        .teams
        .iter()
        .map(|(_, c)| (c.clone(), orders_form(&get(&s.addr, &format!("/t/{c}")).body, |_| true)))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let workers: Vec<_> = (0..30)
        .map(|i| {
            let (addr, (code, form)) = (s.addr.clone(), pages[i % pages.len()].clone());
            std::thread::spawn(move || {
                let mut times = Vec::new();
                let mut errors = Vec::new();
                let mut n = 0usize;
                while Instant::now() < deadline && n < 20_000 {
                    let t0 = Instant::now();
                    let (r, want) = match n % 10 {
                        0 => (post(&addr, &format!("/t/{code}/orders"), &form), 303),
                        1 | 5 => (get(&addr, &format!("/t/{code}")), 200),
                        7 => (get(&addr, "/projector"), 200),
                        _ => (get(&addr, "/version"), 200),
                    };
                    times.push(t0.elapsed());
                    if r.status != want {
                        errors.push(format!("{} on request {n}", r.status));
                    }
                    n += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                (times, errors)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut errors = Vec::new();
    for w in workers {
        let (t, e) = w.join().unwrap();
        times.extend(t);
        errors.extend(e);
    }
    times.sort();
    let q = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "load: 30 clients, {secs} s, {} requests, p50 {:?}, p99 {:?}, max {:?}",
        times.len(),
        q(0.5),
        q(0.99),
        times.last().unwrap()
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert!(times.len() >= 30);
    // The save file is whole and resumes: concurrent submissions did not corrupt it.
    let saved = heartland::play::save::SaveFile::read(&dir.path().join("g.json")).unwrap();
    let sc = crate::tiny();
    let g = saved.resume(&sc, Path::new("g.json")).unwrap();
    assert_eq!(g.submissions().len(), saved.submitted.len());
    assert!(!saved.submitted.is_empty());
}
