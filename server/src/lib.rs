//! `payctl serve`: the platform's HTTP API over the engine. Writes go through one writer thread
//! that commits many requests in one transaction, each atomic on its own (as import lines are),
//! and answers each only after the commit; reads run on engines of their own.

mod admin;
mod auth;
mod metrics;
mod observe;
mod openapi;
mod operations;
mod problem;
mod queries;
mod reads;
mod routes;
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
        reads: reads::ReadPool::new(options.db.clone(), options.busy_timeout),
        metrics,
        committed,
        stopping: tokio::sync::watch::Sender::new(false),
    });
    let router = routes::router(shared.clone()).map_err(|e| {
        payctl_core::Error::internal(format!("the OpenAPI document does not read: {e}"))
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|source| ServeError::Listen {
                addr: options.listen,
                source,
            })?;
        ready(listener.local_addr()?);
        let stopping = shared.stopping.clone();
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                stopping.send_replace(true);
            })
            .await?;
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
