//! The routes. Every page and action names a join code in its path; the code decides who
//! is asking ([`Who`]), and an action is refused (403) unless it is that code's to take: a
//! team's code opens only its own page and submits only its own decisions (the orders parser
//! refuses any decision not the team's), the facilitator's actions need the facilitator's
//! code. A successful action redirects to the page (so a reload never repeats it); a refused
//! one shows the page again with the message and what was typed.
//!
//! | route | who | what |
//! |---|---|---|
//! | `GET /` , `POST /join` | anyone | type a code, go to its page |
//! | `GET /projector`, `GET /version` | anyone | the room's screen; the version pages poll |
//! | `GET /t/CODE`, `POST /t/CODE/orders`, `POST /t/CODE/orders-file` | a team | its page, its orders |
//! | `GET /f/CODE`, `POST /f/CODE/ACTION`, `GET /f/CODE/aar` | the facilitator | the page, actions, the report |

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::montecarlo::Summary;
use crate::play::forecast;

use super::form::{Fields, MAX_BODY, too_large};
use super::html::{CSS, JS};
use super::pages::{self, Flash};
use super::projector::projector;
use super::seminar::{Refusal, Seminar, Who};

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    /// The seminar, behind one lock: actions are applied and saved one at a time.
    pub seminar: Arc<Mutex<Seminar>>,
    /// The scenario's Monte Carlo from the start, at the projector's forecast runs, once.
    pub start: Arc<OnceLock<Summary>>,
}

impl App {
    fn lock(&self) -> MutexGuard<'_, Seminar> {
        // A panic while holding the lock leaves the game as the last action left it (each
        // is saved whole or not at all): go on with it.
        self.seminar.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The router.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/join", post(join))
        .route("/version", get(version))
        .route("/projector", get(projector_page))
        .route("/static/seminar.css", get(|| async { asset(CSS, "text/css; charset=utf-8") }))
        .route("/static/seminar.js", get(|| async { asset(JS, "text/javascript; charset=utf-8") }))
        .route("/t/{code}", get(team_page))
        .route("/t/{code}/{action}", post(team_action))
        .route("/f/{code}", get(facilitator_page))
        .route("/f/{code}/aar", get(aar_page))
        .route("/f/{code}/{action}", post(facilitator_action))
        .fallback(|| async {
            html(
                StatusCode::NOT_FOUND,
                "<!doctype html><title>not found</title><p>No such page. <a href=\"/\">Join the game</a>.".into(),
            )
        })
        .with_state(app)
}

const CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // The codes are in the pages' paths: never send them elsewhere.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=300"));
    r
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn status(r: &Refusal) -> StatusCode {
    match r {
        Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
        Refusal::Invalid(_) => StatusCode::BAD_REQUEST,
        Refusal::Conflict(_) => StatusCode::CONFLICT,
        Refusal::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn forbidden(version: u64, why: &str) -> Response {
    html(StatusCode::FORBIDDEN, pages::join(version, &Some((why.to_string(), false))))
}

const NOT_A_CODE: &str = "This is not a code of this game. Ask the facilitator for your team's code.";

async fn read_form(body: Body) -> Result<Fields, Refusal> {
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| too_large(MAX_BODY + 1))?;
    Fields::parse(&bytes)
}

async fn index(State(app): State<App>) -> Response {
    let v = app.lock().version;
    html(StatusCode::OK, pages::join(v, &None))
}

async fn join(State(app): State<App>, body: Body) -> Response {
    let fields = read_form(body).await;
    let s = app.lock();
    let code = match &fields {
        Ok(f) => f.text("code").trim().to_uppercase(),
        Err(r) => return html(status(r), pages::join(s.version, &Some((r.message().to_string(), false)))),
    };
    match s.who(&code) {
        Some(Who::Team(_)) => redirect(&format!("/t/{code}")),
        Some(Who::Facilitator) => redirect(&format!("/f/{code}")),
        None => forbidden(s.version, NOT_A_CODE),
    }
}

async fn version(State(app): State<App>) -> Response {
    let v = app.lock().version;
    let mut r = format!("{{\"version\":{v}}}").into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn projector_page(State(app): State<App>) -> Response {
    html(StatusCode::OK, projector(&app.lock()))
}

async fn team_page(State(app): State<App>, Path(code): Path<String>) -> Response {
    let mut s = app.lock();
    match s.who(&code) {
        Some(Who::Team(t)) => {
            let flash: Flash = s.take_flash(&code).map(|m| (m, true));
            html(StatusCode::OK, pages::team(&mut s, t, &code, &flash, None))
        }
        Some(Who::Facilitator) => redirect(&format!("/f/{code}")),
        None => forbidden(s.version, NOT_A_CODE),
    }
}

async fn team_action(State(app): State<App>, Path((code, action)): Path<(String, String)>, body: Body) -> Response {
    let fields = read_form(body).await;
    let mut s = app.lock();
    let Some(Who::Team(t)) = s.who(&code) else {
        return forbidden(s.version, "This action takes a team's code.");
    };
    let result = fields.map_err(|r| (r, None)).and_then(|f| {
        let r = match action.as_str() {
            "orders" => s.submit_form(t, &f),
            "orders-file" => f.only(&["orders"]).and_then(|()| s.submit_text(t, f.text("orders"))),
            other => Err(Refusal::Invalid(format!("`{other}` is not something a team does"))),
        };
        r.map_err(|e| (e, Some(f)))
    });
    match result {
        Ok(msg) => {
            s.say(&code, msg);
            redirect(&format!("/t/{code}"))
        }
        Err((r, f)) => {
            let page = pages::team(&mut s, t, &code, &Some((r.message().to_string(), false)), f.as_ref());
            html(status(&r), page)
        }
    }
}

async fn facilitator_page(State(app): State<App>, Path(code): Path<String>) -> Response {
    let mut s = app.lock();
    match s.who(&code) {
        Some(Who::Facilitator) => {
            let flash: Flash = s.take_flash(&code).map(|m| (m, true));
            html(StatusCode::OK, pages::facilitator(&mut s, &code, &flash, None))
        }
        Some(Who::Team(_)) => forbidden(s.version, "The facilitator's page needs the facilitator's code."),
        None => forbidden(s.version, NOT_A_CODE),
    }
}

async fn facilitator_action(
    State(app): State<App>,
    Path((code, action)): Path<(String, String)>,
    body: Body,
) -> Response {
    let fields = read_form(body).await;
    {
        let s = app.lock();
        if s.who(&code) != Some(Who::Facilitator) {
            return forbidden(s.version, "This action needs the facilitator's code.");
        }
    }
    let f = match fields {
        Ok(f) => f,
        Err(r) => return refused(&app, &code, &r, None),
    };
    let app2 = app.clone();
    let act = action.clone();
    let f2 = f.clone();
    // Forecasts and the report run Monte Carlo: off the server's threads.
    let result = tokio::task::spawn_blocking(move || act_as_facilitator(&app2, &act, &f2))
        .await
        .unwrap_or_else(|e| Err(Refusal::Io(format!("the action failed: {e}"))));
    match result {
        Ok(msg) => {
            app.lock().say(&code, msg);
            refresh_forecast(&app);
            redirect(&format!("/f/{code}"))
        }
        Err(r) => refused(&app, &code, &r, Some(&f)),
    }
}

fn refused(app: &App, code: &str, r: &Refusal, f: Option<&Fields>) -> Response {
    let mut s = app.lock();
    let page = pages::facilitator(&mut s, code, &Some((r.message().to_string(), false)), f);
    html(status(r), page)
}

fn act_as_facilitator(app: &App, action: &str, f: &Fields) -> Result<String, Refusal> {
    let only = |names: &[&str]| f.only(names);
    match action {
        "adjudicate" => {
            only(&["rest"])?;
            app.lock().adjudicate(f.get("rest") == Some("model"))
        }
        "event" => {
            only(&["event", "reason"])?;
            app.lock().fire_event(f.text("event"), f.text("reason"))
        }
        "inject" => {
            only(&["text", "reason"])?;
            app.lock().inject(f.text("text"), f.text("reason"))
        }
        "override" => {
            only(&["target", "value", "override_reason"])?;
            app.lock().override_value(f.text("target"), f.text("value"), f.text("override_reason"))
        }
        "undo" => app.lock().undo(),
        "pause" => app.lock().pause(true),
        "resume" => app.lock().pause(false),
        "clock" => {
            only(&["minutes"])?;
            app.lock().set_clock(f.text("minutes"))
        }
        "forecast" => {
            only(&["runs"])?;
            let runs: u64 =
                f.text("runs").trim().parse().ok().filter(|n| (1..=10_000).contains(n)).ok_or_else(|| {
                    Refusal::Invalid(format!("`{}` is not a number of runs from 1 to 10000", f.text("runs")))
                })?;
            forecast_now(app, runs);
            Ok(format!("Forecast made, {runs} runs each."))
        }
        "end" => {
            let mut s = app.lock();
            s.end()?;
            let dir = s.aar_dir();
            let runs = s.forecast_runs;
            let page = crate::play::aar::write_report(&s.game, &dir, runs).map_err(Refusal::Io)?;
            s.aar = Some(page);
            Ok("The game has ended; the after-action report is written.".into())
        }
        other => Err(Refusal::Invalid(format!("`{other}` is not a facilitator's action"))),
    }
}

async fn aar_page(State(app): State<App>, Path(code): Path<String>) -> Response {
    let path = {
        let s = app.lock();
        if s.who(&code) != Some(Who::Facilitator) {
            return forbidden(s.version, "The after-action report needs the facilitator's code.");
        }
        s.aar.clone()
    };
    match path.map(std::fs::read_to_string) {
        Some(Ok(text)) => html(StatusCode::OK, text),
        _ => html(StatusCode::NOT_FOUND, "<!doctype html><p>No after-action report yet: end the game first.".into()),
    }
}

/// Computes the forecast from the game's current state with `runs` runs, now.
fn forecast_now(app: &App, runs: u64) {
    let (sc, seed, snap, v, default_runs) = {
        let s = app.lock();
        (s.game.scenario(), s.game.seed(), s.game.simulation().snapshot(), s.state_version, s.forecast_runs)
    };
    let fresh;
    let start = if runs == default_runs {
        app.start.get_or_init(|| forecast::at_start(sc, seed, runs))
    } else {
        fresh = forecast::at_start(sc, seed, runs);
        &fresh
    };
    let f = forecast::forecast_snapshot(sc, seed, &snap, runs, start);
    let mut s = app.lock();
    if s.state_version == v {
        s.forecast = Some((v, Arc::new(f)));
        s.version += 1;
    }
}

/// Starts a forecast of the current state in the background, if the one shown is of an
/// earlier state: the projector shows it when it is ready.
pub fn refresh_forecast(app: &App) {
    let (current, runs) = {
        let s = app.lock();
        (s.forecast.as_ref().is_some_and(|(v, _)| *v == s.state_version), s.forecast_runs)
    };
    if !current {
        let app = app.clone();
        std::thread::spawn(move || forecast_now(&app, runs));
    }
}
