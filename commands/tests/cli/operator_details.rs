//! Small things an operator notices (issue 16, item 18): the hold expiry shown as a duration,
//! the OS account recorded when `$USER` is unset, and every file payctl creates private (0600).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::{Store, base_command, on_postgres, sample_path, t};

#[test]
fn config_shows_the_hold_expiry_as_a_duration() {
    for (flag, shown) in [
        (None, "7 days"),
        (Some("36h"), "36 hours"),
        (Some("90m"), "90 minutes"),
        (Some("1d"), "1 day"),
        (Some("45s"), "45 seconds"),
    ] {
        let store = Store::new();
        let mut init = vec!["init"];
        if let Some(f) = flag {
            init.extend(["--hold-expiry", f]);
        }
        store.ok(&init);

        let out = store.run(&["config"]);
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find(|l| l.starts_with("hold expiry:"))
            .unwrap_or_else(|| panic!("no hold expiry line: {text}"));
        assert_eq!(line.split(':').nth(1).map(str::trim), Some(shown), "{line}");

        let v = store.ok(&["config"]);
        assert_eq!(v["hold_expiry"], shown, "{v}");
        assert!(v["hold_expiry_secs"].is_number(), "the seconds stay: {v}");
    }
}

#[test]
fn without_user_the_actor_is_the_os_account_name() {
    let store = Store::new();
    let expected = std::process::Command::new("id")
        .arg("-un")
        .output()
        .expect("run id -un");
    let expected = String::from_utf8(expected.stdout).expect("utf-8");
    let expected = expected.trim();

    // The environment is cleared: no USER, LOGNAME or USERNAME; no --actor.
    let out = base_command()
        .args(["--db", store.path().to_str().expect("utf-8 path")])
        .args([
            "member",
            "register",
            "--name",
            "Kim",
            "--email",
            "kim@example.com",
        ])
        .args(["--at", &t(0)])
        .output()
        .expect("run payctl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let v = store.ok(&["events", "--kind", "MemberRegistered"]);
    assert_eq!(v["events"][0]["actor"], expected, "{v}");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn every_file_payctl_creates_is_private() {
    let store = Store::funded();
    let export = store.dir().join("books.journal");
    let report = store.dir().join("report.jsonl");
    let pages = store.dir().join("man");

    store.ok(&[
        "export",
        "--format",
        "ledger",
        "--output",
        export.to_str().unwrap(),
    ]);
    let (code, v) = store.json(&[
        "import",
        sample_path().to_str().unwrap(),
        "--dry-run",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(code == 0 || code == 3, "{v}");
    let out = store.run(&["man", "--output", pages.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A server's store is no file of ours (its access is by role).
    if !on_postgres() {
        assert_eq!(mode(store.path()), 0o600, "the store");
    }
    assert_eq!(mode(&export), 0o600, "the export");
    assert_eq!(mode(&report), 0o600, "the report");
    let mut seen = 0;
    for page in std::fs::read_dir(&pages).expect("man dir") {
        let page = page.expect("entry").path();
        assert_eq!(mode(&page), 0o600, "{}", page.display());
        seen += 1;
    }
    assert!(seen > 40, "{seen} pages");
}
