//! Who signed in, after every code exchange (a person, or the admin service account).
//!
//! The legacy host's token answer names the person (`organizer_key`, `account_key`, names).
//! The current host's carries only `scope` and `principal` (the e-mail), so the keys come from
//! GoTo's identity calls: SCIM `GET /identity/v1/Users/me` for a person (its `id` is the user
//! key, which G2M calls the organizer key: "Both userKey and organizerKey … contain the same
//! value", GoTo Webinar v2 reference) and the Admin API's `GET /admin/rest/v1/me` for the
//! service account (account key at the root). A key is never guessed: no identity, no sign-in.

use super::oauth::Granted;
use super::rest::{value_string, GoToApi, UpstreamError};
use crate::store::GoToTokens;

/// The two kinds of sign-in, which need different scopes and identity calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Person,
    ServiceAccount,
}

/// G2M's scope, which every person's token needs to create and read meetings.
pub const MEETINGS_SCOPE: &str = "collab:";
/// SCIM `Users/me` (GoTo's developer center: "Profile – Get user information").
pub const PROFILE_SCOPE: &str = "identity:scim.me";
/// The Admin API ("Admin Center – Manage users across GoTo products").
pub const ADMIN_SCOPE: &str = "identity:";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    /// The token was not granted a scope this sign-in needs: the GoTo admin must grant it
    /// to the OAuth client in GoTo's developer center.
    #[error("the token lacks the scope {0}")]
    MissingScope(&'static str),
    /// GoTo did not say who signed in, or said it in a way that gives no usable key.
    #[error("GoTo did not say who signed in: {0}")]
    NoIdentity(String),
    /// The service account's sign-in is not an administrator (the Admin API said 403).
    #[error("not an administrator of the account")]
    NotAdmin,
    #[error("over the GoTo request budget")]
    Busy(std::time::Duration),
    #[error("GoTo unavailable: {0}")]
    Unavailable(String),
}

/// The tokens of a finished sign-in, with the person's keys learnt one way or the other.
pub async fn complete(
    api: &GoToApi,
    granted: Granted,
    who: Who,
    configured_account: Option<&str>,
) -> Result<GoToTokens, IdentityError> {
    let refresh_token = granted
        .refresh_token
        .clone()
        .ok_or_else(|| IdentityError::NoIdentity("no refresh token".into()))?;
    let has = |scope: &str| {
        granted
            .scopes
            .as_ref()
            .is_none_or(|scopes| scopes.iter().any(|s| s == scope))
    };
    // An answer that lists its scopes shows a missing grant before any call is made.
    match who {
        Who::Person if !has(MEETINGS_SCOPE) => {
            return Err(IdentityError::MissingScope(MEETINGS_SCOPE))
        }
        Who::ServiceAccount if !has(ADMIN_SCOPE) => {
            return Err(IdentityError::MissingScope(ADMIN_SCOPE))
        }
        _ => {}
    }
    let known = &granted.identity;
    let person = match (&known.organizer_key, &known.account_key) {
        (Some(organizer_key), Some(account_key)) => Person {
            organizer_key: organizer_key.clone(),
            account_key: account_key.clone(),
            email: known.email.clone().unwrap_or_default(),
            first_name: known.first_name.clone().unwrap_or_default(),
            last_name: known.last_name.clone().unwrap_or_default(),
        },
        _ => match who {
            Who::Person => {
                if !has(PROFILE_SCOPE) && !has(ADMIN_SCOPE) {
                    return Err(IdentityError::MissingScope(PROFILE_SCOPE));
                }
                let me = api
                    .scim_me(&granted.access_token)
                    .await
                    .map_err(|e| call_error(e, PROFILE_SCOPE))?;
                let accounts: Vec<String> = me
                    .getgo
                    .accounts
                    .iter()
                    .filter_map(|a| value_string(&a.value))
                    .collect();
                let email = me
                    .emails
                    .iter()
                    .find(|e| e.primary)
                    .or(me.emails.first())
                    .map(|e| e.value.clone())
                    .filter(|e| !e.is_empty())
                    .unwrap_or(me.user_name.clone());
                Person {
                    organizer_key: value_string(&me.id).unwrap_or_default(),
                    account_key: pick_account(&accounts, configured_account)?,
                    email,
                    first_name: me.name.given_name,
                    last_name: me.name.family_name,
                }
            }
            Who::ServiceAccount => {
                // The scope was checked above, so a 403 here is about who signed in.
                let me = api
                    .admin_me(&granted.access_token)
                    .await
                    .map_err(|e| match e {
                        UpstreamError::Forbidden => IdentityError::NotAdmin,
                        other => call_error(other, ADMIN_SCOPE),
                    })?;
                let mut accounts: Vec<String> =
                    me.account_key.iter().filter_map(value_string).collect();
                accounts.extend(me.accounts.iter().filter_map(|a| value_string(&a.key)));
                Person {
                    organizer_key: value_string(&me.key).unwrap_or_default(),
                    account_key: pick_account(&accounts, configured_account)?,
                    email: me.email,
                    first_name: me.first_name,
                    last_name: me.last_name,
                }
            }
        },
    };
    if !is_key(&person.organizer_key) {
        return Err(IdentityError::NoIdentity(format!(
            "unusable user key {:?}",
            person.organizer_key
        )));
    }
    let email = if person.email.is_empty() {
        known.email.clone().unwrap_or_default()
    } else {
        person.email
    };
    Ok(GoToTokens {
        access_token: granted.access_token,
        refresh_token,
        expires_at: granted.expires_at,
        organizer_key: person.organizer_key,
        account_key: Some(person.account_key),
        email,
        first_name: person.first_name,
        last_name: person.last_name,
        scopes: granted.scopes.unwrap_or_default(),
    })
}

struct Person {
    organizer_key: String,
    account_key: String,
    email: String,
    first_name: String,
    last_name: String,
}

/// GoTo's keys are long decimal numbers; an e-mail or an empty string is never one.
fn is_key(raw: &str) -> bool {
    !raw.is_empty() && raw.len() <= 32 && raw.bytes().all(|b| b.is_ascii_digit())
}

/// A person may belong to several accounts (GoTo: "a super admin could belong to more than one
/// account"): the configured one when it is among them, else the first.
fn pick_account(accounts: &[String], configured: Option<&str>) -> Result<String, IdentityError> {
    let usable: Vec<&String> = accounts.iter().filter(|a| is_key(a)).collect();
    if let Some(wanted) = configured {
        if let Some(found) = usable.iter().find(|a| a.as_str() == wanted) {
            return Ok((*found).clone());
        }
    }
    usable
        .first()
        .map(|a| (*a).clone())
        .ok_or_else(|| IdentityError::NoIdentity("no account key".into()))
}

fn call_error(e: UpstreamError, scope: &'static str) -> IdentityError {
    match e {
        // The token is a minute old: a refusal here is about what it may do, not its age.
        UpstreamError::Forbidden => IdentityError::MissingScope(scope),
        UpstreamError::InvalidToken => IdentityError::MissingScope(scope),
        UpstreamError::OverBudget(wait) => IdentityError::Busy(wait),
        UpstreamError::RateLimited => IdentityError::Busy(std::time::Duration::from_secs(5)),
        UpstreamError::NotFound => IdentityError::NoIdentity("GoTo has no such user".into()),
        UpstreamError::Rejected { status, .. } => {
            IdentityError::NoIdentity(format!("GoTo answered {status}"))
        }
        UpstreamError::Timeout => IdentityError::Unavailable("no answer in time".into()),
        UpstreamError::Unavailable(detail) => IdentityError::Unavailable(detail),
        UpstreamError::ServerError(status) => {
            IdentityError::Unavailable(format!("GoTo answered {status}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_account_wins_and_keys_are_digits() {
        let accounts = vec!["111".to_owned(), "222".to_owned()];
        assert_eq!(pick_account(&accounts, Some("222")).unwrap(), "222");
        assert_eq!(pick_account(&accounts, Some("333")).unwrap(), "111");
        assert_eq!(pick_account(&accounts, None).unwrap(), "111");
        assert!(pick_account(&["ana@example.com".to_owned()], None).is_err());
        assert!(pick_account(&[], None).is_err());
        assert!(!is_key("ana@example.com"));
        assert!(!is_key(""));
        assert!(is_key("8861643767604601036"));
    }
}
