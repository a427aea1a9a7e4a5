//! `payctl serve`: the platform's HTTP API over the engine. Writes go through one writer thread
//! that commits many requests in one transaction, each atomic on its own (as import lines are),
//! and answers each only after the commit; reads run on engines of their own.

mod auth;
mod problem;
mod queries;
mod reads;
mod routes;
mod writer;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use problem::status_of;
pub use routes::WRITE_ROUTES;

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
    pub writer: writer::WriterHandle,
    pub reads: reads::ReadPool,
}

/// Serves until SIGTERM or Ctrl-C, then finishes the writes it accepted. `ready` is called with
/// the bound address once the server accepts connections (`--listen 127.0.0.1:0` picks a port).
pub fn serve(options: ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let (writer, writer_thread) = writer::start(&options)?;
    let shared = Arc::new(Shared {
        writer,
        reads: reads::ReadPool::new(options.db.clone(), options.busy_timeout),
    });
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
        axum::serve(listener, routes::router(shared.clone()))
            .with_graceful_shutdown(shutdown_signal())
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
