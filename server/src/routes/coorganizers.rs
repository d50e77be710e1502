//! Co-organizers as the account's synced organizer list knows them: who may be chosen, and
//! how each is named.

use meeting::validation::{Field, FieldError, Problem};
use meeting::Organizer;

use crate::error::AppError;
use crate::store::{CachedOrganizer, Directory};

/// Co-organizers must be active GoToMeeting organizers of the account, and not oneself.
/// Checked against the synced copy when there is one; GoTo checks again either way.
pub fn check_coorganizers_offered(
    keys: &[String],
    organizers: &Directory,
    me: &str,
) -> Result<(), AppError> {
    if organizers.is_empty() {
        return Ok(());
    }
    let offered =
        |key: &String| key != me && organizers.get(key).is_some_and(|o| o.active && o.has_g2m);
    if keys.iter().all(offered) {
        Ok(())
    } else {
        Err(AppError::Validation(vec![FieldError {
            field: Field::Coorganizers,
            problem: Problem::UnknownOrganizer,
        }]))
    }
}

/// The people behind `keys`, named as synced.
pub fn named(keys: &[String], organizers: &Directory) -> Vec<Organizer> {
    keys.iter()
        .map(|key| organizer(key, organizers.get(key)))
        .collect()
}

/// One co-organizer as the app shows them: as synced, else by key alone.
pub fn organizer(key: &str, synced: Option<&CachedOrganizer>) -> Organizer {
    match synced {
        Some(o) => Organizer {
            key: key.to_owned(),
            name: format!("{} {}", o.first_name, o.last_name)
                .trim()
                .to_owned(),
            email: o.email.clone(),
        },
        None => Organizer {
            key: key.to_owned(),
            name: key.to_owned(),
            email: String::new(),
        },
    }
}
