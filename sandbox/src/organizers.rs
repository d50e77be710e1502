//! `GET /organizers`, GoTo's "All organizers" (reference §2, **sure**: admin only, deprecated by
//! GoTo but live). Lists every user of the admin's own account, suspended and unlicensed ones
//! included, so the caller can filter (only active organizers holding G2M may co-organize).
//!
//! GoTo's account-scoped `/accounts/{accountKey}/organizers` belongs to GoToTraining's API, not
//! to the G2M reference this sandbox copies, so it is not served.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::bearer::Caller;
use crate::error::SandboxError;
use crate::Sandbox;

pub(crate) async fn list(
    State(sandbox): State<Sandbox>,
    Caller(caller): Caller,
) -> Result<Json<Value>, SandboxError> {
    if !caller.admin {
        // 403 with an assumed body: GoTo documents only that an admin token is needed.
        return Err(SandboxError::Forbidden(
            "This call requires an account administrator".to_owned(),
        ));
    }
    let list: Vec<Value> = sandbox
        .inner
        .seed
        .organizers
        .iter()
        .filter(|o| o.account_key == caller.account_key)
        .map(|o| {
            json!({
                // int64 here (**sure**), unlike the string keys of the token response.
                "organizerKey": o.organizer_key.parse::<i64>().unwrap_or_default(),
                "email": o.email,
                "firstName": o.first_name,
                "lastName": o.last_name,
                "groupId": o.group_id,
                "groupName": o.group_name,
                "status": o.status.as_str(),
                "products": o.products,
                "maxNumAttendeesAllowed": o.max_attendees,
            })
        })
        .collect();
    Ok(Json(Value::Array(list)))
}
