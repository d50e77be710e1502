//! Who goes first when several calls wait for room in the GoTo budget: whoever has used the
//! least of it in the last minute, and sign-ins and token refreshes before anyone. Without
//! it, a burst of one person's (or fifty people's) calls takes every slot as it frees, and a
//! person arriving during the burst waits it out and is refused: with it, their first call is
//! next in line. A person's share is also capped, so one person cannot take the whole minute
//! even when nobody else is waiting.
//!
//! The line is kept per replica: with Redis the minute's budget and each person's share are
//! counted there (`redis.rs`), and who goes first is decided on each replica among its own
//! waiters.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a waiting call is: a sign-in or token refresh (always first), or one person's call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Caller {
    TokenCall,
    Person(u64),
}

const MINUTE: Duration = Duration::from_secs(60);

#[derive(Default)]
struct State {
    next_ticket: u64,
    /// (calls used in the last minute, or 0 for token calls; arrival order).
    waiting: BTreeSet<(usize, u64)>,
    /// Each person's calls in the last minute.
    used: HashMap<u64, VecDeque<Instant>>,
}

pub struct FairQueue {
    state: Mutex<State>,
    pub turn_changed: tokio::sync::Notify,
    /// Calls one person may make in any minute (`MEETINGS_GOTO_CALLS_PER_PERSON_PER_MINUTE`).
    pub per_person: usize,
}

/// A place in the queue, given back when the call goes or gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    key: (usize, u64),
    caller: Caller,
}

impl FairQueue {
    pub fn new(per_person: usize) -> FairQueue {
        FairQueue {
            state: Mutex::new(State::default()),
            turn_changed: tokio::sync::Notify::new(),
            per_person,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn used(state: &mut State, person: u64, now: Instant) -> usize {
        let Some(calls) = state.used.get_mut(&person) else {
            return 0;
        };
        while calls
            .front()
            .is_some_and(|t| now.duration_since(*t) >= MINUTE)
        {
            calls.pop_front();
        }
        let count = calls.len();
        if count == 0 {
            state.used.remove(&person);
        }
        count
    }

    /// Joins the queue (or, called again with the ticket, refreshes its place as the person's
    /// older calls age out).
    pub fn join(&self, caller: Caller, previous: Option<Ticket>, now: Instant) -> Ticket {
        let mut state = self.lock();
        let first_before = state.waiting.first().copied();
        let seq = match previous {
            Some(ticket) => {
                state.waiting.remove(&ticket.key);
                ticket.key.1
            }
            None => {
                state.next_ticket += 1;
                state.next_ticket
            }
        };
        let priority = match caller {
            Caller::TokenCall => 0,
            Caller::Person(person) => 1 + Self::used(&mut state, person, now),
        };
        let key = (priority, seq);
        state.waiting.insert(key);
        // A place that moved back (the person's other calls went meanwhile) may hand the turn
        // to someone waiting to be told.
        let changed = previous.is_some() && state.waiting.first().copied() != first_before;
        drop(state);
        if changed {
            self.turn_changed.notify_waiters();
        }
        Ticket { key, caller }
    }

    /// Whether this ticket is first in line.
    pub fn is_first(&self, ticket: &Ticket) -> bool {
        self.lock().waiting.first() == Some(&ticket.key)
    }

    /// How long until this person may call again under their own share (zero if now).
    pub fn share_wait(&self, caller: Caller, now: Instant) -> Duration {
        let Caller::Person(person) = caller else {
            return Duration::ZERO;
        };
        let mut state = self.lock();
        if Self::used(&mut state, person, now) < self.per_person {
            return Duration::ZERO;
        }
        let oldest = state.used[&person][state.used[&person].len() - self.per_person];
        (oldest + MINUTE).saturating_duration_since(now)
    }

    /// The call went: leave the queue and count it.
    pub fn went(&self, ticket: Ticket, now: Instant) {
        let mut state = self.lock();
        state.waiting.remove(&ticket.key);
        if let Caller::Person(person) = ticket.caller {
            state.used.entry(person).or_default().push_back(now);
        }
        drop(state);
        self.turn_changed.notify_waiters();
    }

    /// The call gave up (over budget, or its request was dropped).
    pub fn left(&self, ticket: Ticket) {
        self.lock().waiting.remove(&ticket.key);
        self.turn_changed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_served_goes_first_and_token_calls_before_anyone() {
        let queue = FairQueue::new(100);
        let now = Instant::now();
        // Person 1 has made three calls this minute; person 2 none.
        for _ in 0..3 {
            let t = queue.join(Caller::Person(1), None, now);
            queue.went(t, now);
        }
        let busy = queue.join(Caller::Person(1), None, now);
        let newcomer = queue.join(Caller::Person(2), None, now);
        assert!(queue.is_first(&newcomer) && !queue.is_first(&busy));
        let refresh = queue.join(Caller::TokenCall, None, now);
        assert!(queue.is_first(&refresh));
        queue.went(refresh, now);
        queue.went(newcomer, now);
        assert!(queue.is_first(&busy));
        // A minute later person 1's calls have aged out: their place improves on rejoining.
        let later = now + MINUTE;
        let other = queue.join(Caller::Person(3), None, later);
        let busy = queue.join(Caller::Person(1), Some(busy), later);
        assert!(queue.is_first(&busy), "same use (none), earlier arrival");
        queue.left(busy);
        assert!(queue.is_first(&other));
    }

    #[test]
    fn a_person_beyond_their_share_waits_for_their_oldest_call_to_age_out() {
        let queue = FairQueue::new(2);
        let now = Instant::now();
        let me = Caller::Person(7);
        for i in 0..2 {
            let t = queue.join(me, None, now + Duration::from_secs(i));
            queue.went(t, now + Duration::from_secs(i));
        }
        assert_eq!(
            queue.share_wait(me, now + Duration::from_secs(10)),
            Duration::from_secs(50)
        );
        assert_eq!(queue.share_wait(Caller::Person(8), now), Duration::ZERO);
        assert_eq!(queue.share_wait(Caller::TokenCall, now), Duration::ZERO);
    }
}
