//! The seminar in a real browser: Debian's headless Chromium driven through ChromeDriver
//! (the W3C WebDriver protocol, JSON over loopback HTTP). Two teams and a facilitator play
//! four turns with an inject and an override, clicking the pages' own forms; the projector
//! updates by itself; screenshots of the three views go to `target/seminar-screenshots/`.
//!
//! Skipped, with a message, where /usr/bin/chromium or /usr/bin/chromedriver is absent;
//! `SEMINAR_REQUIRE_BROWSER=1` (set by .ci/run, which installs both) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::{Running, post, request_with, serve};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    addr: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = request_with(&self.addr, "DELETE", &format!("/session/{}", self.session), "application/json", b"");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// ChromeDriver and a headless Chromium with a fresh profile, or `None` (and why) where
    /// they are not installed.
    fn start() -> Option<Driver> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            let why = format!(
                "skipped: the browser test needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
            );
            assert!(std::env::var_os("SEMINAR_REQUIRE_BROWSER").is_none(), "{why}");
            eprintln!("{why}");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr = format!("127.0.0.1:{port}");
        let t0 = Instant::now();
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(t0.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--window-size=1280,1000",
        ];
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}}}});
        let mut d = Driver { child, addr, session: String::new(), _profile: profile };
        let v = d.call("POST", "/session", &caps);
        d.session = v["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).to_string();
        Some(d)
    }

    fn call(&self, method: &str, path: &str, body: &Value) -> Value {
        self.try_call(method, path, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    fn try_call(&self, method: &str, path: &str, body: &Value) -> Result<Value, String> {
        let body = if method == "GET" { Vec::new() } else { serde_json::to_vec(body).unwrap() };
        let r = request_with(&self.addr, method, path, "application/json", &body);
        let v: Value = serde_json::from_str(&r.body).map_err(|_| r.body.clone())?;
        if v["value"]["error"].is_null() { Ok(v) } else { Err(v["value"].to_string()) }
    }

    /// Does `act` on the element `css` finds, again if the page reloaded itself (its script
    /// reloads it when the game changes) between finding and acting.
    fn on(&self, css: &str, act: impl Fn(&str) -> Result<Value, String>) -> Value {
        let mut last = String::new();
        for _ in 0..10 {
            match self.find_all(css).first().map(|e| act(e)) {
                Some(Ok(v)) => return v,
                Some(Err(e)) => last = e,
                None => last = format!("no `{css}` on the page"),
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("{css}: {last}");
    }

    fn s(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    fn go(&self, url: &str) {
        self.call("POST", &self.s("/url"), &json!({ "url": url }));
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.call("POST", &self.s("/elements"), &json!({"using": "css selector", "value": css}));
        v["value"].as_array().unwrap().iter().map(|e| e[ELEMENT].as_str().unwrap().to_string()).collect()
    }

    fn click(&self, css: &str) {
        self.on(css, |e| self.try_call("POST", &self.s(&format!("/element/{e}/click")), &json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        self.on(css, |e| {
            self.try_call("POST", &self.s(&format!("/element/{e}/clear")), &json!({}))?;
            self.try_call("POST", &self.s(&format!("/element/{e}/value")), &json!({ "text": text }))
        });
    }

    fn text(&self, css: &str) -> String {
        let v = self.on(css, |e| self.try_call("GET", &self.s(&format!("/element/{e}/text")), &json!({})));
        v["value"].as_str().unwrap().to_string()
    }

    fn url(&self) -> String {
        self.call("GET", &self.s("/url"), &json!({}))["value"].as_str().unwrap().to_string()
    }

    fn script(&self, js: &str) -> Value {
        self.call("POST", &self.s("/execute/sync"), &json!({"script": js, "args": []}))["value"].clone()
    }

    /// A screenshot of the whole page (the window grown to the page's height).
    fn screenshot(&self, path: &Path) {
        let h = self.script("return document.documentElement.scrollHeight;").as_u64().unwrap_or(1000);
        self.call("POST", &self.s("/window/rect"), &json!({"width": 1280, "height": h.clamp(600, 4000)}));
        self.shoot(path);
        self.call("POST", &self.s("/window/rect"), &json!({"width": 1280, "height": 1000}));
    }

    fn shoot(&self, path: &Path) {
        let v = self.call("GET", &self.s("/screenshot"), &json!({}));
        std::fs::write(path, base64(v["value"].as_str().unwrap())).unwrap();
    }

    /// Whether the page fits the window's width (no sideways scrolling).
    fn fits(&self) -> bool {
        self.script("return document.documentElement.scrollWidth <= window.innerWidth;").as_bool().unwrap_or(false)
    }

    /// Waits until `css` is on the page and its text contains `want` (a click that sends a
    /// form returns before the next page has loaded).
    fn wait_text(&self, css: &str, want: &str) -> String {
        let t0 = Instant::now();
        loop {
            let t = match self.find_all(css).first() {
                Some(e) => self
                    .try_call("GET", &self.s(&format!("/element/{e}/text")), &json!({}))
                    .map(|v| v["value"].as_str().unwrap_or_default().to_string())
                    .unwrap_or_default(),
                None => String::new(),
            };
            if t.contains(want) {
                return t;
            }
            assert!(t0.elapsed() < Duration::from_secs(30), "`{css}` never showed `{want}`: {t}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()).map(val).collect();
    clean
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().enumerate().fold(0u32, |n, (i, &v)| n | u32::from(v) << (18 - 6 * i));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(c.len() - 1)
        })
        .collect()
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/seminar-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A team takes its decisions on its page: the first choice of each, or the second.
fn team_turn(b: &Driver, s: &Running, code: &str, date: &str, first: bool) {
    b.go(&format!("http://{}/t/{code}", s.addr));
    let pick = if first { "first-child" } else { "last-child" };
    let n = b.find_all(".decision").len();
    for i in 1..=n {
        b.click(&format!("form.orders > div:nth-of-type({i}) .choices label:{pick} input"));
    }
    b.click("form.orders button[type=submit]");
    // The message names the turn: not the one left from the turn before.
    b.wait_text(".notice.ok", &format!("for {date} are in and saved"));
}

#[test]
fn browser_two_teams_and_a_facilitator_play_four_turns() {
    assert_eq!(base64("aGVsbG8="), b"hello");
    let Some(b) = Driver::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let tiny = crate::fixture("tiny.toml");
    let s = serve(dir.path(), &[tiny.to_str().unwrap(), "--as", "kazakhstan,nato", "--save", "g.json"]);
    let (k, n, f) = (s.code("kazakhstan").to_string(), s.code("nato").to_string(), s.facilitator.clone());
    let at = |p: &str| format!("http://{}{p}", s.addr);
    // A team joins with its code.
    b.go(&at("/"));
    b.type_into("input[name=code]", &k.to_lowercase());
    b.click("form button[type=submit]");
    b.wait_text("#decisions h2", "Your decisions for 2014-Q1");
    assert!(b.url().ends_with(&format!("/t/{k}")), "{}", b.url());
    // A team's code does not open the facilitator's page.
    b.go(&at(&format!("/f/{k}")));
    assert!(b.text("main").contains("needs the facilitator's code"));
    for turn in 0..4 {
        if turn == 1 {
            b.go(&at(&format!("/f/{f}")));
            b.click("select[name=event] option[value=offensive]");
            b.type_into("form[action$='/event'] input[name=reason]", "the seminar's inject");
            b.click("form[action$='/event'] button");
            b.wait_text(".notice.ok", "fired");
        }
        if turn == 2 {
            b.go(&at(&format!("/f/{f}")));
            b.type_into("input[name=target]", "state.threat");
            b.type_into("input[name=value]", "0.65");
            b.type_into("input[name=override_reason]", "the umpire rules a surge");
            b.click("#override button");
            b.wait_text(".notice.ok", "set to 0.65");
        }
        let date = format!("2014-Q{}", turn + 1);
        team_turn(&b, &s, &k, &date, turn % 2 == 0);
        team_turn(&b, &s, &n, &date, turn % 3 == 0);
        b.go(&at(&format!("/f/{f}")));
        assert_eq!(b.find_all("#submissions .badge.wait").len(), 0, "everything submitted");
        b.click("#submissions form button");
        b.wait_text(".notice.ok", &format!("{date} adjudicated"));
    }
    // Kazakhstan submits turn 5; the model's reasons open on request.
    b.go(&at(&format!("/t/{k}")));
    b.click(".choices label:first-child input");
    b.click(".decision details summary");
    assert!(b.text(".decision details").contains("The model would"));
    b.screenshot(&screenshots().join("team.png"));
    let history = b.text("#history");
    assert!(history.contains("2014-Q4") && history.contains("2014-Q1"), "{history}");
    // The facilitator sees who has submitted, the log with the inject and the override.
    b.go(&at(&format!("/f/{f}")));
    let log = b.text("#log");
    assert!(log.contains("inject") && log.contains("the umpire rules a surge"), "{log}");
    b.wait_text("#forecast", "at the start");
    b.screenshot(&screenshots().join("facilitator.png"));
    // The projector shows the forecast, and updates by itself when the game moves on.
    // The projector at a projector's 1920 × 1080: everything on one screen.
    b.call("POST", &b.s("/window/rect"), &json!({"width": 1920, "height": 1080}));
    b.go(&at("/projector"));
    b.wait_text("#outcomes", "at the start");
    assert_eq!(b.text(".big"), "2015-Q1");
    b.shoot(&screenshots().join("projector.png"));
    assert!(b.fits(), "the projector's page scrolls sideways at 1920 × 1080");
    assert_eq!(post(&s.addr, &format!("/f/{f}/adjudicate"), "rest=model").status, 303);
    b.wait_text(".big", "2015-Q2");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("g.json")).unwrap()).unwrap();
    assert_eq!(saved["turn"], 5);
    let kinds: Vec<&str> = saved["log"].as_array().unwrap().iter().map(|e| e["entry"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["turn", "event", "turn", "override", "turn", "turn", "turn"]);
}
