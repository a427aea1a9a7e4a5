//! Human tables and lists (issue 16, items 12 and 13): columns aligned by display width, every
//! list says how many rows exist and how to see the next ones, in one documented order.

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::common::{Store, sample_path, t};

/// The display column where `needle` starts in `line`.
fn column_of(line: &str, needle: &str) -> usize {
    let at = line
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {line:?}"));
    line[..at].width()
}

#[test]
fn tables_align_wide_characters_by_display_width() {
    let store = Store::new();
    for (i, (name, email)) in [
        ("김민지", "minji@example.com"),
        ("Kim Junho", "junho@example.com"),
        ("이서연 (Seoyeon)", "seoyeon@example.com"),
    ]
    .iter()
    .enumerate()
    {
        store.ok(&[
            "member",
            "register",
            "--name",
            name,
            "--email",
            email,
            "--at",
            &t(i as u32),
        ]);
    }

    let out = store.run(&["member", "list"]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();

    let header = column_of(lines[0], "EMAIL");
    for (line, email) in lines[1..].iter().zip(["minji@", "junho@", "seoyeon@"]) {
        assert_eq!(column_of(line, email), header, "{text}");
    }
    let status = column_of(lines[0], "STATUS");
    for line in &lines[1..4] {
        assert_eq!(column_of(line, "active"), status, "{text}");
    }
}

/// A store with `fixtures/sample.jsonl` imported (one process).
fn sample_store() -> Store {
    let store = Store::new();
    let (code, v) = store.json(&["import", sample_path().to_str().expect("utf-8 path")]);
    assert_eq!(code, 0, "{v}");
    store
}

/// Every list (with filters too), the key its rows are under, and its cursor flag.
const LISTS: &[(&[&str], &str, &str)] = &[
    (&["member", "list"], "members", "offset"),
    (
        &["member", "list", "--search", "example.com"],
        "members",
        "offset",
    ),
    (&["payment", "list"], "payments", "offset"),
    (
        &["payment", "list", "--member", "mem_1"],
        "payments",
        "offset",
    ),
    (
        &["payment", "list", "--status", "captured"],
        "payments",
        "offset",
    ),
    (&["merchant", "list"], "merchants", "offset"),
    (&["settlement", "list"], "settlements", "offset"),
    (
        &["settlement", "list", "--merchant", "mer_1"],
        "settlements",
        "offset",
    ),
    (&["bank", "list"], "links", "offset"),
    (&["bank", "list", "mem_1"], "links", "offset"),
    (&["bank", "requests"], "requests", "offset"),
    (&["ledger", "transactions"], "transactions", "offset"),
    (
        &[
            "ledger",
            "transactions",
            "--account",
            "liabilities:wallets:",
        ],
        "transactions",
        "offset",
    ),
    (&["money", "history", "mem_1"], "entries", "offset"),
    (&["events"], "events", "after"),
    (&["events", "--kind", "MemberRegistered"], "events", "after"),
];

fn with(args: &[&str], extra: &[&str]) -> Vec<String> {
    args.iter().chain(extra).map(|a| a.to_string()).collect()
}

#[test]
fn every_list_gives_its_total_and_the_cursor_of_the_next_page_in_json() {
    let store = sample_store();
    for (args, key, cursor) in LISTS {
        let all = store.ok(&with(args, &["--limit", "10000"]));
        let rows = all[key]
            .as_array()
            .unwrap_or_else(|| panic!("{args:?}: {all}"));
        assert_eq!(
            all["total"],
            rows.len(),
            "{args:?}: the total counts every row"
        );
        assert_eq!(
            all["next"],
            Value::Null,
            "{args:?}: nothing after the last page"
        );
        let total = rows.len();
        if total < 2 {
            continue;
        }
        let first = store.ok(&with(args, &["--limit", "1"]));
        assert_eq!(first[key].as_array().map(Vec::len), Some(1), "{args:?}");
        assert_eq!(first["total"], total, "{args:?}");
        let next = &first["next"][cursor];
        assert!(next.is_i64(), "{args:?}: next names --{cursor}: {first}");

        // Following the cursor gives the second row of the full list.
        let value = next.to_string();
        let second = store.ok(&with(
            args,
            &["--limit", "1", &format!("--{cursor}"), &value],
        ));
        assert_eq!(second[key][0], rows[1], "{args:?}: the next page goes on");
    }
}

#[test]
fn every_list_ends_its_human_table_with_a_footer_saying_what_is_shown() {
    let store = sample_store();
    for (args, key, cursor) in LISTS {
        let total = store.ok(&with(args, &["--limit", "10000"]))["total"]
            .as_u64()
            .unwrap_or_else(|| panic!("{args:?} has no total"));
        if total < 2 {
            continue;
        }
        let out = store.run(&with(args, &["--limit", "1"]));
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let footer = text.lines().last().unwrap_or_default();
        assert!(
            footer.starts_with(&format!("showing 1–1 of {total}; next: --{cursor} ")),
            "{args:?} ({key}): {text}"
        );
    }
}

#[test]
fn the_last_page_says_so_and_offers_no_next_page() {
    let store = sample_store();
    let total = store.ok(&["member", "list"])["total"]
        .as_u64()
        .expect("total");
    let last = (total - 1).to_string();

    let out = store.run(&["member", "list", "--offset", &last]);
    let text = String::from_utf8(out.stdout).expect("utf-8");

    assert_eq!(
        text.lines().last(),
        Some(format!("showing {total}–{total} of {total}").as_str()),
        "{text}"
    );
}

#[test]
fn ledger_balances_sort_account_ids_naturally() {
    let store = Store::new();
    let mut lines = String::new();
    for n in 1..=10 {
        lines.push_str(&format!(
            "{{\"op\":\"member.register\",\"name\":\"M{n}\",\"email\":\"m{n}@example.com\",\"at\":\"{}\"}}\n",
            t(n)
        ));
    }
    for (i, m) in ["mem_10", "mem_2"].into_iter().enumerate() {
        lines.push_str(&format!(
            "{{\"op\":\"bank.link\",\"member\":\"{m}\",\"bank\":\"KB\",\"account\":\"1-{}\",\"at\":\"{}\"}}\n\
             {{\"op\":\"money.recharge\",\"member\":\"{m}\",\"amount\":\"1000\",\"at\":\"{}\"}}\n",
            &m[4..],
            t(20 + 2 * i as u32),
            t(21 + 2 * i as u32)
        ));
    }
    let file = store.dir().join("ops.jsonl");
    std::fs::write(&file, lines).expect("write");
    let (code, v) = store.json(&["import", file.to_str().expect("utf-8 path")]);
    assert_eq!(code, 0, "{v}");

    let position = |accounts: &[String], id: &str| {
        accounts
            .iter()
            .position(|a| a == &format!("liabilities:wallets:{id}"))
            .unwrap_or_else(|| panic!("{id} in {accounts:?}"))
    };
    for extra in [&[][..], &["--as-of", "2026-01-02"][..]] {
        let v = store.ok(&with(&["ledger", "balances"], extra));
        let accounts: Vec<String> = v["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .map(|a| a["account"].as_str().expect("account").to_string())
            .collect();
        assert!(
            position(&accounts, "mem_2") < position(&accounts, "mem_10"),
            "{extra:?}: {accounts:?}"
        );

        let out = store.run(&with(&["ledger", "balances"], extra));
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let at = |id: &str| {
            text.find(&format!("liabilities:wallets:{id} "))
                .unwrap_or_else(|| panic!("{id} in {text}"))
        };
        assert!(at("mem_2") < at("mem_10"), "{extra:?}: {text}");
    }
}
