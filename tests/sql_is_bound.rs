//! Every SQL statement binds its values. SQL text may be assembled only from fixed pieces of the
//! code (column lists, table names from the schema list, composed filter fragments); this test
//! fails when a `format!` that builds SQL interpolates anything else.

use std::path::Path;

/// What SQL text may be built from: constants and fixed-fragment builders, never input.
const ALLOWED: &[&str] = &[
    "ENVELOPE_COLUMNS", // the log's column list, a constant
    "LINK_COLUMNS",
    "PAYMENT_COLUMNS",
    "MERCHANT_COLUMNS",
    "TOKEN_COLUMNS",
    "t.name()",     // a read-model table's name, from `Table`
    "table.name()", // the same
    "table.key()",  // a table's key columns, from `Table`
    "column_list",  // a table's columns, from `Table`
    "placeholders", // `?1, ?2, …`
    "name",         // a savepoint or an index: fixed words of the code
    "order",        // a literal ORDER BY
    "f.sql",        // Filters: fixed fragments with `?` placeholders
    "w.sql",
    "ROW_DIGEST", // the name of the row-digest aggregate, a constant
    "TOUCHING",   // a fixed WHERE fragment of the ledger's queries
    "table_list", // read-model table names, from `Table`
    "schema",     // a PostgreSQL schema name, checked to be a plain identifier
    "snapshot",   // a PostgreSQL snapshot id, checked to be hex digits and dashes
    "lock_ms",    // a number of milliseconds
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The text of a `format!(…)` call starting at `start` (just after `format!(`).
fn call_text(src: &str, start: usize) -> &str {
    let mut depth = 1;
    let mut in_str = false;
    let bytes = src.as_bytes();
    let mut i = start;
    while i < bytes.len() && depth > 0 {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'(' if !in_str => depth += 1,
            b')' if !in_str => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    &src[start..i.saturating_sub(1)]
}

#[test]
fn sql_is_never_built_from_anything_but_fixed_pieces() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut checked = 0;
    for file in files {
        let src = std::fs::read_to_string(&file).expect("read");
        for (at, _) in src.match_indices("format!(") {
            let call = call_text(&src, at + "format!(".len());
            let Some(lit_start) = call.find('"') else {
                continue;
            };
            let lit_end = call[lit_start + 1..].find("\",").map(|e| lit_start + 1 + e);
            let literal = &call[lit_start + 1..lit_end.unwrap_or(call.len())];
            let is_sql = [
                "SELECT ",
                "INSERT ",
                "UPDATE ",
                "DELETE ",
                "FROM ",
                "TRUNCATE ",
                "SCHEMA ",
                "SNAPSHOT ",
                "search_path",
            ]
            .iter()
            .any(|k| literal.contains(k));
            if !is_sql {
                continue;
            }
            checked += 1;
            let mut names: Vec<String> = Vec::new();
            let mut rest = literal;
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else {
                    break;
                };
                let name = &rest[open + 1..open + close];
                if !name.is_empty() {
                    names.push(name.to_string());
                }
                rest = &rest[open + close + 1..];
            }
            if let Some(end) = lit_end {
                for arg in call[end + 2..].split(',') {
                    let arg = arg.trim();
                    if !arg.is_empty() {
                        names.push(arg.to_string());
                    }
                }
            }
            for name in names {
                assert!(
                    ALLOWED.contains(&name.as_str()),
                    "{}: SQL built with `{name}` (only fixed pieces may be interpolated; bind \
                     values with ?): {literal}",
                    file.display()
                );
            }
        }
    }
    assert!(
        checked >= 10,
        "found only {checked} formatted SQL strings: is the scan broken?"
    );
}
