//! GoTo's Admin API, the part the product uses: `GET /admin/rest/v1/me` (who the admin is and
//! which account) and `GET /admin/rest/v1/accounts/{accountKey}/users`, the brief's "All
//! organizers" (**sure**: Citrix's template `citrix-workspace/microapps-bundles`
//! `bundles/http/Citrix/GoToMeeting/file.sapp` pages it with `pageSize` up to 100 and `offset`,
//! rows under `results`, the count at `total`).
//!
//! Both need the Admin Center scope `identity:`. Only an admin of the account may call them
//! (**assumed** 403 `AUTHZ_FORBIDDEN` body).

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use chrono::{Duration, TimeZone, Utc};
use serde_json::{json, Value};

use crate::bearer::AdminApiCaller;
use crate::error::SandboxError;
use crate::seed::{license_key, OrganizerStatus, SeedOrganizer};
use crate::Sandbox;

const DEFAULT_PAGE_SIZE: usize = 20;
/// The template's `pageSize=100` is the most GoTo returns at once (**sure**, Citrix template).
const MAX_PAGE_SIZE: usize = 100;

fn admin_roles(person: &SeedOrganizer) -> Vec<&'static str> {
    if person.admin {
        vec!["SUPER_USER"]
    } else {
        Vec::new()
    }
}

fn not_admin() -> SandboxError {
    SandboxError::PlatformForbidden("This call needs an admin of the account".to_owned())
}

/// `GET /admin/rest/v1/me`: the admin's own user, with `accountKey` at the root and the accounts
/// it administers under `accounts[]` (**sure**: developer.goto.com/guides/GoToConnect/
/// 09_HOW_fetchAccountUsers and 13_HOW_useVoiceAdminApis).
pub(crate) async fn me(
    State(sandbox): State<Sandbox>,
    AdminApiCaller(me): AdminApiCaller,
) -> Result<Json<Value>, SandboxError> {
    if !me.admin {
        return Err(not_admin());
    }
    let account_name = sandbox
        .inner
        .seed
        .account(&me.account_key)
        .map_or_else(String::new, |a| a.name.clone());
    Ok(Json(json!({
        "key": me.organizer_key,
        "accountKey": me.account_key,
        "email": me.email,
        "firstName": me.first_name,
        "lastName": me.last_name,
        "locale": me.locale,
        "adminRoles": admin_roles(&me),
        "accounts": [{ "key": me.account_key, "name": account_name }],
    })))
}

/// A whole number in `range`, or the default when absent; anything else is 400.
fn number(
    query: &[(String, String)],
    name: &str,
    default: usize,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, SandboxError> {
    let Some((_, text)) = query.iter().find(|(k, _)| k == name) else {
        return Ok(default);
    };
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            SandboxError::InvalidParameter(format!(
                "{name} must be a whole number from {} to {}, not {text:?}",
                range.start(),
                range.end()
            ))
        })
}

/// `GET /admin/rest/v1/accounts/{accountKey}/users?pageSize=N&offset=M`: every user of the
/// account, suspended and unlicensed ones included, in a stable order (the seed's).
pub(crate) async fn users(
    State(sandbox): State<Sandbox>,
    AdminApiCaller(me): AdminApiCaller,
    Path(account_key): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SandboxError> {
    // Another account, or one that does not exist, looks the same: not yours (**assumed**).
    if !me.admin || me.account_key != account_key {
        return Err(not_admin());
    }
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let page_size = number(&query, "pageSize", DEFAULT_PAGE_SIZE, 1..=MAX_PAGE_SIZE)?;
    let offset = number(&query, "offset", 0, 0..=usize::MAX)?;
    let all: Vec<&SeedOrganizer> = sandbox
        .inner
        .seed
        .organizers
        .iter()
        .filter(|o| o.account_key == account_key)
        .collect();
    let results: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|person| row(person))
        .collect();
    // `toIndex` is the last row's index, so an empty page reads `offset - 1` (**assumed**).
    let to_index = i64::try_from(offset + results.len()).unwrap_or(i64::MAX) - 1;
    Ok(Json(json!({
        "results": results,
        "fromIndex": offset,
        "toIndex": to_index,
        "total": all.len(),
    })))
}

/// One user as the Admin API lists them. `key` is the user key, which is the organizer key
/// co-organizers are named by (**sure**, G2W v2 reference). Upper-case `status` and the product
/// codes are **assumed**; `settings.G2M` appears only for people holding G2M (**sure** that
/// licence settings live there, Citrix template; its fields **assumed**).
fn row(person: &SeedOrganizer) -> Value {
    let status = match person.status {
        OrganizerStatus::Active => "ACTIVE",
        OrganizerStatus::Suspended => "SUSPENDED",
    };
    let license_keys: Vec<String> = person
        .products
        .iter()
        .map(|p| license_key(&person.account_key, p))
        .collect();
    let mut row = json!({
        "key": person.organizer_key,
        "email": person.email,
        "firstName": person.first_name,
        "lastName": person.last_name,
        "locale": person.locale,
        "timeZone": person.time_zone,
        "status": status,
        "products": person.products,
        "licenseKeys": license_keys,
        "adminRoles": admin_roles(person),
    });
    if person.has_g2m() {
        row["settings"] = json!({
            "G2M": {
                "enabledDate": enabled_date(person),
                "recordingEnabled": true,
                "voipEnabled": true,
            }
        });
    }
    row
}

/// When the person got G2M: a fixed day between 2019 and 2024 from their key, 09:00 UTC, written
/// with `Z` whatever the G2M time format (**assumed**).
fn enabled_date(person: &SeedOrganizer) -> String {
    let days = person
        .organizer_key
        .parse::<u64>()
        .map_or(0, |k| i64::try_from(k % 2000).unwrap_or(0));
    let start = Utc
        .with_ymd_and_hms(2019, 1, 15, 9, 0, 0)
        .single()
        .expect("a valid constant date");
    (start + Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
