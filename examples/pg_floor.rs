//! The floor of one payctl command on PostgreSQL: a process that connects to the server the way
//! payctl does, runs one `SELECT 1` and exits (what any command pays before its own work).
//! BENCHMARKS.md has the figures.
//!
//!   cargo run --release --example pg_floor -- 'postgres://user@host/db'

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .ok_or("usage: pg_floor POSTGRES_URL")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
        let connection = tokio::spawn(connection);
        client.simple_query("SELECT 1").await?;
        drop(client);
        let _ = connection.await;
        Ok(())
    })
}
