//! What one page hands the next: the meeting just made (so the next page need not fetch it)
//! and one sentence to say once where the person lands.

use leptos::prelude::*;
use meeting::Meeting;

/// The meeting just made, handed from the form to the next page so it need not be fetched.
#[derive(Clone, Copy)]
pub struct JustCreated(pub RwSignal<Option<Meeting>>);

impl JustCreated {
    pub fn provide() {
        provide_context(JustCreated(RwSignal::new(None)));
    }

    /// The meeting if it is the one with this id.
    pub fn matching(id: &str) -> Option<Meeting> {
        let JustCreated(meeting) = use_context::<JustCreated>()?;
        meeting.get_untracked().filter(|meeting| meeting.id == id)
    }
}

/// One sentence for the next page to say once, where the person lands: "Changes saved." after
/// a change, "“Weekly sync” is cancelled." after a cancel from the details page.
#[derive(Clone, Copy)]
pub struct Flash(RwSignal<Option<String>>);

impl Flash {
    pub fn provide() {
        provide_context(Flash(RwSignal::new(None)));
    }

    /// Taken while a page is built: a page's callbacks run later, after awaits, where no
    /// context can be looked up any more.
    pub fn get() -> Flash {
        expect_context::<Flash>()
    }

    pub fn say(self, message: String) {
        self.0.set(Some(message));
    }

    /// The sentence, once: the next page to ask gets nothing.
    pub fn take() -> Option<String> {
        let Flash(flash) = use_context::<Flash>()?;
        let message = flash.get_untracked();
        if message.is_some() {
            flash.set(None);
        }
        message
    }
}
