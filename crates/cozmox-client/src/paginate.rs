//! Walking every page of `GET /session`: a [`Stream`] of sessions that asks
//! for page 1, 2, … and stops on a short or empty page, or once it has
//! yielded `totalItems` sessions.
//!
//! It never loops forever against a server that keeps sending full pages:
//! a page whose sessions were all yielded already is skipped, and after
//! [`SessionPages::max_pages_without_progress`] such pages in a row (2 by
//! default), or after a full page numbered `totalItems / limit + 1` or more
//! (pages that each bring some sessions already seen), the stream ends with
//! [`Error::Pagination`] once the new sessions are yielded.
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

use std::collections::{HashSet, VecDeque};
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
    /// The ids yielded so far, to tell a page that brings nothing new.
    seen: HashSet<String>,
    without_progress: u32,
    max_without_progress: u32,
    /// Set when the last page was one too many; yielded after its sessions.
    failure: Option<Error>,
}

impl std::fmt::Debug for SessionPages<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionPages")
            .field("limit", &self.limit)
            .field("next_page", &self.next_page)
            .field("yielded", &self.yielded)
            .field("done", &self.done)
            .field("without_progress", &self.without_progress)
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
            seen: HashSet::new(),
            without_progress: 0,
            max_without_progress: 2,
            failure: None,
        }
    }

    /// End the stream with [`Error::Pagination`] after `pages` pages in a
    /// row that bring no session not yielded before (default 2, at least 1).
    pub fn max_pages_without_progress(mut self, pages: u32) -> Self {
        self.max_without_progress = pages.max(1);
        self
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

    /// Take a fetched page: queue its new sessions, decide whether it was
    /// the last, or one too many.
    fn take_page(&mut self, page: SessionPaginatedResponse) {
        let count = page.results.len();
        let total = page.metadata.total_items;
        let before = self.buffer.len();
        for session in page.results {
            if self.seen.insert(session.id.clone()) {
                self.buffer.push_back(session);
            }
        }
        let fresh = self.buffer.len() - before;
        let will_have_yielded = self.yielded + self.buffer.len() as u64;
        // The last page `totalItems` allows, plus one for items that moved
        // to a later page while the pages were walked.
        let max_pages = (total.max(0.0) / f64::from(self.limit)).ceil() + 1.0;
        if count > 0 && fresh == 0 {
            self.without_progress += 1;
        } else {
            self.without_progress = 0;
        }
        if count == 0 || count < self.limit as usize || will_have_yielded as f64 >= total {
            self.done = true;
        } else if self.without_progress >= self.max_without_progress {
            self.fail(format!(
                "{} page(s) in a row up to page {} of GET /session brought no session not seen \
                 before; the server is not advancing",
                self.without_progress, self.next_page
            ));
        } else if f64::from(self.next_page) >= max_pages {
            self.fail(format!(
                "page {} of GET /session is full although totalItems = {total} makes {} pages of \
                 {} at most; the server is not advancing",
                self.next_page,
                max_pages - 1.0,
                self.limit
            ));
        } else {
            self.next_page += 1;
        }
    }

    fn fail(&mut self, message: String) {
        self.done = true;
        self.failure = Some(Error::Pagination(message));
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
                return Poll::Ready(this.failure.take().map(Err));
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
