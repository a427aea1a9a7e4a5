//! A PostgreSQL store's failures: a server that cannot be reached answers exit 6 naming it
//! without its password; a session killed by the server (`pg_terminate_backend`) at random
//! moments leaves each command committed whole or not at all, and its retry under the same
//! idempotency key answers correctly.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::common::{
    Store, amount, base_command, full_tier, not_applicable, on_postgres, parse_json_output, t,
};

#[test]
fn a_server_that_is_down_is_exit_6_naming_it_without_its_password() {
    // Port 9 (discard) has no PostgreSQL: the connection is refused at once.
    let url = "postgres://kim:s3cret@127.0.0.1:9/books?schema=payctl";
    for args in [
        &["money", "balance", "mem_1"][..],
        &[
            "member",
            "register",
            "--name",
            "Kim",
            "--email",
            "kim@example.com",
        ][..],
    ] {
        let out = base_command()
            .args(["--db", url, "--json"])
            .args(args)
            .output()
            .expect("run payctl");
        let (code, v) = parse_json_output(&out);
        assert_eq!(code, 6, "{args:?}: {v}");
        assert_eq!(v["error"]["code"], "store_locked", "{args:?}: {v}");
        let message = v["error"]["message"].as_str().unwrap_or("");
        assert!(
            message.contains("postgres://kim@127.0.0.1:9/books"),
            "{message}"
        );
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), message);
        assert!(!all.contains("s3cret"), "{all}");
        assert!(out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("panick"));
    }
    // And `config` names the backend without the password either.
    let out = base_command()
        .args(["--db", url, "config"])
        .output()
        .expect("run payctl");
    assert_eq!(out.status.code(), Some(6));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("s3cret"));
}

/// Rounds of remits killed by the server: 40, or 300 in the full tier.
fn rounds() -> usize {
    if full_tier() { 300 } else { 40 }
}

#[test]
fn sessions_killed_by_the_server_commit_whole_or_not_and_retries_answer_correctly() {
    if !on_postgres() {
        return not_applicable(
            "server::sessions_killed_by_the_server_commit_whole_or_not_and_retries_answer_correctly",
            "kills the server's session for payctl (PAYCTL_TEST_DB=postgres://…)",
        );
    }
    let s = Store::new();
    for (m, minute) in [(1, 0), (2, 10)] {
        let email = format!("m{m}@example.com");
        s.ok(&[
            "member",
            "register",
            "--name",
            &email,
            "--email",
            &email,
            "--at",
            &t(minute),
        ]);
    }
    s.ok(&[
        "bank",
        "link",
        "mem_1",
        "--bank",
        "KB",
        "--account",
        "100-1",
        "--at",
        &t(20),
    ]);
    s.ok(&["money", "recharge", "mem_1", "1,000,000", "--at", &t(21)]);
    // This test's sessions, told apart from every other test's by their application name.
    let app = format!("kill_{}", s.schema().expect("a schema"));
    let db =
        payctl_core::testing::with_option(&s.path().to_string_lossy(), "application_name", &app);

    let stop = Arc::new(AtomicBool::new(false));
    let kills = Arc::new(AtomicU64::new(0));
    let killer = {
        let (stop, kills, app) = (Arc::clone(&stop), Arc::clone(&kills), app.clone());
        let server = std::env::var("PAYCTL_TEST_DB").unwrap_or_default();
        std::thread::spawn(move || {
            let mut state = 0x2545_F491_4F6C_DD1D_u64;
            while !stop.load(Ordering::SeqCst) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                std::thread::sleep(Duration::from_millis(state % 40));
                let out = std::process::Command::new("psql")
                    .args(["-X", "-q", "-A", "-t", "-d", &server, "-c"])
                    .arg(format!(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                         WHERE application_name = '{app}'"
                    ))
                    .output()
                    .expect("psql");
                let n: u64 = String::from_utf8_lossy(&out.stdout)
                    .trim()
                    .parse()
                    .unwrap_or(0);
                kills.fetch_add(n, Ordering::SeqCst);
            }
        })
    };
    let remit = |key: &str, value: u64| {
        let out = base_command()
            .args(["--db", &db, "--actor", "test", "--json", "remit", "mem_1"])
            .args([&value.to_string(), "--to", "mem_2", "--no-auto-recharge"])
            .args(["--idempotency-key", key])
            .output()
            .expect("run payctl");
        parse_json_output(&out)
    };
    let mut sent: i128 = 0;
    let mut lost_connections = 0;
    for round in 0..rounds() {
        let key = format!("k{round}");
        let value = 1 + (round as u64 * 7919) % 5000;
        let (mut code, mut v) = remit(&key, value);
        let mut first_id = None;
        // A lost connection is exit 6 and says so; the retry answers what happened.
        while code != 0 {
            assert_eq!(code, 6, "round {round}: {v}");
            assert_eq!(v["error"]["code"], "store_locked", "round {round}: {v}");
            lost_connections += 1;
            (code, v) = remit(&key, value);
        }
        let id = v["id"].as_str().expect("an id").to_string();
        first_id.get_or_insert(id.clone());
        // Once answered, every later retry replays the same remittance.
        let (code, again) = remit(&key, value);
        if code == 0 {
            assert_eq!(again["replayed"], true, "{again}");
            assert_eq!(again["id"].as_str(), Some(id.as_str()), "{again}");
        }
        sent += i128::from(value);
    }
    stop.store(true, Ordering::SeqCst);
    killer.join().expect("killer");
    // Every key applied exactly once: no lost and no doubled remittance.
    let b = s.ok(&["money", "balance", "mem_2"]);
    assert_eq!(amount(&b["balance"]), sent);
    let b = s.ok(&["money", "balance", "mem_1"]);
    assert_eq!(amount(&b["balance"]), 1_000_000 - sent);
    let listed = s.ok(&[
        "events",
        "--kind",
        "RemittanceCompleted",
        "--limit",
        "100000",
    ]);
    assert_eq!(
        listed["events"].as_array().map_or(0, Vec::len),
        rounds(),
        "one remittance per key"
    );
    s.cmd().arg("verify").assert().code(0);
    eprintln!(
        "{} rounds, {} sessions killed, {lost_connections} commands lost their connection",
        rounds(),
        kills.load(Ordering::SeqCst)
    );
    assert!(kills.load(Ordering::SeqCst) > 0, "the killer never hit");
}
