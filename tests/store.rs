//! The store itself: created private (a file: WAL, mode 0600), append-only log, schema version
//! guard. Each test runs on the backend `PAYCTL_TEST_DB` names; one that cannot apply there
//! says so (`testing::not_applicable`).

use payctl_core::domain::Command;
use payctl_core::testing::{self, Param, TestDb};
use payctl_core::{Context, Engine, ErrorCode, OpenMode};

fn ctx() -> Context {
    Context {
        at: None,
        actor: "test".into(),
        idempotency_key: None,
    }
}

#[test]
fn a_new_store_is_initialized_by_its_first_write_and_its_log_refuses_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::in_dir(&dir.path().join("sub/dir"), "store.db");
    let mut engine = Engine::open(db.path(), OpenMode::CreateIfMissing).expect("open");
    assert!(engine.created());
    let cmd = Command::RegisterMember {
        name: "Kim".into(),
        email: "kim@example.com".into(),
        address: None,
        corporate: false,
    };
    assert!(
        engine
            .execute(&cmd, &ctx())
            .expect("execute")
            .result
            .is_ok()
    );
    // The log refuses edits and deletions.
    for edit in [
        "UPDATE events SET actor = 'x' WHERE seq = 1",
        "DELETE FROM events WHERE seq = 1",
    ] {
        let refused = db.execute(edit, &[]).expect_err(edit);
        assert!(refused.message.contains("append-only"), "{edit}: {refused}");
    }
    assert_eq!(engine.log_head().expect("head").0, 2); // StoreInitialized + MemberRegistered
}

#[test]
fn a_new_store_file_is_private_and_in_wal_mode() {
    if testing::on_postgres() {
        return testing::not_applicable(
            "a_new_store_file_is_private_and_in_wal_mode",
            "no file: the server keeps the data (its access is by role, README)",
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store.db");
    drop(Engine::open(&path, OpenMode::CreateIfMissing).expect("open"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let conn = rusqlite::Connection::open(&path).expect("open the file");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
}

#[test]
fn a_missing_store_is_not_created_by_a_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::in_dir(dir.path(), "none.db");
    let err = Engine::open(db.path(), OpenMode::MustExist)
        .err()
        .expect("must fail");
    assert_eq!(err.code, ErrorCode::StoreMissing);
    // Still missing: the read made nothing.
    let again = Engine::open(db.path(), OpenMode::MustExist)
        .err()
        .expect("must fail again");
    assert_eq!(again.code, ErrorCode::StoreMissing);
    assert!(!dir.path().join("none.db").exists());
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::in_dir(dir.path(), "s.db");
    drop(Engine::open(db.path(), OpenMode::CreateIfMissing).expect("open"));
    let newer = if testing::on_postgres() {
        "UPDATE schema_version SET version = 99"
    } else {
        "PRAGMA user_version = 99"
    };
    db.execute(newer, &[]).expect("set a newer version");
    let err = Engine::open(db.path(), OpenMode::MustExist)
        .err()
        .expect("must fail");
    assert_eq!(err.code, ErrorCode::SchemaTooNew);
    assert_eq!(err.code.exit_code(), 6);
}

#[test]
fn a_hold_expiry_beyond_ten_years_is_refused_at_init() {
    let (mut engine, _db) = testing::scratch().expect("engine");
    let options = payctl_core::InitOptions {
        hold_expiry_secs: 11 * 366 * 24 * 3600,
        ..payctl_core::InitOptions::default()
    };
    let err = engine.init(&options, &ctx()).expect_err("must fail");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        engine.settings().expect("settings").is_none(),
        "nothing recorded"
    );
}

#[test]
fn a_symlinked_world_writable_or_directory_store_path_is_refused() {
    if testing::on_postgres() {
        return testing::not_applicable(
            "a_symlinked_world_writable_or_directory_store_path_is_refused",
            "no file or directory to check: a PostgreSQL store is a schema on the server",
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let real = dir.path().join("real.db");
    drop(Engine::open(&real, OpenMode::CreateIfMissing).expect("create"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let err = Engine::open(&link, OpenMode::MustExist)
            .err()
            .expect("refused");
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("symbolic link"), "{}", err.message);
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o666)).expect("chmod");
        let err = Engine::open(&real, OpenMode::MustExist)
            .err()
            .expect("refused");
        assert!(
            err.message.contains("writable by everyone"),
            "{}",
            err.message
        );
    }
    let err = Engine::open(dir.path(), OpenMode::CreateIfMissing)
        .err()
        .expect("refused");
    assert!(err.message.contains("directory"), "{}", err.message);
}

/// `rebuild` recreates the projections' secondary indexes from `PROJECTION_INDEXES`: the list
/// must stay equal to what the migrations create (every non-automatic index but the log's own).
#[test]
fn projection_indexes_match_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::in_dir(dir.path(), "s.db");
    drop(Engine::open(db.path(), OpenMode::CreateIfMissing).expect("open"));
    let mut listed: Vec<String> = payctl_core::store::sqlite::schema::PROJECTION_INDEXES
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    listed.sort();
    // SQLite keeps each index's statement: it must be the listed one, word for word.
    let (names, statements) = if testing::on_postgres() {
        (
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()
               AND tablename <> 'events' AND indexname NOT LIKE '%_pkey'
               AND indexname NOT LIKE '%_key' ORDER BY indexname",
            None,
        )
    } else {
        (
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
               AND tbl_name <> 'events' ORDER BY name",
            Some(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                   AND tbl_name <> 'events' ORDER BY name",
            ),
        )
    };
    let found: Vec<String> = db
        .rows(names, &[])
        .expect("index names")
        .iter()
        .map(|r| text(&r[0]))
        .collect();
    assert_eq!(listed, found);
    if let Some(statements) = statements {
        let found: Vec<(String, String)> = db
            .rows(statements, &[])
            .expect("index statements")
            .iter()
            .map(|r| (text(&r[0]), text(&r[1])))
            .collect();
        let mut listed: Vec<(String, String)> =
            payctl_core::store::sqlite::schema::PROJECTION_INDEXES
                .iter()
                .map(|(n, s)| (n.to_string(), s.to_string()))
                .collect();
        listed.sort();
        assert_eq!(listed, found);
    }
}

fn text(v: &payctl_core::ports::Value) -> String {
    match v {
        payctl_core::ports::Value::Text(t) => t.clone(),
        other => panic!("not a text: {other}"),
    }
}

/// A forger who appends an event with a correct hash and head (the chain cannot tell) but whose
/// effects cannot apply (a hold voided on a payment that never existed): `verify` reports the
/// failed replay as a problem, it does not fail with an internal error.
#[test]
fn an_event_that_cannot_replay_is_reported_by_verify() {
    use payctl_core::event::Envelope;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::in_dir(dir.path(), "s.db");
    let mut engine =
        payctl_core::Engine::open(db.path(), payctl_core::OpenMode::CreateIfMissing).expect("open");
    let ctx = payctl_core::Context {
        at: None,
        actor: "test".into(),
        idempotency_key: None,
    };
    let register = payctl_core::domain::Command::RegisterMember {
        name: "Kim".into(),
        email: "kim@example.com".into(),
        address: None,
        corporate: false,
    };
    engine.execute(&register, &ctx).expect("register");
    let meta = |key: &str| -> String {
        let rows = db
            .rows(
                "SELECT value FROM store_meta WHERE key = ?1",
                &[Param::Text(key)],
            )
            .expect("meta");
        text(&rows[0][0])
    };
    let (seq, prev): (i64, String) = (meta("head_seq").parse().expect("seq"), meta("head_hash"));
    let mut env = Envelope {
        seq: seq + 1,
        stream: "payment-pay_999".into(),
        version: 1,
        kind: "HoldVoided".into(),
        schema: 1,
        payload: r#"{"kind":"HoldVoided","payment":"pay_999","member":"mem_1","amount":"100"}"#
            .into(),
        recorded_at: "2026-01-01T00:00:00.000000Z".into(),
        effective_at: "2099-01-01T00:00:00.000000Z".into(),
        actor: "forger".into(),
        idempotency_key: None,
        hash: String::new(),
    };
    env.hash = payctl_core::chain::event_hash(&prev, &env);
    db.execute(
        "INSERT INTO events (seq, stream, version, kind, schema, payload, recorded_at,
                             effective_at, actor, idempotency_key, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        &[
            Param::Int(env.seq),
            Param::Text(&env.stream),
            Param::Int(env.version),
            Param::Text(&env.kind),
            Param::Int(env.schema),
            Param::Text(&env.payload),
            Param::Text(&env.recorded_at),
            Param::Text(&env.effective_at),
            Param::Text(&env.actor),
            Param::Null,
            Param::Text(&env.hash),
        ],
    )
    .expect("append the forged event");
    for (key, value) in [
        ("head_seq", env.seq.to_string()),
        ("head_hash", env.hash.clone()),
    ] {
        db.execute(
            "UPDATE store_meta SET value = ?2 WHERE key = ?1",
            &[Param::Text(key), Param::Text(&value)],
        )
        .expect("head");
    }

    let report = engine.verify().expect("verify answers");
    assert!(!report.ok());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("replay") && p.contains("event 3")),
        "{:?}",
        report.problems
    );
}

#[test]
fn a_snapshot_reader_sees_one_state_of_the_store_while_another_engine_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::in_dir(dir.path(), "store.db");
    let path = db.path();
    let register = |n: u32| Command::RegisterMember {
        name: format!("Member {n}"),
        email: format!("m{n}@example.com"),
        address: None,
        corporate: false,
    };
    let mut writer = Engine::open(path, OpenMode::CreateIfMissing).expect("open writer");
    writer.execute(&register(1), &ctx()).expect("first write");
    let mut snapshot = Engine::open(path, OpenMode::MustExist).expect("open snapshot");
    snapshot.begin_snapshot().expect("begin snapshot");
    let autocommit = Engine::open(path, OpenMode::MustExist).expect("open reader");
    let before = snapshot.log_head().expect("head");
    writer.execute(&register(2), &ctx()).expect("second write");
    // The snapshot still answers from the state it first read; a plain reader moves on.
    assert_eq!(snapshot.log_head().expect("head again"), before);
    assert_eq!(autocommit.log_head().expect("head").0, before.0 + 1);
    // Holding a snapshot never blocks the writer.
    writer.execute(&register(3), &ctx()).expect("third write");
    assert_eq!(snapshot.log_head().expect("head once more"), before);
}

/// `Event::from_json` reads the tag first and hands the rest of the object to the variant; it
/// must decode every payload the store holds exactly as serde's general path does, and take a
/// payload whose `kind` is not first (written by another tool) just the same.
#[test]
fn every_stored_payload_decodes_alike_by_the_fast_and_the_general_path() {
    struct Quiet;
    impl payctl_core::import::ImportObserver for Quiet {}
    let dir = tempfile::tempdir().expect("tempdir");
    let workload = dir.path().join("demo.jsonl");
    let options = payctl_core::demo::DemoOptions {
        members: 30,
        merchants: 4,
        days: 20,
        seed: 7,
        operations: None,
    };
    let mut out = std::fs::File::create(&workload).expect("create the workload");
    payctl_core::demo::generate(&options, &mut out).expect("write the workload");
    let db = TestDb::in_dir(dir.path(), "s.db");
    let mut engine = Engine::open(db.path(), OpenMode::CreateIfMissing).expect("open");
    engine
        .import(
            &workload,
            payctl_core::import::Format::Jsonl,
            &Default::default(),
            &mut Quiet,
        )
        .expect("import")
        .expect("a valid workload");

    let rows: Vec<(String, String)> = db
        .rows("SELECT kind, payload FROM events ORDER BY seq", &[])
        .expect("the events")
        .iter()
        .map(|r| (text(&r[0]), text(&r[1])))
        .collect();
    let mut kinds = std::collections::BTreeSet::new();
    for (kind, payload) in &rows {
        let general: payctl_core::event::Event =
            serde_json::from_str(payload).expect("the general path decodes it");
        let fast = payctl_core::event::Event::from_json(payload).expect("the fast path decodes it");
        assert_eq!(fast, general, "{payload}");
        assert_eq!(fast.kind(), kind);
        kinds.insert(kind.clone());

        // The same object with `kind` moved last.
        let mut object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(payload).expect("an object");
        let tag = object.shift_remove("kind").expect("a kind");
        object.insert("kind".into(), tag);
        let reordered = serde_json::to_string(&object).expect("serialize");
        assert!(!reordered.starts_with(r#"{"kind""#));
        assert_eq!(
            payctl_core::event::Event::from_json(&reordered).expect("decodes"),
            general
        );
    }
    assert!(
        kinds.len() >= 15,
        "the workload covers the kinds: {kinds:?}"
    );

    for bad in [
        r#"{"kind":"Nope"}"#,
        r#"{"kind":"MemberDeactivated"}"#,
        "[]",
        "{} x",
    ] {
        let fast = payctl_core::event::Event::from_json(bad).map_err(|e| e.to_string());
        let general =
            serde_json::from_str::<payctl_core::event::Event>(bad).map_err(|e| e.to_string());
        assert!(fast.is_err());
        assert_eq!(fast, general, "{bad}");
    }
}

#[test]
fn rebuild_makes_the_same_read_models_and_prints_their_portable_digest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = TestDb::in_dir(dir.path(), "store.db");
    let mut engine = Engine::open(db.path(), OpenMode::CreateIfMissing).expect("open");
    let register = |name: &str| Command::RegisterMember {
        name: name.into(),
        email: format!("{name}@example.com"),
        address: None,
        corporate: false,
    };
    for name in ["kim", "lee", "park"] {
        assert!(
            engine
                .execute(&register(name), &ctx())
                .expect("execute")
                .result
                .is_ok()
        );
    }
    let before = engine.projection_digest().expect("digest");
    let rebuilt = engine.rebuild().expect("rebuild");
    assert_eq!(rebuilt.events, engine.log_head().expect("head").0);
    assert_eq!(rebuilt.projection_digest, before, "the same rows again");
    assert_eq!(engine.projection_digest().expect("digest"), before);
    assert!(engine.verify().expect("verify").ok());
}
