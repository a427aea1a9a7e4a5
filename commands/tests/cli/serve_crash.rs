//! `payctl serve` killed with SIGKILL at random moments under a load of writes, and started
//! again, while clients retry every unanswered request under its key: every write acknowledged
//! (2xx) is in the store exactly once, its retry answers the same id, and `verify` passes.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::json;

use crate::common::{Store, amount, full_tier};
use crate::serve::{Server, try_request};

const CLIENTS: usize = 4;

fn rounds() -> usize {
    if full_tier() { 60 } else { 8 }
}

/// A random number below `n` (no seed to keep: each run explores other moments).
fn random_below(n: u64) -> u64 {
    RandomState::new().hash_one(std::time::SystemTime::now()) % n.max(1)
}

#[test]
fn writes_acknowledged_before_a_kill_are_kept_once_and_retries_answer_them() {
    let store = Store::linked();
    store.ok(&["money", "recharge", "mem_1", "10,000,000"]);
    store.ok(&[
        "member",
        "register",
        "--name",
        "Lee",
        "--email",
        "lee@example.com",
    ]);
    let body = json!({"from": "mem_1", "to": "mem_2", "amount": "1"}).to_string();
    // Key → id, for every write a client saw acknowledged.
    let acknowledged: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    // Keys sent whose answer was lost with the server: sent again in the next round.
    let pending: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut next = 0usize;
    let mut killed_with_pending = 0usize;
    for round in 0..rounds() {
        let server = Server::start(&store);
        let (addr, token) = (server.addr.clone(), server.token.clone());
        let mut keys: Vec<String> = std::mem::take(&mut *pending.lock().expect("pending"));
        keys.extend((0..CLIENTS * 40).map(|_| {
            next += 1;
            format!("crash-{next}")
        }));
        let per_client: Vec<Vec<String>> = (0..CLIENTS)
            .map(|c| keys.iter().skip(c).step_by(CLIENTS).cloned().collect())
            .collect();
        std::thread::scope(|s| {
            for mine in &per_client {
                let (addr, token, body) = (&addr, &token, &body);
                let (acknowledged, pending) = (&acknowledged, &pending);
                s.spawn(move || {
                    let mut unanswered = Vec::new();
                    for key in mine {
                        let sent = try_request(
                            addr,
                            Some(token),
                            "POST",
                            "/v1/remittances",
                            Some(key),
                            Some(body),
                        );
                        match sent {
                            Some(reply) => {
                                assert_eq!(reply.status, 200, "{key}: {}", reply.body);
                                let id = reply.body["id"].as_str().unwrap_or_default().to_string();
                                let mut seen = acknowledged.lock().expect("acknowledged");
                                if let Some(earlier) = seen.insert(key.clone(), id.clone()) {
                                    assert_eq!(earlier, id, "{key} answered two ids");
                                }
                            }
                            None => unanswered.push(key.clone()),
                        }
                    }
                    pending.lock().expect("pending").extend(unanswered);
                });
            }
            // The kill lands at a random moment of the round (some rounds finish first).
            std::thread::sleep(Duration::from_millis(10 + random_below(150)));
            server.kill();
        });
        if !pending.lock().expect("pending").is_empty() {
            killed_with_pending += 1;
        }
        eprintln!(
            "round {round}: {} acknowledged so far, {} to retry",
            acknowledged.lock().expect("acknowledged").len(),
            pending.lock().expect("pending").len()
        );
    }
    // The last retries, and every acknowledged key again: the same id, replayed.
    let server = Server::start(&store);
    for key in std::mem::take(&mut *pending.lock().expect("pending")) {
        let reply = server.post(
            "/v1/remittances",
            Some(&key),
            &serde_json::from_str(&body).expect("body"),
        );
        assert_eq!(reply.status, 200, "{key}: {}", reply.body);
        let id = reply.body["id"].as_str().unwrap_or_default().to_string();
        acknowledged.lock().expect("acknowledged").insert(key, id);
    }
    let acknowledged = acknowledged.into_inner().expect("acknowledged");
    for (key, id) in &acknowledged {
        let reply = server.post(
            "/v1/remittances",
            Some(key),
            &serde_json::from_str(&body).expect("body"),
        );
        assert_eq!(reply.body["id"].as_str(), Some(id.as_str()), "{key}");
        assert_eq!(reply.body["replayed"], true, "{key}");
    }
    server.kill();
    let ids: BTreeSet<&String> = acknowledged.values().collect();
    assert_eq!(ids.len(), next, "every key applied, each once");
    let received = amount(&store.ok(&["money", "balance", "mem_2"])["balance"]);
    assert_eq!(
        received, next as i128,
        "one unit per key: nothing lost, nothing doubled"
    );
    assert_eq!(store.ok(&["verify"])["ok"], true);
    eprintln!(
        "{} rounds, {killed_with_pending} killed with requests in flight, {next} keys, each applied once",
        rounds()
    );
}
