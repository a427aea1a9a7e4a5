//! CLI integration tests for `payctl`: one test binary, one module per concern.
//!
//! Every test works on its own temporary store (`--db`), acts as `--actor test`, runs the binary
//! with a cleared environment and fixes business time with `--at`, so results do not depend on
//! the machine, the user or the clock (except the concurrency test, which uses the wall clock
//! on purpose).

#[path = "cli/as_of.rs"]
mod as_of;
#[path = "cli/backup.rs"]
mod backup;
#[path = "cli/bad_input.rs"]
mod bad_input;
#[path = "cli/common.rs"]
mod common;
#[path = "cli/concurrency.rs"]
mod concurrency;
#[path = "cli/console.rs"]
mod console;
#[path = "cli/crash.rs"]
mod crash;
#[path = "cli/db_server.rs"]
mod db_server;
#[path = "cli/double_spend.rs"]
mod double_spend;
#[path = "cli/exit_codes.rs"]
mod exit_codes;
#[path = "cli/export.rs"]
mod export;
#[path = "cli/future_time.rs"]
mod future_time;
#[path = "cli/idempotency.rs"]
mod idempotency;
#[path = "cli/identities.rs"]
mod identities;
#[path = "cli/import.rs"]
mod import;
#[path = "cli/import_feedback.rs"]
mod import_feedback;
#[path = "cli/limits.rs"]
mod limits;
#[path = "cli/lists.rs"]
mod lists;
#[path = "cli/messages.rs"]
mod messages;
#[path = "cli/operator_details.rs"]
mod operator_details;
#[path = "cli/reactivate.rs"]
mod reactivate;
#[path = "cli/rebuild.rs"]
mod rebuild;
#[path = "cli/sample.rs"]
mod sample;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/serve_api.rs"]
mod serve_api;
#[path = "cli/serve_crash.rs"]
mod serve_crash;
#[path = "cli/store_copy.rs"]
mod store_copy;
#[path = "cli/store_file.rs"]
mod store_file;
#[path = "cli/store_paths.rs"]
mod store_paths;
#[path = "cli/tamper.rs"]
mod tamper;
#[path = "cli/touches.rs"]
mod touches;
#[path = "cli/usage_edges.rs"]
mod usage_edges;
#[path = "cli/writers.rs"]
mod writers;
