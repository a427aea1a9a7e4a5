//! Time: the one storage format (fixed width, so text order is time order), parsing of `--at`
//! values, and the wall clock. The domain never reads the clock; the engine passes times in.

use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};

pub type Timestamp = DateTime<Utc>;

/// The wall clock, truncated to the microseconds the store keeps.
pub fn now() -> Timestamp {
    Utc::now().trunc_subsecs(6)
}

/// Storage form: `2026-03-02T09:00:00.000000Z`. Fixed width so SQL compares times as text.
pub fn to_storage(t: Timestamp) -> String {
    use chrono::{Datelike, Timelike};
    // Hand-formatted: this runs several times per command, and strftime parsing showed up.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond() / 1000 % 1_000_000
    )
}

/// Display form (RFC 3339 UTC, fraction only when there is one): `2026-03-02T09:00:00Z`.
pub fn to_display(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Accepts RFC 3339 (any offset, converted to UTC) or a bare date `YYYY-MM-DD` (midnight UTC).
pub fn parse(text: &str) -> Option<Timestamp> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc).trunc_subsecs(6));
    }
    let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc())
}

/// Reads the storage form back (and, leniently, any RFC 3339).
pub fn from_storage(text: &str) -> Option<Timestamp> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// serde helpers so event payloads carry times in the storage form.
pub mod serde_ts {
    use super::*;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&to_storage(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(d)?;
        from_storage(&s).ok_or_else(|| serde::de::Error::custom(format!("bad time {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_form_sorts_like_time_and_round_trips() {
        let a = parse("2026-03-02T09:00:00Z").unwrap_or_default();
        let b = parse("2026-03-02T09:00:00.5Z").unwrap_or_default();
        assert!(to_storage(a) < to_storage(b));
        assert_eq!(from_storage(&to_storage(b)), Some(b));
        assert_eq!(to_display(a), "2026-03-02T09:00:00Z");
        assert_eq!(
            parse("2026-03-03").map(to_display).as_deref(),
            Some("2026-03-03T00:00:00Z")
        );
        assert_eq!(parse("yesterday"), None);
    }
}
