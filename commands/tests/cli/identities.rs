//! What counts as the same thing: a bank code in any case is one bank, an email in any width or
//! case is one address, and the house's own account is never a member's or a merchant's.

use crate::common::{Store, error_code};

#[test]
fn a_remittance_to_the_house_account_is_refused() {
    let store = Store::funded();
    let before = store.fingerprint();
    for bank in ["PAYCTL", "payctl"] {
        let (code, v) = store.json(&[
            "remit",
            "mem_1",
            "1,000",
            "--to-bank",
            bank,
            "--to-account",
            "000-000-000000",
        ]);
        assert_eq!((code, error_code(&v)), (2, "invalid_input"), "{bank}: {v}");
        assert!(v.to_string().contains("house"), "{v}");
    }
    assert_eq!(store.fingerprint(), before, "nothing recorded");
    let (code, v) = store.json(&[
        "bank",
        "link",
        "mem_1",
        "--bank",
        "payctl",
        "--account",
        "000-000-000000",
    ]);
    assert_eq!((code, error_code(&v)), (2, "invalid_input"), "{v}");
    let (code, v) = store.json(&[
        "merchant",
        "register",
        "--name",
        "Shop",
        "--code",
        "SHOP",
        "--fee-rate",
        "1",
        "--bank",
        "PAYCTL",
        "--account",
        "000-000-000000",
    ]);
    assert_eq!((code, error_code(&v)), (2, "invalid_input"), "{v}");
}

#[test]
fn bank_codes_are_case_insensitive_so_an_account_links_once() {
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "k@example.com",
    ]);
    let v = store.ok(&[
        "bank",
        "link",
        "mem_1",
        "--bank",
        "kb",
        "--account",
        "123-45",
    ]);
    assert_eq!(v["id"], "bnk_1");
    let (code, v) = store.json(&[
        "bank",
        "link",
        "mem_1",
        "--bank",
        "KB",
        "--account",
        "123-45",
    ]);
    assert_eq!((code, error_code(&v)), (3, "duplicate"), "{v}");
    let list = store.ok(&["bank", "list", "mem_1"]);
    assert!(
        list.to_string().contains("\"KB\""),
        "kept in one spelling: {list}"
    );
    // The simulator's accounts too: closing `Kb 123-45` closes the linked account.
    store.ok(&["bank", "sim", "set", "Kb", "123-45", "--closed"]);
    let (code, v) = store.json(&["money", "recharge", "mem_1", "1000"]);
    assert_eq!((code, error_code(&v)), (3, "bank_declined"), "{v}");
}

#[test]
fn emails_match_after_nfkc_and_case_folding() {
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim Minji",
        "--email",
        "minji@example.com",
    ]);
    let (code, v) = store.json(&[
        "member",
        "register",
        "--name",
        "Impostor",
        "--email",
        "\u{ff4d}\u{ff49}\u{ff4e}\u{ff4a}\u{ff49}@example.com", // ｍｉｎｊｉ, full width
    ]);
    assert_eq!((code, error_code(&v)), (3, "duplicate"), "{v}");
    let (code, v) = store.json(&[
        "member",
        "register",
        "--name",
        "Impostor",
        "--email",
        "MINJI@Example.COM",
    ]);
    assert_eq!((code, error_code(&v)), (3, "duplicate"), "{v}");
    let v = store.ok(&[
        "member",
        "show",
        "\u{ff4d}\u{ff49}\u{ff4e}\u{ff4a}\u{ff49}@example.com",
    ]);
    assert_eq!(v["id"], "mem_1", "looked up in any width: {v}");
    store.ok(&["verify"]);
}
