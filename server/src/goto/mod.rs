//! Everything that talks to GoTo: the OAuth client (per user and admin), the REST client
//! with its fixed allowlist of URLs, and the token keeper that refreshes lazily.

pub mod identity;
pub mod oauth;
pub mod rest;
pub mod session_locks;
pub mod tokens;
pub mod wire;
