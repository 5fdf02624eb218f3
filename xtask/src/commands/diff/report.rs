//! Rendering a [`Report`]: Markdown for a pull-request description, JSON for
//! tools.

use std::fmt::Write;

use serde::Serialize;

use super::model::{Change, Impact, Kind, Report, Sides, Status, Summary, Verdict};
use crate::Error;

/// Output format of `cargo xtask diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Markdown, ready to paste into a pull request.
    Markdown,
    /// JSON, for tools.
    Json,
    /// Lines for `CHANGELOG.md` (Keep a Changelog sections, breaking first).
    Changelog,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The summary line: counts of breaking and compatible changes, of
/// operations and components added/removed/changed, and of descriptions.
pub fn summary_line(s: &Summary) -> String {
    let head = if s.breaking == 0 {
        "**No breaking changes**".to_string()
    } else {
        let run_time = if s.rust_run_time > 0 {
            format!(
                ": {} not compile, {} at run time",
                plural(s.rust_breaking - s.rust_run_time, "does", "do"),
                plural(s.rust_run_time, "compiles and fails", "compile and fail")
            )
        } else {
            String::new()
        };
        format!(
            "**{}** ({} for the Rust API{run_time}; {} on the wire)",
            plural(s.breaking, "breaking change", "breaking changes"),
            s.rust_breaking,
            s.wire_breaking
        )
    };
    format!(
        "{head} · {} · operations: {} added, {} removed, {} changed · components: {} added, {} removed, {} changed · {}",
        plural(s.compatible, "compatible change", "compatible changes"),
        s.operations.added,
        s.operations.removed,
        s.operations.changed,
        s.components.added,
        s.components.removed,
        s.components.changed,
        plural(
            s.descriptions,
            "description changed",
            "descriptions changed"
        ),
    )
}

/// Text safe inside a Markdown table cell: one line, pipes escaped.
fn cell(s: &str) -> String {
    s.replace('\n', " ").replace('|', "\\|")
}

/// `s` as inline code (longer fences when `s` holds backticks).
fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn verdict(v: &Verdict) -> String {
    match v.impact {
        Impact::None => "—".to_string(),
        Impact::Compatible => format!("compatible: {}", v.reason),
        Impact::RunTime => format!("**breaking at run time**: {}", v.reason),
        Impact::Breaking => format!("**breaking**: {}", v.reason),
    }
}

fn shorten(s: &str, max: usize) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() <= max {
        s
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

fn detail(c: &Change) -> String {
    if c.is_description() {
        let show = |v: &Option<String>| match v.as_deref() {
            None | Some("") => "none".to_string(),
            Some(t) => format!("“{}”", shorten(t, 60)),
        };
        format!("description: {} → {}", show(&c.old), show(&c.new))
    } else {
        format!("{}: {}", c.kind.label(), c.detail)
    }
}

/// What a breaking change breaks, in a few words.
fn breaks(c: &Change) -> String {
    let mut axes = Vec::new();
    match c.rust.impact {
        Impact::Breaking => axes.push("Rust API: does not compile"),
        Impact::RunTime => axes.push("Rust API: compiles, fails at run time"),
        Impact::None | Impact::Compatible => {}
    }
    if c.wire.impact.breaks() {
        axes.push("wire");
    }
    axes.join("; ")
}

/// The flat list of breaking changes a reviewer reads first: one line per
/// change, the same change in several operations or components (`path id`
/// of 35 operations) on one line with the first few names; the tables below
/// have every place and the reasons.
fn breaking_list(out: &mut String, report: &Report) {
    const NAMES: usize = 4;
    // (place relative to its operation or component, what) → the names.
    let mut lines: Vec<((String, String), Vec<&str>)> = Vec::new();
    let groups = (report
        .operations
        .iter()
        .map(|o| (o.id.as_str(), &o.changes)))
    .chain(
        report
            .components
            .iter()
            .map(|c| (c.name.as_str(), &c.changes)),
    );
    for (name, changes) in groups {
        for c in changes.iter().filter(|c| c.is_breaking()) {
            // A component's places start with its name: the rest is what
            // several components can have in common (`.apiUrl`).
            let place = c.location.strip_prefix(name).unwrap_or(&c.location);
            let key = (place.to_string(), format!("{} ({})", detail(c), breaks(c)));
            match lines.iter_mut().find(|(k, _)| *k == key) {
                Some((_, names)) => names.push(name),
                None => lines.push((key, vec![name])),
            }
        }
    }
    if lines.is_empty() {
        return;
    }
    out.push_str("\n### Breaking changes\n\n");
    for ((place, what), names) in lines {
        let line = match names.as_slice() {
            // One component: its place reads whole (`Session.status`).
            [name] if place.is_empty() || !place.contains(' ') => {
                format!("{}: {what}", code(&format!("{name}{place}")))
            }
            _ => {
                let shown: Vec<String> = names.iter().take(NAMES).map(|n| code(n)).collect();
                let more = if names.len() > NAMES {
                    format!(" and {} more", names.len() - NAMES)
                } else {
                    String::new()
                };
                let place = if place.is_empty() {
                    String::new()
                } else {
                    format!(" {}", code(&place))
                };
                format!("{}{more}{place}: {what}", shown.join(", "))
            }
        };
        let _ = writeln!(out, "- {}", cell(&line));
    }
}

/// Consecutive changes of one kind at one place with the same verdicts, as
/// one row each (e.g. twenty enum values added to one field); description
/// changes keep a row each.
fn same_place_rows<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Vec<Vec<&'a Change>> {
    same_place_groups(changes.into_iter().map(|c| (c.location.as_str(), c)))
        .into_iter()
        .map(|(_, row)| row)
        .collect()
}

/// [`same_place_rows`] with the place of each change given: consecutive
/// changes at one place, of one kind, with the same verdicts share a row.
fn same_place_groups<'a, P: PartialEq>(
    changes: impl IntoIterator<Item = (P, &'a Change)>,
) -> Vec<(P, Vec<&'a Change>)> {
    let mut rows: Vec<(P, Vec<&Change>)> = Vec::new();
    for (place, c) in changes {
        match rows.last_mut() {
            Some((p, row))
                if !c.is_description()
                    && *p == place
                    && row.first().is_some_and(|r| {
                        r.kind == c.kind && r.rust == c.rust && r.wire == c.wire
                    }) =>
            {
                row.push(c);
            }
            _ => rows.push((place, vec![c])),
        }
    }
    rows
}

/// The rows of one group's table. In component tables the location is
/// relative to the component (`prefix`).
fn table(changes: &[Change], verbose: bool, prefix: Option<&str>) -> String {
    let mut out = String::from("| where | change | Rust API | wire |\n|---|---|---|---|\n");
    let shown: Vec<&Change> = changes
        .iter()
        .filter(|c| verbose || !c.is_description())
        .collect();
    for row in same_place_rows(shown) {
        let Some(&first) = row.first() else { continue };
        let text = if row.len() == 1 {
            detail(first)
        } else {
            let parts: Vec<&str> = row.iter().map(|c| c.detail.as_str()).collect();
            format!(
                "{} ({}): {}",
                first.kind.label(),
                row.len(),
                parts.join(", ")
            )
        };
        let place = match prefix.and_then(|p| first.location.strip_prefix(p)) {
            Some("") => "(the type)".to_string(),
            Some(rest) => code(rest.strip_prefix('.').unwrap_or(rest)),
            None => code(&first.location),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&place),
            cell(&text),
            cell(&verdict(&first.rust)),
            cell(&verdict(&first.wire))
        );
    }
    out
}

/// Write one heading and table per distinct table: groups whose changes
/// read the same (e.g. thirty operations whose `id` became a `uuid`) share
/// one, named under its heading.
fn grouped_tables(out: &mut String, groups: Vec<(String, String)>) {
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    for (name, table) in groups {
        match tables.iter_mut().find(|(t, _)| *t == table) {
            Some((_, names)) => names.push(name),
            None => tables.push((table, vec![name])),
        }
    }
    for (table, names) in tables {
        match names.as_slice() {
            [one] => {
                let _ = writeln!(out, "\n#### {one}\n");
            }
            [first, rest @ ..] => {
                let _ = writeln!(
                    out,
                    "\n#### {first} and {} more with the same changes\n\n{}\n",
                    rest.len(),
                    rest.join(" · ")
                );
            }
            [] => continue,
        }
        out.push_str(&table);
    }
}

/// The Markdown report: a title, the summary line, then operations and
/// components, each added/removed first (one table) and then a table per
/// changed one (shared by those whose changes read the same), breaking
/// changes first. Description changes are counted; `verbose` lists them too.
///
/// It starts with the flat list of breaking changes (`breaking_list`).
pub fn markdown(report: &Report, verbose: bool) -> String {
    let summary = report.summary();
    let mut out = String::new();
    let _ = writeln!(out, "## API changes\n\n{}\n", summary_line(&summary));
    let _ = writeln!(
        out,
        "{} → {}, compared after normalization.",
        code(&report.old),
        code(&report.new)
    );
    breaking_list(&mut out, report);
    let listed = |changes: &[Change]| changes.iter().any(|c| verbose || !c.is_description());

    let ops: Vec<_> = report
        .operations
        .iter()
        .filter(|o| listed(&o.changes))
        .collect();
    if !ops.is_empty() {
        out.push_str("\n### Operations\n");
        let whole: Vec<_> = ops.iter().filter(|o| o.status != Status::Changed).collect();
        if !whole.is_empty() {
            out.push_str(
                "\n| operation | route | status | Rust API | wire |\n|---|---|---|---|---|\n",
            );
            for o in whole {
                let Some(c) = o.changes.first() else { continue };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&code(&o.id)),
                    cell(&code(&format!("{} {}", o.method, o.path))),
                    o.status.as_str(),
                    cell(&verdict(&c.rust)),
                    cell(&verdict(&c.wire))
                );
            }
        }
        let changed = ops
            .iter()
            .filter(|o| o.status == Status::Changed)
            .map(|o| {
                (
                    format!(
                        "{}: {}",
                        code(&o.id),
                        code(&format!("{} {}", o.method, o.path))
                    ),
                    table(&o.changes, verbose, None),
                )
            })
            .collect();
        grouped_tables(&mut out, changed);
    }

    let comps: Vec<_> = report
        .components
        .iter()
        .filter(|c| listed(&c.changes))
        .collect();
    if !comps.is_empty() {
        out.push_str("\n### Components\n");
        let whole: Vec<_> = comps
            .iter()
            .filter(|c| c.status != Status::Changed)
            .collect();
        if !whole.is_empty() {
            out.push_str(
                "\n| component | used in | status | Rust API | wire |\n|---|---|---|---|---|\n",
            );
            for c in whole {
                let Some(ch) = c.changes.first() else {
                    continue;
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&code(&c.name)),
                    c.sides.label(),
                    c.status.as_str(),
                    cell(&verdict(&ch.rust)),
                    cell(&verdict(&ch.wire))
                );
            }
        }
        let changed = comps
            .iter()
            .filter(|c| c.status == Status::Changed)
            .map(|c| {
                let used = if c.sides == Sides::default() {
                    "used by no operation: classified as both".to_string()
                } else {
                    format!("used in {}", c.sides.label())
                };
                (
                    format!("{} ({used})", code(&c.name)),
                    table(&c.changes, verbose, Some(&c.name)),
                )
            })
            .collect();
        grouped_tables(&mut out, changed);
    }
    out
}

/// The JSON report: `old`, `new`, `breaking` (bool), `summary` (counts,
/// also per kind), `operations` and `components` with their changes.
/// Description changes are counted; `verbose` lists them too.
pub fn json(report: &Report, verbose: bool) -> Result<String, Error> {
    #[derive(Serialize)]
    struct Json<'a> {
        old: &'a str,
        new: &'a str,
        breaking: bool,
        summary: Summary,
        operations: &'a [super::model::OperationDiff],
        components: &'a [super::model::ComponentDiff],
    }
    let listed;
    let shown = if verbose {
        report
    } else {
        listed = report.without_descriptions();
        &listed
    };
    let doc = Json {
        old: &report.old,
        new: &report.new,
        breaking: report.has_breaking(),
        summary: report.summary(),
        operations: &shown.operations,
        components: &shown.components,
    };
    let mut text = serde_json::to_string_pretty(&doc)
        .map_err(|e| Error::new(format!("cannot write the JSON report: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// The report in `format`.
pub fn render(report: &Report, format: Format, verbose: bool) -> Result<String, Error> {
    match format {
        Format::Markdown => Ok(markdown(report, verbose)),
        Format::Json => json(report, verbose),
        Format::Changelog => Ok(changelog(report)),
    }
}

/// The Keep a Changelog section a non-breaking change belongs in.
fn changelog_section(kind: Kind) -> &'static str {
    match kind {
        Kind::OperationAdded
        | Kind::ParameterAdded
        | Kind::RequestBodyAdded
        | Kind::ContentTypeAdded
        | Kind::ResponseAdded
        | Kind::ComponentAdded
        | Kind::PropertyAdded
        | Kind::EnumValueAdded
        | Kind::UnionMemberAdded => "Added",
        Kind::OperationRemoved
        | Kind::ParameterRemoved
        | Kind::RequestBodyRemoved
        | Kind::ContentTypeRemoved
        | Kind::ResponseRemoved
        | Kind::ComponentRemoved
        | Kind::PropertyRemoved
        | Kind::EnumValueRemoved
        | Kind::UnionMemberRemoved => "Removed",
        _ => "Changed",
    }
}

/// One line of the changelog: a change, or changes of one kind at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangelogRow {
    /// The Keep a Changelog section: one of [`CHANGELOG_SECTIONS`].
    pub section: &'static str,
    /// What breaks (the Rust API or the wire), if anything.
    pub impact: RowImpact,
    /// Where: the place of [`changes_with_places`].
    pub location: String,
    /// The line, without the list marker: `` `place`: kind: details (why) ``.
    pub text: String,
}

/// What a [`ChangelogRow`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowImpact {
    /// Nothing.
    None,
    /// Code written against the old SDK stops compiling, or the wire breaks.
    Breaking,
    /// Code still compiles and fails at run time (the wire may break too).
    RunTime,
}

/// The changelog's sections, in the order they are written.
pub const CHANGELOG_SECTIONS: [&str; 4] = ["Changed (breaking)", "Added", "Changed", "Removed"];

/// Every change with the place a reader finds it by: a component's changes
/// as their location says (`Session.name`, which starts with the component),
/// an operation's with the operation first (`SessionController_findOne path
/// id`: the location alone, `path id`, is the same in every operation).
pub fn changes_with_places(report: &Report) -> Vec<(String, &Change)> {
    let operations = report.operations.iter().flat_map(|o| {
        o.changes
            .iter()
            .map(move |c| (format!("{} {}", o.id, c.location), c))
    });
    let components = report
        .components
        .iter()
        .flat_map(|c| c.changes.iter().map(|ch| (ch.location.clone(), ch)));
    operations.chain(components).collect()
}

/// The changelog's rows for a spec update, breaking ones first, then by
/// place: every change but descriptions, changes of one kind at one place
/// sharing a row.
pub fn changelog_rows(report: &Report) -> Vec<ChangelogRow> {
    let mut changes: Vec<(String, &Change)> = changes_with_places(report)
        .into_iter()
        .filter(|(_, c)| !c.is_description())
        .collect();
    changes.sort_by(|(pa, a), (pb, b)| {
        (!a.is_breaking(), pa, a.kind, &a.detail).cmp(&(!b.is_breaking(), pb, b.kind, &b.detail))
    });
    let groups = same_place_groups(changes);
    let mut rows = Vec::new();
    for (place, group) in groups {
        let Some(&first) = group.first() else {
            continue;
        };
        let details: Vec<&str> = group.iter().map(|c| c.detail.as_str()).collect();
        let mut text = format!(
            "{}: {}: {}",
            code(&place),
            first.kind.label(),
            details.join(", ")
        );
        let (section, impact) = if first.is_breaking() {
            let why: Vec<String> = [("Rust API", &first.rust), ("wire", &first.wire)]
                .into_iter()
                .filter(|(_, v)| v.impact.breaks())
                .map(|(axis, v)| format!("{axis}: {}", v.reason))
                .collect();
            text.push_str(&format!(" ({})", why.join("; ")));
            let impact = if first.rust.impact == Impact::RunTime {
                RowImpact::RunTime
            } else {
                RowImpact::Breaking
            };
            (CHANGELOG_SECTIONS[0], impact)
        } else {
            (changelog_section(first.kind), RowImpact::None)
        };
        rows.push(ChangelogRow {
            section,
            impact,
            location: place,
            text,
        });
    }
    rows
}

/// Changelog lines for a spec update, to paste under a version heading of
/// `CHANGELOG.md`: `### Changed (breaking)` first (what breaks the Rust API
/// or the wire, with why), then `### Added`, `### Changed`, `### Removed`.
/// Descriptions are left out; changes of one kind at one place share a line.
pub fn changelog(report: &Report) -> String {
    let rows = changelog_rows(report);
    let mut out = String::new();
    for title in CHANGELOG_SECTIONS {
        let lines: Vec<&ChangelogRow> = rows.iter().filter(|r| r.section == title).collect();
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}");
        for row in lines {
            let _ = writeln!(out, "- {}", row.text);
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("No changes to the API (descriptions aside).\n");
    }
    out
}
