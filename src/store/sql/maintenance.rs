//! `ports::Maintenance` over SQL: the stored rows by table, bulk loading around the query-only
//! indexes, and what differs between databases handed to the connection.

use super::{SqlConn, SqlStore};
use crate::digest::{Digests, Salt};
use crate::error::Result;
use crate::ports::{EventLog, Maintenance, Store, Value};
use crate::projections::rows::{Row, Table};

impl<C: SqlConn> Maintenance for SqlStore<C> {
    fn table_digests(&self, salt: Option<&Salt>) -> Result<Digests> {
        self.conn.table_digests(salt)
    }

    fn scan_table(&self, table: Table, f: &mut dyn FnMut(&[Value]) -> Result<bool>) -> Result<()> {
        // Table and column names come from `Table`, never from input.
        let column_list = table.columns().join(", ");
        let sql = format!(
            "SELECT {column_list} FROM {} ORDER BY {}",
            table.name(),
            table.key()
        );
        let mut values = Vec::with_capacity(table.columns().len());
        self.conn.query(&sql, &[], &mut |row| {
            values.clear();
            values.extend((0..row.columns()).map(|i| row.value(i)));
            f(&values)
        })
    }

    fn clear_read_models(&mut self) -> Result<()> {
        self.conn.clear_read_models()
    }

    fn load_row(&mut self, row: &dyn Row) -> Result<()> {
        self.conn.insert_row(row)
    }

    fn begin_bulk_load(&mut self) -> Result<()> {
        // Indexes only queries use: kept out while the rows go in, built once at the end.
        for (name, _) in self.conn.query_indexes() {
            self.conn
                .execute(&format!("DROP INDEX IF EXISTS {name}"), &[])?;
        }
        Ok(())
    }

    fn end_bulk_load(&mut self) -> Result<()> {
        for (_, create) in self.conn.query_indexes() {
            self.conn.execute(create, &[])?;
        }
        Ok(())
    }

    fn parallel_reader(&self) -> Option<Box<dyn Store>> {
        // The same state only if no write committed between the two snapshots: the heads agree
        // (only `rebuild` commits without moving the head, and what it writes is the same).
        let other = self.conn.second_reader()?;
        (self.head().ok()? == other.head().ok()?).then_some(other)
    }

    fn change_signal(&self) -> Result<i64> {
        self.conn.change_signal()
    }

    fn backup_to(&self, path: &std::path::Path) -> Result<bool> {
        self.conn.backup_to(path)
    }

    fn location(&self) -> String {
        self.conn.location()
    }
}
