//! Rows kept by the hundred thousand (payments), in a vector with a small index by id beside it:
//! when the table grows only the 16-byte index entries move, never the rows (BENCHMARKS.md).

use std::collections::HashMap;

type Index = HashMap<i64, usize, foldhash::fast::RandomState>;

pub struct Kept<V> {
    index: Index,
    rows: Vec<(i64, V)>,
}

impl<V> Default for Kept<V> {
    fn default() -> Self {
        Kept {
            index: Index::default(),
            rows: Vec::new(),
        }
    }
}

impl<V> Kept<V> {
    /// Adds the row of `id`; false (and the row is not added) when `id` already has one.
    pub fn insert(&mut self, id: i64, row: V) -> bool {
        match self.index.entry(id) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(self.rows.len());
                self.rows.push((id, row));
                true
            }
        }
    }

    pub fn get_mut(&mut self, id: i64) -> Option<&mut V> {
        let at = *self.index.get(&id)?;
        self.rows.get_mut(at).map(|(_, row)| row)
    }

    /// Every row with its id, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &V)> {
        self.rows.iter().map(|(id, row)| (*id, row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_row_for_an_id_is_refused_and_rows_keep_their_order() {
        let mut kept = Kept::default();
        assert!(kept.insert(7, "a"));
        assert!(kept.insert(-3, "b"));
        assert!(!kept.insert(7, "c"), "7 has a row already");
        if let Some(row) = kept.get_mut(-3) {
            *row = "B";
        }
        assert!(kept.get_mut(8).is_none());
        assert_eq!(kept.iter().collect::<Vec<_>>(), [(7, &"a"), (-3, &"B")]);
    }
}
