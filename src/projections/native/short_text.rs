//! Texts the fold keeps by the hundred thousand (a payment's times and reference) are short:
//! kept inline they cost no allocation to make and none to free, and the fold's state is
//! dropped in a fraction of the time.

use std::hash::{Hash, Hasher};

/// Bytes kept inline; longer texts go to the heap.
const INLINE: usize = 30;

#[derive(Clone)]
pub enum ShortText {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl ShortText {
    pub fn new(text: &str) -> ShortText {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                ShortText::Inline { len, bytes }
            }
            _ => ShortText::Heap(text.into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            // Whole UTF-8 text was copied in `new`, so the bytes are valid; the fallback is
            // never taken.
            ShortText::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            ShortText::Heap(text) => text,
        }
    }
}

impl PartialEq for ShortText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ShortText {}

impl Hash for ShortText {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_texts_read_back_and_compare_by_content() {
        for text in [
            "",
            "ord-42-1",
            "2026-03-02T09:00:01.000000Z",
            &"가".repeat(10),
            &"x".repeat(31),
        ] {
            let short = ShortText::new(text);
            assert_eq!(short.as_str(), text);
            assert_eq!(
                matches!(short, ShortText::Inline { .. }),
                text.len() <= INLINE
            );
            assert!(short == ShortText::Heap(text.into()));
        }
    }
}
