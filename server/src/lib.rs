//! `payctl serve`: the platform's HTTP API over the engine. Writes go through one writer thread
//! that commits many requests in one transaction, each atomic on its own (as import lines are),
//! and answers each only after the commit; reads run on engines of their own.

mod admin;
mod auth;
mod limits;
mod metrics;
mod observe;
mod openapi;
mod operations;
mod problem;
mod queries;
mod reads;
mod routes;
mod schemas;
mod stream;
mod writer;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use openapi::document as openapi_document;
pub use operations::{READ_ROUTES, WRITE_ROUTES};
pub use problem::status_of;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub db: PathBuf,
    pub listen: SocketAddr,
    /// Recorded on the store's first event when the server creates the store (requests act
    /// as their token's name).
    pub actor: String,
    /// How long a write waits for another process's write transaction.
    pub busy_timeout: Duration,
    /// Write requests that may wait for the writer; one more is answered 503.
    pub queue: usize,
    /// Requests one transaction may hold.
    pub max_batch: usize,
    /// Read engines kept open (on PostgreSQL, sessions); a read beyond waits for one.
    pub readers: usize,
    /// How long one event stream stays open before the client must reconnect.
    pub stream_lifetime: Duration,
    /// Requests answered at once; one more is answered 503 at once.
    pub max_in_flight: usize,
    /// How long a request may take to be answered before it is answered 503.
    pub request_timeout: Duration,
    /// Serve HTTPS with this certificate chain and private key (PEM files).
    pub tls: Option<Tls>,
}

/// The PEM files of a TLS identity.
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Core(#[from] payctl_core::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot use the TLS certificate {cert} and key {key}: {reason}")]
    Tls {
        cert: PathBuf,
        key: PathBuf,
        reason: String,
    },
}

/// What the handlers share.
pub(crate) struct Shared {
    pub db: PathBuf,
    pub busy_timeout: Duration,
    pub writer: writer::WriterHandle,
    pub reads: reads::ReadPool,
    pub metrics: Arc<metrics::Metrics>,
    /// Woken after each commit of the writer (the event stream waits on it).
    pub committed: Arc<tokio::sync::Notify>,
    /// Turns true when the server starts to stop: open event streams end.
    pub stopping: tokio::sync::watch::Sender<bool>,
    pub stream_lifetime: Duration,
}

/// Serves until SIGTERM or Ctrl-C, then finishes the writes it accepted. `ready` is called with
/// the bound address once the server accepts connections (`--listen 127.0.0.1:0` picks a port).
pub fn serve(options: ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let metrics = Arc::new(metrics::Metrics::default());
    let committed = Arc::new(tokio::sync::Notify::new());
    let (writer, writer_thread) = writer::start(&options, metrics.clone(), committed.clone())?;
    let shared = Arc::new(Shared {
        db: options.db.clone(),
        busy_timeout: options.busy_timeout,
        writer,
        reads: reads::ReadPool::new(options.db.clone(), options.busy_timeout, options.readers),
        metrics,
        committed,
        stopping: tokio::sync::watch::Sender::new(false),
        stream_lifetime: options.stream_lifetime,
    });
    let limits = Arc::new(limits::Limits {
        in_flight: tokio::sync::Semaphore::new(options.max_in_flight.max(1)),
        answer_within: options.request_timeout,
    });
    let router = routes::router(shared.clone(), limits).map_err(|e| {
        payctl_core::Error::internal(format!("the OpenAPI document does not read: {e}"))
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(async {
        let tls = match &options.tls {
            Some(tls) => Some(tls_config(tls).await?),
            None => None,
        };
        let listener =
            std::net::TcpListener::bind(options.listen).map_err(|source| ServeError::Listen {
                addr: options.listen,
                source,
            })?;
        listener.set_nonblocking(true)?;
        ready(listener.local_addr()?);
        let stopping = shared.stopping.clone();
        let stopped = async move {
            shutdown_signal().await;
            stopping.send_replace(true);
        };
        match tls {
            None => {
                axum::serve(tokio::net::TcpListener::from_std(listener)?, router)
                    .with_graceful_shutdown(stopped)
                    .await?;
            }
            Some(config) => {
                let handle = axum_server::Handle::new();
                let on_stop = handle.clone();
                tokio::spawn(async move {
                    stopped.await;
                    on_stop.graceful_shutdown(None);
                });
                axum_server::from_tcp_rustls(listener, config)
                    .handle(handle)
                    .serve(router.into_make_service())
                    .await?;
            }
        }
        Ok::<(), ServeError>(())
    });
    // The router and its handles are gone: the writer drains what it accepted, then stops.
    // The last handle is dropped here, outside the runtime: a PostgreSQL read engine holds a
    // runtime of its own, which may not be dropped from async code.
    drop(runtime);
    drop(shared);
    let _ = writer_thread.join();
    served
}

/// The TLS identity, read once at start (ring's primitives: no C toolchain beyond a compiler).
async fn tls_config(tls: &Tls) -> Result<axum_server::tls_rustls::RustlsConfig, ServeError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .map_err(|e| ServeError::Tls {
            cert: tls.cert.clone(),
            key: tls.key.clone(),
            reason: e.to_string(),
        })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// How the server writes its request log (on stderr, one line per request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
    Off,
}

/// Installs the request log; call once, from the binary.
pub fn init_logs(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Off => Ok(()),
    };
}
