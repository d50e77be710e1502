//! The two languages the product speaks.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language a code names exactly (`es`, `en`), as the app stores and sends it.
    pub fn from_code(code: &str) -> Option<Lang> {
        [Lang::En, Lang::Es].into_iter().find(|l| l.code() == code)
    }

    /// Picks the first supported language from an HTTP `Accept-Language` header or from the
    /// browser's `navigator.languages` joined with commas. Quality values are honoured.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (position, part) in accept_language.split(',').enumerate() {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split(['-', '_']).next().unwrap_or("");
            let Some(lang) = Lang::from_code(primary) else {
                continue;
            };
            // `q=nan` or `q=inf` parse as floats but are not qualities.
            if !quality.is_finite() || quality <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((q, _, _)) => quality > q,
            };
            if better {
                best = Some((quality, position, lang));
            }
        }
        best.map(|(_, _, lang)| lang).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_go_both_ways() {
        for lang in [Lang::En, Lang::Es] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_code("ES"), None);
    }

    #[test]
    fn spanish_browser_gets_spanish() {
        assert_eq!(Lang::negotiate("es-ES,es;q=0.9,en;q=0.8"), Lang::Es);
    }

    #[test]
    fn quality_values_decide_not_order() {
        assert_eq!(Lang::negotiate("fr;q=1, en;q=0.5, es;q=0.7"), Lang::Es);
    }

    #[test]
    fn a_quality_that_is_not_a_number_is_ignored() {
        assert_eq!(Lang::negotiate("en;q=nan, es;q=0.9"), Lang::Es);
    }

    #[test]
    fn unknown_languages_fall_back_to_english() {
        assert_eq!(Lang::negotiate("de-DE, fr"), Lang::En);
        assert_eq!(Lang::negotiate(""), Lang::En);
    }
}
