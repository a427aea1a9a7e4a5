//! The façade: open a store, execute commands through the one write path, answer queries.
//!
//! Write path (DESIGN.md), all through the store's ports: begin the write transaction →
//! idempotency lookup → release expired holds → decide on the read models → append events (hash
//! chain) + apply each through the one fold → record the outcome under the key → commit. A
//! refusal rolls back to the savepoint taken before the holds step, so it leaves nothing but its
//! idempotency record.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::bank::Simulator;
use crate::clock::{self, Timestamp};
use crate::domain::{self, Applied, Command, Decision, Env};
use crate::error::{Error, ErrorCode, Result};
use crate::event::{BankAccount, Event};
use crate::ids::{Id, Kind};
use crate::log::{AppendContext, append};
use crate::money::{Amount, Currency};
use crate::ports::{Head, IdempotencyRecord, Store};
use crate::projections::{self, ApplyContext, Settings};
use crate::store::postgres::{PgLocation, PgStore};
use crate::store::sqlite::SqliteStore;
use crate::store::{self, OpenMode};

/// Longest idempotency key accepted (SPEC §6).
pub const MAX_KEY_LEN: usize = 255;

/// How far past the wall clock an `--at` (or a settlement cutoff) may be: room for clocks a little
/// out of step between machines, never enough to lock a store in the future by a typo.
pub const FUTURE_ALLOWANCE: chrono::Duration = chrono::Duration::minutes(5);

/// Who runs a command, when it takes effect, and under which idempotency key.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub at: Option<Timestamp>,
    pub actor: String,
    pub idempotency_key: Option<String>,
}

/// The answer to a command: applied (with its ids) or refused by a rule, and whether it was
/// answered from an idempotency record.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub result: std::result::Result<Applied, Error>,
    pub replayed: bool,
}

/// What an idempotency record keeps: the first outcome of the request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredOutcome {
    Applied(Applied),
    Rejected(Error),
}

/// Settings chosen at `init`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitOptions {
    pub currency: Currency,
    pub auto_recharge_unit: Option<rust_decimal::Decimal>,
    pub hold_expiry_secs: i64,
    pub house: BankAccount,
}

impl Default for InitOptions {
    fn default() -> Self {
        InitOptions {
            currency: Currency::Krw,
            auto_recharge_unit: None,
            hold_expiry_secs: 7 * 24 * 3600,
            house: BankAccount {
                bank: "PAYCTL".to_string(),
                account: "000-000-000000".to_string(),
            },
        }
    }
}

/// Test and crash-drill hooks: fail on purpose at a named point of the write path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failpoints {
    /// `before_commit`: every event is appended and applied, then the command fails (exit 1).
    pub name: Option<String>,
}

pub struct Engine {
    store: Box<dyn Store>,
    failpoints: Failpoints,
    created: bool,
    /// Set while a write transaction is open: what it may cache, since it holds the write lock.
    tx: Option<TxState>,
}

/// Settings and the log head, read once per write transaction and kept current by its appends.
#[derive(Debug, Clone)]
struct TxState {
    settings: Option<Settings>,
    head: Head,
    head_at_begin: Head,
    /// No authorized hold expires before this (storage time); `None`: there is no hold. Lets
    /// most commands skip the search for expired holds.
    hold_horizon: Option<String>,
}

impl Engine {
    pub fn open(path: &Path, mode: OpenMode) -> Result<Engine> {
        Engine::open_with_timeout(path, mode, store::BUSY_TIMEOUT)
    }

    /// As `open`, waiting at most `busy_timeout` for another writer before `store_locked`. A store
    /// it creates has the default settings, recorded by actor `payctl` at the wall clock.
    pub fn open_with_timeout(
        path: &Path,
        mode: OpenMode,
        busy_timeout: std::time::Duration,
    ) -> Result<Engine> {
        let ctx = Context {
            actor: "payctl".to_string(),
            ..Context::default()
        };
        Engine::open_creating(path, mode, busy_timeout, &InitOptions::default(), &ctx)
    }

    /// `open_creating` with the default busy timeout: the store at `path`, created if missing
    /// with `options`, its initialization recorded under `ctx`.
    pub fn open_or_create(path: &Path, options: &InitOptions, ctx: &Context) -> Result<Engine> {
        Engine::open_creating(
            path,
            OpenMode::CreateIfMissing,
            store::BUSY_TIMEOUT,
            options,
            ctx,
        )
    }

    /// Opens the store at `path`; a missing one is created (when `mode` allows) with `options`,
    /// its initialization recorded under `ctx` (actor, and `at`, default now). A new store
    /// appears with its first event already in it, never empty; `created` tells whether this
    /// call made it.
    pub fn open_creating(
        path: &Path,
        mode: OpenMode,
        busy_timeout: std::time::Duration,
        options: &InitOptions,
        ctx: &Context,
    ) -> Result<Engine> {
        let mut initialize = |store: &mut dyn Store| -> Result<()> {
            let now = clock::now();
            let at = ctx.at.unwrap_or(now);
            refuse_future("at", at, now, None)?;
            let (_, head) = record_initialization(store, options, ctx, at)?;
            store.set_head(&head)
        };
        Engine::open_store(path, mode, busy_timeout, &mut initialize)
    }

    /// The store at `path`: a PostgreSQL location or a file. A missing one is created (when
    /// `mode` allows), `initialize` writing its first events before it appears.
    pub(crate) fn open_store(
        path: &Path,
        mode: OpenMode,
        busy_timeout: std::time::Duration,
        initialize: store::Initialize<'_>,
    ) -> Result<Engine> {
        if let Some(location) = PgLocation::recognise(&path.to_string_lossy())? {
            let store = PgStore::open(&location, mode, busy_timeout, initialize)?;
            let created = store.created();
            return Ok(Engine::over(Box::new(store), created));
        }
        let store = SqliteStore::open(path, mode, busy_timeout, initialize)?;
        let created = store.created();
        Ok(Engine::over(Box::new(store), created))
    }

    /// An engine over a fresh in-memory store (tests).
    pub fn in_memory() -> Result<Engine> {
        Ok(Engine::over(Box::new(SqliteStore::in_memory()?), true))
    }

    /// An engine over any store (`created`: whether it was just made).
    pub fn over(store: Box<dyn Store>, created: bool) -> Engine {
        Engine {
            store,
            failpoints: Failpoints::default(),
            created,
            tx: None,
        }
    }

    /// The store, through its ports.
    pub(crate) fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub(crate) fn store_mut(&mut self) -> &mut dyn Store {
        self.store.as_mut()
    }

    /// `false` trades the power-loss guarantee for speed (still atomic and consistent, the last
    /// commits may be lost on power failure). For bulk loads and benchmarks.
    pub fn set_durable(&mut self, durable: bool) -> Result<()> {
        self.store.set_durable(durable)
    }

    pub fn set_failpoints(&mut self, failpoints: Failpoints) {
        self.failpoints = failpoints;
    }

    /// Whether this open created the file.
    pub fn created(&self) -> bool {
        self.created
    }

    /// Opens a read transaction for the rest of this engine's life: every later query sees the
    /// same snapshot of the store (a report's lines agree with each other even while another
    /// process writes), and one lock round replaces one per statement. For one-shot read
    /// commands; the console keeps autocommit reads so it sees new writes.
    pub fn begin_snapshot(&mut self) -> Result<()> {
        self.store.begin_read()
    }

    pub fn settings(&self) -> Result<Option<Settings>> {
        self.store.settings()
    }

    /// The settings of an initialized store; `store_missing` before it is.
    pub fn require_settings(&self) -> Result<Settings> {
        self.settings()?.ok_or_else(|| {
            Error::new(
                ErrorCode::StoreMissing,
                "the store is not initialized: run `payctl init`",
            )
        })
    }

    /// Where the store lives, for people.
    pub fn location(&self) -> String {
        self.store.location()
    }

    /// Settings of an initialized store; a store with none yet has the defaults (not recorded).
    pub fn settings_or_default(&self) -> Result<Settings> {
        Ok(match self.settings()? {
            Some(s) => s,
            None => default_settings(&InitOptions::default(), "")?,
        })
    }

    /// `payctl init`: records the settings once. Re-running with the same currency is a no-op.
    pub fn init(&mut self, options: &InitOptions, ctx: &Context) -> Result<(Settings, bool)> {
        self.begin()?;
        let result = self.init_in_tx(options, ctx);
        self.finish(result)
    }

    fn init_in_tx(&mut self, options: &InitOptions, ctx: &Context) -> Result<(Settings, bool)> {
        if let Some(at) = ctx.at {
            refuse_future("at", at, clock::now(), None)?;
        }
        let tx = self.tx_state()?;
        if let Some(existing) = tx.settings.clone() {
            if existing.currency != options.currency {
                return Err(Error::new(
                    ErrorCode::InvalidState,
                    format!(
                        "the store is already initialized with currency {}",
                        existing.currency
                    ),
                ));
            }
            return Ok((existing, false));
        }
        let at = ctx.at.unwrap_or_else(clock::now);
        let settings = self.initialize(options, ctx, at)?;
        Ok((settings, true))
    }

    /// Opens a write transaction (`BEGIN IMMEDIATE`): the unit of durability. Commands run in it
    /// with `step`; `commit` makes them durable together. `execute` does all three for one command.
    pub fn begin(&mut self) -> Result<()> {
        if self.tx.is_some() {
            return Err(Error::internal("a write transaction is already open"));
        }
        self.store.begin_write()?;
        let store = &self.store;
        let state = (|| -> Result<TxState> {
            let head = store.head()?;
            Ok(TxState {
                settings: store.settings()?,
                head_at_begin: head.clone(),
                head,
                hold_horizon: store.earliest_hold_expiry()?,
            })
        })();
        match state {
            Ok(s) => {
                self.tx = Some(s);
                Ok(())
            }
            Err(e) => {
                self.store.rollback();
                Err(e)
            }
        }
    }

    /// Commits the open transaction (the `before_commit` failpoint abandons it instead).
    pub fn commit(&mut self) -> Result<()> {
        if self.failpoints.name.as_deref() == Some("before_commit") {
            self.rollback();
            return Err(Error::internal(
                "failpoint before_commit: command abandoned",
            ));
        }
        let Some(tx) = self.tx.take() else {
            return Err(Error::internal("no write transaction is open"));
        };
        // The log head is recorded once per transaction: it only has to be right when others
        // can see it.
        let result = if tx.head == tx.head_at_begin {
            Ok(())
        } else {
            self.store.set_head(&tx.head)
        };
        match result {
            Ok(()) => self.store.commit(),
            Err(e) => {
                self.store.rollback();
                Err(e)
            }
        }
    }

    /// Abandons the open transaction, if any.
    pub fn rollback(&mut self) {
        if self.tx.take().is_some() {
            self.store.rollback();
        }
    }

    /// Commits the open transaction after `result`, or abandons it after an error.
    pub(crate) fn finish<T>(&mut self, result: Result<T>) -> Result<T> {
        match result {
            Ok(v) => {
                self.commit()?;
                Ok(v)
            }
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    fn tx_state(&self) -> Result<&TxState> {
        self.tx
            .as_ref()
            .ok_or_else(|| Error::internal("no write transaction is open"))
    }

    fn tx_state_mut(&mut self) -> Result<&mut TxState> {
        self.tx
            .as_mut()
            .ok_or_else(|| Error::internal("no write transaction is open"))
    }

    /// Runs one command through the write path, in one SQLite transaction.
    pub fn execute(&mut self, command: &Command, ctx: &Context) -> Result<Outcome> {
        self.begin()?;
        let result = self.step(command, ctx);
        self.finish(result)
    }

    /// Runs one command inside the open transaction, atomically on its own: a refusal leaves no
    /// trace but its idempotency record, and the commands before it stand. A failure (exit 1 or
    /// 6) after the command started writing abandons the whole open transaction: nothing since
    /// the last commit was acknowledged, so nothing acknowledged is lost.
    pub fn step(&mut self, command: &Command, ctx: &Context) -> Result<Outcome> {
        if let Some(key) = &ctx.idempotency_key {
            validate_key(key)?;
        }
        self.refuse_future_times(command, ctx)?;
        let request_hash = request_hash(command)?;
        if let Some(key) = &ctx.idempotency_key {
            if let Some(found) = lookup_key(self.store(), key, &request_hash)? {
                return Ok(found);
            }
        }
        let at = ctx.at.unwrap_or_else(clock::now);
        let result = match self.tx_state()?.settings.clone() {
            Some(s) => Ok(s),
            // A write on a new store records its default settings first (kept even if the
            // command itself is refused: the store now exists).
            None => self.initialize(&InitOptions::default(), ctx, at),
        }
        .and_then(|settings| self.step_inner(command, ctx, &request_hash, at, &settings));
        if result.is_err() {
            self.rollback();
        }
        result
    }

    /// An `--at` or a cutoff past the wall clock plus `FUTURE_ALLOWANCE` is malformed input: once
    /// recorded, it would refuse every later command that runs at the wall clock. An `--at` up to
    /// the last recorded time stays allowed, so a store that already holds a future time can go on.
    fn refuse_future_times(&self, command: &Command, ctx: &Context) -> Result<()> {
        let now = clock::now();
        if let Some(at) = ctx.at {
            let last = self.tx_state()?.head.last_effective_at.as_deref();
            refuse_future("at", at, now, last)?;
        }
        if let Command::Settle {
            cutoff: Some(cutoff),
            ..
        } = command
        {
            refuse_future("cutoff", *cutoff, now, None)?;
        }
        Ok(())
    }

    /// Whether a write transaction is open (a failed `step` closes it).
    pub fn in_transaction(&self) -> bool {
        self.tx.is_some()
    }

    /// The body of `step`.
    fn step_inner(
        &mut self,
        command: &Command,
        ctx: &Context,
        request_hash: &str,
        at: Timestamp,
        settings: &Settings,
    ) -> Result<Outcome> {
        let at_text = clock::to_storage(at);
        let backwards = self
            .tx_state()?
            .head
            .last_effective_at
            .clone()
            .filter(|last| at_text < *last);
        let recorded_at = clock::to_storage(clock::now());
        let append_ctx = AppendContext {
            recorded_at: &recorded_at,
            effective_at: &at_text,
            actor: &ctx.actor,
            idempotency_key: ctx.idempotency_key.as_deref(),
        };
        let head_before = self.tx_state()?.head.clone();
        let mut head = head_before.clone();
        let currency = settings.currency;
        // Holds past their expiry are released as of this command's time, before it decides; a
        // savepoint (only then: the adapter may copy pages for it) lets a refusal undo them.
        let horizon_before = self.tx_state()?.hold_horizon.clone();
        let due = horizon_before.as_ref().is_some_and(|h| at_text >= *h);
        let expired = if due {
            expired_holds(self.store(), settings, &at_text)?
        } else {
            Vec::new()
        };
        if !expired.is_empty() {
            self.store.savepoint("release_holds")?;
        }
        let mut seqs = self.record(&mut head, &expired, &append_ctx, currency)?;
        let decision = {
            let state = self.store();
            let mut banks = Simulator::new(state, settings.house.clone());
            let mut env = Env::new(at, settings);
            match domain::decide(state, &mut banks, &mut env, command) {
                Ok(d) => d,
                Err(e) if e.code.exit_code() == 1 || e.code.exit_code() == 6 => return Err(e),
                Err(e) => Decision::refused(e),
            }
        };
        let decision = if let Some(last) = backwards {
            refuse_backwards(decision, at, &last)
        } else {
            decision
        };
        let refused = decision.events.is_empty() && decision.outcome.is_err();
        if refused {
            // A refusal leaves no trace: not even the hold releases it would have recorded.
            if !expired.is_empty() {
                self.store.rollback_to("release_holds")?;
            }
            seqs.clear();
            head = head_before;
        } else {
            seqs.extend(self.record(&mut head, &decision.events, &append_ctx, currency)?);
        }
        if !expired.is_empty() {
            self.store.release("release_holds")?;
        }
        if let Some(key) = &ctx.idempotency_key {
            let stored = match &decision.outcome {
                Ok(a) => StoredOutcome::Applied(a.clone()),
                Err(e) => StoredOutcome::Rejected(e.clone()),
            };
            let record = IdempotencyRecord {
                request_hash: request_hash.to_string(),
                outcome: serde_json::to_string(&stored)
                    .map_err(|e| Error::internal(e.to_string()))?,
                first_seq: seqs.first().copied(),
                last_seq: seqs.last().copied(),
            };
            self.store.add_record(key, &record)?;
        }
        let horizon = if refused {
            horizon_before // every hold is as it was
        } else if due {
            self.store.earliest_hold_expiry()?
        } else {
            let new_holds = decision
                .events
                .iter()
                .filter_map(|e| e.hold_expiry().map(clock::to_storage));
            new_holds.chain(horizon_before).min()
        };
        let tx = self.tx_state_mut()?;
        tx.head = head;
        tx.hold_horizon = horizon;
        Ok(Outcome {
            result: decision.outcome,
            replayed: false,
        })
    }

    /// Appends each event and applies it through the one fold; returns the seqs they got.
    fn record(
        &mut self,
        head: &mut Head,
        events: &[Event],
        append_ctx: &AppendContext<'_>,
        currency: Currency,
    ) -> Result<Vec<i64>> {
        let mut seqs = Vec::with_capacity(events.len());
        for event in events {
            let env = append(self.store.as_mut(), event, append_ctx, head)?;
            let cx = ApplyContext {
                seq: env.seq,
                kind: &env.kind,
                at: &env.effective_at,
                currency,
            };
            projections::apply(event, &cx, self.store.as_mut())?;
            seqs.push(env.seq);
        }
        Ok(seqs)
    }

    /// Records `StoreInitialized` as the log's first event, in the open transaction.
    fn initialize(
        &mut self,
        options: &InitOptions,
        ctx: &Context,
        at: Timestamp,
    ) -> Result<Settings> {
        let (s, head) = record_initialization(self.store.as_mut(), options, ctx, at)?;
        let tx = self.tx_state_mut()?;
        tx.head = head;
        tx.settings = Some(s.clone());
        Ok(s)
    }
}

/// Appends `StoreInitialized` to an empty log and applies it; returns the settings and the head
/// after it. The caller's transaction makes it durable.
fn record_initialization(
    store: &mut dyn Store,
    options: &InitOptions,
    ctx: &Context,
    at: Timestamp,
) -> Result<(Settings, Head)> {
    let store_id = new_store_id(at);
    let s = default_settings(options, &store_id)?;
    store.set_store_id(&store_id)?;
    let event = Event::StoreInitialized {
        store_id: store_id.clone(),
        currency: s.currency,
        auto_recharge_unit: s.auto_recharge_unit,
        hold_expiry_secs: s.hold_expiry_secs,
        house: s.house.clone(),
    };
    let recorded_at = clock::to_storage(clock::now());
    let at_text = clock::to_storage(at);
    let mut head = Head {
        seq: 0,
        hash: crate::chain::genesis_hash(&store_id),
        last_effective_at: None,
    };
    let env = append(
        store,
        &event,
        &AppendContext {
            recorded_at: &recorded_at,
            effective_at: &at_text,
            actor: &ctx.actor,
            idempotency_key: None,
        },
        &mut head,
    )?;
    head.last_effective_at = None; // creation is outside business time
    let cx = ApplyContext {
        seq: env.seq,
        kind: &env.kind,
        at: &env.effective_at,
        currency: s.currency,
    };
    projections::apply(&event, &cx, store)?;
    Ok((s, head))
}

/// An `--at` earlier than the log's last effective time is `invalid_input`, unless a rule ranked
/// before it (`not_found`, `member_inactive`) already refuses the command. The message names
/// that time, and when it lies in the future, how to go on.
fn refuse_backwards(decision: Decision, at: Timestamp, last_text: &str) -> Decision {
    let rank = ErrorCode::InvalidInput.precedence();
    if let Err(e) = &decision.outcome {
        if e.code.precedence() < rank {
            return Decision::refused(e.clone());
        }
    }
    let last = clock::from_storage(last_text);
    let last_shown = last.map_or_else(|| last_text.to_string(), clock::to_display);
    let mut why = format!(
        "is earlier than the last recorded effective time {last_shown} (time never goes backwards)"
    );
    if last.is_some_and(|l| l > clock::now()) {
        why.push_str(&format!(
            "; that time is in the future: give --at {last_shown} until the clock passes it"
        ));
    }
    Decision::refused(Error::invalid("at", &clock::to_display(at), &why))
}

/// `value` may be at most `FUTURE_ALLOWANCE` past `now`, or anything up to `last` (the log's last
/// effective time, storage form) when that lies further ahead.
fn refuse_future(field: &str, value: Timestamp, now: Timestamp, last: Option<&str>) -> Result<()> {
    let limit = now + FUTURE_ALLOWANCE;
    if value <= limit || last.is_some_and(|l| clock::to_storage(value).as_str() <= l) {
        return Ok(());
    }
    Err(Error::invalid(
        field,
        &clock::to_display(value),
        &format!(
            "is later than the wall clock ({}) plus {} minutes: payctl records what has \
             happened, not what will",
            clock::to_display(now),
            FUTURE_ALLOWANCE.num_minutes()
        ),
    ))
}

fn validate_key(key: &str) -> Result<()> {
    if key.is_empty() || key.chars().count() > MAX_KEY_LEN {
        return Err(Error::invalid(
            "idempotency-key",
            key,
            "must be 1 to 255 characters",
        ));
    }
    Ok(())
}

fn request_hash(command: &Command) -> Result<String> {
    let canonical = serde_json::to_string(&command.normalized())
        .map_err(|e| Error::internal(format!("cannot encode request: {e}")))?;
    Ok(crate::chain::hex(&Sha256::digest(canonical.as_bytes())))
}

fn lookup_key(store: &dyn Store, key: &str, request_hash: &str) -> Result<Option<Outcome>> {
    let Some(record) = store.find_record(key)? else {
        return Ok(None);
    };
    let (hash, outcome) = (record.request_hash, record.outcome);
    if hash != request_hash {
        return Err(Error::new(
            ErrorCode::IdempotencyConflict,
            format!(
                "idempotency key {:?} was already used for a different request",
                crate::error::echoed(key)
            ),
        ));
    }
    let stored: StoredOutcome = serde_json::from_str(&outcome)?;
    Ok(Some(Outcome {
        result: match stored {
            StoredOutcome::Applied(a) => Ok(a),
            StoredOutcome::Rejected(e) => Err(e),
        },
        replayed: true,
    }))
}

fn default_settings(options: &InitOptions, store_id: &str) -> Result<Settings> {
    let currency = options.currency;
    let unit = match options.auto_recharge_unit {
        Some(u) => Amount::positive(u, currency)
            .map_err(|e| Error::new(ErrorCode::InvalidInput, format!("auto-recharge-unit: {e}")))?,
        None => Amount::new(rust_decimal::Decimal::from(10_000), currency)?,
    };
    /// Ten years: beyond that a "hold" is not a hold, and times would overflow.
    const MAX_HOLD_EXPIRY_SECS: i64 = 10 * 366 * 24 * 3600;
    if options.hold_expiry_secs <= 0 || options.hold_expiry_secs > MAX_HOLD_EXPIRY_SECS {
        return Err(Error::invalid(
            "hold-expiry",
            &format!("{}s", options.hold_expiry_secs),
            "must be more than 0 and at most 10 years",
        ));
    }
    domain::validate_bank_account(&options.house.bank, &options.house.account)?;
    Ok(Settings {
        store_id: store_id.to_string(),
        currency,
        auto_recharge_unit: unit,
        hold_expiry_secs: options.hold_expiry_secs,
        house: options.house.clone(),
    })
}

fn new_store_id(at: Timestamp) -> String {
    let mut h = Sha256::new();
    h.update(clock::to_storage(at).as_bytes());
    h.update(clock::to_storage(clock::now()).as_bytes());
    h.update(std::process::id().to_be_bytes());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    h.update(nanos.to_be_bytes());
    crate::chain::hex(&h.finalize())[..32].to_string()
}

/// `HoldExpired` for every hold whose expiry is at or before `at` (storage form).
fn expired_holds(store: &dyn Store, settings: &Settings, at: &str) -> Result<Vec<Event>> {
    store
        .holds_due(at)?
        .into_iter()
        .map(|h| {
            Ok(Event::HoldExpired {
                payment: Id::new(Kind::Payment, h.payment),
                member: Id::new(Kind::Member, h.member),
                amount: Amount::from_minor(h.amount_minor, settings.currency),
                expired_at: clock::from_storage(&h.expires_at)
                    .ok_or_else(|| Error::new(ErrorCode::StoreCorrupt, "unreadable hold expiry"))?,
            })
        })
        .collect()
}
