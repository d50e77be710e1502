//! OAuth scopes: what a client was granted in GoTo's developer center, what a token carries, and
//! what each API asks of it.
//!
//! - `collab:` is GoToMeeting's scope (**sure**: GoTo's developer center names it for G2M).
//! - `identity:scim.me` lets a token read its own user through SCIM `/identity/v1/Users/me`
//!   (**sure**: SCIM reference "Queries the identity of the current authenticated user").
//! - `identity:` is the Admin Center scope: the Admin API, and also G2M's deprecated
//!   `/organizers` (**sure**: G2M OpenAPI, "your client requires the Admin Center scope
//!   (identity:) to execute this API request").
//!
//! Scope strings are compared exactly, as opaque words. GoTo's scope hierarchy beyond "`identity:`
//! also covers `identity:scim.me`" is not published (**assumed**: nothing else is implied).

/// GoToMeeting's scope.
pub const SCOPE_COLLAB: &str = "collab:";
/// Read one's own SCIM user.
pub const SCOPE_IDENTITY_SCIM_ME: &str = "identity:scim.me";
/// The Admin Center scope (Admin API, and G2M's deprecated `/organizers`).
pub const SCOPE_IDENTITY: &str = "identity:";
/// What `RegisteredClient::new` grants: every scope the sandbox knows.
pub const DEFAULT_CLIENT_SCOPES: [&str; 3] = [SCOPE_COLLAB, SCOPE_IDENTITY_SCIM_ME, SCOPE_IDENTITY];

/// Which API a bearer call belongs to: it decides the scope the token needs and the shape of the
/// refusals (G2M's `int_err_code`/`msg`, or the GoTo platform's `errorCode`/`message`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    /// `/G2M/rest/*` except `/organizers`: `collab:`.
    G2m,
    /// G2M's deprecated `/organizers`: `collab:` like all of G2M, and `identity:` (**sure**,
    /// G2M OpenAPI).
    G2mOrganizers,
    /// SCIM `/identity/v1/Users/me`: `identity:scim.me` or the broader `identity:`.
    Scim,
    /// The Admin API `/admin/rest/v1/*`: `identity:`.
    Admin,
}

impl Api {
    /// Whether refusals use G2M's body shape.
    pub fn is_g2m(self) -> bool {
        matches!(self, Api::G2m | Api::G2mOrganizers)
    }

    /// The first scope the token lacks for this API, named as the 403 names it.
    pub fn missing_scope(self, scopes: &[String]) -> Option<&'static str> {
        let has = |scope: &str| scopes.iter().any(|s| s == scope);
        match self {
            Api::G2m => (!has(SCOPE_COLLAB)).then_some(SCOPE_COLLAB),
            Api::G2mOrganizers => {
                if !has(SCOPE_COLLAB) {
                    Some(SCOPE_COLLAB)
                } else {
                    (!has(SCOPE_IDENTITY)).then_some(SCOPE_IDENTITY)
                }
            }
            // The message names `identity:` even here, as the brief's observed body does: it is
            // the one scope that satisfies every identity and admin call.
            Api::Scim => {
                (!has(SCOPE_IDENTITY_SCIM_ME) && !has(SCOPE_IDENTITY)).then_some(SCOPE_IDENTITY)
            }
            Api::Admin => (!has(SCOPE_IDENTITY)).then_some(SCOPE_IDENTITY),
        }
    }
}

/// The scopes a token gets at authorize: the requested ones (space-separated, RFC 6749 §3.3), all
/// of which the client must hold, or every granted one when none is asked for (**sure**: GoTo's
/// authorize takes an optional `scope`). `Err` names the first scope the client was not granted.
pub(crate) fn resolve(requested: Option<&str>, granted: &[String]) -> Result<Vec<String>, String> {
    let Some(requested) = requested.filter(|r| !r.trim().is_empty()) else {
        return Ok(granted.to_vec());
    };
    let mut scopes: Vec<String> = Vec::new();
    for scope in requested.split_whitespace() {
        if !granted.iter().any(|g| g == scope) {
            return Err(scope.to_owned());
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn omitted_scope_means_every_granted_one() {
        let granted = owned(&DEFAULT_CLIENT_SCOPES);
        assert_eq!(resolve(None, &granted).unwrap(), granted);
        assert_eq!(resolve(Some("  "), &granted).unwrap(), granted);
        assert_eq!(
            resolve(Some("collab:  collab: identity:"), &granted).unwrap(),
            owned(&["collab:", "identity:"])
        );
        assert_eq!(
            resolve(Some("collab: admin:"), &owned(&["collab:"])).unwrap_err(),
            "admin:"
        );
    }

    #[test]
    fn each_api_names_what_it_misses() {
        let collab = owned(&["collab:"]);
        assert_eq!(Api::G2m.missing_scope(&collab), None);
        assert_eq!(Api::G2mOrganizers.missing_scope(&collab), Some("identity:"));
        assert_eq!(Api::Scim.missing_scope(&collab), Some("identity:"));
        assert_eq!(Api::Scim.missing_scope(&owned(&["identity:scim.me"])), None);
        assert_eq!(Api::Scim.missing_scope(&owned(&["identity:"])), None);
        assert_eq!(
            Api::Admin.missing_scope(&owned(&["identity:scim.me"])),
            Some("identity:")
        );
        assert_eq!(Api::G2m.missing_scope(&[]), Some("collab:"));
    }
}
