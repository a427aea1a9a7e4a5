//! The reads: the CLI's `--json` answers over GET. Lists take `limit`, and `offset` (the CLI's
//! `--offset`) or `cursor` (keyset: `next.cursor`); events page with `after`. They answer
//! `{rows, total, next}`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use payctl_core::ids::Id;
use payctl_core::queries::{AsOf, EventQuery, MAX_PAGE, Page, PaymentQuery};
use payctl_core::{Engine, Error, clock};
use serde_json::{Value, json};

use crate::Shared;
use crate::problem::Problem;

type Params = Query<HashMap<String, String>>;

/// Runs `read` on a read engine off the async threads and answers its value as JSON.
async fn answer<T: serde::Serialize + Send + 'static>(
    shared: Arc<Shared>,
    read: impl FnOnce(&mut Engine) -> Result<T, Error> + Send + 'static,
) -> Response {
    let answer = tokio::task::spawn_blocking(move || shared.reads.with(read)).await;
    match answer {
        Ok(Ok(value)) => axum::Json(value).into_response(),
        Ok(Err(e)) => Problem::from(e).into_response(),
        Err(_) => Problem::from(Error::internal("the read stopped")).into_response(),
    }
}

/// A query parameter that must be a whole number.
fn number(params: &HashMap<String, String>, name: &str, default: i64) -> Result<i64, Error> {
    match params.get(name) {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| Error::invalid(name, text, "must be a whole number")),
    }
}

/// A page: `limit`, and where it starts: `offset` (as the CLI's `--offset`) or `cursor` (the
/// `next.cursor` of the page before; rows written meanwhile never shift it).
fn page(params: &HashMap<String, String>) -> Result<Page, Error> {
    let limit = number(params, "limit", 100)?;
    if !(0..=MAX_PAGE).contains(&limit) {
        return Err(Error::invalid(
            "limit",
            &limit.to_string(),
            "must be 0 to 10000",
        ));
    }
    let offset = number(params, "offset", 0)?;
    if offset < 0 {
        return Err(Error::invalid(
            "offset",
            &offset.to_string(),
            "must be 0 or more",
        ));
    }
    let past = match params.get("cursor") {
        None => None,
        Some(_) if params.contains_key("offset") => {
            return Err(Error::invalid(
                "cursor",
                "",
                "give a cursor or an offset, not both",
            ));
        }
        Some(text) => Some(
            text.strip_prefix("v1.")
                .and_then(|k| k.parse::<i64>().ok())
                .filter(|k| *k >= 0)
                .ok_or_else(|| {
                    Error::invalid("cursor", text, "is not a cursor this server gave")
                })?,
        ),
    };
    Ok(Page {
        limit,
        offset,
        past,
    })
}

/// The page to read: one row more than asked when paging by cursor, to know if more follow.
fn probe(page: Page) -> Page {
    match page.past {
        Some(_) => Page {
            limit: page.limit.saturating_add(1),
            ..page
        },
        None => page,
    }
}

/// The sort key of a row whose id is `kind_N`.
fn id_key(id: &str) -> i64 {
    Id::parse(id).map_or(0, |id| id.n)
}

fn as_of(params: &HashMap<String, String>) -> Result<Option<AsOf>, Error> {
    params
        .get("as_of")
        .map(|text| {
            AsOf::parse(text).ok_or_else(|| {
                Error::invalid(
                    "as_of",
                    text,
                    "use an RFC 3339 time, YYYY-MM-DD or an event seq",
                )
            })
        })
        .transpose()
}

/// A page of a list as the CLI prints it, `{key: rows, "total": N, "next": {"offset": N}}`,
/// its `next` also carrying a `cursor` (the last row's sort key); a page read by cursor has
/// only the cursor. `rows` were read with `probe(page)`.
fn listed<T: serde::Serialize>(
    key: &str,
    rows: &[T],
    total: i64,
    page: Page,
    sort_key: impl Fn(&T) -> i64,
) -> Value {
    let shown = &rows[..rows.len().min(usize::try_from(page.limit).unwrap_or(0))];
    let cursor = |row: &T| format!("v1.{}", sort_key(row));
    let next = match (page.past, shown.last()) {
        (_, None) => Value::Null,
        (Some(_), Some(last)) if rows.len() > shown.len() => json!({ "cursor": cursor(last) }),
        (Some(_), Some(_)) => Value::Null,
        (None, Some(last)) => {
            let end = page.offset.saturating_add(shown.len() as i64);
            if end < total {
                json!({ "offset": end, "cursor": cursor(last) })
            } else {
                Value::Null
            }
        }
    };
    json!({ key: shown, "total": total, "next": next })
}

/// Answers `read` after checking the parameters (`Err` → a problem, before any read).
macro_rules! read {
    ($shared:expr, $checked:expr, |$e:ident, $v:pat_param| $body:expr) => {
        match $checked {
            Ok($v) => answer($shared, move |$e| $body).await,
            Err(e) => Problem::from(e).into_response(),
        }
    };
}

/// `GET /v1/members/{member}`: the CLI's `member show --json` (the member and its links).
pub async fn member(State(s): State<Arc<Shared>>, Path(member): Path<String>) -> Response {
    read!(s, Ok::<_, Error>(()), |e, ()| {
        let m = e.member(&member, clock::now())?;
        let links = e.links(Some(&m.id), Page::default())?;
        let mut v = serde_json::to_value(&m).map_err(|x| Error::internal(x.to_string()))?;
        v["links"] = serde_json::to_value(&links).map_err(|x| Error::internal(x.to_string()))?;
        Ok(v)
    })
}

pub async fn members(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    read!(s, page(&p), |e, page| {
        let search = p.get("search").map(String::as_str);
        let rows = e.members(search, probe(page), clock::now())?;
        let total = e.count_members(search)?;
        Ok(listed("members", &rows, total, page, |m| id_key(&m.id)))
    })
}

pub async fn links(
    State(s): State<Arc<Shared>>,
    Path(member): Path<String>,
    Query(p): Params,
) -> Response {
    read!(s, page(&p), |e, page| {
        let rows = e.links(Some(&member), probe(page))?;
        let total = e.count_links(Some(&member))?;
        Ok(listed("links", &rows, total, page, |l| id_key(&l.id)))
    })
}

pub async fn bank_requests(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    read!(s, page(&p), |e, page| {
        let rows = e.firm_banking(probe(page))?;
        let total = e.count_firm_banking()?;
        Ok(listed("requests", &rows, total, page, |r| id_key(&r.id)))
    })
}

/// `GET /v1/wallets/{member}[?as_of=TIME|SEQ]`: the CLI's `money balance --json`.
pub async fn balance(
    State(s): State<Arc<Shared>>,
    Path(member): Path<String>,
    Query(p): Params,
) -> Response {
    read!(s, as_of(&p), |e, point| match point {
        None => e.balance(&member, clock::now()),
        Some(point) => e.balance_as_of(&member, point),
    })
}

pub async fn history(
    State(s): State<Arc<Shared>>,
    Path(member): Path<String>,
    Query(p): Params,
) -> Response {
    read!(s, page(&p), |e, page| {
        let rows = e.history(&member, probe(page))?;
        let total = e.count_history(&member)?;
        Ok(listed("entries", &rows, total, page, |w| w.seq))
    })
}

pub async fn merchant(State(s): State<Arc<Shared>>, Path(merchant): Path<String>) -> Response {
    read!(s, Ok::<_, Error>(()), |e, ()| e.merchant(&merchant))
}

pub async fn merchants(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    read!(s, page(&p), |e, page| {
        let rows = e.merchants(probe(page))?;
        let total = e.count_merchants()?;
        Ok(listed("merchants", &rows, total, page, |m| id_key(&m.id)))
    })
}

pub async fn payment(State(s): State<Arc<Shared>>, Path(payment): Path<String>) -> Response {
    read!(s, Ok::<_, Error>(()), |e, ()| e
        .payment(&payment, clock::now()))
}

/// `GET /v1/payments[?member=&merchant=&status=&limit=&offset=]`.
pub async fn payments(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    read!(s, page(&p), |e, page| {
        let filter = PaymentQuery {
            member: p.get("member").cloned(),
            merchant: p.get("merchant").cloned(),
            status: p.get("status").cloned(),
        };
        let now = clock::now();
        let rows = e.payments(&filter, probe(page), now)?;
        let total = e.count_payments(&filter, now)?;
        Ok(listed("payments", &rows, total, page, |x| id_key(&x.id)))
    })
}

pub async fn settlement(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    read!(s, Ok::<_, Error>(()), |e, ()| e.settlement(&id))
}

/// `GET /v1/settlements[?merchant=&limit=&offset=]`.
pub async fn settlements(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    read!(s, page(&p), |e, page| {
        let merchant = p.get("merchant").map(String::as_str);
        let rows = e.settlements(merchant, probe(page))?;
        let total = e.count_settlements(merchant)?;
        Ok(listed("settlements", &rows, total, page, |x| id_key(&x.id)))
    })
}

/// `GET /v1/ledger/balances[?as_of=TIME|SEQ]`: the CLI's `ledger balances --json`.
pub async fn ledger_balances(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    read!(s, as_of(&p), |e, point| {
        let accounts = match point {
            None => e.ledger_balances()?,
            Some(point) => e.ledger_balances_as_of(point)?,
        };
        Ok(json!({ "accounts": accounts }))
    })
}

/// `GET /v1/ledger/transactions[?account=&limit=&offset=]`.
pub async fn ledger_transactions(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    read!(s, page(&p), |e, page| {
        let account = p.get("account").map(String::as_str);
        let rows = e.ledger_transactions(account, probe(page))?;
        let total = e.count_ledger_transactions(account)?;
        Ok(listed("transactions", &rows, total, page, |t| t.seq))
    })
}

/// `GET /v1/events[?after=SEQ&stream=&kind=&limit=]`: the log in log order; the next page
/// starts after the last seq shown.
pub async fn events(State(s): State<Arc<Shared>>, Query(p): Params) -> Response {
    let checked = number(&p, "limit", 100).and_then(|limit| {
        let after = p.get("after").map(|_| number(&p, "after", 0)).transpose()?;
        Ok((limit, after))
    });
    read!(s, checked, |e, (limit, after)| {
        let filter = EventQuery {
            stream: p.get("stream").cloned(),
            kind: p.get("kind").cloned(),
            after,
        };
        let rows = e.events(&filter, limit)?;
        let count = e.count_events(&filter)?;
        let last = rows.last().map(|r| r.seq);
        let more = count.skipped.saturating_add(rows.len() as i64) < count.total;
        let next = match last.filter(|_| more) {
            Some(seq) => json!({ "after": seq }),
            None => Value::Null,
        };
        Ok(json!({ "events": rows, "total": count.total, "next": next }))
    })
}
