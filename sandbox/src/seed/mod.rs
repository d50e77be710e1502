//! The people the sandbox knows: one company account with 250 users (one of them the admin
//! service account), and a small second account so "another account's organizer" and
//! "another account's meeting" can be tested.
//!
//! The main account is 66 hand-written people (tests and docs name them) followed by 184
//! generated ones (`seed/generated.rs`), enough for the Admin API's users list to need three
//! pages of 100.
//!
//! Everything is deterministic: same names, same emails, same keys on every start, so tests and
//! screenshots can name them. Keys come from a fixed SplitMix64 sequence (not `rand`'s StdRng,
//! whose output may change between versions).

mod generated;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// The main account. The value is the one in GoTo's published token example (**sure**). It
/// does not fit an i64, which is one reason account keys travel as strings.
pub const MAIN_ACCOUNT_KEY: &str = "9999982253621659654";
/// The second, small account.
pub const OTHER_ACCOUNT_KEY: &str = "9999971340268815237";

/// How many users the main account has, admin included.
pub(crate) const MAIN_ACCOUNT_USERS: usize = 250;

const MAIN_DOMAIN: &str = "solaris-logistica.example";
const OTHER_DOMAIN: &str = "northwind-traders.example";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganizerStatus {
    Active,
    Suspended,
}

impl OrganizerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrganizerStatus::Active => "active",
            OrganizerStatus::Suspended => "suspended",
        }
    }
}

/// One seeded GoTo user, with what `GET /organizers` shows of them plus the sandbox's own
/// facts (account, admin flag, locale).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedOrganizer {
    /// 19 digits, below `i64::MAX` (`/organizers` types it int64, **sure**).
    pub organizer_key: String,
    pub account_key: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub group_id: u64,
    pub group_name: String,
    pub status: OrganizerStatus,
    /// GoTo product codes: `G2M` (GoToMeeting), `G2W` (Webinar), `G2T` (Training), `G2A` (Assist).
    pub products: Vec<String>,
    pub max_attendees: u32,
    /// The account's admin service account: only its tokens may call `GET /organizers` and the
    /// Admin API (`adminRoles: ["SUPER_USER"]` there).
    pub admin: bool,
    /// As `upcomingMeetings` reports it, e.g. `es_ES`.
    pub locale: String,
    /// The Admin API's `timeZone`, an IANA name that fits the locale (e.g. `Europe/Madrid`).
    pub time_zone: String,
}

impl SeedOrganizer {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn has_g2m(&self) -> bool {
        self.products.iter().any(|p| p == "G2M")
    }

    /// Only active organizers holding G2M may be co-organizers or create meetings (**sure**).
    pub fn is_active_g2m(&self) -> bool {
        self.status == OrganizerStatus::Active && self.has_g2m()
    }
}

/// One account of the seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedAccount {
    pub account_key: String,
    pub name: String,
    /// What the legacy token response calls `account_type` (**sure**: "corporate").
    pub account_type: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// G2M only.
    Meeting,
    /// G2M and GoToWebinar.
    MeetingWebinar,
    /// Active but no G2M: may not be a co-organizer.
    WebinarOnly,
    TrainingOnly,
    AssistOnly,
}

impl Plan {
    fn products(self) -> Vec<String> {
        let codes: &[&str] = match self {
            Plan::Meeting => &["G2M"],
            Plan::MeetingWebinar => &["G2M", "G2W"],
            Plan::WebinarOnly => &["G2W"],
            Plan::TrainingOnly => &["G2T"],
            Plan::AssistOnly => &["G2A"],
        };
        codes.iter().map(|c| (*c).to_owned()).collect()
    }
}

const ACTIVE: OrganizerStatus = OrganizerStatus::Active;
const SUSPENDED: OrganizerStatus = OrganizerStatus::Suspended;

/// (first name, last name, group index, status, plan, locale)
type Person = (
    &'static str,
    &'static str,
    usize,
    OrganizerStatus,
    Plan,
    &'static str,
);

/// One person before keys and e-mail are given: hand-written (`Person`) or generated.
#[derive(Clone, Debug)]
pub(crate) struct PersonSpec {
    pub first_name: String,
    pub last_name: String,
    pub group: usize,
    pub status: OrganizerStatus,
    pub plan: Plan,
    pub locale: String,
}

impl PersonSpec {
    fn from_person(&(first, last, group, status, plan, locale): &Person) -> PersonSpec {
        PersonSpec {
            first_name: first.to_owned(),
            last_name: last.to_owned(),
            group,
            status,
            plan,
            locale: locale.to_owned(),
        }
    }
}

const MAIN_GROUPS: [(u64, &str); 7] = [
    (4_412_097_731, "Sistemas"),
    (4_412_097_748, "Dirección"),
    (4_412_097_752, "Ventas"),
    (4_412_097_769, "Operaciones y Logística"),
    (4_412_097_773, "Recursos Humanos"),
    (4_412_097_786, "Marketing"),
    (4_412_097_790, "Atención al Cliente"),
];

/// The admin comes first; the rest is the company.
const MAIN_PEOPLE: [Person; 66] = [
    ("Administración", "GoTo", 0, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "María de los Ángeles",
        "Fernández-Castañeda",
        1,
        ACTIVE,
        Plan::MeetingWebinar,
        "es_ES",
    ),
    (
        "José Luis",
        "Núñez Ibáñez",
        1,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Íñigo",
        "Urrutia Goikoetxea",
        2,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    ("Begoña", "Muñoz Peña", 2, ACTIVE, Plan::Meeting, "es_ES"),
    ("Nuria", "Castaño Rubio", 3, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "Alejandro",
        "Gómez Saldaña",
        2,
        ACTIVE,
        Plan::MeetingWebinar,
        "es_ES",
    ),
    (
        "Lucía",
        "Martínez Ordóñez",
        4,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Sofía",
        "Hernández Cañete",
        5,
        ACTIVE,
        Plan::MeetingWebinar,
        "es_ES",
    ),
    ("Javier", "López Ariño", 0, ACTIVE, Plan::Meeting, "es_ES"),
    ("Carmen", "Ruiz Montaño", 4, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "Álvaro",
        "Sánchez Villaseñor",
        3,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    ("Inés", "Díaz Ibarra", 6, ACTIVE, Plan::Meeting, "es_ES"),
    ("Andrés", "Pérez Cordón", 3, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "Mónica",
        "Jiménez Carreño",
        5,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Raúl",
        "Moreno Pizarro",
        2,
        SUSPENDED,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Ramón",
        "Álvarez Menéndez",
        3,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Rocío",
        "Romero Peñalver",
        6,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    ("Tomás", "Navarro Espín", 0, ACTIVE, Plan::Meeting, "es_ES"),
    ("Pilar", "Torres Aldana", 4, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "Jesús",
        "Domínguez Zúñiga",
        3,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    ("Ángela", "Vázquez Luna", 2, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "Sergio",
        "Ramos Cañizares",
        5,
        ACTIVE,
        Plan::WebinarOnly,
        "es_ES",
    ),
    (
        "Marta",
        "Gil Ballesteros",
        6,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    ("Adrián", "Serrano Marín", 0, ACTIVE, Plan::Meeting, "es_ES"),
    ("Elena", "Molina Yáñez", 1, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "Óscar",
        "Blanco Quiñones",
        3,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Cristina",
        "Suárez Benítez",
        2,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Rubén",
        "Ortega Bermúdez",
        6,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Paula",
        "Delgado Arévalo",
        5,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    ("Héctor", "Castro Sáez", 3, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "Natalia",
        "Ortiz Valbuena",
        4,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Joaquín",
        "Rubio Echeverría",
        1,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    ("Verónica", "Marín Solís", 2, ACTIVE, Plan::Meeting, "es_ES"),
    ("Gonzalo", "Sanz Galván", 3, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "Patricia",
        "Iglesias Ferrándiz",
        6,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Ignacio",
        "Medina Cortés",
        0,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Beatriz",
        "Garrido Nieto",
        4,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Fernando",
        "Cortés Bravo",
        2,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Susana",
        "Lozano Gallardo",
        6,
        SUSPENDED,
        Plan::Meeting,
        "es_ES",
    ),
    ("Agustín", "Peña Montes", 3, ACTIVE, Plan::Meeting, "es_ES"),
    (
        "María José",
        "Calvo de la Fuente",
        5,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Juan Pablo",
        "Herrera Oyarzún",
        2,
        ACTIVE,
        Plan::Meeting,
        "es_CL",
    ),
    (
        "Ana Belén",
        "Santana Quintero",
        6,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Francisco Javier",
        "Morales de Castro y Aragón",
        1,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Maximiliano",
        "Villalobos Santisteban",
        2,
        ACTIVE,
        Plan::Meeting,
        "es_AR",
    ),
    (
        "Maitane",
        "Etxeberria Agirre",
        3,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Xavier",
        "Puig i Ferrer",
        5,
        ACTIVE,
        Plan::TrainingOnly,
        "ca_ES",
    ),
    (
        "Nerea",
        "Ibarretxe Landa",
        4,
        ACTIVE,
        Plan::Meeting,
        "es_ES",
    ),
    (
        "Valentina",
        "Quispe Mamani",
        6,
        ACTIVE,
        Plan::Meeting,
        "es_PE",
    ),
    (
        "Camila",
        "Rodríguez Peña",
        2,
        ACTIVE,
        Plan::Meeting,
        "es_MX",
    ),
    (
        "Mateo",
        "González Araújo",
        3,
        ACTIVE,
        Plan::Meeting,
        "es_MX",
    ),
    (
        "Guadalupe",
        "Hernández Téllez",
        6,
        ACTIVE,
        Plan::Meeting,
        "es_MX",
    ),
    ("Oliver", "Thompson", 2, ACTIVE, Plan::Meeting, "en_GB"),
    ("Emily", "Clarke", 5, ACTIVE, Plan::MeetingWebinar, "en_GB"),
    ("James", "O'Brien", 0, ACTIVE, Plan::Meeting, "en_GB"),
    ("Siobhán", "O'Connor", 4, ACTIVE, Plan::Meeting, "en_GB"),
    (
        "Charlotte",
        "Whitaker-Hughes",
        1,
        ACTIVE,
        Plan::Meeting,
        "en_GB",
    ),
    ("William", "Harris", 3, ACTIVE, Plan::Meeting, "en_US"),
    ("Hannah", "Lewis", 6, ACTIVE, Plan::Meeting, "en_US"),
    ("Benjamin", "Walker", 2, SUSPENDED, Plan::Meeting, "en_US"),
    ("Chloë", "Fitzgerald", 5, ACTIVE, Plan::Meeting, "en_US"),
    ("Michael", "Anderson", 0, ACTIVE, Plan::AssistOnly, "en_US"),
    ("Sarah", "Mitchell", 6, ACTIVE, Plan::Meeting, "en_US"),
    ("Daniel", "Robinson", 3, ACTIVE, Plan::Meeting, "en_US"),
    ("Jessica", "Turner", 2, ACTIVE, Plan::Meeting, "en_US"),
];

const OTHER_GROUPS: [(u64, &str); 1] = [(7_203_558_104, "Consulting")];

const OTHER_PEOPLE: [Person; 3] = [
    ("Grace", "Whitfield", 0, ACTIVE, Plan::Meeting, "en_GB"),
    ("Thomas", "Okafor", 0, ACTIVE, Plan::Meeting, "en_GB"),
    ("Aisha", "Rahman", 0, ACTIVE, Plan::Meeting, "en_GB"),
];

/// The whole seed, built once per `Sandbox`.
#[derive(Clone, Debug)]
pub(crate) struct Seed {
    pub accounts: Vec<SeedAccount>,
    pub organizers: Vec<SeedOrganizer>,
}

impl Seed {
    pub fn build() -> Seed {
        let accounts = vec![
            SeedAccount {
                account_key: MAIN_ACCOUNT_KEY.to_owned(),
                name: "Solaris Logística S.L.".to_owned(),
                account_type: "corporate".to_owned(),
            },
            SeedAccount {
                account_key: OTHER_ACCOUNT_KEY.to_owned(),
                name: "Northwind Traders Ltd".to_owned(),
                account_type: "corporate".to_owned(),
            },
        ];
        let mut main: Vec<PersonSpec> = MAIN_PEOPLE.iter().map(PersonSpec::from_person).collect();
        let mut taken: HashSet<String> = main
            .iter()
            .map(|p| email_for(&p.first_name, &p.last_name, MAIN_DOMAIN))
            .collect();
        main.extend(generated::people(
            MAIN_ACCOUNT_USERS - MAIN_PEOPLE.len(),
            MAIN_GROUPS.len(),
            MAIN_DOMAIN,
            &mut taken,
        ));
        // The generated people take the keys that follow the hand-written ones in the same
        // sequence, so the first 66 keep theirs.
        let mut organizers = people(
            MAIN_ACCOUNT_KEY,
            MAIN_DOMAIN,
            &MAIN_GROUPS,
            &main,
            0x5eed_0001,
            250,
        );
        organizers[0].admin = true;
        // The admin is the brief's service account; its address says so.
        organizers[0].email = format!("goto-admin@{MAIN_DOMAIN}");
        let other: Vec<PersonSpec> = OTHER_PEOPLE.iter().map(PersonSpec::from_person).collect();
        organizers.extend(people(
            OTHER_ACCOUNT_KEY,
            OTHER_DOMAIN,
            &OTHER_GROUPS,
            &other,
            0x5eed_0002,
            150,
        ));
        Seed {
            accounts,
            organizers,
        }
    }

    pub fn organizer(&self, organizer_key: &str) -> Option<&SeedOrganizer> {
        self.organizers
            .iter()
            .find(|o| o.organizer_key == organizer_key)
    }

    pub fn by_email(&self, email: &str) -> Option<&SeedOrganizer> {
        let email = email.trim();
        self.organizers
            .iter()
            .find(|o| o.email.eq_ignore_ascii_case(email))
    }

    pub fn account(&self, account_key: &str) -> Option<&SeedAccount> {
        self.accounts.iter().find(|a| a.account_key == account_key)
    }
}

fn people(
    account_key: &str,
    domain: &str,
    groups: &[(u64, &str)],
    list: &[PersonSpec],
    key_seed: u64,
    max_attendees: u32,
) -> Vec<SeedOrganizer> {
    let mut keys = SplitMix64(key_seed);
    list.iter()
        .map(|p| SeedOrganizer {
            organizer_key: keys.organizer_key().to_string(),
            account_key: account_key.to_owned(),
            email: email_for(&p.first_name, &p.last_name, domain),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            group_id: groups[p.group].0,
            group_name: groups[p.group].1.to_owned(),
            status: p.status,
            products: p.plan.products(),
            max_attendees,
            admin: false,
            locale: p.locale.clone(),
            time_zone: time_zone_for(&p.locale).to_owned(),
        })
        .collect()
}

/// A time zone that fits the locale (**assumed**: the seed's choice; GoTo stores each user's own).
fn time_zone_for(locale: &str) -> &'static str {
    match locale {
        "es_MX" => "America/Mexico_City",
        "es_AR" => "America/Argentina/Buenos_Aires",
        "es_CL" => "America/Santiago",
        "es_PE" => "America/Lima",
        "en_GB" => "Europe/London",
        "en_US" => "America/New_York",
        _ => "Europe/Madrid",
    }
}

/// A licence key (digits) for an account's product: fixed per account and product code, so the
/// Admin API's `licenseKeys` never change between starts (**assumed** form).
pub(crate) fn license_key(account_key: &str, product: &str) -> String {
    // FNV-1a of "account/product" seeds the same SplitMix64 the keys use.
    let hash = format!("{account_key}/{product}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    SplitMix64(hash).organizer_key().to_string()
}

/// `María de los Ángeles` + `Fernández-Castañeda` → `maria.fernandez-castaneda@domain`:
/// the first given name and the whole surname, folded to ASCII as mail systems do.
pub(crate) fn email_for(first_name: &str, last_name: &str, domain: &str) -> String {
    let first = first_name.split_whitespace().next().unwrap_or(first_name);
    let local = format!("{}.{}", fold(first), fold(last_name).replace(' ', "."));
    format!("{local}@{domain}")
}

fn fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let folded = match c {
                'á' | 'à' | 'Á' | 'À' => 'a',
                'é' | 'è' | 'ë' | 'É' | 'È' => 'e',
                'í' | 'ï' | 'Í' => 'i',
                'ó' | 'ò' | 'Ó' => 'o',
                'ú' | 'ü' | 'Ú' | 'Ü' => 'u',
                'ñ' | 'Ñ' => 'n',
                'ç' | 'Ç' => 'c',
                '\'' => return None,
                other => other.to_ascii_lowercase(),
            };
            Some(folded)
        })
        .collect()
}

/// A tiny, fixed pseudo-random sequence (SplitMix64), so keys never change between builds.
pub(crate) struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 19 digits, between 10^18 and 9·10^18, so it fits GoTo's int64 `organizerKey`.
    fn organizer_key(&mut self) -> u64 {
        1_000_000_000_000_000_000 + self.next() % 8_000_000_000_000_000_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_seed_is_the_same_every_time() {
        let seed = Seed::build();
        assert_eq!(seed.organizers, Seed::build().organizers);
        // Pinned: tests, docs and screenshots elsewhere name these keys.
        assert_eq!(seed.organizers[0].organizer_key, "1230101071268130872");
        assert_eq!(
            seed.organizers[0].email,
            "goto-admin@solaris-logistica.example"
        );
        assert_eq!(seed.organizers[1].organizer_key, "8861643767604601036");
        let grace = seed
            .by_email("grace.whitfield@northwind-traders.example")
            .unwrap();
        assert_eq!(grace.organizer_key, "3107460677251254577");
    }

    #[test]
    fn the_main_account_looks_like_a_company() {
        let seed = Seed::build();
        let main: Vec<_> = seed
            .organizers
            .iter()
            .filter(|o| o.account_key == MAIN_ACCOUNT_KEY)
            .collect();
        assert_eq!(main.len(), MAIN_ACCOUNT_USERS);
        assert_eq!(seed.organizers.iter().filter(|o| o.admin).count(), 1);
        let suspended = main.iter().filter(|o| o.status == SUSPENDED).count();
        assert!((12..=20).contains(&suspended), "{suspended}");
        let without_g2m = main.iter().filter(|o| !o.has_g2m()).count();
        assert!((20..=30).contains(&without_g2m), "{without_g2m}");
        assert!(
            main.iter()
                .filter(|o| o.status == ACTIVE && !o.has_g2m())
                .count()
                >= 3
        );
        assert!(main
            .iter()
            .any(|o| o.full_name() == "María de los Ángeles Fernández-Castañeda"));
        assert_eq!(
            seed.organizers
                .iter()
                .filter(|o| o.account_key == OTHER_ACCOUNT_KEY)
                .count(),
            3
        );
    }

    #[test]
    fn keys_and_emails_are_unique_and_well_formed() {
        let seed = Seed::build();
        let keys: HashSet<_> = seed.organizers.iter().map(|o| &o.organizer_key).collect();
        let emails: HashSet<_> = seed.organizers.iter().map(|o| &o.email).collect();
        assert_eq!(keys.len(), seed.organizers.len());
        assert_eq!(emails.len(), seed.organizers.len());
        for o in &seed.organizers {
            assert_eq!(o.organizer_key.len(), 19);
            assert!(o.organizer_key.parse::<i64>().is_ok());
            assert!(o.email.is_ascii() && !o.email.contains(' '), "{}", o.email);
        }
        assert_eq!(
            seed.organizers[1].email,
            "maria.fernandez-castaneda@solaris-logistica.example"
        );
    }

    #[test]
    fn the_first_66_are_the_hand_written_ones_in_order() {
        let seed = Seed::build();
        for (n, person) in MAIN_PEOPLE.iter().enumerate().skip(1) {
            assert_eq!(seed.organizers[n].first_name, person.0);
            assert_eq!(seed.organizers[n].last_name, person.1);
        }
        // Pinned examples from the README.
        let sergio = seed
            .by_email("sergio.ramos.canizares@solaris-logistica.example")
            .unwrap();
        assert_eq!(sergio.products, vec!["G2W"]);
        let xavier = seed
            .by_email("xavier.puig.i.ferrer@solaris-logistica.example")
            .unwrap();
        assert_eq!(xavier.products, vec!["G2T"]);
        assert_eq!(
            seed.by_email("jose.nunez.ibanez@solaris-logistica.example")
                .unwrap()
                .organizer_key,
            "1447366613921678455"
        );
        assert_eq!(
            seed.by_email("inigo.urrutia.goikoetxea@solaris-logistica.example")
                .unwrap()
                .organizer_key,
            "4342784234598768517"
        );
    }

    #[test]
    fn license_keys_are_digits_and_differ_by_product() {
        let g2m = license_key(MAIN_ACCOUNT_KEY, "G2M");
        assert!(g2m.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(g2m, license_key(MAIN_ACCOUNT_KEY, "G2M"));
        assert_ne!(g2m, license_key(MAIN_ACCOUNT_KEY, "G2W"));
        assert_ne!(g2m, license_key(OTHER_ACCOUNT_KEY, "G2M"));
    }
}
