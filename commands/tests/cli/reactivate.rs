//! `member reactivate` (and import op `member.reactivate`): a deactivated member is active again,
//! recorded as an event; every rule then treats it as active.

use crate::common::{Store, error_code};

#[test]
fn a_deactivated_member_can_be_reactivated_and_use_its_wallet_again() {
    let store = Store::funded();
    store.ok(&["member", "deactivate", "mem_1"]);
    let (code, v) = store.json(&["money", "recharge", "mem_1", "1000"]);
    assert_eq!((code, error_code(&v)), (3, "member_inactive"), "{v}");
    let v = store.ok(&["member", "reactivate", "mem_1"]);
    assert_eq!(v["id"], "mem_1");
    let v = store.ok(&["member", "show", "mem_1"]);
    assert_eq!(v["status"], "active", "{v}");
    store.ok(&["money", "recharge", "mem_1", "1000"]);
    let events = store.ok(&["events", "--kind", "MemberReactivated"]);
    assert!(events.to_string().contains("MemberReactivated"), "{events}");
    // An active member is not reactivated again.
    let (code, v) = store.json(&["member", "reactivate", "mem_1"]);
    assert_eq!((code, error_code(&v)), (3, "invalid_state"), "{v}");
    let (code, v) = store.json(&["member", "reactivate", "mem_9"]);
    assert_eq!((code, error_code(&v)), (4, "not_found"), "{v}");
    store.ok(&["verify"]);
}

#[test]
fn the_import_op_member_reactivate_does_the_same() {
    let store = Store::new();
    let file = store.dir().join("ops.jsonl");
    std::fs::write(
        &file,
        r#"{"op":"member.register","name":"Kim","email":"k@example.com","at":"2026-03-02T09:00:00Z"}
{"op":"member.deactivate","member":"mem_1","at":"2026-03-02T09:01:00Z"}
{"op":"member.reactivate","member":"k@example.com","at":"2026-03-02T09:02:00Z"}
{"op":"member.update","member":"mem_1","name":"Kim Minji","at":"2026-03-02T09:03:00Z"}
"#,
    )
    .expect("write");
    let (code, v) = store.json(&["import", file.to_str().expect("path")]);
    assert_eq!(code, 0, "{v}");
    let v = store.ok(&["member", "show", "mem_1"]);
    assert_eq!(
        (v["status"].as_str(), v["name"].as_str()),
        (Some("active"), Some("Kim Minji"))
    );
    store.ok(&["verify"]);
}
