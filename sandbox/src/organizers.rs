//! `GET /G2M/rest/organizers`: **deprecated by GoTo** ("please use 'Get users' from the GoTo
//! Admin API", **sure**: G2M OpenAPI) and not used by the product, which lists people through
//! the Admin API (`admin_api.rs`). Kept so older clients still find it. Admin only, and it needs
//! the Admin Center scope `identity:` besides G2M's `collab:` (**sure**, G2M OpenAPI). Lists
//! every user of the admin's own account, suspended and unlicensed ones included.
//!
//! GoTo's account-scoped `/accounts/{accountKey}/organizers` belongs to GoToTraining's API, not
//! to the G2M reference this sandbox copies, so it is not served.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::bearer::OrganizersCaller;
use crate::error::SandboxError;
use crate::Sandbox;

pub(crate) async fn list(
    State(sandbox): State<Sandbox>,
    OrganizersCaller(caller): OrganizersCaller,
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
