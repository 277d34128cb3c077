//! The local web page (`partnermatch serve`): an axum server on the loopback interface only,
//! serving a page compiled into the binary (`assets/`) and a JSON API built on the library
//! (`api`, with its parameters checked in `params`; the page's "describe your body" statement,
//! a profile layer carried by a request, in `statement`). It reads no file after start-up and
//! no request can name one: every asset is a compiled-in constant, and the data and survey are
//! the ones it was started with (a statement is laid over them per request, never stored).
//!
//! Invariants: it listens only on a loopback address (`Server::bind` refuses any other); it
//! answers only requests addressed to a loopback host name (`localhost`, `127.x.x.x`, `[::1]`),
//! which defeats DNS rebinding; every response carries a Content-Security-Policy that allows
//! only the page's own script and style; the page puts data into the document with
//! `textContent` and SVG attributes, never as markup.

pub mod api;
pub mod listener;
pub mod params;
pub mod statement;

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::engine::Engine;
use crate::weights::WeightSettings;

use self::api::Body;
use self::params::ApiError;
use self::statement::Statement;

/// The page (HTML shell; everything else comes from the API).
const INDEX_HTML: &str = include_str!("assets/index.html");
/// The page's script: plain JavaScript, no build step.
const APP_JS: &str = include_str!("assets/app.js");
/// The page's stylesheet.
const APP_CSS: &str = include_str!("assets/app.css");

/// The policy every response carries: the page may load only its own script and style, fetch
/// only from this server, and never be framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

/// How many engines for other weightings and statements are kept (each is the dataset's
/// index, and with a statement its own copy of the dataset; a rebuild for the UK data takes
/// milliseconds, so the cache only spares repeated requests for the same settings).
const ENGINE_CACHE: usize = 8;

/// What an engine in the cache was built for: a weighting, and the text of the statement laid
/// over the data, if any (bounded by `statement::MAX_STATEMENT_BYTES`).
type CacheKey = (WeightSettings, Option<String>);

/// What the server answers from: the engine for its own weighting, built once at start-up, and
/// a small cache of engines for the weightings and statements requests ask for.
#[derive(Debug)]
pub struct AppState {
    base: Arc<Engine>,
    cache: Mutex<Vec<(CacheKey, Arc<Engine>)>>,
}

impl AppState {
    /// The state for an engine (the data, survey and default weighting to serve).
    pub fn new(engine: Engine) -> Self {
        Self { base: Arc::new(engine), cache: Mutex::new(Vec::new()) }
    }

    /// The engine for the server's own weighting.
    pub fn base(&self) -> &Engine {
        &self.base
    }

    /// The engine for a weighting (`None`: the server's) over the data with a statement laid
    /// over it (`None`: the data as served): the start-up engine when neither differs, else a
    /// cached or freshly built one (the oldest cached engine is dropped when the cache is
    /// full). Requests repeating a statement and weighting reuse one engine.
    pub fn engine_for(
        &self,
        settings: Option<&WeightSettings>,
        statement: Option<&Statement>,
    ) -> Result<Arc<Engine>, ApiError> {
        let settings = settings.unwrap_or(&self.base.settings);
        if *settings == self.base.settings && statement.is_none() {
            return Ok(Arc::clone(&self.base));
        }
        let key: CacheKey = (settings.clone(), statement.map(|s| s.text.clone()));
        // A poisoned lock only means another request panicked mid-way; the cache is still a
        // valid list, so carry on with it.
        if let Some((_, engine)) = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .find(|(k, _)| *k == key)
        {
            return Ok(Arc::clone(engine));
        }
        // Built outside the lock, so that one request building does not hold up the others.
        let dataset = match statement {
            Some(statement) => statement.apply(&self.base.dataset)?,
            None => self.base.dataset.clone(),
        };
        let engine =
            Engine::new(dataset, self.base.survey.clone(), settings.clone()).map_err(|e| {
                ApiError::bad(
                    "order",
                    format!("these weights do not fit the survey file: {e}"),
                    "change the order or the method",
                )
            })?;
        let engine = Arc::new(engine);
        let mut cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !cache.iter().any(|(k, _)| *k == key) {
            if cache.len() >= ENGINE_CACHE {
                cache.remove(0);
            }
            cache.push((key, Arc::clone(&engine)));
        }
        Ok(engine)
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// An address other than loopback.
    #[error(
        "refusing to listen on {0}: the page is for this computer only; use 127.0.0.1 (or ::1)"
    )]
    NotLoopback(IpAddr),
    /// The port is taken or not allowed.
    #[error("cannot listen on {addr}: {source}; try another --port, or --port 0 for any free one")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// A server bound to a loopback address, ready to run.
#[derive(Debug)]
pub struct Server {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    state: Arc<AppState>,
}

impl Server {
    /// Binds a loopback address (port 0 picks a free port). Refuses any other address.
    pub async fn bind(addr: SocketAddr, state: AppState) -> Result<Self, ServeError> {
        if !addr.ip().is_loopback() {
            return Err(ServeError::NotLoopback(addr.ip()));
        }
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let addr = listener.local_addr()?;
        Ok(Self { listener, addr, state: Arc::new(state) })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's URL: `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        axum::serve(listener::Guarded::new(self.listener), router(self.state))
            .with_graceful_shutdown(shutdown)
            .await?;
        Ok(())
    }
}

/// The routes: the page and its assets, and the API.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }))
        .route("/app.js", get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }))
        .route("/app.css", get(|| async { asset("text/css; charset=utf-8", APP_CSS) }))
        .route("/api/meta", get(meta))
        .route("/api/bodies", get(bodies))
        .route("/api/rank", get(rank))
        .route("/api/view", get(view))
        .route("/api/profile", get(profile))
        .route("/api/report", get(report))
        .fallback(|uri: Uri| async move { error_response(&ApiError::no_page(uri.path())) })
        .layer(middleware::from_fn(guard))
        .with_state(state)
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], text)
        .into_response()
}

/// The host part of a `Host` header, without the port.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// Whether a request is addressed to this computer by a loopback name.
pub fn is_loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = host_name(host.trim());
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why a request's addressing is refused with 400: several `Host` headers (two readers of the
/// request could each pick a different one), or an absolute-form target naming a host that is
/// not this computer.
fn addressing_problem(request: &Request) -> Option<ApiError> {
    let n_hosts = request.headers().get_all(header::HOST).iter().count();
    let problem = if n_hosts > 1 {
        format!("the request has {n_hosts} Host headers; send exactly one")
    } else {
        let host = request.uri().host()?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        {
            return None;
        }
        format!("the request's target names another host ({host})")
    };
    Some(ApiError {
        status: 400,
        error: problem,
        parameter: None,
        help: Some("open the URL the server printed when it started".to_owned()),
        closest: Vec::new(),
        problems: Vec::new(),
    })
}

/// Refuses requests not addressed to a loopback host (DNS rebinding) or addressed ambiguously
/// (`addressing_problem`), and adds the security headers to every response.
async fn guard(request: Request, next: Next) -> Response {
    let mut response = if let Some(problem) = addressing_problem(&request) {
        error_response(&problem)
    } else if is_loopback_host(request.headers()) {
        next.run(request).await
    } else {
        error_response(&ApiError {
            status: 421,
            error: "this server answers only requests addressed to 127.0.0.1 or localhost"
                .to_owned(),
            parameter: None,
            help: Some("open the URL the server printed when it started".to_owned()),
            closest: Vec::new(),
            problems: Vec::new(),
        })
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn error_response(error: &ApiError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string_pretty(error).unwrap_or_else(|_| "{}".to_owned());
    (
        status,
        [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")],
        body,
    )
        .into_response()
}

fn body_response(body: Body) -> Response {
    let mut response = (
        [(header::CONTENT_TYPE, body.content_type), (header::CACHE_CONTROL, "no-store")],
        body.bytes,
    )
        .into_response();
    if let Some(name) = body.filename {
        // The name is built from an id of ASCII letters, digits, '-' and '_' only.
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

/// An API function: the server's state and a query's pairs to a response body.
type Endpoint = fn(&AppState, &[(String, String)]) -> Result<Body, ApiError>;

/// Runs an API function off the async threads (ranking is CPU work) and turns its outcome
/// into a response.
async fn respond(
    state: Arc<AppState>,
    pairs: Vec<(String, String)>,
    endpoint: Endpoint,
) -> Response {
    let outcome = tokio::task::spawn_blocking(move || endpoint(&state, &pairs)).await;
    match outcome {
        Ok(Ok(body)) => body_response(body),
        Ok(Err(error)) => error_response(&error),
        Err(join) => error_response(&ApiError::internal(join.to_string())),
    }
}

async fn meta(State(state): State<Arc<AppState>>) -> Response {
    respond(state, Vec::new(), |state, _| api::meta(state)).await
}

async fn bodies(
    State(state): State<Arc<AppState>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    respond(state, pairs, api::bodies).await
}

async fn rank(
    State(state): State<Arc<AppState>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    respond(state, pairs, api::rank).await
}

async fn view(
    State(state): State<Arc<AppState>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    respond(state, pairs, api::view).await
}

async fn profile(
    State(state): State<Arc<AppState>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    respond(state, pairs, api::profile).await
}

async fn report(
    State(state): State<Arc<AppState>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    respond(state, pairs, api::report).await
}

#[cfg(test)]
mod tests;
