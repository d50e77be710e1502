//! What a key does in the co-organizer combobox (WAI-ARIA APG's combobox with a listbox
//! popup), as a pure function of the combobox's state, so every rule is unit-tested without a
//! browser: arrows move the active option round the list (opening it), Enter picks and never
//! submits the form, Escape closes the list and then clears the text, Backspace in an empty
//! field takes off the last person picked.

/// The combobox as a key finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Combo {
    pub open: bool,
    pub active: Option<usize>,
    /// How many options the list offers.
    pub count: usize,
    pub text_empty: bool,
    pub anyone_picked: bool,
}

/// What to do about the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Open the list with this option active (none when the list is empty).
    Activate(Option<usize>),
    /// Pick the option at this index.
    Pick(usize),
    /// Close the list, nothing active.
    Close,
    /// Close the list and empty the text.
    ClearText,
    /// Take off the last person picked.
    RemoveLast,
    /// The key is the browser's business (typing, Tab…).
    Nothing,
}

impl Action {
    /// Whether the browser's own handling of the key must be stopped (Enter would submit
    /// the form, arrows would move the caret). Backspace still deletes as usual.
    pub fn prevents_default(self, key: &str) -> bool {
        key == "Enter" || !matches!(self, Action::Nothing | Action::RemoveLast)
    }
}

pub fn on_key(key: &str, combo: Combo) -> Action {
    let step = |forward: bool| {
        Action::Activate(match (combo.open, combo.active) {
            _ if combo.count == 0 => None,
            (true, Some(i)) if forward => Some((i + 1) % combo.count),
            (true, Some(i)) => Some((i + combo.count - 1) % combo.count),
            _ if forward => Some(0),
            _ => Some(combo.count - 1),
        })
    };
    match key {
        "ArrowDown" => step(true),
        "ArrowUp" => step(false),
        "Enter" => match combo.active {
            Some(i) if combo.open && i < combo.count => Action::Pick(i),
            _ => Action::Nothing,
        },
        "Escape" if combo.open && combo.count > 0 => Action::Close,
        "Escape" if !combo.text_empty => Action::ClearText,
        "Backspace" if combo.text_empty && combo.anyone_picked => Action::RemoveLast,
        _ => Action::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOSED: Combo = Combo {
        open: false,
        active: None,
        count: 3,
        text_empty: false,
        anyone_picked: true,
    };

    fn open_at(active: Option<usize>) -> Combo {
        Combo {
            open: true,
            active,
            ..CLOSED
        }
    }

    #[test]
    fn arrows_open_the_list_and_go_round_it() {
        assert_eq!(on_key("ArrowDown", CLOSED), Action::Activate(Some(0)));
        assert_eq!(on_key("ArrowUp", CLOSED), Action::Activate(Some(2)));
        assert_eq!(
            on_key("ArrowDown", open_at(Some(2))),
            Action::Activate(Some(0))
        );
        assert_eq!(
            on_key("ArrowUp", open_at(Some(0))),
            Action::Activate(Some(2))
        );
        assert_eq!(
            on_key("ArrowDown", open_at(Some(1))),
            Action::Activate(Some(2))
        );
        let empty = Combo { count: 0, ..CLOSED };
        assert_eq!(on_key("ArrowDown", empty), Action::Activate(None));
    }

    #[test]
    fn enter_picks_the_active_option_and_never_submits() {
        assert_eq!(on_key("Enter", open_at(Some(1))), Action::Pick(1));
        assert_eq!(on_key("Enter", open_at(None)), Action::Nothing);
        assert_eq!(on_key("Enter", CLOSED), Action::Nothing);
        assert!(Action::Nothing.prevents_default("Enter"));
    }

    #[test]
    fn escape_closes_the_list_then_clears_the_text() {
        assert_eq!(on_key("Escape", open_at(Some(0))), Action::Close);
        assert_eq!(on_key("Escape", CLOSED), Action::ClearText);
        let nothing_typed = Combo {
            text_empty: true,
            ..CLOSED
        };
        assert_eq!(on_key("Escape", nothing_typed), Action::Nothing);
        assert!(!Action::Nothing.prevents_default("Escape"));
    }

    #[test]
    fn backspace_in_an_empty_field_takes_off_the_last_person() {
        let empty_text = Combo {
            text_empty: true,
            ..CLOSED
        };
        assert_eq!(on_key("Backspace", empty_text), Action::RemoveLast);
        assert_eq!(on_key("Backspace", CLOSED), Action::Nothing);
        assert!(!Action::RemoveLast.prevents_default("Backspace"));
        assert_eq!(on_key("a", CLOSED), Action::Nothing);
    }
}
