//! Prefixed, sequential identifiers (SPEC §2): `mem_1`, `pay_12`, … Never reused.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Member,
    Link,
    Merchant,
    Recharge,
    Withdrawal,
    Remittance,
    Payment,
    Refund,
    Settlement,
    FirmBanking,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Member,
        Kind::Link,
        Kind::Merchant,
        Kind::Recharge,
        Kind::Withdrawal,
        Kind::Remittance,
        Kind::Payment,
        Kind::Refund,
        Kind::Settlement,
        Kind::FirmBanking,
    ];

    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Member => "mem",
            Kind::Link => "bnk",
            Kind::Merchant => "mer",
            Kind::Recharge => "rch",
            Kind::Withdrawal => "wdr",
            Kind::Remittance => "rem",
            Kind::Payment => "pay",
            Kind::Refund => "ref",
            Kind::Settlement => "stl",
            Kind::FirmBanking => "fb",
        }
    }
}

/// A typed id: the kind and its number. Serialized as the prefixed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    pub kind: Kind,
    pub n: i64,
}

impl Id {
    pub fn new(kind: Kind, n: i64) -> Id {
        Id { kind, n }
    }

    /// Parses `mem_12` (any kind). Leading zeros and signs are refused so text ↔ id is one-to-one.
    pub fn parse(text: &str) -> Option<Id> {
        let (prefix, num) = text.split_once('_')?;
        let kind = Kind::ALL.into_iter().find(|k| k.prefix() == prefix)?;
        if num.is_empty() || num.len() > 18 || num.starts_with('0') {
            return None;
        }
        if !num.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Id::new(kind, num.parse().ok()?))
    }

    /// Parses an id that must be of `kind`.
    pub fn parse_kind(text: &str, kind: Kind) -> Option<Id> {
        Id::parse(text).filter(|id| id.kind == kind)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.kind.prefix(), self.n)
    }
}

impl Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Parsed from the borrowed text: no allocation per id (`verify` decodes millions).
        d.deserialize_str(crate::money::TextVisitor("an id", |s: &str| {
            Id::parse(s).ok_or_else(|| format!("bad id {s:?}"))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_refuse_ambiguous_text() {
        assert_eq!(Id::parse("mem_12"), Some(Id::new(Kind::Member, 12)));
        assert_eq!(
            Id::parse("fb_3").map(|i| i.to_string()),
            Some("fb_3".into())
        );
        for bad in [
            "mem_", "mem_01", "mem_-1", "xyz_1", "mem1", "mem_1a", "mem_0",
        ] {
            assert_eq!(Id::parse(bad), None, "{bad}");
        }
    }
}
