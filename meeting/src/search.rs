//! Accent- and case-insensitive matching for the co-organizer search ("nunez" finds
//! "Núñez"). A small table covers the Latin letters Spanish and English names use, so no
//! Unicode normalisation tables end up in the wasm bundle.

/// The longest co-organizer search the backend answers (names and e-mails are far shorter).
pub const MAX_QUERY_CHARS: usize = 100;

pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// Every word of `query` appears, folded, somewhere in one of `fields`.
pub fn matches(query: &str, fields: &[&str]) -> bool {
    Query::new(query).matches(fields)
}

/// A search text folded once, to be matched against every person of a list.
pub struct Query {
    words: Vec<String>,
}

impl Query {
    pub fn new(text: &str) -> Query {
        Query {
            words: fold(text).split_whitespace().map(str::to_owned).collect(),
        }
    }

    /// Every word appears, folded, somewhere in one of `fields`.
    pub fn matches(&self, fields: &[&str]) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let haystack = fields.iter().map(|f| fold(f)).collect::<Vec<_>>().join(" ");
        self.words
            .iter()
            .all(|word| haystack.contains(word.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_do_not_matter() {
        assert!(matches("nunez", &["Íñigo Núñez", "inigo@example.com"]));
        assert!(matches("NÚÑEZ", &["Íñigo Nunez"]));
        assert!(matches("íñigo nú", &["Íñigo Núñez"]));
    }

    #[test]
    fn a_query_folded_once_matches_like_each_call() {
        let query = Query::new("  ÍÑIGO   nú ");
        assert!(query.matches(&["Inigo Nunez", "i@example.com"]));
        assert!(!query.matches(&["Ana Pérez"]));
        assert!(Query::new(" ").matches(&["anyone"]));
    }

    #[test]
    fn every_word_must_match_and_email_counts() {
        assert!(matches("ana example", &["Ana Pérez", "ana@example.com"]));
        assert!(!matches("ana lopez", &["Ana Pérez", "ana@example.com"]));
        assert!(matches("", &["anyone"]));
    }
}
