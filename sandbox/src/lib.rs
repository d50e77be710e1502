//! A local stand-in for GoTo: OAuth 2.0 on both of GoTo's hosts' paths, the GoToMeeting REST
//! API, SCIM's `Users/me` and the Admin API's `me` and users list, with seeded people, scopes,
//! fault switches and a request journal. It copies the wire facts of
//! `shared/reference/goto-api.md`; comments mark which are GoTo's documented behaviour (**sure**)
//! and which are assumptions (**assumed**). `README.md` beside this crate lists the HTTP surface.
//!
//! Two ways to run it:
//! - in-process: `Router::new().nest("/_sandbox", sandbox.router())`;
//! - standalone: `Sandbox::serve(listener)`, or the `goto-sandbox` binary.

mod admin;
mod admin_api;
mod bearer;
mod client_auth;
mod config;
mod consent_page;
mod error;
mod faults;
mod identity;
mod journal;
mod meeting_rules;
mod meeting_store;
mod meetings;
mod oauth;
mod organizers;
mod persist;
mod rate_limit;
mod scope;
mod seed;
mod time_format;
mod tokens;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;

pub use config::{parse_client_arg, RegisteredClient, SandboxConfig};
pub use faults::{FaultSettings, FaultTarget, Faults};
pub use journal::{JournalEntry, TokenCalls, CLIENT_CLOSED_REQUEST};
pub use meeting_store::SandboxMeeting;
pub use persist::stored_client_secrets;
pub use scope::{DEFAULT_CLIENT_SCOPES, SCOPE_COLLAB, SCOPE_IDENTITY, SCOPE_IDENTITY_SCIM_ME};
pub use seed::{OrganizerStatus, SeedAccount, SeedOrganizer, MAIN_ACCOUNT_KEY, OTHER_ACCOUNT_KEY};
pub use time_format::TimeFormat;

use journal::Journal;
use meeting_store::MeetingStore;
use persist::StateFile;
use rate_limit::RateLimiter;
use seed::Seed;
use tokens::TokenStore;

/// A running sandbox's state. Cheap to clone; all clones share it.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    config: SandboxConfig,
    seed: Seed,
    tokens: Mutex<TokenStore>,
    meetings: Mutex<MeetingStore>,
    faults: Faults,
    journal: Journal,
    rate_limiter: RateLimiter,
    /// Starts as `config.time_format`; tests switch it at run time.
    time_format: Mutex<TimeFormat>,
    state_file: Option<StateFile>,
}

impl Sandbox {
    /// With `config.state_file`, starts from the tokens and meetings saved there (and rewrites
    /// it at once, compacted).
    ///
    /// # Panics
    /// If the configuration is invalid (see `SandboxConfig::validate`): a programming error.
    pub fn new(config: SandboxConfig) -> Sandbox {
        if let Err(problem) = config.validate() {
            panic!("invalid sandbox configuration: {problem}");
        }
        let sandbox = Sandbox {
            inner: Arc::new(Inner {
                rate_limiter: RateLimiter::new(config.per_second_limit),
                time_format: Mutex::new(config.time_format),
                state_file: config.state_file.clone().map(StateFile::new),
                config,
                seed: Seed::build(),
                tokens: Mutex::new(TokenStore::default()),
                meetings: Mutex::new(MeetingStore::default()),
                faults: Faults::default(),
                journal: Journal::default(),
            }),
        };
        sandbox.load_state();
        sandbox
    }

    /// All routes at the root: `/oauth/…`, `/G2M/rest/…`, `/identity/v1/…`, `/admin/rest/v1/…`,
    /// `/_admin/…`. Nest it under any prefix; the consent form posts back with a relative URL.
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/meetings", post(meetings::create))
            .route(
                "/meetings/{id}",
                get(meetings::get_one)
                    .put(meetings::update)
                    .delete(meetings::delete),
            )
            .route("/meetings/{id}/start", get(meetings::start))
            .route("/upcomingMeetings", get(meetings::upcoming))
            .route("/organizers", get(organizers::list))
            .layer(from_fn_with_state(self.clone(), faults::api_faults));
        // GoTo serves these on the same API host as G2M; the "api" fault target covers them too.
        let platform = Router::new()
            .route("/identity/v1/Users/me", get(identity::me))
            .route("/admin/rest/v1/me", get(admin_api::me))
            .route(
                "/admin/rest/v1/accounts/{account_key}/users",
                get(admin_api::users),
            )
            .layer(from_fn_with_state(self.clone(), faults::api_faults));
        let token = Router::new()
            .route("/oauth/v2/token", post(oauth::token_legacy))
            .route("/oauth/token", post(oauth::token_current))
            .layer(from_fn_with_state(self.clone(), faults::token_faults));
        let authorize = get(oauth::authorize_page).post(oauth::authorize_decision);
        Router::new()
            .route("/oauth/v2/authorize", authorize.clone())
            .route("/oauth/authorize", authorize)
            .merge(token)
            .merge(platform)
            .nest("/G2M/rest", api)
            .nest("/_admin", admin::router())
            .layer(from_fn_with_state(self.clone(), journal::record))
            .with_state(self.clone())
    }

    /// Serves the sandbox alone on `listener` until the process ends. The router is resolved
    /// once (`with_state(())`): handed a plain `Router`, `axum::serve` would rebuild it for
    /// every new connection, as the backend did too (`server/src/lib.rs`).
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let router = self.router().with_state(()).into_make_service();
        // TCP_NODELAY, as the backend sets it (`server/src/lib.rs`): GoTo's own servers do not
        // hold a response's last segment for the client's delayed ACK, so neither does this.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router).await
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    /// Every request received (oldest first, at most the last 10 000), except `/_admin` calls.
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.inner.journal.entries()
    }

    pub fn clear_journal(&self) {
        self.inner.journal.clear();
    }

    /// Token-endpoint calls by grant type, counted from the journal (so `clear_journal` resets it).
    pub fn token_calls(&self) -> TokenCalls {
        self.inner.journal.token_calls()
    }

    /// The fault switches, with their full API (targets included).
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// Every REST call waits `latency` first (zero turns it off).
    pub fn set_latency(&self, latency: Duration) {
        self.faults().set_latency(latency);
    }

    /// The next `count` REST calls answer `status` (500, 502, 503…).
    pub fn fail_next(&self, count: u32, status: u16) {
        self.faults().fail_next(count, status);
    }

    /// The next REST call waits `duration` before it is handled.
    pub fn hang_next(&self, duration: Duration) {
        self.faults().hang_next(duration);
    }

    /// The next `count` REST calls answer 429.
    pub fn force_429(&self, count: u32) {
        self.faults().force_429(count);
    }

    /// The next `count` REST calls are handled, but their connection breaks mid-body.
    pub fn drop_next(&self, count: u32) {
        self.faults().drop_next(count);
    }

    pub fn clear_faults(&self) {
        self.faults().clear();
    }

    /// How answer times are written now.
    pub fn time_format(&self) -> TimeFormat {
        *self.inner.time_format.lock().expect("time format lock")
    }

    /// Answers from now on write times in `format` (meetings already stored are unchanged; only
    /// their rendering is).
    pub fn set_time_format(&self, format: TimeFormat) {
        *self.inner.time_format.lock().expect("time format lock") = format;
    }

    /// Every access token issued so far stops working now; refresh tokens still work.
    /// Returns how many live tokens were expired.
    pub fn expire_access_tokens(&self) -> usize {
        let expired = self.tokens().expire_access_tokens();
        self.save_all();
        expired
    }

    /// The user's live refresh tokens become `invalid_grant`. Returns how many were revoked.
    pub fn revoke_refresh_tokens(&self, organizer_key: &str) -> usize {
        let revoked = self.tokens().revoke_refresh_tokens(organizer_key);
        self.save_all();
        revoked
    }

    /// All meetings, oldest first.
    pub fn meetings(&self) -> Vec<SandboxMeeting> {
        self.meeting_store().all()
    }

    /// Every seeded user of both accounts (main account first, its admin first).
    pub fn organizers(&self) -> Vec<SeedOrganizer> {
        self.inner.seed.organizers.clone()
    }

    pub fn accounts(&self) -> Vec<SeedAccount> {
        self.inner.seed.accounts.clone()
    }

    /// A seeded user by email (case-insensitive).
    pub fn organizer_by_email(&self, email: &str) -> Option<SeedOrganizer> {
        self.inner.seed.by_email(email).cloned()
    }

    /// The main account's admin (the brief's service account).
    pub fn admin(&self) -> SeedOrganizer {
        self.inner
            .seed
            .organizers
            .iter()
            .find(|o| o.admin)
            .cloned()
            .expect("the seed has an admin")
    }

    /// Tokens for `who` (an e-mail or organizer key) from `client_id`, with all the client's
    /// scopes, without the authorize and token calls. GoTo has no such thing (like
    /// `sandbox_approve`): it is for tests that need many signed-in people without spending a
    /// GoTo budget on their sign-ins. `(access token, refresh token)`.
    pub fn issue_tokens_for(&self, who: &str, client_id: &str) -> Option<(String, String)> {
        let client = self
            .inner
            .config
            .clients
            .iter()
            .find(|c| c.client_id == client_id)?;
        let person = self
            .organizer_by_email(who)
            .or_else(|| self.inner.seed.organizer(who).cloned())?;
        let redirect_uri = client.redirect_uris.first()?.clone();
        let mut tokens = self.tokens();
        let code = tokens.issue_code(tokens::CodeGrant {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.clone(),
            organizer_key: person.organizer_key,
            scopes: client.scopes.clone(),
            pkce: None,
            expires: std::time::Instant::now() + self.inner.config.code_ttl,
        });
        let issued = tokens
            .redeem_code(
                &code,
                client_id,
                &redirect_uri,
                None,
                self.inner.config.access_token_ttl,
            )
            .ok()?;
        Some((issued.access_token, issued.refresh_token?))
    }

    /// The main account's key.
    pub fn account_key(&self) -> &str {
        MAIN_ACCOUNT_KEY
    }

    /// The small second account's key.
    pub fn other_account_key(&self) -> &str {
        OTHER_ACCOUNT_KEY
    }

    fn tokens(&self) -> MutexGuard<'_, TokenStore> {
        self.inner.tokens.lock().expect("token store lock")
    }

    fn meeting_store(&self) -> MutexGuard<'_, MeetingStore> {
        self.inner.meetings.lock().expect("meeting store lock")
    }
}
