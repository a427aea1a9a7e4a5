//! The answers' schemas in the OpenAPI document: the read models' rows, derived from their
//! types (utoipa's `ToSchema`), the shapes the reads put around them (a page of a list), a
//! problem, and what a write answers.

use payctl_core::queries::{
    AccountBalance, Balance, EventRow, FirmBanking, LedgerTransaction, Link, Member, Merchant,
    Payment, Posting, Refund, Settlement, SettlementLine, WalletEntry,
};
use serde_json::{Map, Value, json};
use utoipa::openapi::ComponentsBuilder;

use crate::operations::Body;

pub fn list_schema(key: &str, rows: Value) -> Value {
    json!({
        "type": "object",
        "required": [key, "total", "next"],
        "properties": {
            key: { "type": "array", "items": rows },
            "total": { "type": "integer", "description": "Rows in the whole list." },
            "next": {
                "description": "How to ask for the next page ({offset, cursor}; {cursor} on a \
                    page read by cursor), or null on the last.",
                "anyOf": [{ "type": "object" }, { "type": "null" }],
            },
        },
    })
}

/// A reference to a schema of the read models (from their types: `schemas()`).
fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

pub fn body_schema(body: Body) -> Value {
    let array_of = |name: &str| json!({ "type": "array", "items": schema_ref(name) });
    match body {
        Body::Member => schema_ref("Member"),
        Body::MemberWithLinks => json!({
            "allOf": [
                schema_ref("Member"),
                {
                    "type": "object",
                    "required": ["links"],
                    "properties": { "links": array_of("Link") },
                },
            ],
        }),
        Body::Link => schema_ref("Link"),
        Body::FirmBanking => schema_ref("FirmBanking"),
        Body::Balance => schema_ref("Balance"),
        Body::WalletEntry => schema_ref("WalletEntry"),
        Body::Merchant => schema_ref("Merchant"),
        Body::Payment => schema_ref("Payment"),
        Body::Settlement => schema_ref("Settlement"),
        Body::LedgerBalances => json!({
            "type": "object",
            "required": ["accounts"],
            "properties": { "accounts": array_of("AccountBalance") },
        }),
        Body::LedgerTransaction => schema_ref("LedgerTransaction"),
        Body::Event => schema_ref("EventRow"),
    }
}

/// The read models' schemas, derived from their types (and the types they hold).
pub fn read_model_schemas() -> Result<Map<String, Value>, serde_json::Error> {
    let components = ComponentsBuilder::new()
        .schema_from::<Member>()
        .schema_from::<Link>()
        .schema_from::<FirmBanking>()
        .schema_from::<Balance>()
        .schema_from::<WalletEntry>()
        .schema_from::<Merchant>()
        .schema_from::<Payment>()
        .schema_from::<Settlement>()
        .schema_from::<AccountBalance>()
        .schema_from::<LedgerTransaction>()
        .schema_from::<EventRow>()
        // The rows other rows hold.
        .schema_from::<Posting>()
        .schema_from::<Refund>()
        .schema_from::<SettlementLine>()
        .build();
    match serde_json::to_value(components)?.get("schemas") {
        Some(Value::Object(schemas)) => Ok(schemas.clone()),
        _ => Ok(Map::new()),
    }
}

pub fn problem_schema() -> Value {
    json!({
        "type": "object",
        "description": "RFC 9457 problem details carrying the SPEC's error code.",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": { "type": "string", "examples": ["urn:payctl:error:insufficient_funds"] },
            "title": { "type": "string" },
            "status": { "type": "integer" },
            "detail": { "type": "string" },
            "code": { "type": "string", "description": "The SPEC's error code." },
            "replayed": {
                "type": "boolean",
                "description": "A refusal answered again under its Idempotency-Key.",
            },
        },
    })
}

pub fn written_schema() -> Value {
    json!({
        "type": "object",
        "description": "What a write did: the new entity's id (when it makes one), the \
            command's details, and whether this is a replay under its Idempotency-Key.",
        "required": ["replayed"],
        "properties": {
            "id": { "type": "string" },
            "replayed": { "type": "boolean" },
            "settled": { "type": "array", "items": { "type": "string" } },
        },
    })
}
