//! `payctl serve`: the HTTP API over the store (payctl-server).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use payctl_server::{LogFormat, ServeError, ServeOptions, Tls};

use crate::App;
use crate::exit::{CmdResult, invalid};
use crate::write::{busy_timeout, require_store_dir};

/// Serve the platform's HTTP API: every write and read of the CLI, behind bearer tokens.
///
/// Every write is a POST under /v1 (its body the import format's fields; `Idempotency-Key`
/// header), every read a GET; /healthz, /readyz, /metrics, /openapi.json and /docs need no
/// token. Every /v1 request needs `Authorization: Bearer SECRET` (`payctl token create`):
/// reads scope read, writes operate, /v1/import and /v1/verify admin. Concurrent writes are
/// committed together in one transaction, each answered after the commit. Stops on SIGTERM or
/// Ctrl-C, finishing the writes it accepted.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl --db ./books.db serve\n  payctl serve --listen 127.0.0.1:9000\n  payctl serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem\n  curl -s -X POST localhost:8080/v1/members -H \"Authorization: Bearer $TOKEN\" -H 'Idempotency-Key: k1' \\\n    -d '{\"name\":\"Kim Minji\",\"email\":\"minji@example.com\"}'"
)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Serve HTTPS with this certificate chain (PEM; with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Listen on a non-loopback address without TLS: tokens then cross the network in the
    /// clear (give --tls-cert/--tls-key, or put a TLS proxy in front).
    #[arg(long)]
    insecure: bool,
    /// Write requests that may wait for the writer; beyond it, 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    queue: usize,
    /// Most write requests committed in one transaction.
    #[arg(long, value_name = "N", default_value_t = 256)]
    batch: usize,
    /// The request log on stderr, one line per request (id, method, route, status, latency,
    /// actor): text, json, or off.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json", "off"])]
    log: String,
    /// Read engines kept open (on PostgreSQL, sessions); more reads at once wait for one.
    #[arg(long, value_name = "N", default_value_t = 8)]
    readers: usize,
    /// Seconds an event stream stays open; then it ends and the client reconnects with
    /// Last-Event-ID (EventSource does so by itself).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    stream_lifetime: u64,
    /// Requests answered at once; one more is answered 503 with Retry-After at once.
    #[arg(long, value_name = "N", default_value_t = 512)]
    max_in_flight: usize,
    /// Seconds a request may take to be answered; then 503 (a write may still commit: retry
    /// it under its Idempotency-Key).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    request_timeout: u64,
}

pub fn run(a: ServeArgs, app: &App) -> CmdResult {
    let tls = match (a.tls_cert, a.tls_key) {
        (Some(cert), Some(key)) => Some(Tls { cert, key }),
        _ => None,
    };
    if !a.listen.ip().is_loopback() && tls.is_none() && !a.insecure {
        return Err(invalid(
            "listen",
            &a.listen.to_string(),
            "is not a loopback address: bearer tokens would cross the network in the clear; \
             give --tls-cert and --tls-key, or put a TLS proxy in front and pass --insecure",
        ));
    }
    if let Some(tls) = &tls {
        for (field, path) in [("tls-cert", &tls.cert), ("tls-key", &tls.key)] {
            if !path.is_file() {
                return Err(invalid(field, &path.display().to_string(), "no such file"));
            }
        }
    }
    if a.request_timeout == 0 {
        return Err(invalid("request-timeout", "0", "must be at least 1 second"));
    }
    require_store_dir(app)?;
    let options = ServeOptions {
        db: app.db.clone(),
        listen: a.listen,
        actor: app.actor.clone(),
        busy_timeout: busy_timeout(),
        queue: a.queue,
        max_batch: a.batch,
        readers: a.readers,
        stream_lifetime: Duration::from_secs(a.stream_lifetime.max(1)),
        max_in_flight: a.max_in_flight,
        request_timeout: Duration::from_secs(a.request_timeout),
        tls: tls.clone(),
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    payctl_server::init_logs(match a.log.as_str() {
        "json" => LogFormat::Json,
        "off" => LogFormat::Off,
        _ => LogFormat::Text,
    });
    let store = app.db_shown();
    let served = payctl_server::serve(options, |addr| {
        // The first line says where: tests and scripts read the port from it.
        println!("payctl serve: listening on {scheme}://{addr} (store {store})");
    });
    match served {
        Ok(()) => Ok(()),
        Err(ServeError::Core(e)) => Err(e.into()),
        Err(ServeError::Tls { cert, reason, .. }) => Err(invalid(
            "tls-cert",
            &cert.display().to_string(),
            &format!("cannot be used with --tls-key: {reason}"),
        )),
        Err(e) => Err(color_eyre::eyre::eyre!(e).into()),
    }
}
