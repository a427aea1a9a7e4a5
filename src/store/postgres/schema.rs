//! Numbered migrations in PostgreSQL's dialect, kept in step with SQLite's
//! (`store::sqlite::schema`): the same tables, columns and keys, 64-bit integers and texts in
//! byte order (`COLLATE "C"`, so lists sort as on SQLite), the log append-only by trigger. The
//! version is the row of `schema_version`. Append-only: never edit a shipped entry.

/// Each entry moves the schema from version `index` to `index + 1`.
pub const MIGRATIONS: &[&str] = &[MIGRATION_1, MIGRATION_2];

const MIGRATION_1: &str = r#"
CREATE TABLE schema_version (version BIGINT NOT NULL);
INSERT INTO schema_version (version) VALUES (0);

CREATE TABLE events (
    seq             BIGINT PRIMARY KEY,
    stream          TEXT COLLATE "C" NOT NULL,
    version         BIGINT NOT NULL,
    kind            TEXT COLLATE "C" NOT NULL,
    schema          BIGINT NOT NULL,
    payload         TEXT NOT NULL,
    recorded_at     TEXT COLLATE "C" NOT NULL,
    effective_at    TEXT COLLATE "C" NOT NULL,
    actor           TEXT NOT NULL,
    idempotency_key TEXT COLLATE "C",
    hash            TEXT NOT NULL,
    UNIQUE (stream, version)
);
CREATE INDEX events_by_kind ON events (kind, seq);
CREATE FUNCTION refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$;
CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();

-- store identity, the log head, and the row every writer locks first
CREATE TABLE store_meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO store_meta (key, value) VALUES ('writer', 'the row every write transaction locks');

CREATE TABLE idempotency (
    key          TEXT COLLATE "C" PRIMARY KEY,
    request_hash TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    first_seq    BIGINT,
    last_seq     BIGINT
);

CREATE TABLE settings (
    id                       BIGINT PRIMARY KEY CHECK (id = 1),
    store_id                 TEXT NOT NULL,
    currency                 TEXT NOT NULL,
    auto_recharge_unit_minor BIGINT NOT NULL,
    hold_expiry_secs         BIGINT NOT NULL,
    house_bank               TEXT NOT NULL,
    house_account            TEXT NOT NULL
);
CREATE TABLE members (
    id            BIGINT PRIMARY KEY,
    name          TEXT COLLATE "C" NOT NULL,
    email         TEXT COLLATE "C" NOT NULL,
    email_key     TEXT COLLATE "C" NOT NULL UNIQUE,
    address       TEXT COLLATE "C",
    corporate     BIGINT NOT NULL,
    status        TEXT COLLATE "C" NOT NULL,
    registered_at TEXT COLLATE "C" NOT NULL
);
CREATE TABLE wallets (
    member        BIGINT PRIMARY KEY,
    balance_minor BIGINT NOT NULL,
    held_minor    BIGINT NOT NULL
);
CREATE TABLE wallet_entries (
    member              BIGINT NOT NULL,
    seq                 BIGINT NOT NULL,
    at                  TEXT COLLATE "C" NOT NULL,
    kind                TEXT COLLATE "C" NOT NULL,
    reference           TEXT COLLATE "C" NOT NULL,
    counterparty        TEXT COLLATE "C",
    amount_minor        BIGINT NOT NULL,
    held_minor          BIGINT NOT NULL,
    balance_after_minor BIGINT NOT NULL,
    status              TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (member, seq)
);
CREATE TABLE bank_links (
    id         BIGINT PRIMARY KEY,
    member     BIGINT NOT NULL,
    bank       TEXT COLLATE "C" NOT NULL,
    account    TEXT COLLATE "C" NOT NULL,
    is_primary BIGINT NOT NULL,
    status     TEXT COLLATE "C" NOT NULL,
    linked_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX bank_links_by_member ON bank_links (member, status);
CREATE TABLE sim_accounts (
    bank          TEXT COLLATE "C" NOT NULL,
    account       TEXT COLLATE "C" NOT NULL,
    balance_minor BIGINT,
    closed        BIGINT NOT NULL,
    PRIMARY KEY (bank, account)
);
CREATE TABLE firm_banking (
    id           BIGINT PRIMARY KEY,
    from_bank    TEXT COLLATE "C" NOT NULL,
    from_account TEXT COLLATE "C" NOT NULL,
    to_bank      TEXT COLLATE "C" NOT NULL,
    to_account   TEXT COLLATE "C" NOT NULL,
    amount_minor BIGINT NOT NULL,
    purpose      TEXT COLLATE "C" NOT NULL,
    status       TEXT COLLATE "C" NOT NULL,
    reason       TEXT COLLATE "C",
    requested_at TEXT COLLATE "C" NOT NULL
);
CREATE TABLE recharges (
    id           BIGINT PRIMARY KEY,
    member       BIGINT NOT NULL,
    link         BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    status       TEXT COLLATE "C" NOT NULL,
    firm_banking BIGINT NOT NULL,
    reason       TEXT COLLATE "C",
    at           TEXT COLLATE "C" NOT NULL
);
CREATE TABLE withdrawals (
    id           BIGINT PRIMARY KEY,
    member       BIGINT NOT NULL,
    link         BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    status       TEXT COLLATE "C" NOT NULL,
    firm_banking BIGINT NOT NULL,
    reason       TEXT COLLATE "C",
    at           TEXT COLLATE "C" NOT NULL
);
CREATE TABLE remittances (
    id           BIGINT PRIMARY KEY,
    from_member  BIGINT NOT NULL,
    to_member    BIGINT,
    to_bank      TEXT COLLATE "C",
    to_account   TEXT COLLATE "C",
    amount_minor BIGINT NOT NULL,
    status       TEXT COLLATE "C" NOT NULL,
    firm_banking BIGINT,
    recharge     BIGINT,
    reason       TEXT COLLATE "C",
    at           TEXT COLLATE "C" NOT NULL
);
CREATE INDEX remittances_by_from ON remittances (from_member);
CREATE INDEX remittances_by_to ON remittances (to_member);
CREATE TABLE merchants (
    id              BIGINT PRIMARY KEY,
    name            TEXT COLLATE "C" NOT NULL,
    code            TEXT COLLATE "C" NOT NULL,
    code_key        TEXT COLLATE "C" NOT NULL UNIQUE,
    fee_rate        TEXT COLLATE "C" NOT NULL,
    bank            TEXT COLLATE "C" NOT NULL,
    account         TEXT COLLATE "C" NOT NULL,
    registered_at   TEXT COLLATE "C" NOT NULL,
    deficit_minor   BIGINT NOT NULL,
    last_settlement BIGINT
);
CREATE TABLE payments (
    id             BIGINT PRIMARY KEY,
    member         BIGINT NOT NULL,
    merchant       BIGINT NOT NULL,
    reference      TEXT COLLATE "C" UNIQUE,
    amount_minor   BIGINT NOT NULL,
    captured_minor BIGINT NOT NULL,
    refunded_minor BIGINT NOT NULL,
    fee_rate       TEXT COLLATE "C" NOT NULL,
    status         TEXT COLLATE "C" NOT NULL,
    held           BIGINT NOT NULL,
    recharge       BIGINT,
    created_at     TEXT COLLATE "C" NOT NULL,
    expires_at     TEXT COLLATE "C",
    captured_at    TEXT COLLATE "C",
    closed_at      TEXT COLLATE "C",
    settlement     BIGINT
);
CREATE INDEX payments_by_member ON payments (member, id);
CREATE INDEX payments_unsettled ON payments (merchant, captured_at)
    WHERE settlement IS NULL AND status = 'captured';
CREATE INDEX payments_open_holds ON payments (expires_at, id) WHERE status = 'authorized';
CREATE INDEX payments_holds_by_member ON payments (member) WHERE status = 'authorized';
CREATE TABLE refunds (
    id               BIGINT PRIMARY KEY,
    payment          BIGINT NOT NULL,
    amount_minor     BIGINT NOT NULL,
    after_settlement BIGINT NOT NULL,
    at               TEXT COLLATE "C" NOT NULL
);
CREATE INDEX refunds_by_payment ON refunds (payment);
CREATE TABLE settlements (
    id            BIGINT PRIMARY KEY,
    merchant      BIGINT NOT NULL,
    cutoff        TEXT COLLATE "C" NOT NULL,
    gross_minor   BIGINT NOT NULL,
    refunds_minor BIGINT NOT NULL,
    fee_minor     BIGINT NOT NULL,
    deficit_minor BIGINT NOT NULL,
    payout_minor  BIGINT NOT NULL,
    status        TEXT COLLATE "C" NOT NULL,
    firm_banking  BIGINT,
    reason        TEXT COLLATE "C",
    at            TEXT COLLATE "C" NOT NULL
);
CREATE TABLE settlement_payments (
    settlement     BIGINT NOT NULL,
    payment        BIGINT NOT NULL,
    captured_minor BIGINT NOT NULL,
    refunded_minor BIGINT NOT NULL,
    fee_minor      BIGINT NOT NULL,
    PRIMARY KEY (settlement, payment)
);
CREATE TABLE ledger_transactions (
    seq         BIGINT PRIMARY KEY,
    at          TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C" NOT NULL
);
CREATE TABLE ledger_postings (
    seq          BIGINT NOT NULL,
    idx          BIGINT NOT NULL,
    account      TEXT COLLATE "C" NOT NULL,
    amount_minor BIGINT NOT NULL,
    PRIMARY KEY (seq, idx)
);
CREATE TABLE ledger_balances (
    account       TEXT COLLATE "C" PRIMARY KEY,
    balance_minor BIGINT NOT NULL
);
"#;

/// The HTTP API's bearer tokens (see the SQLite schema).
const MIGRATION_2: &str = r#"
CREATE TABLE api_tokens (
    id          BIGINT PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL UNIQUE,
    scope       TEXT NOT NULL,
    secret_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT
);
"#;
