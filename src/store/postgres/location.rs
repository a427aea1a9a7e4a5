//! Where a PostgreSQL store is: a URL (`postgres://user@host:port/db?schema=payctl`,
//! `postgresql://…`) or libpq's key=value form (`host=/run/postgresql dbname=test schema=x`).
//! `schema` is payctl's own option: the store's schema in that database (default `payctl`).
//! The password, when there is one, is never shown.

use std::str::FromStr;

use crate::error::{Error, Result};

/// The schema a store lives in when the location names none.
pub const DEFAULT_SCHEMA: &str = "payctl";

#[derive(Clone)]
pub struct PgLocation {
    config: tokio_postgres::Config,
    schema: String,
    shown: String,
}

impl std::fmt::Debug for PgLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl PgLocation {
    /// Whether `text` names a PostgreSQL store rather than a file.
    pub fn is_postgres(text: &str) -> bool {
        let t = text.trim_start();
        t.starts_with("postgres://")
            || t.starts_with("postgresql://")
            || ["host=", "dbname=", "user=", "port="]
                .iter()
                .any(|k| t.starts_with(k) || t.contains(&format!(" {k}")))
    }

    /// The PostgreSQL location `text` names; `None` when it names a file.
    pub fn recognise(text: &str) -> Result<Option<PgLocation>> {
        if PgLocation::is_postgres(text) {
            PgLocation::parse(text).map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn parse(text: &str) -> Result<PgLocation> {
        let bad = |why: &str| Error::invalid("db", &hide_password(text), why);
        let (rest, schema, shown) = if text.contains("://") {
            split_url(text)
        } else {
            split_keywords(text)
        };
        let schema = schema.unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
        let plain = schema.len() <= 63
            && schema
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && schema
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !plain {
            return Err(bad(
                "schema must be a plain name (letters, digits and _, at most 63)",
            ));
        }
        let config = tokio_postgres::Config::from_str(&rest)
            .map_err(|e| bad(&format!("is not a PostgreSQL location: {e}")))?;
        Ok(PgLocation {
            config,
            schema,
            shown,
        })
    }

    pub fn config(&self) -> &tokio_postgres::Config {
        &self.config
    }

    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The location as people may read it: its password left out.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

/// A URL without payctl's `schema` option, the schema, and the URL as shown.
fn split_url(text: &str) -> (String, Option<String>, String) {
    let (base, query) = text.split_once('?').unwrap_or((text, ""));
    let mut schema = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| match p.strip_prefix("schema=") {
            Some(s) => {
                schema = Some(s.to_string());
                false
            }
            None => true,
        })
        .collect();
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let shown_schema = schema.clone().unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
    let shown = format!("{}?schema={shown_schema}", hide_password(base));
    (rest, schema, shown)
}

/// A key=value string without payctl's `schema=`, the schema, and the string as shown.
fn split_keywords(text: &str) -> (String, Option<String>, String) {
    let mut schema = None;
    let mut kept = Vec::new();
    for word in text.split_whitespace() {
        match word.strip_prefix("schema=") {
            Some(s) => schema = Some(s.to_string()),
            None => kept.push(word),
        }
    }
    let rest = kept.join(" ");
    let shown_schema = schema.clone().unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
    let shown = format!("{} schema={shown_schema}", hide_password(&rest));
    (rest, schema, shown)
}

/// `text` with any password replaced by `***`.
pub fn hide_password(text: &str) -> String {
    if let Some((scheme, rest)) = text.split_once("://") {
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let authority = match authority.rsplit_once('@') {
            Some((user, host)) => {
                let user = user.split_once(':').map_or(user, |(u, _)| u);
                format!("{user}@{host}")
            }
            None => authority.to_string(),
        };
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let query: Vec<String> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                if p.starts_with("password=") {
                    "password=***".to_string()
                } else {
                    p.to_string()
                }
            })
            .collect();
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        return format!("{scheme}://{authority}{path}{query}");
    }
    text.split_whitespace()
        .map(|w| {
            if w.starts_with("password=") {
                "password=***".to_string()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        let l = PgLocation::parse("postgres://kim:s3cret@127.0.0.1:5432/test?schema=books")
            .expect("parse");
        assert_eq!(l.shown(), "postgres://kim@127.0.0.1:5432/test?schema=books");
        assert_eq!(l.schema(), "books");
        let l =
            PgLocation::parse("host=/run/postgresql dbname=test password=s3cret").expect("parse");
        assert_eq!(
            l.shown(),
            "host=/run/postgresql dbname=test password=*** schema=payctl"
        );
        assert_eq!(
            hide_password("postgresql://u:p@h/db?password=x&sslmode=disable"),
            "postgresql://u@h/db?password=***&sslmode=disable"
        );
    }

    #[test]
    fn the_schema_is_a_plain_name() {
        assert!(PgLocation::parse("postgres://h/db?schema=a;drop").is_err());
        assert!(PgLocation::parse("postgres://h/db?schema=\"x\"").is_err());
        assert!(PgLocation::parse("postgres://h/db?schema=t_12").is_ok());
        assert!(PgLocation::is_postgres("postgresql://h/db"));
        assert!(PgLocation::is_postgres("host=localhost dbname=x"));
        assert!(!PgLocation::is_postgres("./store.db"));
    }
}
