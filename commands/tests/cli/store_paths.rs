//! Where the store and the config file are looked for (issue 16, item 11): a store path the
//! user named in a directory that does not exist is refused, not created; only the default data
//! dir is made; a config file named by `PAYCTL_CONFIG` must exist.

use crate::common::{Store, base_command, error_code, error_message, parse_json_output};

#[test]
fn a_db_in_a_missing_directory_is_store_missing_and_creates_nothing() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let missing_dir = scratch.path().join("no").join("such");
    let db = missing_dir.join("x.db");
    let db = db.to_str().expect("utf-8 path");
    let write = [
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "kim@example.com",
    ];

    for args in [&write[..], &["member", "list"][..]] {
        let out = base_command()
            .args(["--json", "--actor", "test", "--db", db])
            .args(args)
            .output()
            .expect("run payctl");
        let (code, v) = parse_json_output(&out);
        assert_eq!(code, 6, "{args:?}: {v}");
        assert_eq!(error_code(&v), "store_missing", "{args:?}");
        assert!(
            error_message(&v).contains("does not exist"),
            "{args:?} says the directory does not exist: {v}"
        );
    }
    // The same path through PAYCTL_DB.
    let out = base_command()
        .env("PAYCTL_DB", db)
        .args(["--json", "--actor", "test"])
        .args(write)
        .output()
        .expect("run payctl");
    let (code, v) = parse_json_output(&out);
    assert_eq!((code, error_code(&v)), (6, "store_missing"), "{v}");

    assert!(
        !scratch.path().join("no").exists(),
        "no directory was created"
    );
}

#[test]
fn the_default_data_dir_is_created_by_the_first_write() {
    let home = tempfile::tempdir().expect("temp dir");
    let data = home.path().join("data");
    let out = base_command()
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", &data)
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .args(["--json", "--actor", "test", "member", "register"])
        .args(["--name", "Kim", "--email", "kim@example.com"])
        .output()
        .expect("run payctl");
    let (code, v) = parse_json_output(&out);

    assert_eq!(code, 0, "{v}");
    assert!(data.join("payctl").join("payctl.db").is_file());
}

#[test]
fn a_config_file_named_by_payctl_config_must_exist() {
    let store = Store::new();
    let missing = store.dir().join("missing.toml");

    let out = store
        .command()
        .env("PAYCTL_CONFIG", &missing)
        .args(["--json", "member", "list"])
        .output()
        .expect("run payctl");
    let (code, v) = parse_json_output(&out);

    assert_eq!(code, 2, "{v}");
    assert_eq!(error_code(&v), "invalid_input");
    assert!(
        error_message(&v).contains("missing.toml"),
        "names the file: {v}"
    );
}

#[test]
fn a_missing_default_config_file_is_fine() {
    let home = tempfile::tempdir().expect("temp dir");
    let store = Store::funded();

    let out = store
        .command()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .args(["--json", "config"])
        .output()
        .expect("run payctl");
    let (code, v) = parse_json_output(&out);

    assert_eq!(code, 0, "{v}");
    assert!(
        v["config_file"]
            .as_str()
            .is_some_and(|p| p.ends_with("config.toml"))
    );
}
