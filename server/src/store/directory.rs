//! The account's synced organizers ("All organizers") as requests read them: the list in the
//! order GoTo gave it, for the search, and an index by organizer key for the lookups that the
//! session check, every meeting and every list make. A company of 100 000 people is this
//! app's natural size: none of those lookups may walk the whole list.

use std::collections::HashMap;

use super::CachedOrganizer;

#[derive(Debug, Default)]
pub struct Directory {
    people: Vec<CachedOrganizer>,
    /// Position in `people` by organizer key; the first wins should GoTo list a key twice.
    by_key: HashMap<String, usize>,
}

impl Directory {
    pub fn new(people: Vec<CachedOrganizer>) -> Self {
        let mut by_key = HashMap::with_capacity(people.len());
        for (at, person) in people.iter().enumerate() {
            by_key.entry(person.key.clone()).or_insert(at);
        }
        Self { people, by_key }
    }

    /// Everyone, in the synced order.
    pub fn people(&self) -> &[CachedOrganizer] {
        &self.people
    }

    pub fn get(&self, key: &str) -> Option<&CachedOrganizer> {
        self.by_key.get(key).map(|&at| &self.people[at])
    }

    /// Nothing synced yet (or an account of nobody).
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(key: &str, first_name: &str) -> CachedOrganizer {
        CachedOrganizer {
            key: key.into(),
            first_name: first_name.into(),
            last_name: String::new(),
            email: format!("{first_name}@example.com"),
            active: true,
            has_g2m: true,
        }
    }

    #[test]
    fn finds_each_person_by_key_and_keeps_the_synced_order() {
        let directory = Directory::new(vec![person("7", "Ana"), person("3", "Luis")]);
        assert_eq!(
            directory.get("3").map(|p| p.first_name.as_str()),
            Some("Luis")
        );
        assert_eq!(
            directory.get("7").map(|p| p.first_name.as_str()),
            Some("Ana")
        );
        assert!(directory.get("4").is_none());
        let order: Vec<&str> = directory.people().iter().map(|p| p.key.as_str()).collect();
        assert_eq!(order, ["7", "3"]);
    }

    #[test]
    fn a_key_listed_twice_finds_the_first_as_a_scan_did() {
        let directory = Directory::new(vec![person("7", "Ana"), person("7", "Other")]);
        assert_eq!(
            directory.get("7").map(|p| p.first_name.as_str()),
            Some("Ana")
        );
        assert!(Directory::default().is_empty());
    }
}
