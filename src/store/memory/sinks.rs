//! Where the rows written once go: a digest, a store, a list, or nowhere.

use std::collections::BTreeMap;

use crate::digest::Spell;
use crate::digest::{Digests, RowDigester};
use crate::error::Result;
use crate::ports::Value;
use crate::projections::rows::{Row, Table, Values};

/// Receives each row the memory store does not keep.
pub trait RowSink {
    fn row(&mut self, row: &dyn Row) -> Result<()>;
}

/// Hashes each row into its table's digest (`verify`, and the digest `rebuild` prints).
pub struct Digesting {
    digester: RowDigester,
    pub digests: Digests,
}

impl Digesting {
    pub fn new(digester: RowDigester) -> Digesting {
        let digests = Table::ALL
            .iter()
            .map(|t| (*t, Default::default()))
            .collect();
        Digesting { digester, digests }
    }
}

impl RowSink for Digesting {
    fn row(&mut self, row: &dyn Row) -> Result<()> {
        let into = self.digests.entry(row.table()).or_default();
        self.digester.add(row, into);
        Ok(())
    }
}

/// Keeps every row's values, by table (to name the row that differs).
#[derive(Default)]
pub struct Keeping {
    only: Option<Vec<Table>>,
    pub tables: BTreeMap<Table, Vec<Vec<Value>>>,
}

impl Keeping {
    /// Keeps the rows of these tables only.
    pub fn of(tables: &[Table]) -> Keeping {
        Keeping {
            only: Some(tables.to_vec()),
            tables: BTreeMap::new(),
        }
    }
}

impl RowSink for Keeping {
    fn row(&mut self, row: &dyn Row) -> Result<()> {
        let table = row.table();
        if self
            .only
            .as_ref()
            .is_some_and(|only| !only.contains(&table))
        {
            return Ok(());
        }
        let mut values = Collect(Vec::with_capacity(table.columns().len()));
        row.values(&mut values);
        self.tables.entry(table).or_default().push(values.0);
        Ok(())
    }
}

/// Drops every row (the as-of queries read only what is kept).
pub struct Dropping;

impl RowSink for Dropping {
    fn row(&mut self, _: &dyn Row) -> Result<()> {
        Ok(())
    }
}

/// A row's values as `Value`s.
struct Collect(Vec<Value>);

impl Values for Collect {
    fn null(&mut self) {
        self.0.push(Value::Null);
    }
    fn int(&mut self, v: i64) {
        self.0.push(Value::Int(v));
    }
    fn text(&mut self, v: &str) {
        self.0.push(Value::Text(v.to_string()));
    }
    fn spelled(&mut self, v: &dyn Spell) {
        let mut out = Vec::new();
        v.spell(&mut out);
        self.0
            .push(Value::Text(String::from_utf8_lossy(&out).into_owned()));
    }
}

/// Rows compactly encoded, in the order they came: what `rebuild` loads into the store.
#[derive(Default)]
pub struct RowBatch {
    bytes: Vec<u8>,
    /// Each row's table and where its encoding ends in `bytes`.
    rows: Vec<(Table, usize)>,
}

impl RowBatch {
    /// Hands every row to `load`, in the order they came.
    pub fn load_into(&self, load: &mut dyn FnMut(&dyn Row) -> Result<()>) -> Result<()> {
        let mut start = 0;
        for (table, end) in &self.rows {
            let bytes = self.bytes.get(start..*end).unwrap_or_default();
            load(&Encoded {
                table: *table,
                bytes,
            })?;
            start = *end;
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.bytes.clear();
    }
}

/// Keeps rows, encoded, in a batch that is taken away to be loaded into a store (`rebuild`: a
/// part of the log is folded, then its rows are loaded), and digests each on the way.
pub struct Buffering {
    pub digest: Digesting,
    batch: RowBatch,
}

impl Buffering {
    pub fn new(digest: Digesting) -> Buffering {
        Buffering {
            digest,
            batch: RowBatch::default(),
        }
    }

    /// The rows buffered so far; `next` (an emptied batch, its room kept) takes their place.
    pub fn take(&mut self, next: RowBatch) -> RowBatch {
        std::mem::replace(&mut self.batch, next)
    }
}

impl RowSink for Buffering {
    fn row(&mut self, row: &dyn Row) -> Result<()> {
        self.digest.row(row)?;
        row.values(&mut Encoder(&mut self.batch.bytes));
        self.batch.rows.push((row.table(), self.batch.bytes.len()));
        Ok(())
    }
}

/// Encodes values into bytes: a tag, then 8 bytes of an integer or a 4-byte length and a text.
struct Encoder<'a>(&'a mut Vec<u8>);

impl Values for Encoder<'_> {
    fn null(&mut self) {
        self.0.push(0);
    }
    fn int(&mut self, v: i64) {
        self.0.push(1);
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn text(&mut self, v: &str) {
        self.text_bytes(v.as_bytes());
    }
    fn spelled(&mut self, v: &dyn Spell) {
        self.0.push(3);
        let at = self.0.len();
        self.0.extend_from_slice(&[0; 4]);
        v.spell(self.0);
        let len = u32::try_from(self.0.len() - at - 4).unwrap_or(u32::MAX);
        self.0[at..at + 4].copy_from_slice(&len.to_le_bytes());
    }
}

impl Encoder<'_> {
    fn text_bytes(&mut self, v: &[u8]) {
        self.0.push(3);
        let len = u32::try_from(v.len()).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&len.to_le_bytes());
        self.0.extend_from_slice(v);
    }
}

/// A row as `Encoder` wrote it.
struct Encoded<'a> {
    table: Table,
    bytes: &'a [u8],
}

impl Row for Encoded<'_> {
    fn table(&self) -> Table {
        self.table
    }

    fn values(&self, out: &mut dyn Values) {
        let mut rest = self.bytes;
        while let Some((&tag, tail)) = rest.split_first() {
            rest = match tag {
                1 => {
                    let (n, tail) = tail.split_at(8.min(tail.len()));
                    let mut word = [0; 8];
                    word[..n.len()].copy_from_slice(n);
                    out.int(i64::from_le_bytes(word));
                    tail
                }
                3 => {
                    let (len, tail) = tail.split_at(4.min(tail.len()));
                    let mut word = [0; 4];
                    word[..len.len()].copy_from_slice(len);
                    let len = u32::from_le_bytes(word) as usize;
                    let (text, tail) = tail.split_at(len.min(tail.len()));
                    // The text was written from a `&str` or a spelling of one: UTF-8.
                    out.text(std::str::from_utf8(text).unwrap_or_default());
                    tail
                }
                _ => {
                    out.null();
                    tail
                }
            };
        }
    }
}
