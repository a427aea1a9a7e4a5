//! Order-free digests of the read models: each row hashed on its own with a secret key and the
//! hashes summed per table, so rows can be produced, or read back, in any order and still compare
//! by a few bytes. `verify` draws a fresh key each run (nobody editing the file beforehand can
//! craft rows whose hashes cancel); the digest printed to compare two stores' books uses a fixed
//! key and leaves the store's random id out. One scheme for every side: a row is hashed from
//! its values (`projections::rows::Values`), whether the fold just made it or an adapter read it.
//!
//! The row hash is SipHash-1-3 with a 128-bit output, keyed: without the key its outputs cannot
//! be predicted, which is all an order-free sum of them needs. The hash chain of the log stays
//! SHA-256: it is public and has no key.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::event::BankAccount;
use crate::ids::Id;
use crate::ledger::{Account, Description, Part};
use crate::money::FeeRate;
pub use crate::projections::rows::Table;
use crate::projections::rows::{Row, Values};

/// One table's digest: how many rows, and the lane-wise sum of their keyed hashes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableDigest {
    pub rows: u64,
    sum: [u64; 2],
}

impl TableDigest {
    /// Rows, then the two lanes, little-endian.
    pub fn to_bytes(self) -> [u8; 24] {
        let mut out = [0; 24];
        for (at, word) in [self.rows, self.sum[0], self.sum[1]]
            .into_iter()
            .enumerate()
        {
            out[8 * at..8 * at + 8].copy_from_slice(&word.to_le_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<TableDigest> {
        let word = |at: usize| -> Option<u64> {
            Some(u64::from_le_bytes(
                bytes.get(8 * at..8 * at + 8)?.try_into().ok()?,
            ))
        };
        (bytes.len() == 24).then_some(())?;
        Some(TableDigest {
            rows: word(0)?,
            sum: [word(1)?, word(2)?],
        })
    }

    pub fn add(&mut self, hash: [u64; 2]) {
        self.rows += 1;
        for (lane, word) in self.sum.iter_mut().zip(hash) {
            *lane = lane.wrapping_add(word);
        }
    }
}

/// The digests of every projection table, by name.
pub type Digests = BTreeMap<Table, TableDigest>;

/// A fresh secret key from the standard library's OS-seeded hasher keys, the clock
/// and the process id.
pub fn fresh_salt() -> Salt {
    use std::hash::{BuildHasher, Hasher};
    let mut h = Sha256::new();
    for i in 0..4_u64 {
        let mut k = std::collections::hash_map::RandomState::new().build_hasher();
        k.write_u64(i);
        h.update(k.finish().to_le_bytes());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.update(now.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    let first: [u8; 32] = h.finalize().into();
    let second: [u8; 32] = Sha256::digest(first).into();
    let mut salt = [0; 64];
    salt[..32].copy_from_slice(&first);
    salt[32..].copy_from_slice(&second);
    salt
}

/// 64 secret bytes; the row hash is keyed by the first 16.
pub type Salt = [u8; 64];

/// Encodes one row, value by value, each tagged with its type (so `1` and `'1'` differ) and
/// texts length-prefixed (so no two rows run together), then hashes it with the key.
pub struct RowHasher {
    key: [u8; 16],
    buf: Vec<u8>,
}

impl RowHasher {
    pub fn new(salt: &Salt) -> RowHasher {
        let mut key = [0; 16];
        key.copy_from_slice(&salt[..16]);
        RowHasher {
            key,
            buf: Vec::with_capacity(256),
        }
    }

    pub fn null(&mut self) -> &mut Self {
        self.buf.push(0);
        self
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        self.buf.push(1);
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn real(&mut self, v: f64) -> &mut Self {
        self.buf.push(2);
        self.buf.extend_from_slice(&v.to_bits().to_le_bytes());
        self
    }

    pub fn text(&mut self, v: &str) -> &mut Self {
        self.bytes(3, v.as_bytes())
    }

    /// As `text(&v.to_string())`, without the string: formatted straight into the row.
    pub fn display(&mut self, v: &dyn std::fmt::Display) -> &mut Self {
        use std::io::Write;
        // Formatting into a Vec cannot fail for lack of room; a Display that errs would also
        // have failed `to_string`.
        self.text_written(|buf| {
            let _ = write!(buf, "{v}");
        })
    }

    /// As `display`, for the values the fold writes by the million, spelled without the
    /// formatting machinery.
    pub fn spelled(&mut self, v: &dyn Spell) -> &mut Self {
        self.text_written(|buf| v.spell(buf))
    }

    /// A text value written by `write` straight into the row, as `text` would encode it: the
    /// length is filled in once it is known.
    fn text_written(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        self.buf.push(3);
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0; 8]);
        write(&mut self.buf);
        let len = (self.buf.len() - at - 8) as u64;
        self.buf[at..at + 8].copy_from_slice(&len.to_le_bytes());
        self
    }

    pub fn opt_spelled(&mut self, v: Option<&dyn Spell>) -> &mut Self {
        match v {
            Some(v) => self.spelled(v),
            None => self.null(),
        }
    }

    /// A text value from its bytes (a stored text need not be UTF-8: only an edit makes one).
    pub fn text_bytes(&mut self, v: &[u8]) -> &mut Self {
        self.bytes(3, v)
    }

    pub fn blob(&mut self, v: &[u8]) -> &mut Self {
        self.bytes(4, v)
    }

    fn bytes(&mut self, tag: u8, v: &[u8]) -> &mut Self {
        self.buf.push(tag);
        self.buf.extend_from_slice(&(v.len() as u64).to_le_bytes());
        self.buf.extend_from_slice(v);
        self
    }

    pub fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    pub fn opt_text(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.int(i64::from(v))
    }

    /// Adds the row encoded so far to `into`, and starts the next row.
    pub fn finish_into(&mut self, into: &mut TableDigest) {
        let mut h = SipHasher13::new_with_key(&self.key);
        std::hash::Hasher::write(&mut h, &self.buf);
        let hash = h.finish128();
        into.add([hash.h1, hash.h2]);
        self.buf.clear();
    }
}

/// The key of the portable digest: fixed, so two stores built from the same operations print the
/// same digest, on any backend.
pub const PORTABLE: Salt = [0; 64];

/// Hashes rows by their values: the one way a row becomes part of a digest. Keyed, it hashes
/// every column; portable, it leaves out the store's random id.
pub struct RowDigester {
    hasher: RowHasher,
    portable: bool,
}

impl RowDigester {
    pub fn keyed(salt: &Salt) -> RowDigester {
        RowDigester {
            hasher: RowHasher::new(salt),
            portable: false,
        }
    }

    pub fn portable() -> RowDigester {
        RowDigester {
            hasher: RowHasher::new(&PORTABLE),
            portable: true,
        }
    }

    /// Adds `row` to `into`.
    pub fn add(&mut self, row: &dyn Row, into: &mut TableDigest) {
        row.values(self);
        self.hasher.finish_into(into);
    }
}

impl Values for RowDigester {
    fn null(&mut self) {
        self.hasher.null();
    }
    fn int(&mut self, v: i64) {
        self.hasher.int(v);
    }
    fn text(&mut self, v: &str) {
        self.hasher.text(v);
    }
    fn spelled(&mut self, v: &dyn Spell) {
        self.hasher.spelled(v);
    }
    fn store_id(&mut self, v: &str) {
        if !self.portable {
            self.hasher.text(v);
        }
    }
}

/// The digest of every table, as one hex text (what `verify --digest` and `rebuild` print).
pub fn fingerprint(digests: &Digests) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for table in Table::ALL {
        h.update(table.name().as_bytes());
        h.update(digests.get(&table).copied().unwrap_or_default().to_bytes());
    }
    crate::chain::hex(&h.finalize())
}

/// A value spelled exactly as its `Display` spells it, appended to `out`.
pub trait Spell {
    fn spell(&self, out: &mut Vec<u8>);
}

impl Spell for Id {
    fn spell(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.kind.prefix().as_bytes());
        out.push(b'_');
        out.extend_from_slice(crate::chain::decimal(self.n, &mut [0; 20]));
    }
}

impl Spell for FeeRate {
    /// As `Decimal`'s `Display`: every digit of the scale, trailing zeros kept ("2.50").
    fn spell(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        let rate = self.decimal();
        let mut buf = [0; 20];
        // A fee rate is at most 100 with two decimals, so its mantissa is a small i64; a negative
        // one ("-0" passes the range check, only an edited store holds it) takes the general path.
        let digits = match i64::try_from(rate.mantissa()) {
            Ok(m) if !rate.is_sign_negative() => crate::chain::decimal(m, &mut buf),
            _ => {
                let _ = write!(out, "{rate}");
                return;
            }
        };
        let scale = rate.scale() as usize;
        if digits.len() > scale {
            let point = digits.len() - scale;
            out.extend_from_slice(&digits[..point]);
            if scale > 0 {
                out.push(b'.');
                out.extend_from_slice(&digits[point..]);
            }
        } else {
            // At least one digit before the point: "0.05", not ".05".
            out.extend_from_slice(b"0.");
            out.resize(out.len() + scale - digits.len(), b'0');
            out.extend_from_slice(digits);
        }
    }
}

impl Spell for BankAccount {
    fn spell(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.bank.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.account.as_bytes());
    }
}

impl Spell for Account {
    fn spell(&self, out: &mut Vec<u8>) {
        let (words, id) = self.name_parts();
        out.extend_from_slice(words.as_bytes());
        if let Some(id) = id {
            id.spell(out);
        }
    }
}

impl Spell for Description<'_> {
    fn spell(&self, out: &mut Vec<u8>) {
        for part in self.parts().into_iter().flatten() {
            match part {
                Part::Id(id) => id.spell(out),
                Part::Bank(account) => account.spell(out),
                Part::Words(words) => out.extend_from_slice(words.as_bytes()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest_of(salt: &Salt, rows: &[&[i64]]) -> TableDigest {
        let mut h = RowHasher::new(salt);
        let mut d = TableDigest::default();
        for row in rows {
            for v in *row {
                h.int(*v);
            }
            h.finish_into(&mut d);
        }
        d
    }

    #[test]
    fn row_order_does_not_matter_but_contents_and_salt_do() {
        let salt = fresh_salt();
        let a = digest_of(&salt, &[&[1, 2], &[3, 4]]);
        assert_eq!(a, digest_of(&salt, &[&[3, 4], &[1, 2]]));
        assert_ne!(a, digest_of(&salt, &[&[1, 2], &[3, 5]]));
        assert_ne!(a, digest_of(&salt, &[&[1, 2, 3, 4]]));
        assert_ne!(a, digest_of(&salt, &[&[1, 2], &[3, 4], &[3, 4]]));
        assert_ne!(a, digest_of(&fresh_salt(), &[&[1, 2], &[3, 4]]));
    }

    #[test]
    fn a_displayed_value_hashes_as_its_text() {
        let salt = [9; 64];
        let (mut a, mut b) = (TableDigest::default(), TableDigest::default());
        let mut h = RowHasher::new(&salt);
        h.display(&"mem_42").int(7).finish_into(&mut a);
        h.text("mem_42").int(7).finish_into(&mut b);
        assert_eq!(a, b);
        h.opt_spelled(None).finish_into(&mut a);
        h.opt_text(None).finish_into(&mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn a_spelled_value_is_its_display() {
        use crate::ids::Kind;
        let ids = [
            Id::new(Kind::Member, 0),
            Id::new(Kind::Payment, 1_539_105),
            Id::new(Kind::Merchant, -7),
            Id::new(Kind::FirmBanking, i64::MAX),
        ];
        let bank = BankAccount {
            bank: "KB".into(),
            account: "100-01-100000".into(),
        };
        let mut values: Vec<(&dyn Spell, String)> = vec![(&bank, bank.to_string())];
        let accounts: Vec<Account> = ids
            .iter()
            .flat_map(|id| [Account::Wallet(*id), Account::Merchant(*id)])
            .chain([Account::House, Account::Fees])
            .collect();
        values.extend(ids.iter().map(|id| (id as &dyn Spell, id.to_string())));
        values.extend(accounts.iter().map(|a| (a as &dyn Spell, a.to_string())));
        let amount = crate::money::Amount::from_minor(100, crate::money::Currency::Krw);
        let events = [
            crate::event::Event::RemittanceCompleted {
                remittance: Id::new(Kind::Remittance, 3),
                from: ids[0],
                to: crate::event::Destination::Bank(bank.clone()),
                amount,
                firm_banking: None,
                recharge: None,
            },
            crate::event::Event::RefundIssued {
                refund: Id::new(Kind::Refund, 4),
                payment: ids[1],
                member: ids[0],
                merchant: ids[2],
                amount,
                after_settlement: false,
            },
        ];
        let movements: Vec<_> = events
            .iter()
            .filter_map(|e| crate::ledger::movement(e, crate::money::Currency::Krw))
            .collect();
        let descriptions: Vec<Description<'_>> =
            movements.iter().map(|m| m.description()).collect();
        assert_eq!(descriptions.len(), 2);
        values.extend(
            descriptions
                .iter()
                .map(|d| (d as &dyn Spell, d.to_string())),
        );
        for (value, text) in values {
            let mut out = Vec::new();
            value.spell(&mut out);
            assert_eq!(String::from_utf8(out).expect("utf-8"), text);
            let (mut a, mut b) = (TableDigest::default(), TableDigest::default());
            let mut h = RowHasher::new(&[5; 64]);
            h.spelled(value).finish_into(&mut a);
            h.text(&text).finish_into(&mut b);
            assert_eq!(a, b);
        }
    }

    #[test]
    fn a_table_digest_round_trips_through_its_bytes() {
        let mut d = TableDigest::default();
        d.add([u64::MAX, 7]);
        d.add([3, u64::MAX]);
        assert_eq!(TableDigest::from_bytes(&d.to_bytes()), Some(d));
        assert_eq!(TableDigest::from_bytes(&d.to_bytes()[..23]), None);
        assert_eq!(TableDigest::from_bytes(&[0; 25]), None);
    }

    #[test]
    fn a_fee_rate_is_spelled_as_its_display() {
        use rust_decimal::Decimal;
        let mut rates: Vec<Decimal> = (0..=10_000)
            .flat_map(|m| (0..=4).map(move |scale| Decimal::new(m, scale)))
            .collect();
        rates.extend([
            Decimal::MAX,
            Decimal::new(1, 28),
            Decimal::new(-0, 2),
            Decimal::new(5, 0).trunc(),
        ]);
        if let Ok(negative_zero) = "-0.00".parse::<Decimal>() {
            rates.push(negative_zero);
        }
        let mut tried = 0;
        for rate in rates {
            // Fee rates in range only; the spelling itself is general.
            let Ok(fee) = FeeRate::new(rate) else {
                continue;
            };
            let mut out = Vec::new();
            fee.spell(&mut out);
            assert_eq!(String::from_utf8(out).expect("utf-8"), fee.to_string());
            tried += 1;
        }
        assert!(tried > 10_000, "{tried} rates in range");
    }

    #[test]
    fn a_number_and_its_text_hash_differently() {
        let salt = [7; 64];
        let (mut a, mut b) = (TableDigest::default(), TableDigest::default());
        let mut h = RowHasher::new(&salt);
        h.int(1).finish_into(&mut a);
        h.text("1").finish_into(&mut b);
        assert_ne!(a, b);
    }
}
