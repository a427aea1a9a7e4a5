//! The double-spend race: a wallet holds exactly X and 16 processes try to move X out at the same
//! moment. Every check runs inside the write transaction, so exactly one wins each round.

use std::sync::{Arc, Barrier};

use crate::common::{Store, parse_json_output};

const PROCESSES: usize = 16;
const X: i64 = 10_000;

#[test]
fn sixteen_processes_racing_for_the_same_money_let_exactly_one_through_each_round() {
    let store = Arc::new(Store::linked());
    // Full tier (`PAYCTL_FULL=1`): 200 rounds.
    let rounds = if crate::common::full_tier() { 200 } else { 20 };
    for round in 0..rounds {
        // Exactly X in the wallet (wall-clock time from here on: the racers use it too).
        store.ok(&["money", "recharge", "mem_1", &X.to_string()]);
        let start = Arc::new(Barrier::new(PROCESSES));
        let racers: Vec<_> = (0..PROCESSES)
            .map(|i| {
                let store = Arc::clone(&store);
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    let mut cmd = store.command();
                    cmd.args(["--json", "money", "withdraw", "mem_1", &X.to_string()]);
                    cmd.args(["--idempotency-key", &format!("race-{round}-{i}")]);
                    start.wait();
                    parse_json_output(&cmd.output().expect("run payctl"))
                })
            })
            .collect();
        let mut wins = 0;
        for r in racers {
            let (code, v) = r.join().expect("racer");
            match code {
                0 => wins += 1,
                3 => assert_eq!(v["error"]["code"], "insufficient_funds", "{v}"),
                other => panic!("round {round}: exit {other}: {v}"),
            }
        }
        assert_eq!(wins, 1, "round {round}: exactly one withdrawal may win");
        let b = store.ok(&["money", "balance", "mem_1"]);
        assert_eq!(
            (b["balance"].as_str(), b["available"].as_str()),
            (Some("0"), Some("0"))
        );
    }
    store.cmd().arg("verify").assert().code(0);
}
