//! The server's document, observability and whole-store routes, over HTTP: every operation of
//! /openapi.json answers as it says; /metrics counts requests and shows the books; each request
//! is logged once; the event stream sends each event once, live, and resumes after
//! Last-Event-ID; import, export and verify answer what the CLI does; errors the framework
//! answers itself are problems too.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::Store;
use crate::serve::{Server, new_token, try_request};

fn sample_jsonl() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/sample.jsonl");
    std::fs::read_to_string(path).expect("the sample")
}

#[test]
fn every_documented_read_answers_200_on_the_sample_as_the_document_says() {
    let store = Store::sample();
    let server = Server::start(&store);
    let doc = try_request(&server.addr, None, "GET", "/openapi.json", None, None).expect("doc");
    assert_eq!(doc.status, 200);
    assert_eq!(doc.body["openapi"], "3.1.0");
    let paths = doc.body["paths"].as_object().expect("paths");
    let mut reads = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("an item") {
            assert!(op["summary"].is_string(), "{method} {path}: a summary");
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.contains_key("200"), "{method} {path}");
            if path.starts_with("/v1/") && method == "post" && path != "/v1/verify" {
                for status in ["400", "401", "403"] {
                    assert!(responses.contains_key(status), "{method} {path}: {status}");
                }
            }
            if method != "get" || path == "/v1/events/stream" {
                continue;
            }
            // Fill the path from the document's own examples (ids of the sample).
            let mut url = path.clone();
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().expect("a name");
                    let example = p["example"].as_str().expect("a path example");
                    url = url.replace(&format!("{{{name}}}"), example);
                }
            }
            let reply = server.request("GET", &url, None, None);
            assert_eq!(reply.status, 200, "GET {url}: {}", reply.body);
            reads += 1;
        }
    }
    assert!(reads >= 18, "{reads} reads");
    let ready = try_request(&server.addr, None, "GET", "/readyz", None, None).expect("ready");
    assert_eq!((ready.status, ready.body.clone()), (200, json!("ready\n")));
    let page = try_request(&server.addr, None, "GET", "/docs/", None, None).expect("docs");
    assert_eq!(page.status, 200);
    assert!(page.headers["content-type"].starts_with("text/html"));
}

#[test]
fn metrics_count_requests_and_commits_and_show_the_books() {
    let store = Store::sample();
    let server = Server::start(&store);
    for _ in 0..2 {
        assert_eq!(
            server
                .request("GET", "/v1/wallets/minji@example.com", None, None)
                .status,
            200
        );
    }
    let remit = json!({"from": "minji@example.com", "to": "junho@example.com", "amount": "1000"});
    // Junho was deactivated by the sample: reactivate first, then send.
    let again = server.post("/v1/members/junho@example.com/reactivate", None, &json!({}));
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(server.post("/v1/remittances", None, &remit).status, 200);
    let pay = json!({"member": "minji@example.com", "merchant": "HANBIT-GN", "amount": "3000"});
    assert_eq!(server.post("/v1/payments", None, &pay).status, 200);
    let reply = try_request(&server.addr, None, "GET", "/metrics", None, None).expect("metrics");
    assert_eq!(reply.status, 200);
    assert!(reply.headers["content-type"].starts_with("text/plain; version=0.0.4"));
    let text = reply.body.as_str().expect("text").to_string();
    let value = |series: &str| -> String {
        text.lines()
            .find_map(|l| {
                l.strip_prefix(series)?
                    .strip_prefix(' ')
                    .map(str::to_string)
            })
            .unwrap_or_else(|| panic!("no series {series} in\n{text}"))
    };
    assert_eq!(
        value(
            "payctl_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/wallets/{member}\",status=\"200\"}"
        ),
        "2"
    );
    assert_eq!(value("payctl_write_batch_size_count"), "3", "three commits");
    let head = store.ok(&["events", "--limit", "1", "--after", "0"])["total"].clone();
    assert_eq!(value("payctl_log_head_seq"), head.to_string());
    let balances = store.ok(&["ledger", "balances"]);
    let owed: rust_decimal::Decimal = balances["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter(|a| {
            a["account"]
                .as_str()
                .unwrap_or("")
                .starts_with("liabilities:wallets:")
        })
        .map(|a| {
            -a["balance"]
                .as_str()
                .unwrap_or("0")
                .parse::<rust_decimal::Decimal>()
                .expect("an amount")
        })
        .sum();
    assert_eq!(
        value("payctl_wallet_float{currency=\"KRW\"}"),
        owed.to_string()
    );
    assert_eq!(value("payctl_payments{status=\"captured\"}"), "3");
    assert_eq!(value("payctl_refunds_total"), "2");
    assert_eq!(
        value("payctl_merchant_unsettled{merchant=\"HANBIT-GN\",currency=\"KRW\"}"),
        "3000"
    );
}

#[test]
fn each_request_is_logged_once_with_its_id_route_status_latency_and_actor() {
    let store = Store::sample();
    let log = store.dir().join("serve.log");
    let file = std::fs::File::create(&log).expect("a log file");
    let server = Server::start_with(&store, &["--log", "json"], Stdio::from(file));
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    let request = format!(
        "GET /v1/wallets/minji@example.com HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         X-Request-Id: trace-42\r\nAuthorization: Bearer {}\r\n\r\n",
        server.token
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    let _ = std::io::Read::read_to_string(&mut stream, &mut answer);
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("x-request-id: trace-42"),
        "{answer}"
    );
    assert_eq!(server.stop(), Some(0));
    let lines: Vec<Value> = std::fs::read_to_string(&log)
        .expect("the log")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let ours: Vec<&Value> = lines
        .iter()
        .filter(|l| l["request_id"] == "trace-42")
        .collect();
    assert_eq!(ours.len(), 1, "one line per request: {lines:?}");
    let line = ours[0];
    assert_eq!(line["route"], "/v1/wallets/{member}");
    assert_eq!(line["method"], "GET");
    assert_eq!(line["status"], 200);
    assert!(line["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
    assert!(
        line["actor"]
            .as_str()
            .is_some_and(|a| a.starts_with("test-")),
        "{line}"
    );
}

/// An open event stream: its `id:` lines as they come.
struct EventStream {
    reader: BufReader<TcpStream>,
}

impl EventStream {
    fn open(server: &Server, query: &str, last_event_id: Option<i64>) -> EventStream {
        let mut stream = TcpStream::connect(&server.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("a timeout");
        let resume = last_event_id
            .map(|id| format!("Last-Event-ID: {id}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "GET /v1/events/stream{query} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\
             {resume}Authorization: Bearer {}\r\n\r\n",
            server.token
        );
        stream.write_all(request.as_bytes()).expect("send");
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).expect("a status line");
        assert!(status.contains(" 200 "), "{status}");
        EventStream { reader }
    }

    /// The next event's seq and kind.
    fn next(&mut self) -> (i64, String) {
        let (mut id, mut kind) = (None, None);
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("an event in time");
            assert!(n > 0, "the stream ended");
            let line = line.trim_end();
            if let Some(v) = line
                .strip_prefix("id: ")
                .or_else(|| line.strip_prefix("id:"))
            {
                id = v.trim().parse().ok();
            } else if let Some(v) = line
                .strip_prefix("event: ")
                .or_else(|| line.strip_prefix("event:"))
            {
                kind = Some(v.trim().to_string());
            } else if line.is_empty() {
                if let (Some(id), Some(kind)) = (id, kind.clone()) {
                    return (id, kind);
                }
            }
        }
    }
}

#[test]
fn the_event_stream_sends_each_event_once_live_and_resumes_after_last_event_id() {
    let store = Store::sample();
    let total = store.ok(&["events", "--limit", "1"])["total"]
        .as_i64()
        .expect("a total");
    let server = Server::start(&store);
    let mut stream = EventStream::open(&server, "?after=0", None);
    for seq in 1..=total {
        assert_eq!(stream.next().0, seq, "in log order, each once");
    }
    // Live: a write committed now reaches the open stream.
    let member = json!({"name": "Park Jisoo", "email": "jisoo@example.com"});
    assert_eq!(
        server.post("/v1/members", Some("live-1"), &member).status,
        200
    );
    assert_eq!(stream.next(), (total + 1, "MemberRegistered".to_string()));
    // A client that saw up to `total` resumes after it, whatever `after` says.
    let mut resumed = EventStream::open(&server, "?after=0", Some(total));
    assert_eq!(resumed.next().0, total + 1);
    let bad = server.request("GET", "/v1/events/stream?after=soon", None, None);
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["code"], "invalid_input");
}

#[test]
fn import_export_and_verify_over_http_answer_what_the_cli_does() {
    let store = Store::new();
    let server = Server::start(&store);
    let body = sample_jsonl();
    let first = server.request("POST", "/v1/import", None, Some(&body));
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["applied"], 23);
    let lines = first.body["lines"].as_array().expect("the per-line report");
    assert_eq!(lines.len(), 23);
    assert!(lines.iter().all(|l| l["status"] == "applied"));
    let again = server.request("POST", "/v1/import", None, Some(&body));
    assert_eq!(again.body["replayed"], 23, "{}", again.body);
    let malformed = server.request(
        "POST",
        "/v1/import",
        None,
        Some("{\"op\":\"pay\"}\nnot json\n"),
    );
    assert_eq!(malformed.status, 400, "{}", malformed.body);

    let by_cli = Store::sample();
    let export = |s: &Store| String::from_utf8(s.run(&["export", "--format", "ledger"]).stdout);
    let over_http = server.request("GET", "/v1/export?format=ledger", None, None);
    assert_eq!(over_http.status, 200);
    assert_eq!(
        over_http.headers["content-type"],
        "text/plain; charset=utf-8"
    );
    let text = over_http.body.as_str().expect("text").to_string();
    assert_eq!(
        Ok(text.clone()),
        export(&store),
        "the CLI's export of the same store"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("20")).count(),
        export(&by_cli)
            .expect("utf-8")
            .lines()
            .filter(|l| l.starts_with("20"))
            .count()
    );

    let verified = server.request("POST", "/v1/verify", None, None);
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(verified.body["ok"], true);
    assert_eq!(
        verified.body["head_hash"],
        store.ok(&["verify"])["head_hash"]
    );

    // Whole-store writes need an admin token: an operate token writes nothing.
    let operate = new_token(&store, "ops", "operate", None);
    let before = store.fingerprint();
    let refused = try_request(
        &server.addr,
        Some(&operate),
        "POST",
        "/v1/import",
        None,
        Some(&body),
    )
    .expect("an answer");
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["code"], "forbidden");
    assert_eq!(store.fingerprint(), before);
}

#[test]
fn errors_the_framework_answers_itself_are_problems_too() {
    let store = Store::sample();
    let server = Server::start(&store);
    let too_big = format!("{{\"name\":\"{}\"}}", "x".repeat(70 * 1024));
    let cases = [
        ("DELETE", "/v1/members", None, 405, "method_not_allowed"),
        (
            "POST",
            "/v1/members",
            Some(too_big.as_str()),
            413,
            "payload_too_large",
        ),
        ("GET", "/v1/nowhere", None, 404, "not_found"),
        ("GET", "/v1/members?limit=many", None, 400, "invalid_input"),
    ];
    for (method, path, body, status, code) in cases {
        let reply = server.request(method, path, None, body);
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        assert_eq!(
            reply.headers["content-type"], "application/problem+json",
            "{method} {path}"
        );
        assert_eq!(reply.body["code"], code, "{method} {path}");
        assert_eq!(reply.body["status"], status);
    }
}

#[test]
fn with_a_certificate_it_serves_https_only_and_may_listen_beyond_loopback() {
    let store = Store::sample();
    let (cert, key) = (store.dir().join("cert.pem"), store.dir().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (Debian's openssl package)");
    assert!(made.status.success(), "{made:?}");
    let (c, k) = (cert.to_str().expect("utf-8"), key.to_str().expect("utf-8"));
    let server = Server::start_with(&store, &["--tls-cert", c, "--tls-key", k], Stdio::inherit());
    let port = server.addr.rsplit(':').next().expect("a port").to_string();
    let curl = |scheme: &str| {
        std::process::Command::new("curl")
            .args(["-s", "--max-time", "10", "--cacert", c, "-H"])
            .arg(format!("Authorization: Bearer {}", server.token))
            .arg(format!(
                "{scheme}://127.0.0.1:{port}/v1/wallets/minji@example.com"
            ))
            .output()
            .expect("curl (Debian's curl package)")
    };
    let secure = curl("https");
    assert!(secure.status.success(), "{secure:?}");
    let answer: Value = serde_json::from_slice(&secure.stdout).expect("JSON");
    assert_eq!(answer, store.ok(&["money", "balance", "minji@example.com"]));
    assert!(
        !curl("http").status.success(),
        "no plain HTTP on a TLS port"
    );

    // Beyond loopback: TLS is enough, no --insecure needed; a missing key is named.
    let wide = Server::start_with(
        &store,
        &["--listen", "0.0.0.0:0", "--tls-cert", c, "--tls-key", k],
        Stdio::inherit(),
    );
    assert!(wide.addr.starts_with("0.0.0.0:"), "{}", wide.addr);
    let missing = store.json(&[
        "serve",
        "--tls-cert",
        c,
        "--tls-key",
        "/nonexistent/key.pem",
    ]);
    assert_eq!(missing.0, 2);
    assert!(
        missing.1["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("tls-key"),
        "{}",
        missing.1
    );
}

#[test]
fn an_event_stream_ends_after_the_stream_lifetime_and_a_reconnect_resumes() {
    let store = Store::sample();
    let total = store.ok(&["events", "--limit", "1"])["total"]
        .as_i64()
        .expect("a total");
    let server = Server::start_with(&store, &["--stream-lifetime", "1"], Stdio::inherit());
    let mut stream = EventStream::open(&server, "?after=0", None);
    for seq in 1..=total {
        assert_eq!(stream.next().0, seq);
    }
    // Nothing more comes: within its lifetime (and the read timeout) the body ends, its last
    // chunk the empty one (the connection itself may stay open for the next request).
    let mut rest = Vec::new();
    loop {
        let mut line = String::new();
        let n = stream.reader.read_line(&mut line).expect("the end in time");
        assert!(n > 0, "the connection closed before the body ended");
        if line == "0\r\n" {
            break;
        }
        rest.push(line);
    }
    assert!(
        !rest.iter().any(|l| l.starts_with("id:")),
        "no event twice: {rest:?}"
    );
    let mut again = EventStream::open(&server, "", Some(total - 1));
    assert_eq!(
        again.next().0,
        total,
        "a reconnect resumes after Last-Event-ID"
    );
}
