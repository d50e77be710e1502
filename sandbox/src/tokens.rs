//! Authorization codes, access tokens and refresh tokens: how they look, how long they live and
//! when they stop working. Pure bookkeeping; the HTTP side is in `oauth.rs`.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::SandboxError;

/// Refresh tokens live about 30 days (**sure**).
const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// PKCE as RFC 7636 defines it. GoTo does not document PKCE (**assumed** ignored there); the
/// sandbox verifies it whenever a challenge was sent, so a broken verifier shows up in tests.
#[derive(Clone, Debug)]
pub(crate) enum Pkce {
    S256(String),
    Plain(String),
}

impl Pkce {
    fn verifies(&self, verifier: &str) -> bool {
        match self {
            Pkce::S256(challenge) => {
                URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == *challenge
            }
            Pkce::Plain(challenge) => verifier == challenge,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub organizer_key: String,
    /// What the token will carry: the client's granted scopes, or the subset asked for.
    pub scopes: Vec<String>,
    pub pkce: Option<Pkce>,
    pub expires: Instant,
}

/// What a live access token stands for: a user and the scopes it was issued with.
#[derive(Clone, Debug)]
pub(crate) struct AccessGrant {
    pub organizer_key: String,
    pub scopes: Vec<String>,
    expires: Instant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RefreshState {
    Live,
    /// Replaced by a newer one at a rotating refresh: presenting it again is `invalid_grant`.
    Rotated,
    Revoked,
}

#[derive(Clone, Debug)]
struct RefreshGrant {
    client_id: String,
    organizer_key: String,
    /// Every access token this refresh token brings keeps the scopes of the original grant.
    scopes: Vec<String>,
    expires: Instant,
    state: RefreshState,
}

/// An access token as the state file keeps it. Expiry is a wall-clock time: an `Instant`
/// means nothing to the next process.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SavedAccess {
    pub token: String,
    pub organizer_key: String,
    pub scopes: Vec<String>,
    pub expires: DateTime<Utc>,
}

/// A refresh token as the state file keeps it, rotated and revoked ones too, so that they stay
/// `invalid_grant` after a restart.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SavedRefresh {
    pub token: String,
    pub client_id: String,
    pub organizer_key: String,
    pub scopes: Vec<String>,
    pub expires: DateTime<Utc>,
    pub state: RefreshState,
}

fn to_wall(instant: Instant) -> DateTime<Utc> {
    let (now, wall) = (Instant::now(), Utc::now());
    let ahead = |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    match instant.checked_duration_since(now) {
        Some(left) => wall + ahead(left),
        None => wall - ahead(now - instant),
    }
}

/// `None` once the time has passed: nothing restored needs to be already expired.
fn from_wall(time: DateTime<Utc>) -> Option<Instant> {
    let left = (time - Utc::now()).to_std().ok().filter(|d| !d.is_zero())?;
    Instant::now().checked_add(left)
}

/// What a successful code or refresh grant hands out.
#[derive(Debug)]
pub(crate) struct Issued {
    pub access_token: String,
    /// `None` when a non-rotating refresh omits `refresh_token` (**sure**: GoTo may).
    pub refresh_token: Option<String>,
    pub organizer_key: String,
    pub scopes: Vec<String>,
}

#[derive(Default)]
pub(crate) struct TokenStore {
    codes: HashMap<String, CodeGrant>,
    used_codes: HashSet<String>,
    access: HashMap<String, AccessGrant>,
    refresh: HashMap<String, RefreshGrant>,
}

impl TokenStore {
    pub fn issue_code(&mut self, grant: CodeGrant) -> String {
        let now = Instant::now();
        self.codes.retain(|_, g| g.expires > now);
        // GoTo's codes are long, hundreds of characters (**sure**): 240 random bytes.
        let code = random_string(240);
        self.codes.insert(code.clone(), grant);
        code
    }

    /// Redeems a code once. Any presentation by its client uses it up, right or wrong, so a
    /// retried or replayed code is always `invalid_grant` (codes are single-use, **sure**).
    pub fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
        access_ttl: Duration,
    ) -> Result<Issued, SandboxError> {
        let grant = match self.codes.get(code) {
            Some(grant) if grant.client_id == client_id => self.codes.remove(code),
            Some(_) => None,
            None => None,
        };
        let Some(grant) = grant else {
            return Err(SandboxError::invalid_grant(
                if self.used_codes.contains(code) {
                    "authorization code has already been used"
                } else {
                    "authorization code is invalid or was issued to another client"
                },
            ));
        };
        self.used_codes.insert(code.to_owned());
        if grant.expires <= Instant::now() {
            return Err(SandboxError::invalid_grant(
                "authorization code has expired",
            ));
        }
        if grant.redirect_uri != redirect_uri {
            return Err(SandboxError::invalid_grant(
                "redirect_uri does not match the one of the authorization request",
            ));
        }
        if let Some(pkce) = &grant.pkce {
            match verifier {
                None => {
                    return Err(SandboxError::invalid_grant("code_verifier is required"));
                }
                Some(v) if !pkce.verifies(v) => {
                    return Err(SandboxError::invalid_grant(
                        "code_verifier does not match the code_challenge",
                    ));
                }
                Some(_) => {}
            }
        }
        let access_token =
            self.issue_access(&grant.organizer_key, &grant.scopes, client_id, access_ttl);
        let refresh_token = random_string(30);
        self.refresh.insert(
            refresh_token.clone(),
            RefreshGrant {
                client_id: client_id.to_owned(),
                organizer_key: grant.organizer_key.clone(),
                scopes: grant.scopes.clone(),
                expires: Instant::now() + REFRESH_TOKEN_TTL,
                state: RefreshState::Live,
            },
        );
        Ok(Issued {
            access_token,
            refresh_token: Some(refresh_token),
            organizer_key: grant.organizer_key,
            scopes: grant.scopes,
        })
    }

    pub fn refresh(
        &mut self,
        refresh_token: &str,
        client_id: &str,
        rotate: bool,
        access_ttl: Duration,
    ) -> Result<Issued, SandboxError> {
        let grant = match self.refresh.get(refresh_token) {
            Some(grant) if grant.client_id == client_id => grant.clone(),
            _ => {
                return Err(SandboxError::invalid_grant(
                    "refresh token is invalid or was issued to another client",
                ))
            }
        };
        match grant.state {
            RefreshState::Rotated => {
                return Err(SandboxError::invalid_grant(
                    "refresh token has already been used and was replaced",
                ))
            }
            RefreshState::Revoked => {
                return Err(SandboxError::invalid_grant(
                    "refresh token has been revoked",
                ))
            }
            RefreshState::Live if grant.expires <= Instant::now() => {
                return Err(SandboxError::invalid_grant("refresh token has expired"))
            }
            RefreshState::Live => {}
        }
        let access_token =
            self.issue_access(&grant.organizer_key, &grant.scopes, client_id, access_ttl);
        let new_refresh = rotate.then(|| {
            let token = random_string(30);
            if let Some(old) = self.refresh.get_mut(refresh_token) {
                old.state = RefreshState::Rotated;
            }
            self.refresh.insert(
                token.clone(),
                RefreshGrant {
                    expires: Instant::now() + REFRESH_TOKEN_TTL,
                    state: RefreshState::Live,
                    ..grant.clone()
                },
            );
            token
        });
        Ok(Issued {
            access_token,
            refresh_token: new_refresh,
            organizer_key: grant.organizer_key,
            scopes: grant.scopes,
        })
    }

    fn issue_access(
        &mut self,
        organizer_key: &str,
        scopes: &[String],
        client_id: &str,
        ttl: Duration,
    ) -> String {
        let now = Instant::now();
        // Forget tokens long dead so a long-running sandbox does not grow without bound.
        self.access
            .retain(|_, g| g.expires + Duration::from_secs(3600) > now);
        let token = fake_jwt(organizer_key, scopes, client_id, ttl);
        self.access.insert(
            token.clone(),
            AccessGrant {
                organizer_key: organizer_key.to_owned(),
                scopes: scopes.to_vec(),
                expires: now + ttl,
            },
        );
        token
    }

    /// The access token's record for the state file, while it is live.
    pub fn saved_access(&self, token: &str) -> Option<SavedAccess> {
        self.live_access(token).map(|g| SavedAccess {
            token: token.to_owned(),
            organizer_key: g.organizer_key.clone(),
            scopes: g.scopes.clone(),
            expires: to_wall(g.expires),
        })
    }

    /// The refresh token's record for the state file, until it expires, whatever its state.
    pub fn saved_refresh(&self, token: &str) -> Option<SavedRefresh> {
        let g = self.refresh.get(token)?;
        (g.expires > Instant::now()).then(|| SavedRefresh {
            token: token.to_owned(),
            client_id: g.client_id.clone(),
            organizer_key: g.organizer_key.clone(),
            scopes: g.scopes.clone(),
            expires: to_wall(g.expires),
            state: g.state,
        })
    }

    /// Every record worth keeping: live access tokens and unexpired refresh tokens.
    pub fn saved_all(&self) -> (Vec<SavedAccess>, Vec<SavedRefresh>) {
        let access = self
            .access
            .keys()
            .filter_map(|t| self.saved_access(t))
            .collect();
        let refresh = self
            .refresh
            .keys()
            .filter_map(|t| self.saved_refresh(t))
            .collect();
        (access, refresh)
    }

    /// Takes a record back from the state file; an expired one is dropped (a later record of
    /// the same token replaces an earlier one, so an expired token also forgets the older).
    pub fn restore_access(&mut self, saved: SavedAccess) {
        match from_wall(saved.expires) {
            Some(expires) => {
                self.access.insert(
                    saved.token,
                    AccessGrant {
                        organizer_key: saved.organizer_key,
                        scopes: saved.scopes,
                        expires,
                    },
                );
            }
            None => {
                self.access.remove(&saved.token);
            }
        }
    }

    pub fn restore_refresh(&mut self, saved: SavedRefresh) {
        match from_wall(saved.expires) {
            Some(expires) => {
                self.refresh.insert(
                    saved.token,
                    RefreshGrant {
                        client_id: saved.client_id,
                        organizer_key: saved.organizer_key,
                        scopes: saved.scopes,
                        expires,
                        state: saved.state,
                    },
                );
            }
            None => {
                self.refresh.remove(&saved.token);
            }
        }
    }

    /// The user and scopes of a live access token.
    pub fn live_access(&self, token: &str) -> Option<&AccessGrant> {
        self.access
            .get(token)
            .filter(|g| g.expires > Instant::now())
    }

    /// The organizer key of any access token the sandbox issued, live or not (for the journal).
    pub fn owner_of_access(&self, token: &str) -> Option<&str> {
        self.access.get(token).map(|g| g.organizer_key.as_str())
    }

    pub fn expire_access_tokens(&mut self) -> usize {
        let now = Instant::now();
        let mut expired = 0;
        for grant in self.access.values_mut().filter(|g| g.expires > now) {
            grant.expires = now;
            expired += 1;
        }
        expired
    }

    pub fn revoke_refresh_tokens(&mut self, organizer_key: &str) -> usize {
        let mut revoked = 0;
        for grant in self
            .refresh
            .values_mut()
            .filter(|g| g.organizer_key == organizer_key && g.state == RefreshState::Live)
        {
            grant.state = RefreshState::Revoked;
            revoked += 1;
        }
        revoked
    }
}

/// URL-safe random text from `bytes` random bytes.
pub(crate) fn random_string(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// GoTo's access tokens are JWTs (`eyJraWQiOi…`, **sure**). Clients must treat them as opaque;
/// this one has the same look and size, with a random signature nobody can check. Its `sc`
/// claim lists the scopes, as GoTo's tokens do (**assumed** claim name, seen second-hand).
fn fake_jwt(organizer_key: &str, scopes: &[String], client_id: &str, ttl: Duration) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"kid":"sandbox-1","alg":"RS256"}"#);
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "sc": scopes.join(" "),
        "sub": organizer_key,
        "aud": client_id,
        "iss": "goto-sandbox",
        "iat": now,
        "exp": now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
        "jti": random_string(12),
    });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.{}", random_string(256))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(pkce: Option<Pkce>) -> CodeGrant {
        CodeGrant {
            client_id: "app".into(),
            redirect_uri: "http://x.example/cb".into(),
            organizer_key: "1".into(),
            scopes: vec!["collab:".into()],
            pkce,
            expires: Instant::now() + Duration::from_secs(60),
        }
    }

    #[test]
    fn access_tokens_look_like_gotos() {
        let token = fake_jwt("1", &["collab:".into()], "app", Duration::from_secs(3600));
        assert!(token.starts_with("eyJraWQiOi"), "{token}");
        assert_eq!(token.split('.').count(), 3);
    }

    #[test]
    fn s256_is_base64url_of_sha256() {
        // Challenge computed independently (Python hashlib + base64.urlsafe_b64encode).
        let pkce = Pkce::S256("NT3lFTRalK_VLLn_WNc3rXx32Xqzyx2AjdKV5-v09Fg".into());
        assert!(pkce.verifies("dBjftJeZ4CVP-mJ0kzyYYFNZvPMyh2pkLL3RXo1hDh0"));
        assert!(!pkce.verifies("dBjftJeZ4CVP-mJ0kzyYYFNZvPMyh2pkLL3RXo1hDh1"));
    }

    #[test]
    fn a_code_is_used_up_even_by_a_failed_redemption() {
        let mut store = TokenStore::default();
        let code = store.issue_code(grant(None));
        assert!(code.len() >= 300);
        let ttl = Duration::from_secs(60);
        assert!(store
            .redeem_code(&code, "app", "http://x.example/other", None, ttl)
            .is_err());
        assert!(store
            .redeem_code(&code, "app", "http://x.example/cb", None, ttl)
            .is_err());
    }

    #[test]
    fn another_client_cannot_burn_a_code() {
        let mut store = TokenStore::default();
        let code = store.issue_code(grant(None));
        let ttl = Duration::from_secs(60);
        assert!(store
            .redeem_code(&code, "intruder", "http://x.example/cb", None, ttl)
            .is_err());
        assert!(store
            .redeem_code(&code, "app", "http://x.example/cb", None, ttl)
            .is_ok());
    }
}
