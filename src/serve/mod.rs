//! The seminar server: `heartland serve`. Teams play from their own laptops, the facilitator
//! runs the game from a browser, the room watches one screen. A thin layer over the wargame
//! ([`crate::play`]): the same game, the same save file, the same orders parser and the same
//! adjudication as `heartland play`, behind a small HTTP server (axum on tokio) that renders
//! plain HTML with one small script of its own; nothing is loaded from elsewhere.
//!
//! - [`seminar`]: the game, its room and every action, each saved atomically before it is
//!   answered, one at a time behind a lock.
//! - [`room`]: the join codes, the turn's clock, pause and end, kept beside the save file.
//! - [`form`]: forms read with limits and checked as orders files are.
//! - [`http`]: the routes and who may take each.
//! - [`pages`], [`projector`], [`html`]: the team's, the facilitator's and the projector's
//!   pages, every text escaped.

pub mod form;
pub mod html;
pub mod http;
pub mod pages;
pub mod projector;
pub mod room;
pub mod seminar;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

pub use room::Room;
pub use seminar::{Refusal, Seminar, Who};

/// A running server.
pub struct Server {
    addr: SocketAddr,
    room: Room,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The runtime could not start.
    #[error("cannot start the server: {0}")]
    Runtime(#[source] std::io::Error),
}

/// Starts serving `seminar` on `bind` (port 0: any free port) on a thread of its own;
/// returns once it listens.
pub fn start(seminar: Seminar, bind: SocketAddr) -> Result<Server, ServeError> {
    let listener = std::net::TcpListener::bind(bind).map_err(|source| ServeError::Bind { addr: bind, source })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind { addr: bind, source })?;
    listener.set_nonblocking(true).map_err(|source| ServeError::Bind { addr: bind, source })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()
        .map_err(ServeError::Runtime)?;
    let room = seminar.room.clone();
    let app = http::App { seminar: Arc::new(Mutex::new(seminar)), start: Arc::new(OnceLock::new()) };
    http::refresh_forecast(&app);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(ServeError::Runtime)?
    };
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let serve = axum::serve(listener, http::router(app)).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                eprintln!("error: the server stopped: {e}");
            }
        });
    });
    Ok(Server { addr, room, shutdown: Some(tx), thread: Some(thread) })
}

impl Server {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The room as it was when the server started (the join codes).
    pub fn room(&self) -> &Room {
        &self.room
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops serving (the game is saved after every action already) and waits for it.
    pub fn stop(mut self) {
        self.shut();
    }

    fn shut(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut();
    }
}
