//! One in-process mutex per session, for the token refresh, that is forgotten again once no
//! request holds or waits for it. A map that only ever grew would keep one entry for every
//! session that ever refreshed, for the life of the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type SessionLock = Arc<tokio::sync::Mutex<()>>;

#[derive(Clone, Default)]
pub struct SessionLocks {
    locks: Arc<Mutex<HashMap<String, SessionLock>>>,
}

impl SessionLocks {
    /// The lock for `key`, shared with every other request for the same key meanwhile. It is
    /// handed back when the returned value is dropped, however the holder ends (an error, a
    /// panic, a cancelled task).
    pub fn acquire(&self, key: &str) -> HeldLock<'_> {
        let lock = self.map().entry(key.to_owned()).or_default().clone();
        HeldLock {
            locks: self,
            key: key.to_owned(),
            lock: Some(lock),
        }
    }

    /// Drops the map's entry if nobody else holds or waits for this lock. Every other holder
    /// cloned it under the map's mutex, which this holds too, so the count cannot change
    /// while it is read: two references (the map's and this one) means no one else.
    fn release(&self, key: &str, lock: SessionLock) {
        let mut map = self.map();
        let ours = map.get(key).is_some_and(|held| Arc::ptr_eq(held, &lock));
        if ours && Arc::strong_count(&lock) == 2 {
            map.remove(key);
        }
    }

    /// How many sessions have a lock now (for tests).
    pub fn len(&self) -> usize {
        self.map().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, SessionLock>> {
        // A panic while holding this mutex cannot leave the map half-changed.
        self.locks.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A session's lock, shared while held; see [`SessionLocks::acquire`].
pub struct HeldLock<'a> {
    locks: &'a SessionLocks,
    key: String,
    lock: Option<SessionLock>,
}

impl HeldLock<'_> {
    pub fn lock(&self) -> &tokio::sync::Mutex<()> {
        self.lock.as_ref().expect("present until dropped")
    }
}

impl Drop for HeldLock<'_> {
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            self.locks.release(&self.key, lock);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &HeldLock<'_>, b: &HeldLock<'_>) -> bool {
        std::ptr::eq(a.lock(), b.lock())
    }

    #[tokio::test]
    async fn one_lock_per_key_while_in_use_then_forgotten() {
        let locks = SessionLocks::default();
        let first = locks.acquire("a");
        let second = locks.acquire("a");
        assert!(same(&first, &second), "the same key shares one lock");
        let other = locks.acquire("b");
        assert_eq!(locks.len(), 2);

        let guard = first.lock().lock().await;
        assert!(second.lock().try_lock().is_err(), "the second holder waits");
        drop(guard);
        drop(first);
        assert_eq!(locks.len(), 2, "kept while the second holder still has it");
        drop(second);
        drop(other);
        assert!(locks.is_empty(), "forgotten once nobody holds it");
    }

    #[test]
    fn a_released_key_gets_a_fresh_lock() {
        let locks = SessionLocks::default();
        let old = locks.acquire("a");
        let old_lock = Arc::downgrade(old.lock.as_ref().unwrap());
        drop(old);
        assert!(old_lock.upgrade().is_none(), "the old lock is gone");
        let new = locks.acquire("a");
        assert_eq!(locks.len(), 1);
        drop(new);
        assert!(locks.is_empty());
    }

    #[test]
    fn a_holder_that_panics_still_hands_its_lock_back() {
        let locks = SessionLocks::default();
        let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _held = locks.acquire("a");
            panic!("the refresh failed badly");
        }));
        assert!(crashed.is_err());
        assert!(locks.is_empty());
    }
}
