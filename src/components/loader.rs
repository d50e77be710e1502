//! Loading a page's data into a signal, with "Try again".
//!
//! In place of `LocalResource`, whose machinery cost 7.7 KB of the first load: a signal filled
//! by a task. Every load runs untracked under the owner that asked for it (the page), so
//! leaving the page aborts the request (see `api`), also for a load that "Try again" starts
//! from a view that the load itself replaces.

use std::future::Future;

use leptos::prelude::*;

/// `None` while loading, then the answer. The returned function loads again.
pub fn load<T, Fut>(
    fetch: impl Fn() -> Fut + Clone + 'static,
) -> (RwSignal<Option<T>>, impl Fn() + Clone + 'static)
where
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + 'static,
{
    let answer = RwSignal::new(None::<T>);
    let owner = Owner::current();
    let reload = move || {
        answer.set(None);
        let fetch = fetch.clone();
        let start = move || {
            untrack(|| {
                leptos::task::spawn_local_scoped(async move {
                    let value = fetch().await;
                    answer.try_set(Some(value));
                })
            })
        };
        match &owner {
            Some(owner) => owner.with(start),
            None => start(),
        }
    };
    reload();
    (answer, reload)
}
