//! Effective times in the future: an `--at`, an import line's `at` or a settlement cutoff past
//! the wall clock plus five minutes is refused and leaves the store untouched, so one typo can
//! never lock a store; a store that already holds a future time can still go on.

use crate::common::{Store, error_code, error_message};

const FAR_FUTURE: &str = "2099-01-01T00:00:00Z";

#[test]
fn an_at_far_in_the_future_is_refused_and_later_commands_still_work() {
    let store = Store::new();
    store.ok(&["init", "--at", "2026-03-01T00:00:00Z"]);
    let before = store.fingerprint();
    let (code, v) = store.json(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "kim@example.com",
        "--at",
        FAR_FUTURE,
    ]);
    assert_eq!((code, error_code(&v)), (2, "invalid_input"), "{v}");
    let message = error_message(&v);
    assert!(message.contains(FAR_FUTURE), "names the value: {message}");
    assert!(message.contains("wall clock"), "names the clock: {message}");
    assert_eq!(store.fingerprint(), before, "nothing recorded");
    // The next command at the wall clock works.
    let v = store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "kim@example.com",
    ]);
    assert_eq!(v["id"], "mem_1");
}

#[test]
fn a_few_minutes_ahead_of_the_clock_is_allowed() {
    let store = Store::new();
    let soon = (chrono::Utc::now() + chrono::Duration::minutes(2)).to_rfc3339();
    let v = store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "k@example.com",
        "--at",
        &soon,
    ]);
    assert_eq!(v["id"], "mem_1");
}

#[test]
fn a_future_cutoff_and_a_future_import_line_are_refused() {
    let store = Store::new();
    store.ok(&["init", "--at", "2026-03-01T00:00:00Z"]);
    let (code, v) = store.json(&["settle", "--cutoff", FAR_FUTURE]);
    assert_eq!((code, error_code(&v)), (2, "invalid_input"), "{v}");
    assert!(error_message(&v).contains("cutoff"), "{v}");

    let file = store.dir().join("future.jsonl");
    std::fs::write(
        &file,
        format!(
            "{{\"op\":\"member.register\",\"name\":\"Kim\",\"email\":\"k@example.com\",\"at\":\"{FAR_FUTURE}\"}}\n\
             {{\"op\":\"member.register\",\"name\":\"Lee\",\"email\":\"l@example.com\",\"at\":\"2026-03-02T09:00:00Z\"}}\n"
        ),
    )
    .expect("write");
    let report = store.dir().join("report.jsonl");
    let out = store.run(&[
        "import",
        file.to_str().expect("path"),
        "--report",
        report.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(3), "the future line is refused");
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&report)
        .expect("report")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines[0]["status"], "rejected");
    assert_eq!(lines[0]["code"], "invalid_input");
    assert_eq!(lines[1]["status"], "applied", "the next line still applies");
}

#[test]
fn the_backwards_refusal_names_the_last_recorded_time() {
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "k@example.com",
        "--at",
        "2026-03-02T10:00:00Z",
    ]);
    let (code, v) = store.json(&[
        "member",
        "register",
        "--name",
        "Lee",
        "--email",
        "l@example.com",
        "--at",
        "2026-03-02T09:00:00Z",
    ]);
    assert_eq!(code, 2, "{v}");
    assert!(
        error_message(&v).contains("2026-03-02T10:00:00Z"),
        "names the last recorded time: {v}"
    );
}

/// A store written by an older payctl that accepted a future `--at` is not stuck: `--at` that
/// very time is accepted (and the message says so).
#[test]
fn a_store_that_already_holds_a_future_time_goes_on_with_at_that_time() {
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "k@example.com",
        "--at",
        "2026-03-02T10:00:00Z",
    ]);
    // Move the last event into the future behind payctl's back, as an older payctl allowed.
    // (The log is append-only, so the event is rewritten with the triggers dropped and the chain
    // left as it was: only the time check matters here.)
    store.sql(&format!(
        "{}UPDATE events SET effective_at = '2099-01-01T00:00:00.000000Z' WHERE seq = 2;",
        store.drop_trigger_sql("events_refuse_update")
    ));
    let (code, v) = store.json(&[
        "member",
        "register",
        "--name",
        "Lee",
        "--email",
        "l@example.com",
    ]);
    assert_eq!(code, 2, "{v}");
    assert!(
        error_message(&v).contains(&format!("--at {FAR_FUTURE}")),
        "says how to go on: {v}"
    );
    let v = store.ok(&[
        "member",
        "register",
        "--name",
        "Lee",
        "--email",
        "l@example.com",
        "--at",
        FAR_FUTURE,
    ]);
    assert_eq!(v["id"], "mem_2");
}
