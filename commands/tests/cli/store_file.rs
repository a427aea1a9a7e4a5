//! What payctl takes for a store: only a file it made. An empty file, a text file or someone
//! else's SQLite database is refused (exit 6, saying what the file is) and left byte for byte as
//! it was; a store with no initialization event fails `verify`; every file payctl creates is
//! private (0600).

use crate::common::{Store, error_code, error_message, not_applicable, on_postgres};

fn refused_untouched(store: &Store, contents: &[u8], says: &str) {
    for args in [
        &["member", "list"][..],
        &["verify"][..],
        &[
            "member",
            "register",
            "--name",
            "Kim",
            "--email",
            "k@example.com",
        ][..],
        &["init"][..],
    ] {
        let (code, v) = store.json(args);
        assert_eq!(
            (code, error_code(&v)),
            (6, "store_corrupt"),
            "{args:?}: {v}"
        );
        assert!(
            error_message(&v).contains(says),
            "{args:?} says what the file is: {v}"
        );
        assert_eq!(
            std::fs::read(store.path()).expect("read"),
            contents,
            "{args:?} left the file as it was"
        );
    }
}

#[test]
fn an_empty_file_is_refused_and_never_written() {
    if on_postgres() {
        return not_applicable(
            "store_file::an_empty_file_is_refused_and_never_written",
            "no file: an empty schema is where a new store is made",
        );
    }
    let store = Store::new();
    std::fs::write(store.path(), b"").expect("create");
    refused_untouched(&store, b"", "empty file");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    if on_postgres() {
        return not_applicable(
            "store_file::a_file_that_is_not_sqlite_is_refused",
            "no file: the server holds only its own kind of data",
        );
    }
    let store = Store::new();
    std::fs::write(store.path(), b"name,email\nKim,k@example.com\n").expect("create");
    refused_untouched(
        &store,
        b"name,email\nKim,k@example.com\n",
        "not an SQLite database",
    );
}

#[test]
fn an_sqlite_database_without_payctls_schema_is_refused() {
    let store = Store::new();
    if let Some(schema) = store.schema() {
        // On a server: a schema holding someone else's tables.
        store.sql(&format!(
            "CREATE SCHEMA {schema}; CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT); \
             INSERT INTO notes VALUES (1, 'mine');"
        ));
        let tables = "SELECT string_agg(table_name, ',') FROM information_schema.tables \
                      WHERE table_schema = current_schema();";
        let before = (store.sql(tables), store.sql("SELECT body FROM notes;"));
        for args in [
            &["member", "list"][..],
            &["verify"][..],
            &[
                "member",
                "register",
                "--name",
                "Kim",
                "--email",
                "k@example.com",
            ][..],
            &["init"][..],
        ] {
            let (code, v) = store.json(args);
            assert_eq!(
                (code, error_code(&v)),
                (6, "store_corrupt"),
                "{args:?}: {v}"
            );
            assert!(
                error_message(&v).contains("without payctl's schema"),
                "{args:?}: {v}"
            );
            let after = (store.sql(tables), store.sql("SELECT body FROM notes;"));
            assert_eq!(after, before, "{args:?} left the schema as it was");
        }
        return;
    }
    store.sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);");
    let before = std::fs::read(store.path()).expect("read");
    refused_untouched(&store, &before, "without payctl's schema");
}

#[test]
fn verify_fails_on_a_store_with_no_initialization_event() {
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "k@example.com",
        "--at",
        "2026-03-02T09:00:00Z",
    ]);
    // A store whose log lost everything (rows removed behind payctl's back).
    store.sql(&format!(
        "{}DELETE FROM events; DELETE FROM store_meta WHERE key IN ('head_seq', 'head_hash');",
        store.drop_trigger_sql("events_refuse_delete")
    ));
    let (code, v) = store.json(&["verify"]);
    assert_eq!((code, error_code(&v)), (6, "verify_failed"), "{v}");
    assert!(error_message(&v).contains("initialization"), "{v}");
}

#[cfg(unix)]
#[test]
fn the_store_and_its_companions_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "k@example.com",
    ]);
    let backup = store.dir().join("copy.db");
    store.ok(&["backup", backup.to_str().expect("path")]);
    for entry in std::fs::read_dir(store.dir()).expect("dir") {
        let entry = entry.expect("entry");
        let mode = entry.metadata().expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is {mode:o}", entry.path().display());
    }
}
