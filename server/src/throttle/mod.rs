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

mod redis;

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ::redis::aio::ConnectionManager;

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
            windows,
            max_wait,
            log: Log::Local(Mutex::new(VecDeque::new())),
        }
    }

    /// The same budget, shared through Redis by every replica.
    pub fn shared(windows: Vec<Window>, max_wait: Duration, conn: ConnectionManager) -> Throttle {
        Throttle {
            log: Log::Shared(SharedLog::new(conn, &windows)),
            windows,
            max_wait,
        }
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

    /// How long until a call may go at `now`, given the calls already made.
    fn wait_needed(&self, calls: &VecDeque<Instant>, now: Instant) -> Duration {
        self.windows
            .iter()
            .filter_map(|w| {
                let in_window = calls
                    .iter()
                    .rev()
                    .take_while(|t| now.duration_since(**t) < w.length)
                    .count();
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
    fn take_slot(&self, calls: &Mutex<VecDeque<Instant>>, now: Instant) -> Result<(), Duration> {
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
        let wait = self.wait_needed(&calls, now);
        if wait.is_zero() {
            calls.push_back(now);
            Ok(())
        } else {
            Err(wait)
        }
    }

    /// Waits for a slot for at most `max_wait`.
    pub async fn acquire(&self) -> Result<(), OverBudget> {
        let deadline = Instant::now() + self.max_wait;
        loop {
            let now = Instant::now();
            let attempt = match &self.log {
                Log::Local(calls) => self.take_slot(calls, now),
                Log::Shared(log) => match log.try_acquire().await {
                    Ok(attempt) => attempt,
                    // Without the shared log nobody can tell whether the budget has room;
                    // refusing keeps the deployment within it (readyz reports the outage).
                    Err(e) => {
                        tracing::error!(error = %e, "the shared GoTo budget in Redis is unreachable");
                        return Err(OverBudget {
                            retry_after: Duration::from_secs(5),
                        });
                    }
                },
            };
            match attempt {
                Ok(()) => return Ok(()),
                Err(wait) if now + wait > deadline => {
                    return Err(OverBudget {
                        retry_after: wait.max(Duration::from_secs(1)),
                    })
                }
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Throttle {
        fn try_acquire(&self, now: Instant) -> Result<(), Duration> {
            match &self.log {
                Log::Local(calls) => self.take_slot(calls, now),
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
