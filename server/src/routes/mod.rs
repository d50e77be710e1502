//! The HTTP surface: one small module per concern, assembled in `crate::app`.

pub mod admin_connection;
pub mod coorganizers;
pub mod health;
pub mod idempotency;
pub mod meeting_access;
pub mod meetings;
pub mod my_meetings;
pub mod organizers;
pub mod session;
pub mod sign_in_pages;
pub mod user_auth;
