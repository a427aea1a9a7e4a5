//! `payctl backup PATH`: an online, verified copy (0600) that never overwrites a file, and a
//! consistent snapshot even while another process imports.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Store, base_command, error_code, parse_json_output, sample_path};
use crate::import::{digest, import};

/// `payctl --db PATH --json <args>` on a file that is not a `Store`.
fn json_on(db: &Path, args: &[&str]) -> (i32, Value) {
    let out = base_command()
        .arg("--db")
        .arg(db)
        .args(["--actor", "test", "--json"])
        .args(args)
        .output()
        .expect("run payctl");
    parse_json_output(&out)
}

/// `verify --digest --json` on a backup file: insists on exit 0; returns the object.
fn verify_file(db: &Path) -> Value {
    let (code, v) = json_on(db, &["verify", "--digest"]);
    assert_eq!(code, 0, "verify {}: {v}", db.display());
    assert_eq!(v["ok"], true, "{v}");
    v
}

#[test]
fn a_backup_is_private_verifies_and_is_never_overwritten() {
    let store = Store::new();
    let (code, v) = import(&store, &[sample_path().to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    let (events, head) = store.fingerprint();
    let path = store.dir().join("backup.db");

    let v = store.ok(&["backup", path.to_str().unwrap()]);

    assert_eq!(v["backup"], path.to_str().unwrap(), "{v}");
    assert_eq!(v["events"], events, "{v}");
    assert_eq!(v["verified"], true, "{v}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "backup mode {mode:o}");
    }
    let copy = verify_file(&path);
    assert_eq!(copy["events"], events);
    assert_eq!(copy["head_hash"], head.as_str(), "the same log");
    assert_eq!(copy["projection_digest"], digest(&store).as_str());

    // A second backup to the same path is refused and leaves the file alone.
    let bytes = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let (code, v) = store.json(&["backup", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(error_code(&v), "invalid_input");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "backup file changed");
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
    assert_eq!(store.fingerprint(), (events, head), "source unchanged");
}

#[test]
fn backups_taken_during_an_import_are_consistent_snapshots() {
    let store = Store::new();
    let workload = store.dir().join("workload.jsonl");
    let out = store
        .command()
        .args(["demo", "--ops", "20000"])
        .output()
        .expect("run payctl demo");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.len() > 1_000_000, "a large workload");
    std::fs::write(&workload, &out.stdout).unwrap();

    let mut child = store
        .command()
        .args(["--json", "import", workload.to_str().unwrap()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the import");

    // Wait for the first committed batch.
    let started = Instant::now();
    loop {
        let (code, v) = store.json(&["config"]);
        if code == 0 && v["events"].as_u64().unwrap_or(0) > 0 {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().expect("import output");
            panic!(
                "the import ended before its first commit was seen: exit {:?}\n{}\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no commit seen"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let mut backups = Vec::new();
    let mut during = 0;
    for i in 0..3 {
        let path = store.dir().join(format!("backup-{i}.db"));
        let running_before = child.try_wait().unwrap().is_none();
        let v = store.ok(&["backup", path.to_str().unwrap()]);
        let running_after = child.try_wait().unwrap().is_none();
        if running_before && running_after {
            during += 1;
        }
        assert_eq!(v["verified"], true, "{v}");
        let events = v["events"].as_u64().expect("events");
        let copy = verify_file(&path);
        assert_eq!(copy["events"], events, "{copy}");
        eprintln!("backup {i}: {events} events (import running: {running_after})");
        backups.push((
            path,
            events,
            copy["head_hash"].as_str().unwrap().to_string(),
        ));
        std::thread::sleep(Duration::from_millis(700));
    }

    let out = child.wait_with_output().expect("wait for the import");
    let (code, summary) = parse_json_output(&out);
    assert!(code == 0 || code == 3, "import: exit {code}: {summary}");
    assert!(during >= 1, "no backup was taken while the import ran");

    let (final_events, _) = store.fingerprint();
    assert_eq!(store.ok(&["verify"])["ok"], true);
    let mut last = 0;
    for (path, events, head) in &backups {
        assert!(*events > 0, "{}", path.display());
        assert!(*events <= final_events, "{events} > {final_events}");
        assert!(*events >= last, "backups in order");
        last = *events;
        // A prefix of the final log: its head is the final store's event at that seq.
        let at_seq = store.sql(&format!("SELECT hash FROM events WHERE seq = {events};"));
        assert_eq!(&at_seq, head, "backup {} is not a prefix", path.display());
    }
}
