//! The real binary's console, driven through tmux as a person would: open it on a store with the
//! demo data set, go to Members, recharge a member through the form, confirm, quit; then the CLI
//! sees the new balance and `verify` passes.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{Store, bin};

fn tmux(args: &[&str]) -> Option<String> {
    let out = Command::new("tmux").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

fn wait_for(session: &str, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-t", session, "-p"]).unwrap_or_default();
        if screen.contains(needle) {
            return screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out waiting for {needle:?}; screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn recharge_through_the_console_in_tmux_then_the_cli_sees_it() {
    if tmux(&["-V"]).is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have tmux (.ci/run installs it)"
        );
        eprintln!("tmux not installed: skipping the console drive");
        return;
    }
    let store = Store::new();
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/demo.jsonl");
    let code = store.run(&["import", demo]).status.code();
    assert!(matches!(code, Some(0 | 3)), "demo import: {code:?}");
    let before = store.ok(&["money", "balance", "mem_1"])["balance"]
        .as_str()
        .and_then(|s| s.parse::<i64>().ok())
        .expect("balance");

    let session = format!("payctl-test-{}", std::process::id());
    let command = format!(
        "env -u NO_COLOR PAYCTL_DB='{}' {} --actor tmux",
        store.path().display(),
        bin().display()
    );
    assert!(
        tmux(&[
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "120",
            "-y",
            "32",
            &command
        ])
        .is_some(),
        "tmux could not start the console"
    );
    wait_for(&session, "Latest events");
    tmux(&["send-keys", "-t", &session, "2"]);
    wait_for(&session, "Members ·");
    tmux(&["send-keys", "-t", &session, "c"]);
    wait_for(&session, "Recharge wallet");
    tmux(&["send-keys", "-t", &session, "5000", "Enter"]);
    wait_for(&session, "Confirm?");
    tmux(&["send-keys", "-t", &session, "y"]);
    let screen = wait_for(&session, "Done:");
    assert!(screen.contains("rch_"), "{screen}");
    tmux(&["send-keys", "-t", &session, "q"]);
    let start = Instant::now();
    while tmux(&["has-session", "-t", &session]).is_some() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the console did not quit"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let after = store.ok(&["money", "balance", "mem_1"])["balance"]
        .as_str()
        .and_then(|s| s.parse::<i64>().ok())
        .expect("balance");
    assert_eq!(after, before + 5000);
    store.cmd().arg("verify").assert().code(0);
}
