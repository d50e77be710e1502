//! A quick local narrowing of organizer search results, for the combobox.

use meeting::Organizer;

/// Whether every word typed is in the person's name or e-mail, ignoring case and the accents
/// Spanish and English names use. Only narrows an answer while the backend's (which folds
/// with `meeting::search`) is on its way: that one's Unicode case tables would cost the
/// download about 6 KB, and a rare miss here lasts only until the real answer arrives.
pub fn roughly_matches(typed: &str, person: &Organizer) -> bool {
    fn fold(text: &str) -> String {
        text.chars()
            .map(|c| match c.to_ascii_lowercase() {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'o',
                'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
                'ñ' | 'Ñ' => 'n',
                'ç' | 'Ç' => 'c',
                other => other,
            })
            .collect()
    }
    let haystack = fold(&format!("{} {}", person.name, person.email));
    fold(typed)
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, email: &str) -> Organizer {
        Organizer {
            key: "1".into(),
            name: name.into(),
            email: email.into(),
        }
    }

    #[test]
    fn typed_text_narrows_without_accents_or_case() {
        let nunez = person("José Luis Núñez Ibáñez", "jose.nunez.ibanez@example.com");
        assert!(roughly_matches("nunez", &nunez));
        assert!(roughly_matches("NÚÑEZ jose", &nunez));
        assert!(roughly_matches("", &nunez));
        assert!(roughly_matches("example.com", &nunez));
        assert!(!roughly_matches("inigo", &nunez));
        assert!(roughly_matches(
            "inigo",
            &person("Íñigo Urrutia", "i@example.com")
        ));
    }
}
