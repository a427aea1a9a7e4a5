//! The OpenAPI 3.1 document, built from the same operation tables that build the router
//! (`operations.rs`), read into utoipa's typed model, and served at `/openapi.json` with the
//! vendored Swagger UI at `/docs`.

use payctl_core::import::MAX_FIELD_CHARS;
use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;

use crate::operations::{AT, Field, Kind, Param, ParamKind, READ_ROUTES, WRITE_ROUTES, WriteRoute};
use crate::schemas::{
    body_schema, list_schema, problem_schema, read_model_schemas, written_schema,
};

/// The amount grammar (SPEC §4): digits, optionally grouped by `,` or `_` in threes, an
/// optional fraction.
const AMOUNT_PATTERN: &str = r"^[0-9]{1,3}(([,_]?[0-9]{3})*)(\.[0-9]+)?$";

/// The statuses a read may answer besides 200, and a write's.
const READ_ERRORS: &[u16] = &[400, 401, 403, 404, 500, 503];
const WRITE_ERRORS: &[u16] = &[400, 401, 403, 404, 409, 413, 422, 500, 503];

/// The document, in utoipa's model.
pub fn document() -> Result<OpenApi, serde_json::Error> {
    serde_json::from_value(document_json()?)
}

fn document_json() -> Result<Value, serde_json::Error> {
    let mut paths = Map::new();
    for route in READ_ROUTES {
        let mut parameters = path_params(route.path);
        parameters.extend(route.params.iter().map(query_param));
        let ok = match route.list {
            Some(key) => list_schema(key, body_schema(route.body)),
            None => body_schema(route.body),
        };
        let operation = json!({
            "tags": [route.tag],
            "summary": route.summary,
            "operationId": operation_id("get", route.path),
            "parameters": parameters,
            "responses": responses(json_ok("The CLI's --json answer.", ok), READ_ERRORS),
        });
        add(&mut paths, route.path, "get", operation);
    }
    for route in WRITE_ROUTES {
        add(&mut paths, route.path, "post", write_operation(route));
    }
    add(&mut paths, "/v1/events/stream", "get", stream_operation());
    add(&mut paths, "/v1/import", "post", import_operation());
    add(&mut paths, "/v1/export", "get", export_operation());
    add(&mut paths, "/v1/verify", "post", verify_operation());
    for (path, summary, errors, example) in [
        ("/healthz", "The server is up", &[][..], "ok\n"),
        (
            "/readyz",
            "The store answers and its schema is current",
            &[500u16, 503][..],
            "ready\n",
        ),
        (
            "/metrics",
            "Metrics in Prometheus's text format",
            &[500u16, 503][..],
            "# TYPE payctl_log_head_seq gauge\npayctl_log_head_seq 29\n",
        ),
    ] {
        let ok = json!({
            "description": summary,
            "content": { "text/plain": { "schema": { "type": "string" }, "example": example } },
        });
        let operation = json!({
            "tags": ["operations"],
            "summary": summary,
            "operationId": operation_id("get", path),
            "security": [],
            "responses": responses(ok, errors),
        });
        add(&mut paths, path, "get", operation);
    }
    let mut schemas = read_model_schemas()?;
    schemas.insert("Problem".into(), problem_schema());
    schemas.insert("Written".into(), written_schema());
    Ok(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "payctl",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Members, bank links, wallets, remittances, payments and settlements \
                over one event-sourced, double-entry store. Writes take the import format's \
                fields (SPEC §7) and an optional `Idempotency-Key` header; errors are RFC 9457 \
                problems carrying the SPEC's error code. Send `Authorization: Bearer SECRET` \
                (`payctl token create`): reads need scope read, writes operate.",
            "license": { "name": "MIT", "identifier": "MIT" },
        },
        "security": [{ "bearer": [] }],
        "tags": [
            { "name": "members", "description": "Membership: members and their status." },
            { "name": "banking", "description": "Bank links, the bank simulator, firm banking." },
            { "name": "wallets", "description": "Pay-money wallets: top-ups, withdrawals, balances." },
            { "name": "remittances", "description": "Money sent to members and bank accounts." },
            { "name": "merchants", "description": "Merchants, their fees and settlement accounts." },
            { "name": "payments", "description": "Payments, holds, captures, voids and refunds." },
            { "name": "settlements", "description": "Paying merchants what they are owed." },
            { "name": "ledger", "description": "The double-entry books." },
            { "name": "events", "description": "The event log, listed or followed live." },
            { "name": "store", "description": "Whole-store operations (import and verify need an admin token)." },
            { "name": "operations", "description": "Health, readiness and metrics (no token)." },
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `payctl token create`.",
                },
            },
            "schemas": schemas,
        },
    }))
}

fn add(paths: &mut Map<String, Value>, path: &str, method: &str, operation: Value) {
    let item = paths.entry(path).or_insert_with(|| json!({}));
    item[method] = operation;
}

/// `post /v1/members/{member}/update` → `post_members_member_update`.
fn operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "v1")
        .collect();
    format!("{method}_{}", words.join("_"))
}

/// The `{name}` segments of a path, each a required text parameter.
fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            json!({
                "name": name,
                "in": "path",
                "required": true,
                "description": format!("The {name}: its id or its natural key."),
                "schema": { "type": "string", "minLength": 1, "maxLength": MAX_FIELD_CHARS },
                "example": path_example(name),
            })
        })
        .collect()
}

/// An id of the sample store (`fixtures/sample.jsonl`) for each kind of path parameter.
fn path_example(name: &str) -> &'static str {
    match name {
        "member" => "minji@example.com",
        "merchant" => "HANBIT-GN",
        "payment" => "order-1001",
        "settlement" => "stl_1",
        _ => "1",
    }
}

fn query_param(p: &Param) -> Value {
    let schema = match p.kind {
        ParamKind::Text => json!({ "type": "string", "maxLength": MAX_FIELD_CHARS }),
        ParamKind::Count if p.name == "limit" => {
            json!({ "type": "integer", "minimum": 0, "maximum": payctl_core::queries::MAX_PAGE })
        }
        ParamKind::Count => json!({ "type": "integer", "minimum": 0 }),
        ParamKind::Point => json!({
            "anyOf": [
                { "type": "string", "format": "date-time" },
                { "type": "string", "format": "date" },
                { "type": "integer", "minimum": 0 },
            ],
        }),
    };
    let example = match p.name {
        "limit" => json!(10),
        "offset" | "after" => json!(0),
        "as_of" => json!("2026-03-03"),
        "member" => json!("minji@example.com"),
        "merchant" => json!("HANBIT-GN"),
        "status" => json!("captured"),
        "account" => json!("income:fees"),
        "search" => json!("kim"),
        "cursor" => json!("v1.1"),
        "stream" => json!("store"),
        "kind" => json!("RemittanceCompleted"),
        _ => json!("x"),
    };
    json!({
        "name": p.name, "in": "query", "required": false, "description": p.about,
        "schema": schema, "example": example,
    })
}

fn field_schema(field: &Field) -> Value {
    let mut schema = match field.kind {
        Kind::Text => json!({ "type": "string", "maxLength": MAX_FIELD_CHARS }),
        Kind::Amount => json!({
            "anyOf": [
                { "type": "string", "pattern": AMOUNT_PATTERN, "maxLength": 40 },
                { "type": "number", "minimum": 0 },
            ],
        }),
        Kind::Flag => json!({ "type": "boolean" }),
        Kind::Time => json!({ "type": "string", "format": "date-time" }),
    };
    schema["description"] = json!(field.about);
    schema
}

fn write_operation(route: &WriteRoute) -> Value {
    let in_path: Vec<&str> = route
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect();
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in route.fields.iter().chain([&AT]) {
        if in_path.contains(&field.name) {
            continue;
        }
        properties.insert(field.name.to_string(), field_schema(field));
        if field.required {
            required.push(field.name);
        }
    }
    let example: Value = serde_json::from_str(route.example).unwrap_or(Value::Null);
    let mut parameters = path_params(route.path);
    parameters.push(json!({
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": "Retry safely: a repeat with this key answers the first result (with \
            `Idempotent-Replayed: true`); the same key with another body is 409.",
        "schema": { "type": "string", "minLength": 1, "maxLength": payctl_core::engine::MAX_KEY_LEN },
    }));
    let ok = json_ok(
        "Written (or replayed): the new entity's id and what the command decided.",
        json!({ "$ref": "#/components/schemas/Written" }),
    );
    json!({
        "tags": [route.tag],
        "summary": route.summary,
        "description": format!("The import op `{}`: its fields are the body's.", route.op),
        "operationId": operation_id("post", route.path),
        "parameters": parameters,
        "requestBody": {
            "required": !required.is_empty(),
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": properties,
                        "required": required,
                        "additionalProperties": false,
                    },
                    "example": example,
                },
            },
        },
        "responses": responses(ok, WRITE_ERRORS),
    })
}

fn stream_operation() -> Value {
    let ok = json!({
        "description": "Server-Sent Events: each event of the log as it commits, `id` its seq, \
            `event` its kind, `data` the event as `GET /v1/events` shows it. The stream ends \
            after the server's --stream-lifetime: reconnect with Last-Event-ID.",
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "description": "One event of the stream.",
                    "required": ["id", "event", "data"],
                    "properties": {
                        "id": { "type": "string", "description": "The event's seq." },
                        "event": { "type": "string", "description": "The event's kind." },
                        "data": {
                            "type": "string",
                            "contentMediaType": "application/json",
                            "description": "The event as GET /v1/events shows it.",
                        },
                    },
                },
                "example": "id: 30\nevent: MemberRegistered\ndata: {\"seq\":30,\"kind\":\"MemberRegistered\",…}\n\n",
            },
        },
    });
    json!({
        "tags": ["events"],
        "summary": "Follow the event log live (resume with Last-Event-ID)",
        "operationId": "get_events_stream",
        "parameters": [
            {
                "name": "after", "in": "query", "required": false,
                "description": "Start after this seq (default: the head; Last-Event-ID wins).",
                "schema": { "type": "integer", "minimum": 0 },
            },
            {
                "name": "Last-Event-ID", "in": "header", "required": false,
                "description": "The last seq received: the stream resumes after it.",
                "schema": { "type": "string" },
            },
        ],
        "responses": responses(ok, READ_ERRORS),
    })
}

fn import_operation() -> Value {
    let flag = |name: &str, about: &str| {
        json!({
            "name": name, "in": "query", "required": false, "description": about,
            "schema": { "type": "boolean" }, "example": false,
        })
    };
    let example = "{\"op\":\"member.register\",\"key\":\"web-1\",\"name\":\"Choi Yuna\",\"email\":\"yuna@example.com\"}\n\
        {\"op\":\"bank.link\",\"key\":\"web-2\",\"member\":\"yuna@example.com\",\"bank\":\"KB\",\"account\":\"777-88-999000\"}\n";
    let ok = json_ok(
        "The CLI's `import --json` summary, and `lines`: each line's outcome (applied, replayed \
         or rejected, with its id or error code).",
        json!({
            "type": "object",
            "required": ["operations", "applied", "replayed", "rejected", "lines"],
            "properties": {
                "operations": { "type": "integer" },
                "applied": { "type": "integer" },
                "replayed": { "type": "integer" },
                "rejected": { "type": "integer" },
                "lines": { "type": "array", "items": { "type": "object" } },
            },
        }),
    );
    json!({
        "tags": ["store"],
        "summary": "Import a JSON Lines body of operations (admin)",
        "description": "The import format of SPEC §7, one operation per line, applied in \
            batched commits with the CLI's guarantees: a malformed body is refused whole (400, \
            nothing applied); refused lines are reported, the rest applied. Lines carry their \
            own idempotency keys.",
        "operationId": "post_import",
        "parameters": [
            flag("dry_run", "Check and report, apply nothing."),
            flag("require_keys", "Refuse lines without a key."),
        ],
        "requestBody": {
            "required": true,
            "content": {
                "text/plain": {
                    "schema": { "type": "string", "description": "JSON Lines." },
                    "example": example,
                },
            },
        },
        "responses": responses(ok, &[400, 401, 403, 413, 500, 503]),
    })
}

fn export_operation() -> Value {
    let text = |example: &str| json!({ "schema": { "type": "string" }, "example": example });
    json!({
        "tags": ["store"],
        "summary": "Export the books: a ledger journal, the event log or the postings",
        "operationId": "get_export",
        "parameters": [{
            "name": "format", "in": "query", "required": false,
            "description": "ledger (hledger/ledger journal, default), jsonl (events) or csv (postings).",
            "schema": { "type": "string", "enum": ["ledger", "jsonl", "csv"] },
            "example": "ledger",
        }],
        "responses": responses(
            json!({
                "description": "The export, one consistent snapshot.",
                "content": {
                    "text/plain": text("2026-03-02 * member.register\n"),
                    "application/x-ndjson": text("{\"seq\":1}\n"),
                    "text/csv": text("seq,date,account,amount\n"),
                },
            }),
            READ_ERRORS,
        ),
    })
}

fn verify_operation() -> Value {
    let ok = json_ok(
        "The CLI's `verify --json`: the chain is intact, replay through the fold equals the \
         stored projections, the invariants hold.",
        json!({
            "type": "object",
            "required": ["ok", "events", "head_hash", "tables_compared"],
            "properties": {
                "ok": { "type": "boolean" },
                "events": { "type": "integer" },
                "head_hash": { "type": "string" },
                "tables_compared": { "type": "integer" },
            },
            "example": { "ok": true, "events": 29, "head_hash": "9f…", "tables_compared": 12 },
        }),
    );
    json!({
        "tags": ["store"],
        "summary": "Verify the store: hash chain, replay, invariants (admin)",
        "description": "A failed check is 500 verify_failed naming the problems.",
        "operationId": "post_verify",
        "responses": responses(ok, &[401, 403, 500, 503]),
    })
}

fn json_ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn responses(ok: Value, errors: &[u16]) -> Value {
    let mut all = Map::new();
    all.insert("200".into(), ok);
    // Answered by the HTTP layer before any route runs, without a body.
    all.insert(
        "414".into(),
        json!({ "description": "uri_too_long: the path and query are over 64 KiB" }),
    );
    for status in errors {
        all.insert(
            status.to_string(),
            json!({
                "description": error_description(*status),
                "content": {
                    "application/problem+json": {
                        "schema": { "$ref": "#/components/schemas/Problem" },
                    },
                },
            }),
        );
    }
    Value::Object(all)
}

fn error_description(status: u16) -> &'static str {
    match status {
        400 => "invalid_input: a field or parameter is malformed (the detail names it)",
        401 => "unauthorized: no token, or an unknown, expired or revoked one",
        403 => "forbidden: the token's scope does not allow this",
        404 => "not_found: no such entity (or route)",
        409 => "duplicate, idempotency_conflict or concurrent_update",
        413 => "payload_too_large: the body is over 64 KiB",
        422 => {
            "a business refusal: insufficient_funds, member_inactive, bank_declined, \
            no_linked_account, refund_exceeds_payment or invalid_state"
        }
        503 => "store_locked or store_missing, or the write queue is full (see Retry-After)",
        _ => "internal, store_corrupt or schema_too_new",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use payctl_core::import::parse_record;

    #[test]
    fn the_document_reads_into_utoipa_s_model() {
        let doc = document().expect("the document is valid OpenAPI");
        let documented: usize = doc
            .paths
            .paths
            .values()
            .map(|item| usize::from(item.get.is_some()) + usize::from(item.post.is_some()))
            .sum();
        // Besides the tables: the stream, import, export, verify, and three open routes.
        assert_eq!(documented, READ_ROUTES.len() + WRITE_ROUTES.len() + 7);
    }

    /// Each write's documented fields are the parser's: the example parses, each required field
    /// missing fails, and every field the document names is one the op knows.
    #[test]
    fn each_write_s_fields_are_the_import_parser_s() {
        for route in WRITE_ROUTES {
            let Value::Object(mut base) = serde_json::from_str(route.example).expect("example")
            else {
                panic!("{}: the example is not an object", route.op);
            };
            base.insert("op".into(), json!(route.op));
            for field in route.fields {
                if route.path.contains(&format!("{{{}}}", field.name)) {
                    base.insert(field.name.into(), json!("from-the-path"));
                }
            }
            parse_record(1, &base).unwrap_or_else(|e| panic!("{}: example: {e}", route.op));
            for field in route.fields {
                let mut record = base.clone();
                let value = match field.kind {
                    Kind::Text => json!("x"),
                    Kind::Amount => json!("1"),
                    Kind::Flag => json!(true),
                    Kind::Time => json!("2026-03-02T09:00:00Z"),
                };
                if field.required {
                    record.remove(field.name);
                    assert!(
                        parse_record(1, &record).is_err(),
                        "{}: {} is required",
                        route.op,
                        field.name
                    );
                } else if route.op != "remit" {
                    record.insert(field.name.into(), value);
                    if let Err(e) = parse_record(1, &record) {
                        assert!(!e.contains("unknown field"), "{}: {e}", route.op);
                    }
                }
            }
        }
    }
}
