//! Every word the app shows, in English and Spanish, in one place and keyed. Validation
//! messages are not here: they come from the contract crate (`Problem::message`), so the form
//! says exactly what the backend would answer.

use meeting::Lang;

use crate::api_failure::ApiFailure;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    ProductName,
    Loading,
    SignOut,
    SigningOut,
    SignOutFailed,
    ConnectTitle,
    ConnectLead,
    ConnectFirst,
    ConnectFirstLead,
    ConnectButton,
    SignedOutTitle,
    SignedOutLead,
    ExpiredTitle,
    ExpiredLead,
    ServiceUnreachable,
    TryAgain,
    CreateTitle,
    CreateLead,
    Topic,
    TopicHint,
    When,
    Date,
    Start,
    End,
    RequirePassword,
    RequirePasswordHint,
    CoorganizersLegend,
    CoorganizerSearch,
    CoorganizersLoading,
    CoorganizersFailed,
    CoorganizersNone,
    CoorganizersNoMatch,
    CoorganizersChosen,
    CoorganizerResults,
    Schedule,
    Scheduling,
    CheckFields,
    CreatedHeading,
    JoinLink,
    CopyLink,
    Copied,
    CopyFailed,
    ViewDetails,
    ScheduleAnother,
    AddToCalendar,
    DetailsTitle,
    DateLabel,
    StartsLabel,
    EndsLabel,
    TimeZoneLabel,
    DurationLabel,
    MeetingIdLabel,
    DialInLabel,
    PasswordRequiredLabel,
    PasswordRequiredNote,
    Yes,
    No,
    CoorganizersLabel,
    NoCoorganizers,
    NotFoundTitle,
    NotFoundPage,
    NotFoundMeeting,
    BackHome,
    MeetingLoadFailed,
    LanguageLabel,
    PopupBlocked,
    OpenSignIn,
    PopupWaiting,
    PopupNotConnected,
    StorageAccessNeeded,
    AllowStorageAccess,
    StorageAccessRefused,
    OpenAppInNewTab,
    NoLicenceTitle,
    NoLicenceLead,
    SwitchAccount,
    MyMeetings,
    MyMeetingsTitle,
    MyMeetingsLead,
    NoMeetings,
    MeetingsLoadFailed,
    CoorganizersUnknown,
    ChangeMeeting,
    ChangeTitle,
    SaveChanges,
    Saving,
    ChangesSaved,
    CancelMeeting,
    ConfirmCancel,
    KeepMeeting,
    Cancelling,
    StartMeeting,
    Starting,
    StartBlocked,
    OpenInGoTo,
    CoorganizerNote,
    ViewerNote,
    NotOrganizerTitle,
    BackToMeeting,
}

pub fn text(lang: Lang, key: Key) -> &'static str {
    match lang {
        Lang::En => english(key),
        Lang::Es => spanish(key),
    }
}

fn english(key: Key) -> &'static str {
    use Key::*;
    match key {
        ProductName => "Meeting scheduler",
        Loading => "Loading…",
        SignOut => "Sign out",
        SigningOut => "Signing out…",
        SignOutFailed => "Signing out did not work. Check your connection and try again.",
        ConnectTitle => "Schedule GoToMeetings",
        ConnectLead => "Connect your GoToMeeting account to schedule meetings, invite co-organizers and share the join link. You sign in on GoTo's own page; this app never sees your GoTo password.",
        ConnectButton => "Connect GoToMeeting",
        ConnectFirst => "First, connect GoToMeeting",
        ConnectFirstLead => "You sign in on GoTo's own page; this app never sees your GoTo password.",
        SignedOutTitle => "You are signed out",
        SignedOutLead => "Your GoToMeeting account is no longer connected in this browser. Connect again to schedule more meetings.",
        ExpiredTitle => "Connect again to continue",
        ExpiredLead => "Your GoToMeeting connection has ended. Connect again: everything you typed is kept and will be back here.",
        ServiceUnreachable => "The meeting service cannot be reached right now. Check your connection, then try again.",
        TryAgain => "Try again",
        CreateTitle => "Schedule a meeting",
        CreateLead => "Choose a day and time, and add co-organizers if you like. The meeting is made in your GoToMeeting account, and you get its link to share.",
        Topic => "Topic",
        TopicHint => "Up to 100 characters.",
        When => "When",
        Date => "Date",
        Start => "Starts",
        End => "Ends",
        RequirePassword => "Require a meeting password",
        RequirePasswordHint => "GoTo asks you to choose the password when you start the meeting. GoTo does not send it to your attendees: share it with them yourself.",
        CoorganizersLegend => "Co-organizers (optional)",
        CoorganizerSearch => "Find people by name or email",
        CoorganizersLoading => "Looking for organizers…",
        CoorganizersFailed => "The list of organizers could not be loaded.",
        CoorganizersNone => "No other GoToMeeting organizers in this account.",
        CoorganizersNoMatch => "No organizer matches this search.",
        CoorganizersChosen => "Chosen co-organizers",
        CoorganizerResults => "Matching organizers",
        Schedule => "Schedule meeting",
        Scheduling => "Scheduling…",
        CheckFields => "Some details need a fix: see the messages next to the fields.",
        CreatedHeading => "Meeting scheduled",
        JoinLink => "Join link",
        CopyLink => "Copy link",
        Copied => "Copied",
        CopyFailed => "Copying is not available here: press and hold the link to copy it.",
        ViewDetails => "View details",
        ScheduleAnother => "Schedule another meeting",
        AddToCalendar => "Add to calendar",
        DetailsTitle => "Meeting details",
        DateLabel => "Date",
        StartsLabel => "Starts",
        EndsLabel => "Ends",
        TimeZoneLabel => "Time zone",
        DurationLabel => "Duration",
        MeetingIdLabel => "Meeting ID",
        DialInLabel => "Dial in",
        PasswordRequiredLabel => "Password required",
        PasswordRequiredNote => "You choose it in GoTo when you start the meeting. GoTo does not send it: share it with your attendees yourself.",
        Yes => "Yes",
        No => "No",
        CoorganizersLabel => "Co-organizers",
        NoCoorganizers => "None",
        NotFoundTitle => "Not found",
        NotFoundPage => "There is no page at this address.",
        NotFoundMeeting => "There is no meeting with this ID in your account. Check the link, or schedule a new meeting.",
        BackHome => "Schedule a meeting",
        MeetingLoadFailed => "The meeting could not be loaded.",
        LanguageLabel => "Language",
        PopupBlocked => "Your browser blocked GoTo's sign-in window. Open it in a new tab, and come back here when you are done:",
        OpenSignIn => "Open GoTo sign-in",
        PopupWaiting => "Finish signing in in the GoTo window. What you typed is still here.",
        PopupNotConnected => "GoToMeeting was not connected. You can try again.",
        StorageAccessNeeded => "You are signed in to GoTo, but your browser keeps this app from using that sign-in inside the portal until you allow it. Tap the button, then say yes when your browser asks.",
        AllowStorageAccess => "Allow and continue",
        StorageAccessRefused => "Your browser did not allow it. Open the app in a new tab, where you are already signed in; after that, you can come back here and allow it again.",
        OpenAppInNewTab => "Open the app in a new tab",
        NoLicenceTitle => "Your GoTo account has no GoToMeeting licence",
        NoLicenceLead => "So you cannot schedule meetings here. Ask your GoTo administrator to assign you a GoToMeeting licence.",
        SwitchAccount => "Sign out to use another account",
        MyMeetings => "My meetings",
        MyMeetingsTitle => "Your upcoming meetings",
        MyMeetingsLead => "Every meeting you scheduled that has not ended yet, in your time zone.",
        NoMeetings => "You have no upcoming meetings.",
        MeetingsLoadFailed => "Your meetings could not be loaded.",
        CoorganizersUnknown => "Co-organizers: open the meeting to see them.",
        ChangeMeeting => "Change",
        ChangeTitle => "Change meeting",
        SaveChanges => "Save changes",
        Saving => "Saving…",
        ChangesSaved => "Changes saved.",
        CancelMeeting => "Cancel meeting",
        ConfirmCancel => "Yes, cancel it",
        KeepMeeting => "No, keep it",
        Cancelling => "Cancelling…",
        StartMeeting => "Start meeting",
        Starting => "Starting…",
        StartBlocked => "Your browser blocked the GoTo window. Open it from here:",
        OpenInGoTo => "Start in GoTo",
        CoorganizerNote => "You are a co-organizer of this meeting: you can start it. Only the person who scheduled it can change or cancel it.",
        ViewerNote => "Only the person who scheduled this meeting can change or cancel it.",
        NotOrganizerTitle => "You cannot change this meeting",
        BackToMeeting => "Back to the meeting",
    }
}

fn spanish(key: Key) -> &'static str {
    use Key::*;
    match key {
        ProductName => "Programador de reuniones",
        Loading => "Cargando…",
        SignOut => "Cerrar sesión",
        SigningOut => "Cerrando sesión…",
        SignOutFailed => "No se pudo cerrar la sesión. Comprueba tu conexión y vuelve a intentarlo.",
        ConnectTitle => "Programa reuniones de GoToMeeting",
        ConnectLead => "Conecta tu cuenta de GoToMeeting para programar reuniones, invitar a coorganizadores y compartir el enlace para unirse. Inicias sesión en la propia página de GoTo; esta aplicación nunca ve tu contraseña de GoTo.",
        ConnectButton => "Conectar GoToMeeting",
        ConnectFirst => "Primero, conecta GoToMeeting",
        ConnectFirstLead => "Inicias sesión en la propia página de GoTo; esta aplicación nunca ve tu contraseña de GoTo.",
        SignedOutTitle => "Has cerrado la sesión",
        SignedOutLead => "Tu cuenta de GoToMeeting ya no está conectada en este navegador. Vuelve a conectarla para programar más reuniones.",
        ExpiredTitle => "Vuelve a conectar para continuar",
        ExpiredLead => "Tu conexión con GoToMeeting ha terminado. Vuelve a conectar: todo lo que escribiste se conserva y estará aquí.",
        ServiceUnreachable => "Ahora mismo no se puede acceder al servicio de reuniones. Comprueba tu conexión y vuelve a intentarlo.",
        TryAgain => "Reintentar",
        CreateTitle => "Programar una reunión",
        CreateLead => "Elige el día y la hora y, si quieres, añade coorganizadores. La reunión se crea en tu cuenta de GoToMeeting y recibes su enlace para compartirlo.",
        Topic => "Tema",
        TopicHint => "Hasta 100 caracteres.",
        When => "Cuándo",
        Date => "Fecha",
        Start => "Empieza",
        End => "Termina",
        RequirePassword => "Pedir contraseña para unirse",
        RequirePasswordHint => "GoTo te pedirá que elijas la contraseña cuando inicies la reunión. GoTo no se la envía a los asistentes: compártela tú con ellos.",
        CoorganizersLegend => "Coorganizadores (opcional)",
        CoorganizerSearch => "Busca personas por nombre o correo",
        CoorganizersLoading => "Buscando organizadores…",
        CoorganizersFailed => "No se pudo cargar la lista de organizadores.",
        CoorganizersNone => "No hay otros organizadores de GoToMeeting en esta cuenta.",
        CoorganizersNoMatch => "Ningún organizador coincide con la búsqueda.",
        CoorganizersChosen => "Coorganizadores elegidos",
        CoorganizerResults => "Organizadores que coinciden",
        Schedule => "Programar reunión",
        Scheduling => "Programando…",
        CheckFields => "Hay datos que corregir: mira los mensajes junto a los campos.",
        CreatedHeading => "Reunión programada",
        JoinLink => "Enlace para unirse",
        CopyLink => "Copiar enlace",
        Copied => "Copiado",
        CopyFailed => "Aquí no se puede copiar: mantén pulsado el enlace para copiarlo.",
        ViewDetails => "Ver detalles",
        ScheduleAnother => "Programar otra reunión",
        AddToCalendar => "Añadir al calendario",
        DetailsTitle => "Detalles de la reunión",
        DateLabel => "Fecha",
        StartsLabel => "Empieza",
        EndsLabel => "Termina",
        TimeZoneLabel => "Zona horaria",
        DurationLabel => "Duración",
        MeetingIdLabel => "ID de la reunión",
        DialInLabel => "Llamar por teléfono",
        PasswordRequiredLabel => "Requiere contraseña",
        PasswordRequiredNote => "La eliges en GoTo cuando inicies la reunión. GoTo no la envía: compártela tú con los asistentes.",
        Yes => "Sí",
        No => "No",
        CoorganizersLabel => "Coorganizadores",
        NoCoorganizers => "Ninguno",
        NotFoundTitle => "No encontrado",
        NotFoundPage => "No hay ninguna página en esta dirección.",
        NotFoundMeeting => "No hay ninguna reunión con este ID en tu cuenta. Comprueba el enlace o programa una reunión nueva.",
        BackHome => "Programar una reunión",
        MeetingLoadFailed => "No se pudo cargar la reunión.",
        LanguageLabel => "Idioma",
        PopupBlocked => "El navegador ha bloqueado la ventana de inicio de sesión de GoTo. Ábrela en una pestaña nueva y vuelve aquí al terminar:",
        OpenSignIn => "Abrir el inicio de sesión de GoTo",
        PopupWaiting => "Termina de iniciar sesión en la ventana de GoTo. Lo que escribiste sigue aquí.",
        PopupNotConnected => "GoToMeeting no se conectó. Puedes volver a intentarlo.",
        StorageAccessNeeded => "Has iniciado sesión en GoTo, pero tu navegador no deja que esta aplicación use ese inicio de sesión dentro del portal hasta que lo permitas. Pulsa el botón y acepta cuando el navegador te pregunte.",
        AllowStorageAccess => "Permitir y continuar",
        StorageAccessRefused => "El navegador no lo ha permitido. Abre la aplicación en una pestaña nueva, donde ya has iniciado sesión; después puedes volver aquí y permitirlo de nuevo.",
        OpenAppInNewTab => "Abrir la aplicación en una pestaña nueva",
        NoLicenceTitle => "Tu cuenta de GoTo no tiene licencia de GoToMeeting",
        NoLicenceLead => "Por eso no puedes programar reuniones aquí. Pide a tu administrador de GoTo que te asigne una licencia de GoToMeeting.",
        SwitchAccount => "Cerrar sesión para usar otra cuenta",
        MyMeetings => "Mis reuniones",
        MyMeetingsTitle => "Tus próximas reuniones",
        MyMeetingsLead => "Todas las reuniones que programaste y que aún no han terminado, en tu zona horaria.",
        NoMeetings => "No tienes reuniones próximas.",
        MeetingsLoadFailed => "No se pudieron cargar tus reuniones.",
        CoorganizersUnknown => "Coorganizadores: abre la reunión para verlos.",
        ChangeMeeting => "Cambiar",
        ChangeTitle => "Cambiar la reunión",
        SaveChanges => "Guardar cambios",
        Saving => "Guardando…",
        ChangesSaved => "Cambios guardados.",
        CancelMeeting => "Cancelar reunión",
        ConfirmCancel => "Sí, cancelarla",
        KeepMeeting => "No, mantenerla",
        Cancelling => "Cancelando…",
        StartMeeting => "Iniciar reunión",
        Starting => "Iniciando…",
        StartBlocked => "El navegador ha bloqueado la ventana de GoTo. Ábrela desde aquí:",
        OpenInGoTo => "Iniciar en GoTo",
        CoorganizerNote => "Eres coorganizador de esta reunión: puedes iniciarla. Solo quien la programó puede cambiarla o cancelarla.",
        ViewerNote => "Solo quien programó esta reunión puede cambiarla o cancelarla.",
        NotOrganizerTitle => "No puedes cambiar esta reunión",
        BackToMeeting => "Volver a la reunión",
    }
}

/// Which GoTo account is signed in, so the person can tell whether it is the one they meant.
pub fn signed_in_as(lang: Lang, email: &str) -> String {
    match lang {
        Lang::En => format!("Signed in as {email}."),
        Lang::Es => format!("Has iniciado sesión como {email}."),
    }
}

/// "Weekly sync" is scheduled.
pub fn created_title(lang: Lang, subject: &str) -> String {
    match lang {
        Lang::En => format!("“{subject}” is scheduled"),
        Lang::Es => format!("«{subject}» está programada"),
    }
}

/// When a meeting starts, as one sentence.
pub fn starts_on(lang: Lang, date: &str, time: &str, zone: &str) -> String {
    match lang {
        Lang::En => format!("Starts {date} at {time} ({zone})."),
        Lang::Es => format!("Empieza el {date} a las {time} ({zone})."),
    }
}

pub fn ends_next_day(lang: Lang, time: &str) -> String {
    match lang {
        Lang::En => format!("Ends the next day at {time}."),
        Lang::Es => format!("Termina al día siguiente a las {time}."),
    }
}

/// `00:30, Wednesday, 3 December 2025`: a time on another day than the start.
pub fn time_on_date(_lang: Lang, time: &str, date: &str) -> String {
    format!("{time}, {date}")
}

/// For a time in the hour that happens twice when the clocks go back.
pub fn repeated_hour(lang: Lang, offset: &str) -> String {
    match lang {
        Lang::En => format!("The clocks go back that night, so this time happens twice: the first one ({offset}) is used."),
        Lang::Es => format!("Esa noche se atrasan los relojes, así que esta hora ocurre dos veces: se usa la primera ({offset})."),
    }
}

pub fn times_in_zone(lang: Lang, zone: &str) -> String {
    match lang {
        Lang::En => format!("Times are in {zone}."),
        Lang::Es => format!("Las horas están en {zone}."),
    }
}

/// `Europe/Madrid, UTC+01:00`.
pub fn zone_label(_lang: Lang, name: Option<&str>, offset: &str) -> String {
    match name {
        Some(name) => format!("{name}, {offset}"),
        None => offset.to_owned(),
    }
}

pub fn duration(lang: Lang, minutes: i64) -> String {
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let unit = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let ((hour, hours_word), (minute, minutes_word)) = match lang {
        Lang::En => (("hour", "hours"), ("minute", "minutes")),
        Lang::Es => (("hora", "horas"), ("minuto", "minutos")),
    };
    match (hours, minutes) {
        (0, m) => unit(m, minute, minutes_word),
        (h, 0) => unit(h, hour, hours_word),
        (h, m) => format!(
            "{} {}",
            unit(h, hour, hours_word),
            unit(m, minute, minutes_word)
        ),
    }
}

/// The accessible name of a chip's remove button.
pub fn remove_person(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Remove {name}"),
        Lang::Es => format!("Quitar a {name}"),
    }
}

/// How many people the co-organizer search offers, for the live region.
pub fn people_found(lang: Lang, count: usize) -> String {
    match (lang, count) {
        (Lang::En, 1) => "1 person found.".to_owned(),
        (Lang::En, n) => format!("{n} people found."),
        (Lang::Es, 1) => "1 persona encontrada.".to_owned(),
        (Lang::Es, n) => format!("{n} personas encontradas."),
    }
}

/// Said (and shown) once the contract's limit of co-organizers is reached.
pub fn coorganizers_at_limit(lang: Lang, max: usize) -> String {
    match lang {
        Lang::En => format!("{max} co-organizers chosen, the most a meeting can have. Remove one to add someone else."),
        Lang::Es => format!("Has elegido {max} coorganizadores, el máximo de una reunión. Quita uno para añadir a otra persona."),
    }
}

pub fn organizer_label(_lang: Lang, name: &str, email: &str) -> String {
    format!("{name} — {email}")
}

/// "With Ana Pérez and Jon Ibarra": a meeting's co-organizers on one line of the list.
pub fn with_people(lang: Lang, names: &[String]) -> String {
    let and = match lang {
        Lang::En => " and ",
        Lang::Es => " y ",
    };
    let list = match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    };
    match lang {
        Lang::En => format!("With {list}"),
        Lang::Es => format!("Con {list}"),
    }
}

/// The question before a meeting is cancelled: which meeting, and when.
pub fn cancel_question(lang: Lang, subject: &str, date: &str, time: &str) -> String {
    match lang {
        Lang::En => format!("Cancel “{subject}” on {date} at {time}? It is removed from GoToMeeting and its join link stops working."),
        Lang::Es => format!("¿Cancelar «{subject}» del {date} a las {time}? Se elimina de GoToMeeting y su enlace deja de funcionar."),
    }
}

pub fn cancelled(lang: Lang, subject: &str) -> String {
    match lang {
        Lang::En => format!("“{subject}” is cancelled."),
        Lang::Es => format!("«{subject}» está cancelada."),
    }
}

/// What to tell the person when a request failed, and what to do about it.
pub fn failure(lang: Lang, failure: &ApiFailure) -> String {
    let es = lang == Lang::Es;
    let kept = if es {
        "Todo lo que escribiste se conserva."
    } else {
        "Everything you typed is kept."
    };
    let try_soon = if es {
        "Vuelve a intentarlo en un momento."
    } else {
        "Try again in a moment."
    };
    let mut message = match failure {
        ApiFailure::Unreachable if es => format!("No se pudo acceder al servicio de reuniones. Comprueba tu conexión y vuelve a intentarlo. {kept}"),
        ApiFailure::Unreachable => {
            format!("The meeting service could not be reached. Check your connection and try again. {kept}")
        }
        ApiFailure::SignedOut => text(lang, Key::ExpiredLead).to_owned(),
        ApiFailure::NotFound => text(lang, Key::NotFoundPage).to_owned(),
        ApiFailure::Rejected(error) => error.message.clone(),
        // The backend says how long to wait (its `Retry-After`, in words) and that nothing was
        // lost: shown as it is.
        ApiFailure::Failed {
            status: 429,
            error: Some(error),
        } => error.message.clone(),
        ApiFailure::Failed { status: 429, .. } if es => format!("Ahora mismo se están programando demasiadas reuniones. Espera un minuto y vuelve a intentarlo. {kept}"),
        ApiFailure::Failed { status: 429, .. } => {
            format!("Too many meetings are being scheduled right now. Wait a minute, then try again. {kept}")
        }
        ApiFailure::Failed {
            error: Some(error), ..
        } => format!("{} {try_soon} {kept}", error.message),
        ApiFailure::Failed { status, .. } if es => format!(
            "El servicio de reuniones tuvo un problema (error {status}). {try_soon} {kept}"
        ),
        ApiFailure::Failed { status, .. } => {
            format!("The meeting service had a problem (error {status}). {try_soon} {kept}")
        }
    };
    if let Some(reference) = reference(lang, failure) {
        message.push(' ');
        message.push_str(&reference);
    }
    message
}

/// The backend's request id, for whoever the person asks for help.
pub fn reference(lang: Lang, failure: &ApiFailure) -> Option<String> {
    let word = match lang {
        Lang::En => "Reference",
        Lang::Es => "Referencia",
    };
    failure.request_id().map(|id| format!("{word}: {id}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Lang::En, 30), "30 minutes");
        assert_eq!(duration(Lang::En, 60), "1 hour");
        assert_eq!(duration(Lang::En, 90), "1 hour 30 minutes");
        assert_eq!(duration(Lang::En, 1441), "24 hours 1 minute");
        assert_eq!(duration(Lang::Es, 90), "1 hora 30 minutos");
        assert_eq!(duration(Lang::Es, 1), "1 minuto");
    }

    /// The static shell paints these words before the wasm arrives; the app must paint the
    /// very same ones in their place (the Spanish are `server/src/shell.rs`' to keep equal,
    /// which `tests/e2e_first_paint.rs` checks in a browser).
    #[test]
    fn the_shell_paints_the_apps_own_words() {
        let shell = include_str!("../index.html");
        for key in [
            Key::ProductName,
            Key::MyMeetings,
            Key::Loading,
            Key::CreateTitle,
            Key::CreateLead,
        ] {
            let words = text(Lang::En, key);
            assert!(
                shell.contains(&format!(">{words}<")),
                "index.html lacks {words:?}"
            );
        }
    }
}
