//! Human tables and lists (issue 16, items 12 and 13): columns aligned by display width, every
//! list says how many rows exist and how to see the next ones, in one documented order.

use unicode_width::UnicodeWidthStr;

use crate::common::{Store, t};

/// The display column where `needle` starts in `line`.
fn column_of(line: &str, needle: &str) -> usize {
    let at = line
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {line:?}"));
    line[..at].width()
}

#[test]
fn tables_align_wide_characters_by_display_width() {
    let store = Store::new();
    for (i, (name, email)) in [
        ("김민지", "minji@example.com"),
        ("Kim Junho", "junho@example.com"),
        ("이서연 (Seoyeon)", "seoyeon@example.com"),
    ]
    .iter()
    .enumerate()
    {
        store.ok(&[
            "member",
            "register",
            "--name",
            name,
            "--email",
            email,
            "--at",
            &t(i as u32),
        ]);
    }

    let out = store.run(&["member", "list"]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();

    let header = column_of(lines[0], "EMAIL");
    for (line, email) in lines[1..].iter().zip(["minji@", "junho@", "seoyeon@"]) {
        assert_eq!(column_of(line, email), header, "{text}");
    }
    let status = column_of(lines[0], "STATUS");
    for line in &lines[1..4] {
        assert_eq!(column_of(line, "active"), status, "{text}");
    }
}
