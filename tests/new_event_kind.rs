//! The README's walk-through for a new kind of event, done for real: a copy of the core gets a
//! toy variant, and `cargo check` must stop at exactly the places the README lists (every
//! `match` over `Event` names every kind, so none can miss it). It checks a copy of the core, in
//! a target directory of its own (`target/new-event-kind`): about half a minute the first time.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Where the compiler must stop for a new kind of event (README, "Adding a kind of event").
const PLACES: &[&str] = &[
    "src/domain/limits.rs",
    "src/event.rs",
    "src/ledger.rs",
    "src/projections.rs",
    "src/projections/banking.rs",
    "src/projections/members.rs",
    "src/projections/merchants.rs",
    "src/projections/payments.rs",
    "src/projections/settlements.rs",
    "src/projections/wallets.rs",
];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

#[test]
fn a_new_kind_of_event_stops_the_compiler_at_every_place_listed_in_the_readme() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path();
    copy_dir(&root.join("src"), &copy.join("src"));
    std::fs::copy(root.join("Cargo.lock"), copy.join("Cargo.lock")).expect("lock");
    // The core alone: the workspace's other members are not copied.
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("manifest");
    let manifest: String = manifest
        .lines()
        .map(|line| {
            if line.starts_with("members = [") {
                r#"members = ["."]"#
            } else if line.starts_with("default-members = [") {
                r#"default-members = ["."]"#
            } else {
                line
            }
        })
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(copy.join("Cargo.toml"), manifest).expect("write manifest");
    // Step 1 of the walk-through: the new kind, in the one enum of every fact.
    let event = copy.join("src/event.rs");
    let text = std::fs::read_to_string(&event).expect("event.rs");
    let anchor = "    MemberReactivated {\n        member: Id,\n    },\n";
    assert!(text.contains(anchor), "the walk-through's anchor moved");
    let text = text.replace(
        anchor,
        &format!("{anchor}    ToyHappened {{\n        member: Id,\n    }},\n"),
    );
    std::fs::write(&event, text).expect("write event.rs");

    let out = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--lib", "--message-format", "short"])
        .current_dir(copy)
        .env("CARGO_TARGET_DIR", root.join("target/new-event-kind"))
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the toy kind compiled unnoticed:\n{stderr}"
    );
    let stopped: BTreeSet<String> = stderr
        .lines()
        .filter(|l| l.contains("error[E0004]"))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    let expected: BTreeSet<String> = PLACES.iter().map(|p| p.to_string()).collect();
    assert_eq!(stopped, expected, "{stderr}");
    let others: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("error[") && !l.contains("error[E0004]"))
        .collect();
    assert!(
        others.is_empty(),
        "errors other than a missing kind: {others:?}"
    );
}
