//! Walking every page of `GET /session`: a [`Stream`] of sessions that asks
//! for page 1, 2, … and stops on a short or empty page, or once it has
//! yielded `totalItems` sessions.
//!
//! ```no_run
//! # async fn run(client: &cozmox_client::Client) -> Result<(), cozmox_client::Error> {
//! // Every session, 100 per request:
//! let all = client.sessions_all(100).collect().await?;
//! // With the list's filters, as a stream:
//! let mut pages = cozmox_client::SessionPages::new(
//!     client.session_controller_find_all_paginated().assistant_id("asst-1"),
//!     50,
//! );
//! while let Some(session) = pages.next().await {
//!     println!("{}", session?.id);
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use cozmox_models::{Session, SessionPaginatedResponse};
use futures_core::Stream;
use progenitor_client::ResponseValue;

use crate::builder::SessionControllerFindAllPaginated;
use crate::{Client, Error};

type PageFuture<'a> = Pin<
    Box<dyn Future<Output = Result<ResponseValue<SessionPaginatedResponse>, Error>> + Send + 'a>,
>;

/// The sessions of every page of a list query, in order; see the
/// [module documentation](self).
///
/// Pages are fetched one at a time, when the sessions of the previous one
/// have been taken. An error ends the stream after it is yielded.
pub struct SessionPages<'a> {
    query: SessionControllerFindAllPaginated<'a>,
    limit: u32,
    next_page: u32,
    yielded: u64,
    buffer: VecDeque<Session>,
    fetching: Option<PageFuture<'a>>,
    done: bool,
}

impl std::fmt::Debug for SessionPages<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionPages")
            .field("limit", &self.limit)
            .field("next_page", &self.next_page)
            .field("yielded", &self.yielded)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<'a> SessionPages<'a> {
    /// Walk the pages of `query` (its filters and sort order are kept; its
    /// `page` and `limit` are set on each request), `limit` sessions per
    /// page, clamped to the spec's 1..=1000.
    pub fn new(query: SessionControllerFindAllPaginated<'a>, limit: u32) -> Self {
        SessionPages {
            query,
            limit: limit.clamp(1, 1000),
            next_page: 1,
            yielded: 0,
            buffer: VecDeque::new(),
            fetching: None,
            done: false,
        }
    }

    /// The next session, `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<Session, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every session, or the first error.
    pub async fn collect(mut self) -> Result<Vec<Session>, Error> {
        let mut all = Vec::new();
        while let Some(session) = self.next().await {
            all.push(session?);
        }
        Ok(all)
    }

    /// Take a fetched page: queue its sessions, decide whether it was the last.
    fn take_page(&mut self, page: SessionPaginatedResponse) {
        let count = page.results.len();
        let total = page.metadata.total_items;
        self.buffer.extend(page.results);
        let will_have_yielded = self.yielded + self.buffer.len() as u64;
        if count == 0 || count < self.limit as usize || will_have_yielded as f64 >= total {
            self.done = true;
        } else {
            self.next_page += 1;
        }
    }
}

impl<'a> Stream for SessionPages<'a> {
    type Item = Result<Session, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is Unpin (the future is boxed), so the stream is too.
        let this = &mut *self;
        loop {
            if let Some(session) = this.buffer.pop_front() {
                this.yielded += 1;
                return Poll::Ready(Some(Ok(session)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let fetching = this.fetching.get_or_insert_with(|| {
                let request = this
                    .query
                    .clone()
                    .page(this.next_page)
                    .limit(this.limit)
                    .send();
                Box::pin(request)
            });
            match fetching.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => {
                    this.fetching = None;
                    match result {
                        Ok(page) => this.take_page(page.into_inner()),
                        Err(e) => {
                            this.done = true;
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                }
            }
        }
    }
}

impl Client {
    /// Every session, `limit` per request (1..=1000), as a [`Stream`]
    /// ([`SessionPages::next`], [`SessionPages::collect`]). For filters,
    /// [`SessionPages::new`] takes a configured list query.
    pub fn sessions_all(&self, limit: u32) -> SessionPages<'_> {
        SessionPages::new(self.session_controller_find_all_paginated(), limit)
    }
}
