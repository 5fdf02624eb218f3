//! Walking every page of a paginated list: a [`Stream`] of the items that
//! asks for page 1, 2, … (from the query's `.page(n)` if set, `.limit(n)`
//! items each, 100 unless set) and stops on a short or empty page, or once it
//! has reached `totalItems`. A short page while `totalItems` says more follow
//! (a server that caps the page size below the one asked for) ends it with
//! [`Error::Pagination`] naming the page, after its items.
//!
//! The generator gives this to every list operation whose query takes
//! `page` and `limit` and whose response holds an item array (and, usually,
//! paging metadata with `totalItems`): its request builder implements
//! [`PageQuery`] and gets `.stream()`, so `client.sessions().list().stream()`
//! is every session, and `.pages()`, every page. `cargo xtask generate`
//! lists the operations that got it.
//!
//! Lists that page by time ([`PageQuery::BY_CURSOR`]: a `limit` and an
//! inclusive upper bound on `createdAt`, answering a bare array newest
//! first) get the same stream: each request after the first asks for the
//! items at or before the last item of the page before
//! ([`PageQuery::after`]); the items sharing that time come again and are
//! skipped by their `id`, so none is lost or yielded twice at a boundary
//! (fewer than `limit` items sharing one time, and a server answering newest
//! first, as the vendor's lists do; otherwise the stream ends with
//! [`Error::Pagination`] rather than lose or repeat items).
//!
//! It never loops forever against a server that keeps sending full pages:
//! a page whose items were all yielded already (by their `id`, when items
//! have one, among the last few pages: memory stays bounded however long
//! the list) is skipped, and after [`Pages::max_pages_without_progress`] such
//! pages in a row (2 by default), or after a full page numbered
//! `totalItems / limit + 1` or more, the stream ends with
//! [`Error::Pagination`] once the new items are yielded.
//!
//! ```no_run
//! # async fn run(client: &cozmox_client::Client) -> Result<(), cozmox_client::Error> {
//! // Every session, 100 per request:
//! let all = client.sessions().list().stream().collect().await?;
//! // With the list's filters, 50 per request, as a stream:
//! let mut sessions = client.sessions().list().assistant_id("asst-1").stream().limit(50);
//! while let Some(session) = sessions.next().await {
//!     println!("{}", session?.id);
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::Error;

/// The items per request [`Pages`] asks for unless told otherwise.
pub const DEFAULT_LIMIT: u32 = 100;

/// One page of a list, as [`PageQuery::fetch`] reads it from the response.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// How many items the whole list has, if the response says.
    pub total: Option<u64>,
}

/// A page number or page size, as [`PageQuery::at`] hands it to a list
/// builder's `page` and `limit` setters: it converts into whichever number
/// type the spec gives them (`u64`, `NonZeroU64`, `i64`, `f64`…), so the
/// generated code needs no knowledge of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(pub u32);

impl From<u32> for Count {
    fn from(n: u32) -> Self {
        Count(n)
    }
}

impl From<Count> for u64 {
    fn from(c: Count) -> u64 {
        u64::from(c.0)
    }
}

impl From<Count> for i64 {
    fn from(c: Count) -> i64 {
        i64::from(c.0)
    }
}

impl From<Count> for f64 {
    fn from(c: Count) -> f64 {
        f64::from(c.0)
    }
}

macro_rules! count_try_into {
    ($($t:ty),*) => {$(
        impl TryFrom<Count> for $t {
            type Error = <$t as TryFrom<u32>>::Error;
            fn try_from(c: Count) -> Result<$t, Self::Error> {
                <$t>::try_from(c.0)
            }
        }
    )*};
}
count_try_into!(u8, u16, i8, i16, i32);

macro_rules! count_try_into_nonzero {
    ($($t:ty => $p:ty),*) => {$(
        impl TryFrom<Count> for $t {
            type Error = std::num::TryFromIntError;
            fn try_from(c: Count) -> Result<$t, Self::Error> {
                <$t>::try_from(<$p>::try_from(c.0)?)
            }
        }
    )*};
}
count_try_into_nonzero!(
    std::num::NonZeroU8 => u8,
    std::num::NonZeroU16 => u16,
    std::num::NonZeroU32 => u32,
    std::num::NonZeroU64 => u64,
    std::num::NonZeroI64 => i64
);

impl From<Count> for u32 {
    fn from(c: Count) -> u32 {
        c.0
    }
}

/// A list's total as the response states it, in whatever number type the
/// spec gives it: `None` when it is negative or not a whole number (the
/// total is then unknown, and the stream ends on a short page).
pub trait Total: Copy {
    /// The count, if it is one.
    fn count(self) -> Option<u64>;
}

macro_rules! total_of_integers {
    ($($t:ty),*) => {$(
        impl Total for $t {
            fn count(self) -> Option<u64> {
                u64::try_from(self).ok()
            }
        }
    )*};
}
total_of_integers!(u8, u16, u32, u64, i8, i16, i32, i64, usize, isize);

macro_rules! total_of_nonzero {
    ($($t:ty),*) => {$(
        impl Total for $t {
            fn count(self) -> Option<u64> {
                self.get().count()
            }
        }
    )*};
}
total_of_nonzero!(
    std::num::NonZeroU8,
    std::num::NonZeroU16,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::num::NonZeroI64
);

impl Total for f64 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked: whole, not negative, below 2^64"
    )]
    fn count(self) -> Option<u64> {
        (self.is_finite()
            && self >= 0.0
            && self.fract() == 0.0
            && self < 18_446_744_073_709_551_616.0)
            .then_some(self as u64)
    }
}

/// The list's total from a response's number (generated code calls this).
pub fn total<N: Total>(n: N) -> Option<u64> {
    n.count()
}

/// What a list builder's `page` or `limit` setter was given, if it was and
/// converted (generated code calls this on the builder's field, for
/// [`PageQuery::start`]).
#[doc(hidden)]
pub fn count_of<N: Total>(field: &Result<Option<N>, String>) -> Option<u64> {
    field
        .as_ref()
        .ok()
        .copied()
        .flatten()
        .and_then(Total::count)
}

/// The future of one page, boxed by [`Pages`] (in generic code, so a list's
/// request is compiled only where its stream is used).
type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send + 'a>>;

/// A list query that can be asked for one page at a time: the request
/// builder of a paginated list operation (implemented by generated code).
pub trait PageQuery<'a>: Clone + Send + 'a {
    /// The items of the list.
    type Item: Send + 'a;

    /// Whether the list pages by a time cursor (`createdAtLe` set to the
    /// last item's `createdAt`, newest first) rather than by page numbers:
    /// see [`PageQuery::after`].
    const BY_CURSOR: bool = false;

    /// This query, for page `page` (from 1) of `limit` items (a time-cursor
    /// list has no page numbers: its first page, `limit` items).
    fn at(self, page: u32, limit: u32) -> Self;

    /// A time-cursor list's next query: the items at or before `last` (the
    /// last item of the page before), `limit` of them. Items sharing `last`'s
    /// time come again and are skipped by their `id`, so none is lost at a
    /// page boundary; `limit` or more items sharing one time cannot be
    /// walked past (the stream ends with [`Error::Pagination`]), nor a list
    /// whose items have no `id`. The server must answer newest first.
    /// `None` when `last` has no time to continue from.
    fn after(self, last: &Self::Item, limit: u32) -> Option<Self> {
        let _ = (last, limit);
        None
    }

    /// The page and the page size the caller set on the query (`.page(3)`,
    /// `.limit(10)`), where the stream starts and how much it asks for.
    fn start(&self) -> (Option<u64>, Option<u64>) {
        (None, None)
    }

    /// Send the query and read the page from the response.
    fn fetch(self) -> impl Future<Output = Result<Page<Self::Item>, Error>> + Send + 'a;

    /// What identifies an item (its `id`), to tell a page that brings
    /// nothing new; `None` when items have no id.
    fn key(item: &Self::Item) -> Option<String>;
}

/// The items of every page of a list query, in order; see the
/// [module documentation](self).
///
/// Pages are fetched one at a time, when the items of the previous one have
/// been taken. An error ends the stream after it is yielded.
pub struct Pages<'a, Q: PageQuery<'a>> {
    query: Q,
    limit: u32,
    next_page: u32,
    /// The page the walk started at (the caller's `.page(n)`, else 1).
    first_page: u32,
    yielded: u64,
    buffer: VecDeque<Q::Item>,
    fetching: Option<PageFuture<'a, Q::Item>>,
    done: bool,
    /// The keys yielded by the last [`Pages::remembered_pages`] pages, to
    /// tell a page that brings nothing new (a window, not every key: a
    /// listing of millions stays a few pages of keys).
    seen: VecDeque<HashSet<String>>,
    without_progress: u32,
    max_without_progress: u32,
    /// Set when the last page was one too many; yielded after its items.
    failure: Option<Error>,
    /// A time-cursor list's next query, made from the last page's last item.
    after: Option<Q>,
}

impl<'a, Q: PageQuery<'a>> std::fmt::Debug for Pages<'a, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("limit", &self.limit)
            .field("next_page", &self.next_page)
            .field("first_page", &self.first_page)
            .field("yielded", &self.yielded)
            .field("done", &self.done)
            .field("without_progress", &self.without_progress)
            .finish_non_exhaustive()
    }
}

impl<'a, Q: PageQuery<'a>> Pages<'a, Q> {
    /// Every item of `query`'s pages from the page it names (the first
    /// unless `.page(n)` was set on it), as many per request as its
    /// `.limit(n)` says ([`DEFAULT_LIMIT`] unless set; 1 to 1000).
    pub fn new(query: Q) -> Self {
        let (page, limit) = query.start();
        let page = page.map_or(1, |p| u32::try_from(p).unwrap_or(u32::MAX).max(1));
        let limit = limit.map_or(DEFAULT_LIMIT, |l| {
            u32::try_from(l).unwrap_or(u32::MAX).clamp(1, 1000)
        });
        Pages {
            query,
            limit,
            next_page: page,
            first_page: page,
            yielded: 0,
            buffer: VecDeque::new(),
            fetching: None,
            done: false,
            seen: VecDeque::new(),
            without_progress: 0,
            max_without_progress: 2,
            failure: None,
            after: None,
        }
    }

    /// Ask for `limit` items per request (1 to 1000; the query's `.limit(n)`,
    /// else 100, by default).
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit.clamp(1, 1000);
        self
    }

    /// How many full pages in a row that bring no item not seen before end
    /// the stream with [`Error::Pagination`] (at least 1; 2 by default).
    #[must_use]
    pub fn max_pages_without_progress(mut self, pages: u32) -> Self {
        self.max_without_progress = pages.max(1);
        self
    }

    /// The next item, `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<Q::Item, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item, or the first error.
    ///
    /// # Errors
    /// The first error of a request, or [`Error::Pagination`].
    pub async fn collect(mut self) -> Result<Vec<Q::Item>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }

    /// How many pages' keys are kept: enough for the pages without progress
    /// that end the stream, and the page before them.
    fn remembered_pages(&self) -> usize {
        usize::try_from(self.max_without_progress.max(2))
            .unwrap_or(usize::MAX)
            .saturating_add(1)
    }

    fn take_page(&mut self, page: Page<Q::Item>) {
        let count = page.items.len();
        if Q::BY_CURSOR {
            if page.items.iter().any(|item| Q::key(item).is_none()) {
                // Without it, the items at the boundary's time, which come
                // again, would be yielded twice.
                self.buffer.extend(page.items);
                self.fail(format!(
                    "an item of page {} has no `id`, which a time-cursor list needs to skip the \
                     items it yielded at a page boundary",
                    self.next_page
                ));
                return;
            }
            self.after = page
                .items
                .last()
                .and_then(|last| self.query.clone().after(last, self.limit));
        }
        let before = self.buffer.len();
        let mut keys = HashSet::new();
        for item in page.items {
            let fresh = Q::key(&item).is_none_or(|key| {
                !self.seen.iter().any(|page| page.contains(&key)) && keys.insert(key)
            });
            if fresh {
                self.buffer.push_back(item);
            }
        }
        if self.seen.len() >= self.remembered_pages() {
            self.seen.pop_front();
        }
        self.seen.push_back(keys);
        let fresh = self.buffer.len() - before;
        let will_have_yielded = self.yielded + self.buffer.len() as u64;
        if count > 0 && fresh == 0 {
            self.without_progress += 1;
        } else {
            self.without_progress = 0;
        }
        let total = page.total;
        // How far into the whole list the walk is: the items yielded (once
        // each), after the pages before the one it started at.
        let position = u64::from(self.first_page - 1)
            .saturating_mul(u64::from(self.limit))
            .saturating_add(will_have_yielded);
        let reached_total = total.is_some_and(|t| position >= t);
        let max_pages = total.map(|t| t.div_ceil(u64::from(self.limit)).saturating_add(1));
        let short = count == 0 || count < self.limit as usize;
        if short
            && !reached_total
            && let Some(t) = total
        {
            // A server that caps the page size below `limit` (or lost items
            // mid-walk): ending here would drop the rest without a word.
            self.fail(format!(
                "page {} has {count} item(s) of the {} asked for, but totalItems = {t} says {} \
                 more follow; if the server caps the page size, ask for less with `.limit(n)`",
                self.next_page,
                self.limit,
                t - position
            ));
        } else if short || reached_total {
            self.done = true;
        } else if Q::BY_CURSOR && self.after.is_none() {
            self.fail(format!(
                "the last item of page {} has no creation time to ask for the next page with",
                self.next_page
            ));
        } else if Q::BY_CURSOR && fresh == 0 {
            // The next page would be this one again: `limit` or more items
            // share the last item's time (or the server ignores the bound).
            self.fail(format!(
                "page {} is {count} item(s) already yielded: {} or more items share one creation \
                 time, which a time cursor cannot walk past; ask for more per page with `.limit(n)`",
                self.next_page, self.limit
            ));
        } else if self.without_progress >= self.max_without_progress {
            self.fail(format!(
                "{} page(s) in a row up to page {} brought no item not seen before; the server \
                 is not advancing",
                self.without_progress, self.next_page
            ));
        } else if let Some(max) = max_pages.filter(|&max| u64::from(self.next_page) >= max) {
            self.fail(format!(
                "page {} is full although totalItems = {} makes {} pages of {} at most; the \
                 server is not advancing",
                self.next_page,
                total.unwrap_or_default(),
                max - 1,
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

    /// The next page's items, `None` after the last page (or an error).
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<(), Error>>> {
        if self.done {
            return Poll::Ready(self.failure.take().map(Err));
        }
        if self.fetching.is_none() {
            let query = match self.after.take() {
                Some(after) => after,
                None => self.query.clone().at(self.next_page, self.limit),
            };
            let request: PageFuture<'a, Q::Item> = Box::pin(query.fetch());
            self.fetching = Some(request);
        }
        let Some(fetching) = self.fetching.as_mut() else {
            return Poll::Ready(None);
        };
        match fetching.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(result) => {
                self.fetching = None;
                match result {
                    Ok(page) => {
                        self.take_page(page);
                        Poll::Ready(Some(Ok(())))
                    }
                    Err(e) => {
                        self.done = true;
                        Poll::Ready(Some(Err(e)))
                    }
                }
            }
        }
    }

    /// The same walk, a page at a time: each item of the stream is one
    /// page's (new) items.
    #[must_use]
    pub fn pages(self) -> PageStream<'a, Q> {
        PageStream { items: self }
    }
}

impl<'a, Q: PageQuery<'a>> Stream for Pages<'a, Q> {
    type Item = Result<Q::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                this.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            match this.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(()))) => {}
            }
        }
    }
}

// `Pages` holds no self-references: the page future is boxed.
impl<'a, Q: PageQuery<'a>> Unpin for Pages<'a, Q> {}

/// Every page of a list query, as `Vec`s of their new items (see
/// [`Pages::pages`]); empty pages are skipped.
pub struct PageStream<'a, Q: PageQuery<'a>> {
    items: Pages<'a, Q>,
}

impl<'a, Q: PageQuery<'a>> std::fmt::Debug for PageStream<'a, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("items", &self.items)
            .finish()
    }
}

impl<'a, Q: PageQuery<'a>> PageStream<'a, Q> {
    /// The next page, `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<Vec<Q::Item>, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<'a, Q: PageQuery<'a>> Stream for PageStream<'a, Q> {
    type Item = Result<Vec<Q::Item>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let pages = &mut self.items;
        loop {
            if !pages.buffer.is_empty() {
                let page: Vec<Q::Item> = pages.buffer.drain(..).collect();
                pages.yielded += page.len() as u64;
                return Poll::Ready(Some(Ok(page)));
            }
            match pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(()))) => {}
            }
        }
    }
}

impl<'a, Q: PageQuery<'a>> Unpin for PageStream<'a, Q> {}

/// The identity string of an item (`field`, `id` by the conventions), read
/// from its JSON: the identity of the items of a list whose item type has no
/// typed field for it (a union of components that each have one). `None`
/// when it has no such string.
#[doc(hidden)]
pub fn json_id<T: serde::Serialize>(item: &T, field: &str) -> Option<String> {
    property::string_property(item, field)
}

/// A time of `item` as its JSON has it (`field`, an RFC 3339 string): the
/// cursor of a time-cursor list whose item type has no typed field for it
/// (a union of components that each have one). `None` when it has none.
#[doc(hidden)]
pub fn json_time<T: serde::Serialize>(
    item: &T,
    field: &str,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let time = property::string_property(item, field)?;
    chrono::DateTime::parse_from_rfc3339(&time)
        .ok()
        .map(|t| t.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU64;

    fn set<T: TryFrom<Count>>(c: u32) -> Option<T> {
        T::try_from(Count(c)).ok()
    }

    #[test]
    fn counts_convert_into_every_setter_type() {
        assert_eq!(set::<u64>(3), Some(3));
        assert_eq!(set::<i64>(3), Some(3));
        assert_eq!(set::<f64>(3), Some(3.0));
        assert_eq!(set::<NonZeroU64>(3), NonZeroU64::new(3));
        assert_eq!(set::<NonZeroU64>(0), None);
        assert_eq!(set::<u8>(300), None);
    }

    #[test]
    fn totals_are_whole_non_negative_counts() {
        assert_eq!(total(12_i64), Some(12));
        assert_eq!(total(-1_i64), None);
        assert_eq!(total(NonZeroU64::MIN), Some(1));
        assert_eq!(total(12.0_f64), Some(12));
        assert_eq!(total(12.5_f64), None);
        assert_eq!(total(-0.0_f64), Some(0));
        assert_eq!(total(f64::INFINITY), None);
        assert_eq!(total(1e300_f64), None);
    }
}

/// One string property of a value's JSON, read as the value serializes,
/// without building the rest of its JSON.
///
/// The paginators read the `id` or `createdAt` of list items that have no
/// typed field for it (a union whose members each have one) from the
/// item's JSON. Serializing the whole item into a `serde_json::Value` for
/// that instantiated every type inside the item for `Value`'s serializer in
/// the client crate, about 600 `Serialize` impls at the vendor's size, and
/// built a tree per item. The serializers here stop at the item's own
/// properties: a property's value is serialized only when it is the one
/// asked for, and then only a string (or an `Option` or newtype of one) is
/// taken. Each property's type is instantiated for the reader of a string,
/// whose refusal of objects stops there: the types deeper inside the item
/// are instantiated for none of them.
mod property {
    use std::fmt;

    use serde::Serialize;
    use serde::ser::{self, Impossible};

    /// The string value of the top-level property `field` of `value`'s JSON;
    /// `None` when it is not an object, lacks the property or the property is
    /// not a string.
    pub(super) fn string_property<T: Serialize + ?Sized>(value: &T, field: &str) -> Option<String> {
        value.serialize(Object { field }).ok().flatten()
    }

    /// Why a value was not read: it is not what was asked for.
    #[derive(Debug)]
    pub(super) struct Skip;

    impl fmt::Display for Skip {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("not the property asked for")
        }
    }

    impl std::error::Error for Skip {}

    impl ser::Error for Skip {
        fn custom<T: fmt::Display>(_: T) -> Self {
            Skip
        }
    }

    /// Methods of a serializer that refuse the value (`Err(Skip)`).
    macro_rules! refuse {
        ($($method:ident($($arg:ty),*);)*) => {
            $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Skip> { Err(Skip) })*
        };
    }

    /// The methods refusing what is neither an object nor a string.
    macro_rules! refuse_scalars {
        () => {
            refuse! {
                serialize_bool(bool); serialize_i8(i8); serialize_i16(i16);
                serialize_i32(i32); serialize_i64(i64); serialize_u8(u8);
                serialize_u16(u16); serialize_u32(u32); serialize_u64(u64);
                serialize_f32(f32); serialize_f64(f64); serialize_char(char);
                serialize_bytes(&[u8]); serialize_none(); serialize_unit();
                serialize_unit_struct(&'static str);
            }
            fn serialize_newtype_variant<T: Serialize + ?Sized>(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: &T,
            ) -> Result<Self::Ok, Skip> {
                Err(Skip)
            }
            fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Skip> {
                Err(Skip)
            }
            fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Skip> {
                Err(Skip)
            }
            fn serialize_tuple_struct(
                self,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeTupleStruct, Skip> {
                Err(Skip)
            }
            fn serialize_tuple_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeTupleVariant, Skip> {
                Err(Skip)
            }
            fn serialize_struct_variant(
                self,
                _: &'static str,
                _: u32,
                _: &'static str,
                _: usize,
            ) -> Result<Self::SerializeStructVariant, Skip> {
                Err(Skip)
            }
        };
    }

    /// The value whose property is read: an object (a map or a struct), or an
    /// `Option` or newtype of one (a union's member, a boxed one).
    struct Object<'f> {
        field: &'f str,
    }

    impl<'f> ser::Serializer for Object<'f> {
        type Ok = Option<String>;
        type Error = Skip;
        type SerializeSeq = Impossible<Option<String>, Skip>;
        type SerializeTuple = Impossible<Option<String>, Skip>;
        type SerializeTupleStruct = Impossible<Option<String>, Skip>;
        type SerializeTupleVariant = Impossible<Option<String>, Skip>;
        type SerializeMap = Properties<'f>;
        type SerializeStruct = Properties<'f>;
        type SerializeStructVariant = Impossible<Option<String>, Skip>;

        refuse_scalars!();
        refuse! { serialize_str(&str); }

        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<Option<String>, Skip> {
            Err(Skip)
        }

        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Option<String>, Skip> {
            value.serialize(self)
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<Option<String>, Skip> {
            value.serialize(self)
        }

        fn serialize_map(self, _: Option<usize>) -> Result<Properties<'f>, Skip> {
            Ok(Properties::new(self.field))
        }

        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Properties<'f>, Skip> {
            Ok(Properties::new(self.field))
        }
    }

    /// The properties of the object, of which only the one asked for has its
    /// value serialized.
    struct Properties<'f> {
        field: &'f str,
        /// Whether the key just given is the one asked for.
        wanted: bool,
        found: Option<String>,
    }

    impl<'f> Properties<'f> {
        fn new(field: &'f str) -> Self {
            Properties {
                field,
                wanted: false,
                found: None,
            }
        }

        fn value<T: Serialize + ?Sized>(&mut self, value: &T) {
            // The last value of a key sent twice, as a JSON reader takes it.
            if self.wanted {
                self.found = value.serialize(Text).ok();
            }
        }
    }

    impl ser::SerializeMap for Properties<'_> {
        type Ok = Option<String>;
        type Error = Skip;

        fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Skip> {
            self.wanted = key.serialize(Text).is_ok_and(|key| key == self.field);
            Ok(())
        }

        fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Skip> {
            self.value(value);
            Ok(())
        }

        fn end(self) -> Result<Option<String>, Skip> {
            Ok(self.found)
        }
    }

    impl ser::SerializeStruct for Properties<'_> {
        type Ok = Option<String>;
        type Error = Skip;

        fn serialize_field<T: Serialize + ?Sized>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), Skip> {
            self.wanted = key == self.field;
            self.value(value);
            Ok(())
        }

        fn end(self) -> Result<Option<String>, Skip> {
            Ok(self.found)
        }
    }

    /// A string, or an `Option` or newtype of one; nothing else.
    struct Text;

    impl ser::Serializer for Text {
        type Ok = String;
        type Error = Skip;
        type SerializeSeq = Impossible<String, Skip>;
        type SerializeTuple = Impossible<String, Skip>;
        type SerializeTupleStruct = Impossible<String, Skip>;
        type SerializeTupleVariant = Impossible<String, Skip>;
        type SerializeMap = Impossible<String, Skip>;
        type SerializeStruct = Impossible<String, Skip>;
        type SerializeStructVariant = Impossible<String, Skip>;

        refuse_scalars!();

        fn serialize_str(self, value: &str) -> Result<String, Skip> {
            Ok(value.to_owned())
        }

        // An enum's unit variant is its name in JSON.
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
        ) -> Result<String, Skip> {
            Ok(variant.to_owned())
        }

        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Skip> {
            value.serialize(self)
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<String, Skip> {
            value.serialize(self)
        }

        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Skip> {
            Err(Skip)
        }

        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Skip> {
            Err(Skip)
        }
    }

    #[cfg(test)]
    mod tests {
        use serde_json::json;

        use super::string_property;

        #[test]
        fn reads_a_string_property_of_an_object_and_nothing_else() {
            let item = json!({"id": "a1", "n": 2, "inner": {"id": "deep"}, "createdAt": "2024-01-02T03:04:05Z"});
            assert_eq!(string_property(&item, "id").as_deref(), Some("a1"));
            assert_eq!(
                string_property(&item, "createdAt").as_deref(),
                Some("2024-01-02T03:04:05Z")
            );
            // Not a string, absent, nested only, or not an object: none.
            assert_eq!(string_property(&item, "n"), None);
            assert_eq!(string_property(&item, "missing"), None);
            assert_eq!(string_property(&json!({"inner": {"id": "x"}}), "id"), None);
            assert_eq!(string_property(&json!(["id"]), "id"), None);
            assert_eq!(string_property(&json!("id"), "id"), None);
        }

        #[test]
        fn reads_through_options_newtypes_structs_and_unions() {
            #[derive(serde::Serialize)]
            struct Id(String);
            #[derive(serde::Serialize)]
            struct Member {
                #[serde(rename = "id")]
                id: Option<Id>,
                other: Vec<u8>,
            }
            #[derive(serde::Serialize)]
            #[serde(untagged)]
            enum Union {
                Member(Box<Member>),
                Unknown(serde_json::Value),
            }
            let member = Union::Member(Box::new(Member {
                id: Some(Id("m1".to_owned())),
                other: vec![1],
            }));
            assert_eq!(string_property(&member, "id").as_deref(), Some("m1"));
            assert_eq!(string_property(&Some(&member), "id").as_deref(), Some("m1"));
            let unknown = Union::Unknown(json!({"id": "u1"}));
            assert_eq!(string_property(&unknown, "id").as_deref(), Some("u1"));
            let without = Union::Member(Box::new(Member {
                id: None,
                other: vec![],
            }));
            assert_eq!(string_property(&without, "id"), None);
            // A unit variant reads as its name, as in JSON.
            #[derive(serde::Serialize)]
            enum Kind {
                #[serde(rename = "k1")]
                K1,
            }
            #[derive(serde::Serialize)]
            struct Tagged {
                id: Kind,
            }
            assert_eq!(
                string_property(&Tagged { id: Kind::K1 }, "id").as_deref(),
                Some("k1")
            );
        }
    }
}
