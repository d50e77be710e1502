//! One module per page.

pub mod create_meeting;
pub mod edit_meeting;
pub mod meeting_created;
pub mod meeting_details;
pub mod my_meetings;
pub mod no_licence;
pub mod not_found;
pub mod sign_in_popup;
pub mod signed_out;
