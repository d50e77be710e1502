//! The contract between the app and the backend.
//!
//! Everything here compiles both to wasm (the app) and natively (the backend), so a rule
//! written here is judged the same way on both sides of the wire: the form shows the very
//! message the backend would answer with.

pub mod api;
pub mod lang;
pub mod local_time;
pub mod meeting_id;
pub mod names;
pub mod search;
pub mod validation;
pub mod wire_time;

pub use api::{
    ApiError, CreateMeeting, FieldMessage, Meeting, MeetingRole, Organizer, SessionHandoff,
    SessionInfo, StartMeeting, UpcomingMeeting, User,
};
pub use lang::Lang;
pub use meeting_id::MeetingId;
pub use validation::{normalize, validate, Field, FieldError, Problem};
