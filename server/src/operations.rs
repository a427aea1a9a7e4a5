//! The API's operations, said once: each row builds its route and its entry in the OpenAPI
//! document, so the two cannot drift. Writes are the import format's ops (SPEC §7): the body is
//! the op's fields, the path fills the ids it names.

use std::sync::Arc;

use axum::routing::{MethodRouter, get};

use crate::Shared;
use crate::queries as q;

/// A body field's kind, as the import parser reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A string in the amount grammar (`"12000"`, `"2.35"`) or a non-negative JSON number.
    Amount,
    /// `true`/`false` (CSV's `"yes"`/`"no"` are read too).
    Flag,
    /// An RFC 3339 time.
    Time,
}

/// One field of a write's body.
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub about: &'static str,
}

const fn req(name: &'static str, kind: Kind, about: &'static str) -> Field {
    Field {
        name,
        kind,
        required: true,
        about,
    }
}

const fn opt(name: &'static str, kind: Kind, about: &'static str) -> Field {
    Field {
        name,
        kind,
        required: false,
        about,
    }
}

use Kind::{Amount, Flag, Text, Time};

/// A write route: `POST path` runs the import op `op`; each `{name}` of the path fills the body
/// field of that name. `example` is a body that succeeds on the SPEC's sample store.
pub struct WriteRoute {
    pub path: &'static str,
    pub op: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub fields: &'static [Field],
    pub example: &'static str,
}

const MEMBER: Field = req("member", Text, "The member: its id or e-mail.");
const BANK: Field = req("bank", Text, "The bank's code, e.g. KB.");
const ACCOUNT: Field = req("account", Text, "The account number at that bank.");
const PAYMENT: Field = req(
    "payment",
    Text,
    "The payment: its id or its merchant reference.",
);

pub const WRITE_ROUTES: &[WriteRoute] = &[
    WriteRoute {
        path: "/v1/members",
        op: "member.register",
        tag: "members",
        summary: "Register a member (opens their wallet)",
        fields: &[
            req("name", Text, "The member's name."),
            req("email", Text, "Their e-mail: unique among members."),
            opt("address", Text, "A postal address."),
            opt("corporate", Flag, "A company rather than a person."),
        ],
        example: r#"{"name":"Park Jisoo","email":"jisoo@example.com","address":"Mapo-gu, Seoul"}"#,
    },
    WriteRoute {
        path: "/v1/members/{member}/update",
        op: "member.update",
        tag: "members",
        summary: "Change a member's name or address",
        fields: &[
            MEMBER,
            opt("name", Text, "The new name."),
            opt("address", Text, "The new address."),
        ],
        example: r#"{"address":"Seocho-gu, Seoul"}"#,
    },
    WriteRoute {
        path: "/v1/members/{member}/deactivate",
        op: "member.deactivate",
        tag: "members",
        summary: "Deactivate a member (their wallet must be empty)",
        fields: &[MEMBER],
        example: "{}",
    },
    WriteRoute {
        path: "/v1/members/{member}/reactivate",
        op: "member.reactivate",
        tag: "members",
        summary: "Reactivate a member",
        fields: &[MEMBER],
        example: "{}",
    },
    WriteRoute {
        path: "/v1/members/{member}/bank-links",
        op: "bank.link",
        tag: "banking",
        summary: "Link a bank account to a member (the bank is asked to confirm it)",
        fields: &[MEMBER, BANK, ACCOUNT],
        example: r#"{"bank":"NH","account":"302-1111-2222-33"}"#,
    },
    WriteRoute {
        path: "/v1/members/{member}/bank-links/unlink",
        op: "bank.unlink",
        tag: "banking",
        summary: "Unlink a member's bank account",
        fields: &[MEMBER, BANK, ACCOUNT],
        example: r#"{"bank":"KB","account":"123-45-678901"}"#,
    },
    WriteRoute {
        path: "/v1/bank-sim/accounts",
        op: "bank.sim",
        tag: "banking",
        summary: "Set an account of the bank simulator (its balance, or closed)",
        fields: &[
            BANK,
            ACCOUNT,
            opt("balance", Amount, "The account's balance at the bank."),
            opt("closed", Flag, "The bank refuses transfers to or from it."),
        ],
        example: r#"{"bank":"KB","account":"123-45-678901","balance":"500000"}"#,
    },
    WriteRoute {
        path: "/v1/wallets/{member}/recharge",
        op: "money.recharge",
        tag: "wallets",
        summary: "Top a wallet up from the member's linked bank account",
        fields: &[
            MEMBER,
            req("amount", Amount, "How much, in the currency's units."),
        ],
        example: r#"{"amount":"10000"}"#,
    },
    WriteRoute {
        path: "/v1/wallets/{member}/withdraw",
        op: "money.withdraw",
        tag: "wallets",
        summary: "Withdraw from a wallet to the member's linked bank account",
        fields: &[
            MEMBER,
            req("amount", Amount, "How much, in the currency's units."),
        ],
        example: r#"{"amount":"1000"}"#,
    },
    WriteRoute {
        path: "/v1/remittances",
        op: "remit",
        tag: "remittances",
        summary: "Send money to a member's wallet or to a bank account",
        fields: &[
            req("from", Text, "The paying member: id or e-mail."),
            req("amount", Amount, "How much, in the currency's units."),
            opt(
                "to",
                Text,
                "The receiving member (or give to_bank and to_account).",
            ),
            opt("to_bank", Text, "The receiving bank, with to_account."),
            opt("to_account", Text, "The receiving account, with to_bank."),
            opt(
                "auto_recharge",
                Flag,
                "Top up a short wallet from the bank first (default true).",
            ),
        ],
        example: r#"{"from":"minji@example.com","to":"junho@example.com","amount":"1000"}"#,
    },
    WriteRoute {
        path: "/v1/merchants",
        op: "merchant.register",
        tag: "merchants",
        summary: "Register a merchant",
        fields: &[
            req("name", Text, "The merchant's name."),
            req("code", Text, "Its unique code, e.g. HANBIT-GN."),
            req("fee_rate", Amount, "The fee in percent, e.g. 2.35."),
            req("bank", Text, "The settlement bank."),
            req("account", Text, "The settlement account."),
        ],
        example: r#"{"name":"Dasan Books","code":"DASAN-1","fee_rate":"1.5","bank":"KB","account":"555-66-777888"}"#,
    },
    WriteRoute {
        path: "/v1/merchants/{merchant}/update",
        op: "merchant.update",
        tag: "merchants",
        summary: "Change a merchant's fee or settlement account",
        fields: &[
            req("merchant", Text, "The merchant: its id or code."),
            opt("fee_rate", Amount, "The new fee in percent."),
            opt("bank", Text, "The new settlement bank (with account)."),
            opt("account", Text, "The new settlement account (with bank)."),
        ],
        example: r#"{"fee_rate":"2.10"}"#,
    },
    WriteRoute {
        path: "/v1/payments",
        op: "pay",
        tag: "payments",
        summary: "Pay a merchant from a wallet (or hold the amount to capture later)",
        fields: &[
            MEMBER,
            req("merchant", Text, "The merchant: id or code."),
            req("amount", Amount, "How much, in the currency's units."),
            opt(
                "ref",
                Text,
                "The merchant's reference: unique per merchant.",
            ),
            opt("hold", Flag, "Authorise only; capture or void later."),
            opt(
                "auto_recharge",
                Flag,
                "Top up a short wallet from the bank first (default true).",
            ),
        ],
        example: r#"{"member":"minji@example.com","merchant":"HANBIT-GN","amount":"3000","ref":"order-2001"}"#,
    },
    WriteRoute {
        path: "/v1/payments/{payment}/capture",
        op: "capture",
        tag: "payments",
        summary: "Capture a held payment (all of it, or less)",
        fields: &[
            PAYMENT,
            opt("amount", Amount, "Capture less than was held."),
        ],
        example: "{}",
    },
    WriteRoute {
        path: "/v1/payments/{payment}/void",
        op: "void",
        tag: "payments",
        summary: "Void a held payment (its hold goes back to the wallet)",
        fields: &[PAYMENT],
        example: "{}",
    },
    WriteRoute {
        path: "/v1/payments/{payment}/refund",
        op: "refund",
        tag: "payments",
        summary: "Refund a captured payment (all that is left of it, or part)",
        fields: &[PAYMENT, opt("amount", Amount, "Refund part of it.")],
        example: r#"{"amount":"500"}"#,
    },
    WriteRoute {
        path: "/v1/settlements",
        op: "settle",
        tag: "settlements",
        summary: "Settle merchants: pay out captured payments, less fees and refunds",
        fields: &[
            opt(
                "merchant",
                Text,
                "Settle one merchant (default: every merchant).",
            ),
            opt(
                "cutoff",
                Time,
                "Settle what was captured before this time (default: now).",
            ),
        ],
        example: r#"{"merchant":"HANBIT-GN"}"#,
    },
];

/// Every write also takes `at`, the time it is recorded at (default: now).
pub const AT: Field = opt(
    "at",
    Time,
    "The time to record it at (default: now; never in the future).",
);

/// A query parameter of a read.
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
    pub about: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Text,
    /// A whole number ≥ 0.
    Count,
    /// An RFC 3339 time, a date (YYYY-MM-DD) or an event seq.
    Point,
}

const fn param(name: &'static str, kind: ParamKind, about: &'static str) -> Param {
    Param { name, kind, about }
}

const LIMIT: Param = param(
    "limit",
    ParamKind::Count,
    "Rows per page, 0 to 10000 (default 100).",
);
const OFFSET: Param = param(
    "offset",
    ParamKind::Count,
    "Rows to skip (the `next.offset` of the page before).",
);
const CURSOR: Param = param(
    "cursor",
    ParamKind::Text,
    "Start past the last row of the page before: its next.cursor (instead of offset; rows \
     written meanwhile never shift a cursor).",
);
const AS_OF: Param = param(
    "as_of",
    ParamKind::Point,
    "As it stood at this time (RFC 3339 or YYYY-MM-DD) or after this event seq.",
);

/// What a read answers: a read model's row (a list's rows are of it), or a shape around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    Member,
    /// The member, and `links`: its bank links.
    MemberWithLinks,
    Link,
    FirmBanking,
    Balance,
    WalletEntry,
    Merchant,
    Payment,
    Settlement,
    /// `{accounts: [AccountBalance]}`.
    LedgerBalances,
    LedgerTransaction,
    Event,
}

/// A read route: `GET path` answers the CLI's `--json` of the same query: `body`, or when
/// `list` names the rows' key, a page of them (`{key: [body...], total, next}`).
pub struct ReadRoute {
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub params: &'static [Param],
    pub list: Option<&'static str>,
    pub body: Body,
    pub(crate) handler: fn() -> MethodRouter<Arc<Shared>>,
}

pub const READ_ROUTES: &[ReadRoute] = &[
    ReadRoute {
        path: "/v1/members",
        tag: "members",
        summary: "List members (search by name or e-mail)",
        params: &[
            param("search", ParamKind::Text, "Part of a name or e-mail."),
            LIMIT,
            OFFSET,
            CURSOR,
        ],
        list: Some("members"),
        body: Body::Member,
        handler: || get(q::members),
    },
    ReadRoute {
        path: "/v1/members/{member}",
        tag: "members",
        summary: "Show a member and their bank links",
        params: &[],
        list: None,
        body: Body::MemberWithLinks,
        handler: || get(q::member),
    },
    ReadRoute {
        path: "/v1/members/{member}/bank-links",
        tag: "banking",
        summary: "List a member's bank links",
        params: &[LIMIT, OFFSET, CURSOR],
        list: Some("links"),
        body: Body::Link,
        handler: || get(q::links),
    },
    ReadRoute {
        path: "/v1/bank/requests",
        tag: "banking",
        summary: "List the requests sent to the banks (firm banking)",
        params: &[LIMIT, OFFSET, CURSOR],
        list: Some("requests"),
        body: Body::FirmBanking,
        handler: || get(q::bank_requests),
    },
    ReadRoute {
        path: "/v1/wallets/{member}",
        tag: "wallets",
        summary: "A wallet's balance, now or as of a time or seq",
        params: &[AS_OF],
        list: None,
        body: Body::Balance,
        handler: || get(q::balance),
    },
    ReadRoute {
        path: "/v1/wallets/{member}/history",
        tag: "wallets",
        summary: "A wallet's history, newest first",
        params: &[LIMIT, OFFSET, CURSOR],
        list: Some("entries"),
        body: Body::WalletEntry,
        handler: || get(q::history),
    },
    ReadRoute {
        path: "/v1/merchants",
        tag: "merchants",
        summary: "List merchants",
        params: &[LIMIT, OFFSET, CURSOR],
        list: Some("merchants"),
        body: Body::Merchant,
        handler: || get(q::merchants),
    },
    ReadRoute {
        path: "/v1/merchants/{merchant}",
        tag: "merchants",
        summary: "Show a merchant and what it has not been paid yet",
        params: &[],
        list: None,
        body: Body::Merchant,
        handler: || get(q::merchant),
    },
    ReadRoute {
        path: "/v1/payments",
        tag: "payments",
        summary: "List payments, filtered by member, merchant or status",
        params: &[
            param(
                "member",
                ParamKind::Text,
                "Only this member's (id or e-mail).",
            ),
            param(
                "merchant",
                ParamKind::Text,
                "Only this merchant's (id or code).",
            ),
            param(
                "status",
                ParamKind::Text,
                "Only in this status: authorized, captured, voided or expired.",
            ),
            LIMIT,
            OFFSET,
            CURSOR,
        ],
        list: Some("payments"),
        body: Body::Payment,
        handler: || get(q::payments),
    },
    ReadRoute {
        path: "/v1/payments/{payment}",
        tag: "payments",
        summary: "Show a payment with its captures and refunds",
        params: &[],
        list: None,
        body: Body::Payment,
        handler: || get(q::payment),
    },
    ReadRoute {
        path: "/v1/settlements",
        tag: "settlements",
        summary: "List settlements",
        params: &[
            param("merchant", ParamKind::Text, "Only this merchant's."),
            LIMIT,
            OFFSET,
            CURSOR,
        ],
        list: Some("settlements"),
        body: Body::Settlement,
        handler: || get(q::settlements),
    },
    ReadRoute {
        path: "/v1/settlements/{settlement}",
        tag: "settlements",
        summary: "Show a settlement",
        params: &[],
        list: None,
        body: Body::Settlement,
        handler: || get(q::settlement),
    },
    ReadRoute {
        path: "/v1/ledger/balances",
        tag: "ledger",
        summary: "The ledger's account balances, now or as of a time or seq",
        params: &[AS_OF],
        list: None,
        body: Body::LedgerBalances,
        handler: || get(q::ledger_balances),
    },
    ReadRoute {
        path: "/v1/ledger/transactions",
        tag: "ledger",
        summary: "The ledger's transactions, with their postings",
        params: &[
            param(
                "account",
                ParamKind::Text,
                "Only those touching this account.",
            ),
            LIMIT,
            OFFSET,
            CURSOR,
        ],
        list: Some("transactions"),
        body: Body::LedgerTransaction,
        handler: || get(q::ledger_transactions),
    },
    ReadRoute {
        path: "/v1/events",
        tag: "events",
        summary: "The event log in log order (page on with after = next.after)",
        params: &[
            param("after", ParamKind::Count, "Only events after this seq."),
            param(
                "stream",
                ParamKind::Text,
                "Only this stream's events, e.g. store, banksim or member-ID.",
            ),
            param(
                "kind",
                ParamKind::Text,
                "Only events of this kind, e.g. RemittanceCompleted.",
            ),
            LIMIT,
        ],
        list: Some("events"),
        body: Body::Event,
        handler: || get(q::events),
    },
];
