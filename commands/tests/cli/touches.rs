//! The CLI's finishing touches: completions, man pages, the config file, --version.

use crate::common::{Store, base_command};

#[test]
fn completions_are_generated_for_every_supported_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = base_command()
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("payctl") && text.contains("remit"),
            "{shell}: {text}"
        );
    }
}

#[test]
fn man_pages_come_from_the_clap_definitions() {
    let out = base_command().arg("man").output().expect("run");
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.contains(".TH payctl 1") && page.contains("settle"),
        "{page}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let out = base_command()
        .args(["man", "--output"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    for page in [
        "payctl.1",
        "payctl-remit.1",
        "payctl-bank-sim-set.1",
        "payctl-import.1",
    ] {
        assert!(dir.path().join(page).is_file(), "{page} missing");
    }
}

#[test]
fn version_names_the_git_commit() {
    let out = base_command().arg("--version").output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("payctl 0.") && text.contains('(') && text.contains(')'),
        "{text}"
    );
}

#[test]
fn the_config_file_sets_defaults_that_flags_override() {
    let store = Store::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "db = {:?}\nactor = \"from-config\"\ncolor = \"never\"\n",
            store.path()
        ),
    )
    .expect("write config");
    // No --db: the file's db is used; its actor is recorded.
    let out = base_command()
        .env("PAYCTL_CONFIG", &config)
        .args([
            "member",
            "register",
            "--name",
            "A",
            "--email",
            "a@example.com",
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = store.ok(&["events", "--kind", "MemberRegistered"]);
    assert_eq!(events["events"][0]["actor"], "from-config");
    // A flag wins over the file.
    let out = base_command()
        .env("PAYCTL_CONFIG", &config)
        .args([
            "--actor",
            "flag",
            "member",
            "register",
            "--name",
            "B",
            "--email",
            "b@example.com",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let events = store.ok(&["events", "--kind", "MemberRegistered"]);
    assert_eq!(events["events"][1]["actor"], "flag");
    // A broken file is named, exit 2.
    std::fs::write(&config, "colour = \"never\"\n").expect("write config");
    let out = base_command()
        .env("PAYCTL_CONFIG", &config)
        .args(["config"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("config.toml"));
}
