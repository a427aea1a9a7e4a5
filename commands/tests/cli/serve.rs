//! `payctl serve` driven by a real HTTP client over TCP, on a free port: the sample tour over
//! HTTP ends in the books the CLI makes, idempotency keys replay and conflict as on the CLI,
//! errors are problem+json with the SPEC's code and change nothing, and concurrent writers
//! (committed together by the server's one writer) lose nothing.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use serde_json::{Value, json};

use crate::common::{Store, sample_lines};

/// A running `payctl serve` on a port of its choosing; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    /// An admin token's secret, sent with every request `request` makes.
    pub token: String,
}

pub struct Reply {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Value,
}

impl Server {
    /// A server with its request log off.
    pub fn start(store: &Store) -> Server {
        Server::start_with(store, &[], Stdio::inherit())
    }

    /// A server started with `serve ARGS`, its stderr to `stderr`; unless `args` say otherwise,
    /// on a free loopback port with its request log off.
    pub fn start_with(store: &Store, args: &[&str], stderr: Stdio) -> Server {
        // A name of its own per start: a store may be served again (the crash loop).
        static STARTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = new_token(store, &format!("test-{n}"), "admin", None);
        let mut command = store.command();
        command.arg("serve").args(args);
        if !args.contains(&"--listen") {
            command.args(["--listen", "127.0.0.1:0"]);
        }
        if !args.contains(&"--log") {
            command.args(["--log", "off"]);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start payctl serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("read the first line");
        let addr = first
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        Server { child, addr, token }
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        try_request(&self.addr, Some(&self.token), method, path, key, body)
            .expect("an answer from the server")
    }
    pub fn post(&self, path: &str, key: Option<&str>, body: &Value) -> Reply {
        self.request("POST", path, key, Some(&body.to_string()))
    }

    /// SIGKILL: the server dies in the middle of whatever it was doing.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then the exit code.
    pub fn stop(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
        self.child.wait().ok().and_then(|s| s.code())
    }
}

/// One HTTP/1.1 request on a new connection; `None` when the server cannot be reached or hangs
/// up before answering whole.
pub fn try_request(
    addr: &str,
    token: Option<&str>,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> Option<Reply> {
    let mut stream = TcpStream::connect(addr).ok()?;
    let body = body.unwrap_or("");
    let key = key
        .map(|k| format!("Idempotency-Key: {k}\r\n"))
        .unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{key}{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (head, payload) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let body = serde_json::from_str(payload).unwrap_or(Value::String(payload.to_string()));
    Some(Reply {
        status,
        headers,
        body,
    })
}

/// A new token's secret (`payctl token create`).
pub fn new_token(store: &Store, name: &str, scope: &str, expires: Option<&str>) -> String {
    let mut args = vec!["token", "create", "--name", name, "--scope", scope];
    if let Some(e) = expires {
        args.extend(["--expires", e]);
    }
    let v = store.ok(&args);
    v["secret"].as_str().expect("a secret").to_string()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The route of an import op, its path filled from the record's fields.
fn route(op: &Value) -> String {
    let field = |name: &str| op[name].as_str().unwrap_or_default().to_string();
    match op["op"].as_str().unwrap_or_default() {
        "member.register" => "/v1/members".into(),
        "member.update" => format!("/v1/members/{}/update", field("member")),
        "member.deactivate" => format!("/v1/members/{}/deactivate", field("member")),
        "member.reactivate" => format!("/v1/members/{}/reactivate", field("member")),
        "bank.link" => format!("/v1/members/{}/bank-links", field("member")),
        "bank.unlink" => format!("/v1/members/{}/bank-links/unlink", field("member")),
        "bank.sim" => "/v1/bank-sim/accounts".into(),
        "money.recharge" => format!("/v1/wallets/{}/recharge", field("member")),
        "money.withdraw" => format!("/v1/wallets/{}/withdraw", field("member")),
        "remit" => "/v1/remittances".into(),
        "merchant.register" => "/v1/merchants".into(),
        "merchant.update" => format!("/v1/merchants/{}/update", field("merchant")),
        "pay" => "/v1/payments".into(),
        "capture" => format!("/v1/payments/{}/capture", field("payment")),
        "void" => format!("/v1/payments/{}/void", field("payment")),
        "refund" => format!("/v1/payments/{}/refund", field("payment")),
        "settle" => "/v1/settlements".into(),
        other => panic!("no route for op {other}"),
    }
}

fn events(store: &Store) -> u64 {
    store.fingerprint().0
}

#[test]
fn the_sample_tour_over_http_makes_the_books_the_cli_makes() {
    let by_cli = Store::sample();
    let store = Store::new();
    let server = Server::start(&store);
    for (line, op) in sample_lines() {
        let mut body = op.clone();
        let key = body["key"].as_str().map(str::to_string);
        let fields = body.as_object_mut().expect("an object");
        fields.remove("op");
        fields.remove("key");
        let reply = server.post(&route(&op), key.as_deref(), &body);
        assert_eq!(
            reply.status, 200,
            "sample line {line} ({op}): {}",
            reply.body
        );
        assert_eq!(reply.body["replayed"], false, "line {line}");
    }
    let digest = |s: &Store| s.ok(&["verify", "--digest"])["projection_digest"].clone();
    assert_eq!(
        digest(&store),
        digest(&by_cli),
        "the same read models, row for row"
    );
    assert_eq!(store.ledger_balances(), by_cli.ledger_balances());
    let over_http = server.request("GET", "/v1/wallets/minji@example.com", None, None);
    assert_eq!(over_http.status, 200);
    assert_eq!(
        over_http.body,
        by_cli.ok(&["money", "balance", "minji@example.com"])
    );
    assert_eq!(server.stop(), Some(0), "SIGTERM ends the server cleanly");
}

#[test]
fn a_key_replays_its_first_answer_and_refuses_another_request() {
    let store = Store::new();
    let server = Server::start(&store);
    let kim = json!({"name": "Kim", "email": "kim@example.com"});
    let first = server.post("/v1/members", Some("reg-kim"), &kim);
    assert_eq!(
        (first.status, first.body["id"].clone()),
        (200, json!("mem_1"))
    );
    let before = events(&store);
    let again = server.post("/v1/members", Some("reg-kim"), &kim);
    assert_eq!(again.status, 200);
    assert_eq!(again.body["id"], "mem_1");
    assert_eq!(again.body["replayed"], true);
    assert_eq!(
        again.headers.get("idempotent-replayed").map(String::as_str),
        Some("true")
    );
    let other = json!({"name": "Lee", "email": "lee@example.com"});
    let conflict = server.post("/v1/members", Some("reg-kim"), &other);
    assert_eq!(conflict.status, 409, "{}", conflict.body);
    assert_eq!(conflict.body["code"], "idempotency_conflict");
    assert_eq!(events(&store), before, "neither wrote anything");
    // A refusal is final under its key too: answered again, with its status.
    let broke = json!({"amount": "5000"});
    let refused = server.post("/v1/wallets/mem_1/withdraw", Some("w-1"), &broke);
    let replayed = server.post("/v1/wallets/mem_1/withdraw", Some("w-1"), &broke);
    assert_eq!((refused.status, replayed.status), (422, 422));
    assert_eq!(replayed.body["code"], refused.body["code"]);
    assert_eq!(replayed.body["replayed"], true);
}

#[test]
fn errors_are_problem_details_with_the_spec_code_and_change_nothing() {
    let store = Store::linked();
    let server = Server::start(&store);
    server.post(
        "/v1/members",
        None,
        &json!({"name": "Lee", "email": "lee@example.com"}),
    );
    let before = events(&store);
    let cases: Vec<(&str, &str, Option<&str>, u16, &str)> = vec![
        (
            "POST",
            "/v1/wallets/mem_9/recharge",
            Some(r#"{"amount":"1000"}"#),
            404,
            "not_found",
        ),
        (
            "POST",
            "/v1/wallets/mem_1/recharge",
            Some(r#"{"amount":"12.5"}"#),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/v1/wallets/mem_1/recharge",
            Some(r#"{"amount":"-1"}"#),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/v1/wallets/mem_1/recharge",
            Some(r#"{"amount":"#),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/v1/wallets/mem_1/recharge",
            Some(r#"["amount"]"#),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/v1/wallets/mem_1/recharge",
            Some(r#"{"amount":"1","hodl":1}"#),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/v1/wallets/mem_1/recharge",
            Some(r#"{"amount":"1","key":"k"}"#),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/v1/wallets/mem_1/recharge",
            Some(r#"{"amount":"1","member":"mem_2"}"#),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/v1/wallets/mem_2/recharge",
            Some(r#"{"amount":"1000"}"#),
            422,
            "no_linked_account",
        ),
        (
            "POST",
            "/v1/wallets/mem_1/withdraw",
            Some(r#"{"amount":"1000"}"#),
            422,
            "insufficient_funds",
        ),
        ("GET", "/v1/members/mem_7", None, 404, "not_found"),
        (
            "GET",
            "/v1/wallets/mem_1?as_of=yesterday",
            None,
            400,
            "invalid_input",
        ),
        ("GET", "/v1/nowhere", None, 404, "not_found"),
    ];
    for (method, path, body, status, code) in cases {
        let reply = server.request(method, path, None, body);
        assert_eq!(
            reply.status, status,
            "{method} {path} {body:?}: {}",
            reply.body
        );
        assert_eq!(reply.body["code"], code, "{method} {path} {body:?}");
        assert_eq!(reply.body["status"], status);
        assert!(
            reply.headers["content-type"].starts_with("application/problem+json"),
            "{method} {path}"
        );
        assert!(!reply.body["detail"].as_str().unwrap_or_default().is_empty());
    }
    let huge = format!(r#"{{"amount":"1","name":"{}"}}"#, "x".repeat(70_000));
    let too_big = server.request("POST", "/v1/members", None, Some(&huge));
    assert_eq!(too_big.status, 413);
    assert_eq!(events(&store), before, "no refused request wrote anything");
}

#[test]
fn concurrent_writers_are_committed_together_and_lose_nothing() {
    let store = Store::funded();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Lee",
        "--email",
        "lee@example.com",
    ]);
    let server = Server::start(&store);
    let (clients, each) = (16, 8);
    let ids: Vec<Vec<(String, String)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let server = &server;
                s.spawn(move || {
                    (0..each)
                        .map(|n| {
                            let key = format!("r-{c}-{n}");
                            let body = json!({"from": "mem_1", "to": "mem_2", "amount": "10"});
                            let reply = server.post("/v1/remittances", Some(&key), &body);
                            assert_eq!(reply.status, 200, "{key}: {}", reply.body);
                            (
                                key,
                                reply.body["id"].as_str().unwrap_or_default().to_string(),
                            )
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client"))
            .collect()
    });
    let all: Vec<(String, String)> = ids.into_iter().flatten().collect();
    let unique: std::collections::HashSet<&String> = all.iter().map(|(_, id)| id).collect();
    assert_eq!(unique.len(), clients * each, "one remittance per key");
    let sent = 10 * (clients * each) as i128;
    let balance = |m: &str| crate::common::amount(&store.ok(&["money", "balance", m])["balance"]);
    assert_eq!((balance("mem_1"), balance("mem_2")), (10_000 - sent, sent));
    // Every key again: the same ids, nothing new.
    let before = events(&store);
    for (key, id) in all.iter().take(20) {
        let body = json!({"from": "mem_1", "to": "mem_2", "amount": "10"});
        let reply = server.post("/v1/remittances", Some(key), &body);
        assert_eq!(
            (reply.body["id"].as_str(), reply.body["replayed"].clone()),
            (Some(id.as_str()), json!(true))
        );
    }
    assert_eq!(events(&store), before);
    assert_eq!(store.ok(&["verify"])["ok"], true);
}

#[test]
fn a_non_loopback_address_is_refused_without_tls_unless_insecure() {
    let store = Store::new();
    let (code, v) = store.json(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(crate::common::error_code(&v), "invalid_input");
    assert!(
        crate::common::error_message(&v).contains("--insecure"),
        "{v}"
    );
}

#[test]
fn a_write_without_a_usable_token_is_refused_and_writes_nothing() {
    let store = Store::linked();
    let server = Server::start(&store);
    let reader = new_token(&store, "dashboard", "read", None);
    let fleeting = new_token(&store, "fleeting", "operate", Some("1s"));
    let revoked = new_token(&store, "gone", "operate", None);
    store.ok(&["token", "revoke", "gone"]);
    let operator = new_token(&store, "shop-web", "operate", None);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let before = events(&store);
    let body = r#"{"amount":"1000"}"#;
    let path = "/v1/wallets/mem_1/recharge";
    let cases: [(Option<&str>, u16, &str); 5] = [
        (None, 401, "unauthorized"),
        (Some("pct_0123456789"), 401, "unauthorized"),
        (Some(&fleeting), 401, "unauthorized"),
        (Some(&revoked), 401, "unauthorized"),
        (Some(&reader), 403, "forbidden"),
    ];
    for (token, status, code) in cases {
        let reply =
            try_request(&server.addr, token, "POST", path, None, Some(body)).expect("an answer");
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (status, Some(code)),
            "{token:?}"
        );
        assert!(reply.headers["content-type"].starts_with("application/problem+json"));
        assert_eq!(events(&store), before, "{token:?} wrote nothing");
    }
    let read = try_request(
        &server.addr,
        Some(&reader),
        "GET",
        "/v1/wallets/mem_1",
        None,
        None,
    )
    .expect("an answer");
    assert_eq!(read.status, 200, "a read token reads");
    let ok = try_request(
        &server.addr,
        Some(&operator),
        "POST",
        path,
        None,
        Some(body),
    )
    .expect("an answer");
    assert_eq!(ok.status, 200, "{}", ok.body);
    let last = store.ok(&["events", "--after", &before.to_string()]);
    let actors: Vec<&str> = last["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["actor"].as_str())
        .collect();
    assert!(
        !actors.is_empty() && actors.iter().all(|a| *a == "shop-web"),
        "{actors:?}"
    );
    let health = try_request(&server.addr, None, "GET", "/healthz", None, None).expect("answer");
    assert_eq!(health.status, 200, "health needs no token");
    let listed = store.ok(&["token", "list"]);
    let names: Vec<&str> = listed["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names[1..], ["dashboard", "fleeting", "gone", "shop-web"]);
    assert!(
        !listed.to_string().contains("pct_"),
        "no secret is ever listed"
    );
}

#[test]
fn every_read_answers_what_the_cli_prints_with_json() {
    let store = Store::sample();
    let server = Server::start(&store);
    let pairs: &[(&str, &[&str])] = &[
        ("/v1/members", &["member", "list"]),
        (
            "/v1/members?search=kim&limit=1",
            &["member", "list", "--search", "kim", "--limit", "1"],
        ),
        (
            "/v1/members?limit=1&offset=1",
            &["member", "list", "--limit", "1", "--offset", "1"],
        ),
        ("/v1/members/mem_1", &["member", "show", "mem_1"]),
        ("/v1/members/mem_1/bank-links", &["bank", "list", "mem_1"]),
        ("/v1/bank/requests", &["bank", "requests"]),
        ("/v1/wallets/mem_1", &["money", "balance", "mem_1"]),
        (
            "/v1/wallets/mem_1?as_of=12",
            &["money", "balance", "mem_1", "--as-of", "12"],
        ),
        ("/v1/wallets/mem_1/history", &["money", "history", "mem_1"]),
        ("/v1/merchants", &["merchant", "list"]),
        ("/v1/merchants/mer_1", &["merchant", "show", "mer_1"]),
        ("/v1/payments", &["payment", "list"]),
        (
            "/v1/payments?status=captured&merchant=mer_1",
            &[
                "payment",
                "list",
                "--status",
                "captured",
                "--merchant",
                "mer_1",
            ],
        ),
        ("/v1/payments/pay_1", &["payment", "show", "pay_1"]),
        ("/v1/settlements", &["settlement", "list"]),
        ("/v1/settlements/stl_1", &["settlement", "show", "stl_1"]),
        ("/v1/ledger/balances", &["ledger", "balances"]),
        (
            "/v1/ledger/balances?as_of=2026-03-03",
            &["ledger", "balances", "--as-of", "2026-03-03"],
        ),
        (
            "/v1/ledger/transactions?account=income:fees",
            &["ledger", "transactions", "--account", "income:fees"],
        ),
        (
            "/v1/events?after=5&limit=3",
            &["events", "--after", "5", "--limit", "3"],
        ),
        (
            "/v1/events?kind=PaymentCaptured",
            &["events", "--kind", "PaymentCaptured"],
        ),
    ];
    for (path, args) in pairs {
        let reply = server.request("GET", path, None, None);
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
        // Beside the CLI's offset, a list's `next` carries a cursor (the CLI pages by offset).
        let mut body = reply.body.clone();
        if let Some(next) = body.get_mut("next").and_then(Value::as_object_mut) {
            // The log pages by seq already (`next.after`).
            let cursor = next.remove("cursor");
            assert_eq!(
                cursor.is_some(),
                !path.starts_with("/v1/events"),
                "GET {path}"
            );
        }
        assert_eq!(body, store.ok(args), "GET {path} against payctl {args:?}");
    }
    let bad = server.request("GET", "/v1/members?limit=many", None, None);
    assert_eq!(
        (bad.status, bad.body["code"].clone()),
        (400, json!("invalid_input"))
    );
    let unknown = server.request("GET", "/v1/settlements/stl_9", None, None);
    assert_eq!(
        (unknown.status, unknown.body["code"].clone()),
        (404, json!("not_found"))
    );
}

#[test]
fn a_cursor_pages_on_past_rows_written_meanwhile_where_an_offset_repeats_them() {
    let store = Store::sample();
    let server = Server::start(&store);
    let history = "/v1/wallets/minji@example.com/history";
    let first = server.request("GET", &format!("{history}?limit=2"), None, None);
    assert_eq!(first.status, 200, "{}", first.body);
    let seen: Vec<Value> = first.body["entries"].as_array().expect("rows").clone();
    let cursor = first.body["next"]["cursor"]
        .as_str()
        .expect("a cursor")
        .to_string();
    // Newest first: two new entries arrive at the top meanwhile.
    for amount in ["1000", "2000"] {
        let recharge = server.post(
            "/v1/wallets/minji@example.com/recharge",
            None,
            &json!({ "amount": amount }),
        );
        assert_eq!(recharge.status, 200, "{}", recharge.body);
    }
    let by_offset = server.request("GET", &format!("{history}?limit=2&offset=2"), None, None);
    assert_eq!(
        by_offset.body["entries"].as_array().expect("rows"),
        &seen,
        "an offset shows the first page again"
    );
    let mut all = seen.clone();
    let mut next = Some(cursor);
    while let Some(c) = next {
        let page = server.request("GET", &format!("{history}?limit=2&cursor={c}"), None, None);
        assert_eq!(page.status, 200, "{}", page.body);
        all.extend(
            page.body["entries"]
                .as_array()
                .expect("rows")
                .iter()
                .cloned(),
        );
        assert!(page.body["next"].get("offset").is_none(), "{}", page.body);
        next = page.body["next"]["cursor"].as_str().map(str::to_string);
    }
    let seqs: Vec<i64> = all
        .iter()
        .map(|e| e["seq"].as_i64().expect("a seq"))
        .collect();
    let mut expected = seqs.clone();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    expected.dedup();
    assert_eq!(seqs, expected, "each older entry once, newest first");
    let total = first.body["total"].as_i64().expect("a total");
    assert_eq!(
        seqs.len() as i64,
        total,
        "every entry there was when paging began"
    );
    let both = server.request(
        "GET",
        &format!("{history}?offset=2&cursor=v1.3"),
        None,
        None,
    );
    assert_eq!(both.status, 400);
    let forged = server.request("GET", &format!("{history}?cursor=abc"), None, None);
    assert_eq!(
        (forged.status, forged.body["code"].clone()),
        (400, json!("invalid_input"))
    );
}
