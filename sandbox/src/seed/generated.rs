//! The main account's generated people: Spanish and English first and last names combined by a
//! fixed SplitMix64 sequence, appended after the 66 hand-written ones so the account has 250
//! users, as a real company would.
//!
//! Deterministic like the rest of the seed. Of the 184, every 15th (from the 8th) is suspended
//! (12 people) and every 9th (from the 5th) holds no G2M, only G2W, G2T or G2A (20 people, four
//! of them also suspended); about one in five of the rest also holds G2W.

use std::collections::HashSet;

use super::{email_for, OrganizerStatus, PersonSpec, Plan, SplitMix64};

const SPANISH_FIRST: [&str; 60] = [
    "Adela",
    "Aitana",
    "Alba",
    "Amparo",
    "Antonio",
    "Aurora",
    "Bernardo",
    "Blanca",
    "Candela",
    "Catalina",
    "Cecilia",
    "César",
    "Clara",
    "Concepción",
    "Daniela",
    "David",
    "Diego",
    "Dolores",
    "Eduardo",
    "Emilio",
    "Encarnación",
    "Esperanza",
    "Esteban",
    "Eugenia",
    "Felipe",
    "Fátima",
    "Gabriel",
    "Gloria",
    "Guillermo",
    "Hugo",
    "Irene",
    "Isabel",
    "Jaime",
    "Jorge",
    "Julia",
    "Julián",
    "Leire",
    "Lorena",
    "Luis Miguel",
    "Manuel",
    "Marcos",
    "Mercedes",
    "Miguel Ángel",
    "Noelia",
    "Olga",
    "Pablo",
    "Pedro",
    "Rafael",
    "Rosa María",
    "Salvador",
    "Santiago",
    "Silvia",
    "Teresa",
    "Vicente",
    "Víctor",
    "Yolanda",
    "Zoe",
    "Ainhoa",
    "Borja",
    "Lourdes",
];

const SPANISH_LAST: [&str; 64] = [
    "García",
    "Rodríguez",
    "González",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Alonso",
    "Gutiérrez",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Ramírez",
    "Serrano",
    "Blanco",
    "Molina",
    "Morales",
    "Suárez",
    "Ortega",
    "Delgado",
    "Castro",
    "Ortiz",
    "Rubio",
    "Marín",
    "Sanz",
    "Núñez",
    "Iglesias",
    "Medina",
    "Garrido",
    "Castillo",
    "Santos",
    "Guerrero",
    "Cano",
    "Prieto",
    "Méndez",
    "Calvo",
    "Gallego",
    "Vidal",
    "León",
    "Márquez",
    "Herrera",
    "Peña",
    "Cabrera",
    "Fuentes",
    "Carrasco",
    "Ibáñez",
    "Durán",
    "Benítez",
    "Muñiz",
    "Echeverría",
];

const ENGLISH_FIRST: [&str; 30] = [
    "Alice", "Amelia", "Arthur", "Ava", "Callum", "Daisy", "Edward", "Ella", "Ethan", "Freya",
    "George", "Harry", "Isla", "Jack", "Jacob", "Lily", "Lucy", "Mia", "Noah", "Olivia", "Oscar",
    "Poppy", "Rosie", "Ruby", "Samuel", "Sophie", "Zoë", "Aoife", "Niamh", "Rhys",
];

const ENGLISH_LAST: [&str; 40] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans",
    "Wright", "Roberts", "Green", "Hall", "Wood", "Jackson", "Hughes", "Edwards", "Hill", "Moore",
    "Clark", "Harrison", "Scott", "Young", "Morris", "Cooper", "King", "Baker", "Carter", "Ward",
    "Price", "Bennett", "Gray", "Cox", "Murphy", "Kelly", "Fletcher", "O'Neill", "McDonald",
    "Sinclair", "Bradshaw",
];

/// The products of a person without G2M, in turn.
const WITHOUT_G2M: [Plan; 3] = [Plan::WebinarOnly, Plan::TrainingOnly, Plan::AssistOnly];

fn pick<'a>(rng: &mut SplitMix64, list: &[&'a str]) -> &'a str {
    list[(rng.next() % list.len() as u64) as usize]
}

/// `count` new people whose e-mails on `domain` are not in `taken` (which gains them).
pub(crate) fn people(
    count: usize,
    groups: usize,
    domain: &str,
    taken: &mut HashSet<String>,
) -> Vec<PersonSpec> {
    let mut rng = SplitMix64(0x5eed_0101);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let n = out.len();
        let spanish = rng.next() % 10 < 7;
        let (first, last, locale) = if spanish {
            let first = pick(&mut rng, &SPANISH_FIRST);
            let one = pick(&mut rng, &SPANISH_LAST);
            let two = pick(&mut rng, &SPANISH_LAST);
            if one == two {
                continue;
            }
            let locale = match rng.next() % 8 {
                0 => "es_MX",
                1 => "es_AR",
                _ => "es_ES",
            };
            (first, format!("{one} {two}"), locale)
        } else {
            let first = pick(&mut rng, &ENGLISH_FIRST);
            let last = pick(&mut rng, &ENGLISH_LAST);
            let locale = if rng.next().is_multiple_of(2) {
                "en_GB"
            } else {
                "en_US"
            };
            (first, last.to_owned(), locale)
        };
        let group = (rng.next() % groups as u64) as usize;
        if !taken.insert(email_for(first, &last, domain)) {
            continue;
        }
        let plan = if n % 9 == 4 {
            WITHOUT_G2M[(n / 9) % WITHOUT_G2M.len()]
        } else if n % 5 == 1 {
            Plan::MeetingWebinar
        } else {
            Plan::Meeting
        };
        let status = if n % 15 == 7 {
            OrganizerStatus::Suspended
        } else {
            OrganizerStatus::Active
        };
        out.push(PersonSpec {
            first_name: first.to_owned(),
            last_name: last,
            group,
            status,
            plan,
            locale: locale.to_owned(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counts_are_as_documented() {
        let people = people(184, 7, "x.example", &mut HashSet::new());
        assert_eq!(people.len(), 184);
        let suspended = people
            .iter()
            .filter(|p| p.status == OrganizerStatus::Suspended)
            .count();
        assert_eq!(suspended, 12);
        let without_g2m = people
            .iter()
            .filter(|p| WITHOUT_G2M.contains(&p.plan))
            .count();
        assert_eq!(without_g2m, 20);
        assert!(people.iter().any(|p| p.locale.starts_with("en_")));
        assert!(people.iter().any(|p| !p.first_name.is_ascii()));
    }
}
