//! Decoding a stored payload without serde's detour for internally tagged enums.
//!
//! serde's derive reads an internally tagged enum by first copying the whole object into a
//! buffer of owned values (every key and text allocated) until it has seen the tag, then reading
//! the variant from that buffer (BENCHMARKS.md has its cost). payctl writes the tag
//! first (`{"kind":"PaymentCaptured",…}`), so the fast path reads `kind`, then hands the rest of
//! the same map straight to the variant's fields (the externally tagged twin, `KindFirst`).
//! A payload whose first key is not `kind` (written by hand, or by another tool) takes serde's
//! general path: same result, just slower.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, VariantAccess, Visitor,
};

use super::{Event, KindFirst};

impl Event {
    /// Decodes a JSON payload (the stored form, tag included).
    pub fn from_json(payload: &str) -> serde_json::Result<Event> {
        let mut de = serde_json::Deserializer::from_str(payload);
        match KindFirst::deserialize(TagFirst(&mut de)).and_then(|event| de.end().map(|()| event)) {
            Ok(event) => Ok(event),
            Err(_) => serde_json::from_str(payload),
        }
    }
}

/// Presents a map whose first entry is `"kind": "<Variant>"` as an externally tagged enum.
struct TagFirst<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for TagFirst<D> {
    type Error = D::Error;

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(TagFirstVisitor(visitor))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, D::Error> {
        Err(de::Error::custom("an event decodes only as an enum"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

struct TagFirstVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for TagFirstVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event object whose first key is `kind`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        match map.next_key_seed(IsKind)? {
            Some(true) => self.0.visit_enum(RestOfMap(map)),
            _ => Err(de::Error::custom("the first key is not `kind`")),
        }
    }
}

/// A key, answered by whether it is `kind` (nothing allocated).
struct IsKind;

impl<'de> DeserializeSeed<'de> for IsKind {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for IsKind {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == "kind")
    }
}

/// The map after its `kind` key: the tag's value names the variant, the entries left are its
/// fields.
struct RestOfMap<A>(A);

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for RestOfMap<A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        mut self,
        seed: S,
    ) -> Result<(S::Value, Self), A::Error> {
        let variant = self.0.next_value_seed(seed)?;
        Ok((variant, self))
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for RestOfMap<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.0.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        seed.deserialize(MapAccessDeserializer::new(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("an event is never a tuple"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Id, Kind};
    use crate::money::{Amount, Currency};

    fn fast_path_only(payload: &str) -> serde_json::Result<Event> {
        let mut de = serde_json::Deserializer::from_str(payload);
        let event = KindFirst::deserialize(TagFirst(&mut de))?;
        de.end()?;
        Ok(event)
    }

    #[test]
    fn a_payload_written_by_payctl_takes_the_fast_path() {
        let event = Event::HoldVoided {
            payment: Id::new(Kind::Payment, 3),
            member: Id::new(Kind::Member, 1),
            amount: Amount::from_minor(1500, Currency::Krw),
        };
        let payload = serde_json::to_string(&event).expect("serialize");
        assert!(payload.starts_with(r#"{"kind":"HoldVoided","#), "{payload}");
        assert_eq!(fast_path_only(&payload).expect("decodes"), event);
        assert!(fast_path_only(r#"{"payment":"pay_3","kind":"HoldVoided"}"#).is_err());
        assert!(fast_path_only(&format!("{payload} trailing")).is_err());
    }
}
