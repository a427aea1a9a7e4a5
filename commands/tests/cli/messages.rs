//! What refusals say: amounts as people read them (grouped, with the currency), and no value
//! longer than 80 characters repeated in full.

use crate::common::{Store, error_code, error_message};

#[test]
fn a_refusal_shows_amounts_grouped_with_the_currency() {
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "k@example.com",
    ]);
    store.ok(&["bank", "link", "mem_1", "--bank", "KB", "--account", "1-1"]);
    store.ok(&["money", "recharge", "mem_1", "7000"]);
    let (code, v) = store.json(&["money", "withdraw", "mem_1", "999999"]);
    assert_eq!((code, error_code(&v)), (3, "insufficient_funds"), "{v}");
    assert!(
        error_message(&v).contains("has 7,000 KRW available, needs 999,999 KRW"),
        "{v}"
    );
}

#[test]
fn no_message_repeats_a_long_value_in_full() {
    let store = Store::new();
    let long = "x".repeat(5_000);
    for args in [
        vec![
            "member",
            "register",
            "--name",
            "Kim",
            "--email",
            long.as_str(),
        ],
        vec!["member", "show", long.as_str()],
        vec!["money", "recharge", "mem_1", long.as_str()],
        vec![
            "member",
            "register",
            "--name",
            "Kim",
            "--email",
            "k@example.com",
            "--at",
            long.as_str(),
        ],
    ] {
        let (code, v) = store.json(&args);
        assert_ne!(code, 0, "{v}");
        let message = error_message(&v);
        assert!(
            message.chars().count() < 400,
            "{} characters: {message:.200}",
            message.len()
        );
        assert!(
            message.contains('…') || message.contains("5000 characters"),
            "{message:.200}"
        );
    }
}

#[test]
fn a_long_value_refused_by_the_parser_is_shortened_in_human_output_too() {
    let store = Store::new();
    let long = "9".repeat(5_000);
    let out = store.run(&["money", "recharge", "mem_1", long.as_str()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.len() < 1_000,
        "{} bytes: {stderr:.300}",
        stderr.len()
    );
    assert!(stderr.contains("(5000 characters)"), "{stderr:.300}");
}
