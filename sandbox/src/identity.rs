//! SCIM `GET /identity/v1/Users/me`: who the token's user is (**sure**: GoTo's SCIM reference,
//! "Queries the identity of the current authenticated user"). The current token host's answer
//! carries no keys, so this is how a signed-in person's organizer key is learned: SCIM's `id` is
//! the user key, and a user key is the organizer key (**sure**: GoTo Webinar v2 reference, "Both
//! userKey and organizerKey used in the APIs contain the same value").

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::bearer::ScimCaller;
use crate::Sandbox;

const SCIM_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// GoTo's extension schema with the person's accounts (**sure** name, SCIM reference).
const GETGO_EXTENSION: &str = "urn:scim:schemas:extension:getgo:1.0";

pub(crate) async fn me(State(sandbox): State<Sandbox>, ScimCaller(me): ScimCaller) -> Json<Value> {
    let account_name = sandbox
        .inner
        .seed
        .account(&me.account_key)
        .map_or_else(String::new, |a| a.name.clone());
    // Lower-case product codes the person holds, `[]` for none (**assumed** spelling).
    let entitlements: Vec<String> = me.products.iter().map(|p| p.to_ascii_lowercase()).collect();
    let mut body = json!({
        "schemas": [SCIM_USER, GETGO_EXTENSION],
        "id": me.organizer_key,
        "userName": me.email,
        "displayName": me.full_name(),
        "name": { "givenName": me.first_name, "familyName": me.last_name },
        "emails": [{ "value": me.email, "type": "work", "primary": true }],
        "locale": me.locale,
        "active": true,
    });
    body[GETGO_EXTENSION] = json!({
        "accounts": [{
            "value": me.account_key,
            "display": account_name,
            "entitlements": entitlements,
        }],
    });
    Json(body)
}
