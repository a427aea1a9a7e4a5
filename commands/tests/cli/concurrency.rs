//! Two processes hammering the same store at once: every command either applies or is refused
//! by a rule, ids are never handed out twice, and the invariants hold afterwards.

use std::collections::BTreeSet;

use crate::common::{Store, amount, parse_json_output, t};

const PER_THREAD: usize = 500;

/// Runs `PER_THREAD` remits from `from` to `to` (wall-clock time), returns the ids applied.
fn remit_many(store: &Store, from: &str, to: &str, seed: u64) -> Vec<String> {
    let mut state = seed;
    let mut ids = Vec::new();
    for i in 0..PER_THREAD {
        // A small LCG: deterministic, spread over 1..=5000.
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let value = 1 + (state >> 33) % 5000;
        let mut cmd = store.command();
        cmd.args(["--json", "remit", from, &value.to_string(), "--to", to]);
        if i % 2 == 0 {
            cmd.arg("--no-auto-recharge");
        }
        let out = cmd.output().expect("run payctl");
        let (code, v) = parse_json_output(&out);
        match code {
            0 => {
                assert_eq!(v["replayed"], false, "{v}");
                ids.push(v["id"].as_str().expect("id").to_string());
            }
            3 => assert_eq!(v["error"]["code"], "insufficient_funds", "{v}"),
            other => panic!("remit {from} {value} → {to}: exit {other}: {v}"),
        }
    }
    ids
}

#[test]
fn concurrent_remits_keep_the_ledger_balanced_and_ids_unique() {
    let store = Store::new();
    for (n, email) in ["a@example.com", "b@example.com"].iter().enumerate() {
        let member = format!("mem_{}", n + 1);
        let minute = 10 * n as u32;
        store.ok(&[
            "member",
            "register",
            "--name",
            email,
            "--email",
            email,
            "--at",
            &t(minute),
        ]);
        store.ok(&[
            "bank",
            "link",
            &member,
            "--bank",
            "KB",
            &format!("--account={}-1", n + 1),
            "--at",
            &t(minute + 1),
        ]);
        store.ok(&[
            "money",
            "recharge",
            &member,
            "1,000,000",
            "--at",
            &t(minute + 2),
        ]);
    }

    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| remit_many(&store, "mem_1", "mem_2", 1));
        let b = s.spawn(|| remit_many(&store, "mem_2", "mem_1", 2));
        (a.join().expect("thread A"), b.join().expect("thread B"))
    });

    // Every applied remit got its own id, and ids are sequential: rem_1..=rem_N, none skipped.
    let all: BTreeSet<&String> = a.iter().chain(&b).collect();
    assert_eq!(all.len(), a.len() + b.len(), "an id was handed out twice");
    let expected: BTreeSet<String> = (1..=all.len()).map(|n| format!("rem_{n}")).collect();
    assert_eq!(
        all,
        expected.iter().collect(),
        "remittance ids are rem_1..=rem_N"
    );

    // The ledger sums to zero; wallets are never negative and equal their ledger accounts.
    let balances = store.ledger_balances();
    assert_eq!(
        balances.iter().map(|(_, b)| b).sum::<i128>(),
        0,
        "{balances:?}"
    );
    let mut wallets = 0;
    for member in ["mem_1", "mem_2"] {
        let v = store.ok(&["money", "balance", member]);
        let (balance, available) = (amount(&v["balance"]), amount(&v["available"]));
        assert!(balance >= 0 && available >= 0, "{member}: {v}");
        let account = format!("liabilities:wallets:{member}");
        let ledger = balances
            .iter()
            .find(|(a, _)| *a == account)
            .map_or(0, |(_, b)| *b);
        assert_eq!(-ledger, balance, "{member}: wallet = −(its ledger account)");
        wallets += balance;
    }
    // No merchants: all money in wallets came in through the house account.
    let house = balances
        .iter()
        .find(|(a, _)| a == "assets:bank:house")
        .map(|(_, b)| *b)
        .expect("house account");
    assert_eq!(house, wallets);

    store.cmd().arg("verify").assert().code(0);
}

/// Readers and writers started together on a store that does not exist yet: exactly one
/// process creates it, every writer applies, and a reader sees either no store or a whole one,
/// never a half-made file (this once failed a command with `store_locked` or a WAL error).
#[test]
fn processes_racing_to_create_a_store_all_succeed() {
    for round in 0..60 {
        let store = Store::new();
        let children: Vec<(bool, std::process::Child)> = (0..8)
            .map(|i| {
                let writer = i % 3 == 0;
                let mut cmd = store.command();
                if writer {
                    let email = format!("m{i}@example.com");
                    cmd.args(["--json", "member", "register", "--name", "M", "--email"])
                        .arg(email);
                } else {
                    cmd.args(["--json", "config"]);
                }
                let child = cmd
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawn payctl");
                (writer, child)
            })
            .collect();
        for (writer, child) in children {
            let out = child.wait_with_output().expect("wait for payctl");
            let (code, v) = parse_json_output(&out);
            if writer || code != 6 {
                assert_eq!(code, 0, "round {round}, writer {writer}: {v}");
            } else {
                assert_eq!(crate::common::error_code(&v), "store_missing", "{v}");
            }
        }
        // The store, one initialization and three registrations, and no leftover build files.
        assert_eq!(store.fingerprint().0, 4, "round {round}");
        assert_eq!(store.ok(&["verify"])["ok"], true);
        let stray: Vec<_> = std::fs::read_dir(store.dir())
            .expect("list the store's directory")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("creating"))
            .collect();
        assert!(stray.is_empty(), "left behind: {stray:?}");
    }
}
