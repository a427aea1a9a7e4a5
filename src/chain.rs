//! The hash chain over the event log: `hash_n = SHA-256(hash_{n-1} ‖ canonical bytes of event n)`,
//! starting from a hash of the store id. Public and keyless, so anyone can recompute it.

use sha2::{Digest, Sha256};

use crate::event::{Envelope, EnvelopeRef};

/// The hash that precedes the first event: derived from the store id.
pub fn genesis_hash(store_id: &str) -> String {
    hex(&Sha256::digest(
        format!("payctl genesis {store_id}").as_bytes(),
    ))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Every envelope field but the hash itself is covered, each length-prefixed so no two field
/// lists hash alike.
pub fn event_hash(prev_hash: &str, e: &Envelope) -> String {
    hex(&event_digest(prev_hash, &e.borrowed()))
}

/// The SHA-256 of an event's fields after its predecessor's hash: each field length-prefixed,
/// numbers in decimal, a missing key as "\0none". Allocates nothing (`verify` runs it per event).
pub fn event_digest(prev_hash: &str, e: &EnvelopeRef<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    let (mut seq, mut version, mut schema) = ([0_u8; 20], [0_u8; 20], [0_u8; 20]);
    let key = e.idempotency_key.unwrap_or("\u{0}none");
    for field in [
        decimal(e.seq, &mut seq),
        e.stream.as_bytes(),
        decimal(e.version, &mut version),
        e.kind.as_bytes(),
        decimal(e.schema, &mut schema),
        e.payload.as_bytes(),
        e.recorded_at.as_bytes(),
        e.effective_at.as_bytes(),
        e.actor.as_bytes(),
        key.as_bytes(),
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field);
    }
    h.finalize().into()
}

/// `n` in decimal, written into `buf` (as `n.to_string()` would spell it).
pub(crate) fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// Whether `hex_text` is the lowercase hex spelling of `digest`.
pub fn hex_matches(hex_text: &str, digest: &[u8; 32]) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let text = hex_text.as_bytes();
    text.len() == 64
        && digest.iter().enumerate().all(|(i, b)| {
            text[2 * i] == DIGITS[(b >> 4) as usize] && text[2 * i + 1] == DIGITS[(b & 15) as usize]
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_spells_numbers_like_to_string() {
        for n in [0, 1, 9, 10, -1, 1_539_105, i64::MAX, i64::MIN] {
            let mut buf = [0; 20];
            assert_eq!(decimal(n, &mut buf), n.to_string().as_bytes());
        }
    }

    #[test]
    fn hex_matches_only_the_lowercase_spelling() {
        let digest: [u8; 32] = Sha256::digest(b"payctl").into();
        let text = hex(&digest);
        assert!(hex_matches(&text, &digest));
        assert!(!hex_matches(&text.to_uppercase(), &digest));
        assert!(!hex_matches(&text[..62], &digest));
        let mut other = digest;
        other[31] ^= 1;
        assert!(!hex_matches(&text, &other));
    }

    /// The borrowed and the owned envelope hash alike (`verify` uses one, `append` the other).
    #[test]
    fn event_hash_is_the_digest_of_the_borrowed_row() {
        let env = Envelope {
            seq: 12,
            stream: "member-mem_1".into(),
            version: 3,
            kind: "MemberUpdated".into(),
            schema: 1,
            payload: "{}".into(),
            recorded_at: "2026-01-01T00:00:00.000000Z".into(),
            effective_at: "2026-01-01T00:00:00.000000Z".into(),
            actor: "tester".into(),
            idempotency_key: None,
            hash: String::new(),
        };
        let hash = event_hash("prev", &env);
        assert!(hex_matches(&hash, &event_digest("prev", &env.borrowed())));
        let keyed = Envelope {
            idempotency_key: Some("k".into()),
            ..env.clone()
        };
        assert_ne!(event_hash("prev", &keyed), hash);
    }
}
