//! Makes the OpenAPI document say what the server really answers: every
//! error is `application/problem+json`, and every operation lists the
//! statuses the shared layers can give it (sign-in, CSRF, unknown ids,
//! unreadable or oversized bodies, validation, throttling, an unreachable
//! database), so that a client typed from the document, like our web app,
//! is never surprised. Applied to every route, so a new one cannot miss it.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Content, Header, OpenApi, Ref, RefOr, Response};

pub const PROBLEM: &str = "application/problem+json";

pub struct ProblemAnswers;

impl utoipa::Modify for ProblemAnswers {
    fn modify(&self, doc: &mut OpenApi) {
        for (path, item) in doc.paths.paths.iter_mut() {
            let has_id = path.contains('{');
            for (method, op) in [
                ("get", item.get.as_mut()),
                ("put", item.put.as_mut()),
                ("post", item.post.as_mut()),
                ("patch", item.patch.as_mut()),
                ("delete", item.delete.as_mut()),
            ] {
                if let Some(op) = op {
                    complete(op, method != "get", has_id);
                }
            }
        }
    }
}

fn problem(description: &str) -> Response {
    let mut r = Response::new(description);
    r.content.insert(
        PROBLEM.into(),
        Content::new(Some(Ref::from_schema_name("Problem"))),
    );
    r
}

/// Adds the statuses every operation of its kind can answer, and makes
/// every error answer a problem document.
fn complete(op: &mut Operation, changes: bool, has_id: bool) {
    // Operations open to anyone say `security: [{}]`; the others need a
    // session or a token (or a guest pass).
    let open_to_anyone = op.security.as_ref().is_some_and(|reqs| {
        reqs.iter().any(|r| {
            serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
        })
    });
    let signed_in = !open_to_anyone;
    let has_body = op.request_body.is_some();
    let has_query = op.parameters.as_ref().is_some_and(|ps| {
        ps.iter()
            .any(|p| matches!(p.parameter_in, ParameterIn::Query | ParameterIn::Header))
    });
    let mut wanted: Vec<(&str, &str)> = vec![(
        "503",
        "The database is unreachable, or this server lacks what the request needs",
    )];
    if has_body || has_query || has_id {
        wanted.push(("400", "The request could not be read"));
        wanted.push((
            "422",
            "Values that are not acceptable; `errors` names each field",
        ));
    }
    if has_body {
        wanted.push(("413", "Body over the size limit"));
        wanted.push(("415", "The body is not `application/json`"));
    }
    if has_id {
        wanted.push(("404", "Not found, or not yours to know of"));
    }
    if signed_in {
        wanted.push((
            "401",
            "Not signed in (no valid session, token or guest pass)",
        ));
        if changes {
            wanted.push((
                "403",
                "Not allowed for your role, or the CSRF header is missing",
            ));
        }
    }
    if changes {
        wanted.push(("429", "Too many attempts; wait `Retry-After` seconds"));
    }
    let responses = &mut op.responses.responses;
    for (status, description) in wanted {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(problem(description)));
    }
    for (status, answer) in responses.iter_mut() {
        let is_error = status.parse::<u16>().is_ok_and(|s| s >= 400);
        let RefOr::T(answer) = answer else { continue };
        if !is_error {
            continue;
        }
        answer.content.clear();
        answer.content.insert(
            PROBLEM.into(),
            Content::new(Some(Ref::from_schema_name("Problem"))),
        );
        if answer.description.is_empty() {
            answer.description = "A problem document (RFC 9457)".into();
        }
        if status == "429" {
            answer.headers.insert(
                "Retry-After".into(),
                Header::new(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1)),
                ),
            );
        }
    }
}

/// Gives `uuid` and `date-time` strings a pattern: in OpenAPI 3.1 a format
/// only annotates, so without one a client (or a fuzzer) may take `""` for
/// a valid id.
pub fn with_format_patterns(doc: OpenApi) -> OpenApi {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(o) => {
                let pattern = match o.get("format").and_then(|f| f.as_str()) {
                    Some("uuid") => Some(UUID_PATTERN),
                    Some("date-time") => Some(DATE_TIME_PATTERN),
                    _ => None,
                };
                if let Some(p) = pattern {
                    o.entry("pattern").or_insert_with(|| p.into());
                }
                o.values_mut().for_each(walk);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let Ok(mut value) = serde_json::to_value(&doc) else {
        return doc;
    };
    walk(&mut value);
    serde_json::from_value(value).unwrap_or(doc)
}

const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/// RFC 3339 as the server reads it (`chrono`): a real month, day and time.
const DATE_TIME_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";
