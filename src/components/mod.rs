//! Small pieces the pages are built from. Each takes typed props and knows nothing of routes.

pub mod cancel_meeting;
pub mod chips;
pub mod combobox_keys;
pub mod coorganizer_picker;
pub mod copy_button;
pub mod field;
pub mod header;
pub mod loader;
pub mod loading;
pub mod meeting_form;
pub mod meeting_loader;
pub mod notice;
pub mod organizer_filter;
pub mod signed_in;
pub mod start_meeting;
pub mod time_range;
