//! Numbered migrations, keyed on `PRAGMA user_version`. Append-only: never edit a shipped entry.

/// Each entry moves the schema from version `index` to `index + 1`.
pub const MIGRATIONS: &[&str] = &[MIGRATION_1, MIGRATION_2];

/// The read models' secondary indexes, as the schema creates them: they serve queries, never
/// the fold, so `rebuild` drops them and builds each once at the end. A test keeps this list
/// equal to the schema's.
pub const PROJECTION_INDEXES: &[(&str, &str)] = &[
    (
        "bank_links_by_member",
        "CREATE INDEX bank_links_by_member ON bank_links (member, status)",
    ),
    (
        "remittances_by_from",
        "CREATE INDEX remittances_by_from ON remittances (from_member)",
    ),
    (
        "remittances_by_to",
        "CREATE INDEX remittances_by_to ON remittances (to_member)",
    ),
    (
        "payments_by_member",
        "CREATE INDEX payments_by_member ON payments (member, id)",
    ),
    (
        "payments_unsettled",
        "CREATE INDEX payments_unsettled ON payments (merchant, captured_at)
    WHERE settlement IS NULL AND status = 'captured'",
    ),
    (
        "payments_open_holds",
        "CREATE INDEX payments_open_holds ON payments (expires_at, id) WHERE status = 'authorized'",
    ),
    (
        "payments_holds_by_member",
        "CREATE INDEX payments_holds_by_member ON payments (member) WHERE status = 'authorized'",
    ),
    (
        "refunds_by_payment",
        "CREATE INDEX refunds_by_payment ON refunds (payment)",
    ),
];

const MIGRATION_1: &str = r#"
CREATE TABLE events (
    seq             INTEGER PRIMARY KEY,
    stream          TEXT NOT NULL,
    version         INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    schema          INTEGER NOT NULL,
    payload         TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    effective_at    TEXT NOT NULL,
    actor           TEXT NOT NULL,
    idempotency_key TEXT,
    hash            TEXT NOT NULL,
    UNIQUE (stream, version)
);
CREATE INDEX events_by_kind ON events (kind, seq);
CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- store identity and the log head (seq + hash of the last event), to detect a truncated log
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- idempotency: the first outcome of a request under a key; replays answer from here
CREATE TABLE idempotency (
    key          TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    first_seq    INTEGER,
    last_seq     INTEGER
);

-- ===== projections (derived; rebuilt from the log) =====
CREATE TABLE settings (
    id                       INTEGER PRIMARY KEY CHECK (id = 1),
    store_id                 TEXT NOT NULL,
    currency                 TEXT NOT NULL,
    auto_recharge_unit_minor INTEGER NOT NULL,
    hold_expiry_secs         INTEGER NOT NULL,
    house_bank               TEXT NOT NULL,
    house_account            TEXT NOT NULL
);
CREATE TABLE members (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,
    address       TEXT,
    corporate     INTEGER NOT NULL,
    status        TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE TABLE wallets (
    member        INTEGER PRIMARY KEY,
    balance_minor INTEGER NOT NULL,
    held_minor    INTEGER NOT NULL
);
CREATE TABLE wallet_entries (
    member              INTEGER NOT NULL,
    seq                 INTEGER NOT NULL,
    at                  TEXT NOT NULL,
    kind                TEXT NOT NULL,
    reference           TEXT NOT NULL,
    counterparty        TEXT,
    amount_minor        INTEGER NOT NULL,
    held_minor          INTEGER NOT NULL,
    balance_after_minor INTEGER NOT NULL,
    status              TEXT NOT NULL,
    PRIMARY KEY (member, seq)
);
CREATE TABLE bank_links (
    id         INTEGER PRIMARY KEY,
    member     INTEGER NOT NULL,
    bank       TEXT NOT NULL,
    account    TEXT NOT NULL,
    is_primary INTEGER NOT NULL,
    status     TEXT NOT NULL,
    linked_at  TEXT NOT NULL
);
CREATE INDEX bank_links_by_member ON bank_links (member, status);
CREATE TABLE sim_accounts (
    bank          TEXT NOT NULL,
    account       TEXT NOT NULL,
    balance_minor INTEGER,
    closed        INTEGER NOT NULL,
    PRIMARY KEY (bank, account)
) WITHOUT ROWID;
CREATE TABLE firm_banking (
    id           INTEGER PRIMARY KEY,
    from_bank    TEXT NOT NULL,
    from_account TEXT NOT NULL,
    to_bank      TEXT NOT NULL,
    to_account   TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    purpose      TEXT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT,
    requested_at TEXT NOT NULL
);
CREATE TABLE recharges (
    id           INTEGER PRIMARY KEY,
    member       INTEGER NOT NULL,
    link         INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    status       TEXT NOT NULL,
    firm_banking INTEGER NOT NULL,
    reason       TEXT,
    at           TEXT NOT NULL
);
CREATE TABLE withdrawals (
    id           INTEGER PRIMARY KEY,
    member       INTEGER NOT NULL,
    link         INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    status       TEXT NOT NULL,
    firm_banking INTEGER NOT NULL,
    reason       TEXT,
    at           TEXT NOT NULL
);
CREATE TABLE remittances (
    id           INTEGER PRIMARY KEY,
    from_member  INTEGER NOT NULL,
    to_member    INTEGER,
    to_bank      TEXT,
    to_account   TEXT,
    amount_minor INTEGER NOT NULL,
    status       TEXT NOT NULL,
    firm_banking INTEGER,
    recharge     INTEGER,
    reason       TEXT,
    at           TEXT NOT NULL
);
CREATE INDEX remittances_by_from ON remittances (from_member);
CREATE INDEX remittances_by_to ON remittances (to_member);
CREATE TABLE merchants (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    code            TEXT NOT NULL,
    code_key        TEXT NOT NULL UNIQUE,
    fee_rate        TEXT NOT NULL,
    bank            TEXT NOT NULL,
    account         TEXT NOT NULL,
    registered_at   TEXT NOT NULL,
    deficit_minor   INTEGER NOT NULL,
    last_settlement INTEGER
);
CREATE TABLE payments (
    id             INTEGER PRIMARY KEY,
    member         INTEGER NOT NULL,
    merchant       INTEGER NOT NULL,
    reference      TEXT UNIQUE,
    amount_minor   INTEGER NOT NULL,
    captured_minor INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL,
    fee_rate       TEXT NOT NULL,
    status         TEXT NOT NULL,
    held           INTEGER NOT NULL,
    recharge       INTEGER,
    created_at     TEXT NOT NULL,
    expires_at     TEXT,
    captured_at    TEXT,
    closed_at      TEXT,
    settlement     INTEGER
);
CREATE INDEX payments_by_member ON payments (member, id);
-- partial indexes: only what is still open is indexed, so they stay small as history grows
CREATE INDEX payments_unsettled ON payments (merchant, captured_at)
    WHERE settlement IS NULL AND status = 'captured';
CREATE INDEX payments_open_holds ON payments (expires_at, id) WHERE status = 'authorized';
CREATE INDEX payments_holds_by_member ON payments (member) WHERE status = 'authorized';
CREATE TABLE refunds (
    id               INTEGER PRIMARY KEY,
    payment          INTEGER NOT NULL,
    amount_minor     INTEGER NOT NULL,
    after_settlement INTEGER NOT NULL,
    at               TEXT NOT NULL
);
CREATE INDEX refunds_by_payment ON refunds (payment);
CREATE TABLE settlements (
    id            INTEGER PRIMARY KEY,
    merchant      INTEGER NOT NULL,
    cutoff        TEXT NOT NULL,
    gross_minor   INTEGER NOT NULL,
    refunds_minor INTEGER NOT NULL,
    fee_minor     INTEGER NOT NULL,
    deficit_minor INTEGER NOT NULL,
    payout_minor  INTEGER NOT NULL,
    status        TEXT NOT NULL,
    firm_banking  INTEGER,
    reason        TEXT,
    at            TEXT NOT NULL
);
CREATE TABLE settlement_payments (
    settlement     INTEGER NOT NULL,
    payment        INTEGER NOT NULL,
    captured_minor INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL,
    fee_minor      INTEGER NOT NULL,
    PRIMARY KEY (settlement, payment)
) WITHOUT ROWID;
CREATE TABLE ledger_transactions (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE TABLE ledger_postings (
    seq          INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    account      TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    PRIMARY KEY (seq, idx)
) WITHOUT ROWID;
CREATE TABLE ledger_balances (account TEXT PRIMARY KEY, balance_minor INTEGER NOT NULL) WITHOUT ROWID;
"#;

/// The HTTP API's bearer tokens: kept only as hashes; outside the event log (who may call the
/// API is not a fact of the books).
const MIGRATION_2: &str = r#"
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    scope       TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT
);
"#;
