//! The deployment's budget of calls to GoTo: at most 100 in any rolling minute (the brief's
//! setting) and 10 in any second (GoTo's own limit).
//!
//! A sliding log of call times, not a token bucket: a bucket of 100 refilling at 100/minute
//! lets almost 200 calls through in one minute after an idle spell, which the brief's
//! "100 requests per 1 minute" forbids. A call over budget waits for a slot, up to a bound;
//! past that the caller answers 429 with `Retry-After`.
//!
//! One replica keeps the log in memory. Several replicas (Redis store) share one log in Redis
//! (`redis.rs`), so together they still make at most 100 calls a minute.

mod fair_queue;
mod redis;

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ::redis::aio::ConnectionManager;

pub use self::fair_queue::Caller;
use self::fair_queue::{FairQueue, Ticket};
use self::redis::SharedLog;

#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub limit: usize,
    pub length: Duration,
}

pub struct Throttle {
    windows: Vec<Window>,
    max_wait: Duration,
    log: Log,
    /// Who goes first among waiting calls, and each person's share.
    queue: FairQueue,
    /// Slots of each minute people's calls may not take: kept for sign-ins and refreshes.
    reserved: usize,
}

enum Log {
    /// This process's calls: enough when it is the only replica.
    Local(Mutex<VecDeque<Instant>>),
    /// Every replica's calls, in Redis.
    Shared(SharedLog),
}

#[derive(Debug, PartialEq, Eq)]
pub struct OverBudget {
    pub retry_after: Duration,
}

impl Throttle {
    pub fn new(windows: Vec<Window>, max_wait: Duration) -> Throttle {
        Throttle {
            queue: FairQueue::new(usize::MAX),
            reserved: 0,
            windows,
            max_wait,
            log: Log::Local(Mutex::new(VecDeque::new())),
        }
    }

    /// The same budget, shared through Redis by every replica.
    pub fn shared(windows: Vec<Window>, max_wait: Duration, conn: ConnectionManager) -> Throttle {
        Throttle {
            log: Log::Shared(SharedLog::new(conn, &windows)),
            queue: FairQueue::new(usize::MAX),
            reserved: 0,
            windows,
            max_wait,
        }
    }

    /// Caps each person at `per_person` calls a minute and keeps `reserved` slots of each
    /// minute for sign-ins and token refreshes.
    pub fn with_shares(mut self, per_person: usize, reserved: usize) -> Throttle {
        self.queue = FairQueue::new(per_person.max(1));
        self.reserved = reserved;
        self
    }

    /// The brief's 100 per minute plus GoTo's 10 per second.
    pub fn goto_default(per_minute: usize, max_wait: Duration) -> Throttle {
        Throttle::new(Throttle::goto_windows(per_minute), max_wait)
    }

    pub fn goto_windows(per_minute: usize) -> Vec<Window> {
        Throttle::goto_windows_at(per_minute, 10)
    }

    /// The same windows with GoTo's per-second limit set (10 for GoTo itself).
    pub fn goto_windows_at(per_minute: usize, per_second: usize) -> Vec<Window> {
        vec![
            Window {
                limit: per_minute,
                length: Duration::from_secs(60),
            },
            // GoTo counts 10 a second on its side; calls reach it a little unevenly, so our
            // second is a little longer than GoTo's.
            Window {
                limit: per_second,
                length: Duration::from_millis(1200),
            },
        ]
    }

    /// The windows' limits for a caller: people's calls leave the reserved slots of the
    /// minute to sign-ins and refreshes.
    fn limits(&self, caller: Caller) -> Vec<Window> {
        self.windows
            .iter()
            .map(|w| match caller {
                Caller::Person(_) if w.length >= Duration::from_secs(60) => Window {
                    limit: w.limit.saturating_sub(self.reserved).max(1),
                    length: w.length,
                },
                _ => *w,
            })
            .collect()
    }

    /// How long until a call may go at `now`, given the calls already made (oldest first).
    /// The calls are in time order, so each window's count is a binary search, not a walk
    /// over every call of the last minute under the lock: with a large budget that walk was
    /// most of a meeting fetch's time (tens of thousands of calls a minute).
    fn wait_needed(windows: &[Window], calls: &VecDeque<Instant>, now: Instant) -> Duration {
        windows
            .iter()
            .filter_map(|w| {
                let in_window =
                    calls.len() - calls.partition_point(|t| now.duration_since(*t) >= w.length);
                (in_window >= w.limit).then(|| {
                    // The call that must leave the window before a new one fits.
                    let blocking = calls[calls.len() - w.limit];
                    (blocking + w.length).saturating_duration_since(now)
                })
            })
            .max()
            .unwrap_or(Duration::ZERO)
    }

    /// Takes a slot in the in-process log now if one is free; otherwise says how long until
    /// one is.
    fn take_slot(
        &self,
        calls: &Mutex<VecDeque<Instant>>,
        caller: Caller,
        now: Instant,
    ) -> Result<(), Duration> {
        let mut calls = calls.lock().unwrap_or_else(|p| p.into_inner());
        let longest = self
            .windows
            .iter()
            .map(|w| w.length)
            .max()
            .unwrap_or_default();
        while calls
            .front()
            .is_some_and(|t| now.duration_since(*t) >= longest)
        {
            calls.pop_front();
        }
        // `now` was read before the lock, so a call that waited for it may be a little older
        // than the last one logged: it counts from that one's time instead, which keeps the
        // log in time order (what `wait_needed` searches) and errs on the side of the budget.
        let now = calls.back().map_or(now, |last| now.max(*last));
        let wait = Self::wait_needed(&self.limits(caller), &calls, now);
        if wait.is_zero() {
            calls.push_back(now);
            Ok(())
        } else {
            Err(wait)
        }
    }

    /// A sign-in's or token refresh's call: first in line, and free to use the reserved room.
    pub async fn acquire(&self) -> Result<(), OverBudget> {
        self.acquire_as(Caller::TokenCall).await
    }

    /// One person's call (`person`: any stable number for them, e.g. a hash of their token).
    pub async fn acquire_for(&self, person: u64) -> Result<(), OverBudget> {
        self.acquire_as(Caller::Person(person)).await
    }

    /// Waits its turn, then for a slot, for at most `max_wait` in all.
    pub async fn acquire_as(&self, caller: Caller) -> Result<(), OverBudget> {
        let deadline = Instant::now() + self.max_wait;
        let over = |wait: Duration| OverBudget {
            retry_after: wait.max(Duration::from_secs(1)),
        };
        // Beyond their own share a person waits outside the line, holding nobody up.
        let share = self.queue.share_wait(caller, Instant::now());
        if !share.is_zero() {
            if Instant::now() + share > deadline {
                return Err(over(share));
            }
            tokio::time::sleep(share).await;
        }
        let mut place = InLine {
            queue: &self.queue,
            ticket: Some(self.queue.join(caller, None, Instant::now())),
        };
        loop {
            let now = Instant::now();
            let ticket = self.queue.join(caller, place.ticket, now);
            place.ticket = Some(ticket);
            if !self.queue.is_first(&ticket) {
                let turn = self.queue.turn_changed.notified();
                tokio::pin!(turn);
                turn.as_mut().enable();
                if self.queue.is_first(&ticket) {
                    continue;
                }
                if tokio::time::timeout(deadline.saturating_duration_since(now), turn)
                    .await
                    .is_ok()
                {
                    continue;
                }
                // Out of time to wait for a turn: one last try at the budget itself (with no
                // wait allowed at all, that try is the only one, as before the line existed).
            }
            let now = Instant::now();
            let attempt = match &self.log {
                Log::Local(calls) => self.take_slot(calls, caller, now),
                Log::Shared(log) => {
                    let person = match caller {
                        // Unlimited shares need no count of their own.
                        Caller::Person(who) if self.queue.per_person < usize::MAX => {
                            Some((who, self.queue.per_person))
                        }
                        _ => None,
                    };
                    match log.try_acquire(&self.limits(caller), person).await {
                        Ok(attempt) => attempt,
                        // Without the shared log nobody can tell whether the budget has room;
                        // refusing keeps the deployment within it (readyz reports the outage).
                        Err(e) => {
                            tracing::error!(error = %e, "the shared GoTo budget in Redis is unreachable");
                            return Err(over(Duration::from_secs(5)));
                        }
                    }
                }
            };
            match attempt {
                Ok(()) => {
                    if let Some(ticket) = place.ticket.take() {
                        self.queue.went(ticket, now);
                    }
                    return Ok(());
                }
                Err(wait) if now + wait > deadline || now >= deadline => return Err(over(wait)),
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }
}

/// A place in the line, given up if the waiting call is dropped (its request was abandoned).
struct InLine<'a> {
    queue: &'a FairQueue,
    ticket: Option<Ticket>,
}

impl Drop for InLine<'_> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket.take() {
            self.queue.left(ticket);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Throttle {
        fn try_acquire(&self, now: Instant) -> Result<(), Duration> {
            match &self.log {
                Log::Local(calls) => self.take_slot(calls, Caller::TokenCall, now),
                Log::Shared(_) => unreachable!("these tests use the in-process log"),
            }
        }
    }

    #[test]
    fn the_101st_call_in_a_minute_waits_for_the_first_to_age_out() {
        let throttle = Throttle::new(
            vec![Window {
                limit: 100,
                length: Duration::from_secs(60),
            }],
            Duration::ZERO,
        );
        let start = Instant::now();
        for i in 0..100 {
            assert!(throttle
                .try_acquire(start + Duration::from_millis(i * 10))
                .is_ok());
        }
        let wait = throttle
            .try_acquire(start + Duration::from_secs(30))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(30));
        assert!(throttle
            .try_acquire(start + Duration::from_secs(60))
            .is_ok());
        // The second call (at 10 ms) is still in the window at 60 s.
        assert!(throttle
            .try_acquire(start + Duration::from_secs(60))
            .is_err());
    }

    #[test]
    fn a_call_that_read_the_clock_before_another_counts_from_the_later_time() {
        let throttle = Throttle::new(
            vec![Window {
                limit: 2,
                length: Duration::from_secs(1),
            }],
            Duration::ZERO,
        );
        let start = Instant::now();
        assert!(throttle
            .try_acquire(start + Duration::from_millis(100))
            .is_ok());
        // Read the clock first, took the lock second.
        assert!(throttle
            .try_acquire(start + Duration::from_millis(50))
            .is_ok());
        // Both count from 100 ms, so neither has left the window at 1.05 s.
        assert_eq!(
            throttle.try_acquire(start + Duration::from_millis(1050)),
            Err(Duration::from_millis(50))
        );
        assert!(throttle
            .try_acquire(start + Duration::from_millis(1100))
            .is_ok());
    }

    #[test]
    fn no_burst_doubling_after_an_idle_minute() {
        let throttle = Throttle::goto_default(100, Duration::ZERO);
        let start = Instant::now();
        let mut granted = 0;
        // Try a call every 50 ms for a whole minute: at most 100 may pass.
        for i in 0..1200 {
            if throttle
                .try_acquire(start + Duration::from_millis(i * 50))
                .is_ok()
            {
                granted += 1;
            }
        }
        assert_eq!(granted, 100);
    }

    #[test]
    fn ten_per_second_is_gotos_own_limit() {
        let throttle = Throttle::goto_default(100, Duration::ZERO);
        let start = Instant::now();
        for _ in 0..10 {
            assert!(throttle.try_acquire(start).is_ok());
        }
        assert_eq!(
            throttle.try_acquire(start).unwrap_err(),
            Duration::from_millis(1200)
        );
    }

    #[tokio::test]
    async fn over_budget_beyond_the_wait_bound_says_when_to_retry() {
        let throttle = Throttle::new(
            vec![Window {
                limit: 1,
                length: Duration::from_secs(60),
            }],
            Duration::from_millis(10),
        );
        throttle.acquire().await.unwrap();
        let over = throttle.acquire().await.unwrap_err();
        assert!(over.retry_after > Duration::from_secs(58));
    }
}
