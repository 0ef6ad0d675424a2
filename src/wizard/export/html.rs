//! The plan as one self-contained, printable HTML page with an SVG timeline: the theme's
//! `plan.html` template (a site may replace it) rendered with a [`PlanPage`], the plan and
//! what a template cannot work out itself (links, fee lines, the RACI matrix, the timeline's
//! geometry). Tera's autoescape makes every text safe; the page has no script and fetches
//! nothing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{
    FeeChart, Words, assumptions, colon, critical_path, duration, estimate_note, fee_chart,
    fee_text, fit, predecessors, provider_total, raci, summary_lines, words,
};
use crate::wizard::engine::{Plan, PlannedItem, RankedProvider};

/// The plan's template among the theme's.
pub const TEMPLATE: &str = "plan.html";

/// What `plan.html` is rendered with.
#[derive(Debug, Serialize)]
pub struct PlanPage<'a> {
    /// The page's language for `<html lang>` (`zh-CN`).
    pub locale: &'a str,
    /// The words of the exports in the plan's language.
    pub w: &'static Words,
    /// The colon between a label and its text: full-width in Chinese.
    pub colon: &'static str,
    pub plan: &'a Plan,
    /// Each doc link of the plan (`@/guide/go-live.md#pilot`) and its URL.
    pub links: BTreeMap<&'a str, String>,
    /// The names of the recommended providers.
    pub recommended: Vec<&'a str>,
    /// How long the whole plan may take (`24–47 business days`).
    pub duration: String,
    /// The summary's lines (providers, duration, go-live, the target).
    pub summary: Vec<String>,
    /// What the plan assumes.
    pub assumptions: Vec<String>,
    /// The providers' table: every provider, best first.
    pub providers: Vec<ProviderRow<'a>>,
    /// The monthly fees of the recommended providers, as bars.
    pub fee_chart: Option<FeeChart>,
    /// The phases that have items, with their items.
    pub phases: Vec<PhaseItems<'a>>,
    /// Who does what: the roles with a part in any item, and a row of letters per item.
    pub raci: Raci<'a>,
    /// The security and the data checklist: a title and the items.
    pub checklists: [PhaseItems<'a>; 2],
    /// The items that must be done to go live.
    pub go_no_go: Vec<Task<'a>>,
    /// The titles of the critical path's items, in order.
    pub critical_path: Vec<&'a str>,
    pub timeline: Timeline<'a>,
}

#[derive(Debug, Serialize)]
pub struct ProviderRow<'a> {
    pub name: &'a str,
    pub score: i32,
    /// The score with its unit (`4 points`, `4 分`), or that no account can be opened.
    pub fit: String,
    pub reasons: &'a [String],
    pub fees: Vec<FeeLine<'a>>,
    /// What its fees come to a month in all, when known.
    pub total: Option<String>,
}

/// A fee estimate as the table shows it.
#[derive(Debug, Serialize)]
pub struct FeeLine<'a> {
    /// Its label, rate and monthly amount (`most industries: 0.6%, about CNY 324.00 a month`).
    pub text: String,
    /// A web page, or a description of one.
    pub source: &'a str,
    /// Whether `source` is a web page (a link).
    pub web: bool,
    pub as_of: &'a str,
    /// `, estimate` for a figure that is an estimate, else empty.
    pub estimate: String,
}

/// A named list of items: a phase, a checklist.
#[derive(Debug, Serialize)]
pub struct PhaseItems<'a> {
    pub name: &'a str,
    pub items: Vec<Task<'a>>,
}

/// An item of the plan as the page lists it: the item's own fields, and what a template
/// cannot work out from them.
#[derive(Debug, Serialize)]
pub struct Task<'a> {
    #[serde(flatten)]
    pub item: &'a PlannedItem,
    /// The titles of the items it waits for (its `after` holds their ids).
    pub predecessors: Vec<&'a str>,
    /// How long it may take (`1–2 business days`, `1 business day`).
    pub duration: String,
}

#[derive(Debug, Serialize)]
pub struct Raci<'a> {
    /// The roles' names, in the wizard's order.
    pub roles: Vec<&'a str>,
    pub rows: Vec<RaciRow<'a>>,
}

#[derive(Debug, Serialize)]
pub struct RaciRow<'a> {
    pub title: &'a str,
    /// Under each role: `R`, `A`, `R/A`, `C`, `I` or nothing.
    pub cells: Vec<String>,
}

/// The timeline's geometry, numbers written as the SVG wants them: a bar per item over
/// business days, from a left margin for the labels.
#[derive(Debug, Serialize)]
pub struct Timeline<'a> {
    pub width: String,
    pub height: String,
    /// A line about every tenth of the plan, on a day a task starts, with its date under it.
    pub grid: Vec<GridLine>,
    /// Where the grid lines end and their days stand.
    pub grid_end: String,
    pub day_y: String,
    pub bars: Vec<Bar<'a>>,
}

#[derive(Debug, Serialize)]
pub struct GridLine {
    pub x: String,
    /// The date that business day falls on, as month and day (`12-07`).
    pub date: String,
}

#[derive(Debug, Serialize)]
pub struct Bar<'a> {
    /// The title cut to fit the left margin, and where it stands.
    pub label: String,
    pub label_y: String,
    pub x: String,
    pub y: String,
    pub width: String,
    pub critical: bool,
    pub title: &'a str,
    pub start: NaiveDate,
    pub due: NaiveDate,
}

/// The context of the plan's page. `link` turns a `@/…` doc link into a URL; `locale` is the
/// plan's language as `<html lang>` writes it.
pub fn page<'a>(plan: &'a Plan, link: &dyn Fn(&str) -> String, locale: &'a str) -> PlanPage<'a> {
    let w = words(&plan.lang);
    let docs = plan.items.iter().map(|i| i.doc.as_str());
    let links = docs
        .chain(plan.risks.iter().map(|r| r.doc.as_str()))
        .map(|doc| (doc, link(doc)))
        .collect();
    let tasks = |ids: &'a [String]| {
        plan.items_in(ids)
            .map(|item| Task {
                item,
                predecessors: predecessors(plan, item),
                duration: duration(item.days, w),
            })
            .collect()
    };
    let named = |name: &'a str, ids: &'a [String]| PhaseItems {
        name,
        items: tasks(ids),
    };
    let (roles, rows) = raci(plan);
    PlanPage {
        locale,
        w,
        colon: colon(&plan.lang),
        plan,
        links,
        recommended: plan
            .providers
            .iter()
            .filter(|p| p.recommended)
            .map(|p| p.name.as_str())
            .collect(),
        duration: duration(plan.schedule.days, w),
        summary: summary_lines(plan),
        assumptions: assumptions(plan),
        providers: plan
            .providers
            .iter()
            .map(|p| provider_row(plan, p, w))
            .collect(),
        fee_chart: fee_chart(plan),
        phases: plan
            .phases
            .iter()
            .map(|phase| named(&phase.name, &phase.items))
            .filter(|phase| !phase.items.is_empty())
            .collect(),
        raci: Raci {
            roles: roles.iter().map(|r| r.name.as_str()).collect(),
            rows: rows
                .into_iter()
                .map(|(item, cells)| RaciRow {
                    title: &item.title,
                    cells,
                })
                .collect(),
        },
        checklists: [
            named(w.security, &plan.security_checklist),
            named(w.data, &plan.data_checklist),
        ],
        go_no_go: tasks(&plan.go_no_go),
        critical_path: critical_path(plan),
        timeline: timeline(plan),
    }
}

fn provider_row<'a>(plan: &Plan, provider: &'a RankedProvider, w: &Words) -> ProviderRow<'a> {
    ProviderRow {
        name: &provider.name,
        score: provider.score,
        fit: fit(provider, w),
        reasons: &provider.reasons,
        total: provider_total(provider, plan, w),
        fees: provider
            .fees
            .iter()
            .map(|fee| FeeLine {
                text: fee_text(fee, plan, w),
                source: &fee.source,
                web: crate::data::is_web_address(&fee.source),
                as_of: &fee.as_of,
                estimate: estimate_note(fee, w),
            })
            .collect(),
    }
}

/// A task's title cut to fit before its bar (about 52 Latin letters or 26 Chinese characters
/// at 11 px), with `…` when cut. The browser's timeline (js/wizard.js) cuts the same way.
fn bar_label(title: &str) -> String {
    const ROOM: usize = 52;
    let wide = |c: char| matches!(c, '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFE6}' | '\u{20000}'..='\u{3FFFD}');
    let width = |c: char| if wide(c) { 2 } else { 1 };
    if title.chars().map(width).sum::<usize>() <= ROOM {
        return title.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in title.chars() {
        if used + width(c) > ROOM - 1 {
            break;
        }
        used += width(c);
        out.push(c);
    }
    out.push('…');
    out
}

/// The timeline: 640 units of business days right of a 300-unit margin for the labels, a row
/// of 18 per item and 30 for the days under the grid.
fn timeline(plan: &Plan) -> Timeline<'_> {
    let days = plan.schedule.days[1].max(1) as f64;
    let (left, width, row) = (300.0, 640.0, 18.0);
    let height = row * plan.items.len() as f64 + 30.0;
    let x = |day: u32| left + width * f64::from(day) / days;
    let step = (days / 10.0).ceil().max(1.0) as u32;
    // The days whose dates the plan knows: the start, and each task's first day.
    let known: std::collections::BTreeMap<u32, NaiveDate> =
        std::iter::once((0, plan.schedule.start))
            .chain(plan.items.iter().map(|i| (i.start_day, i.start_date)))
            .collect();
    let mut next = 0;
    let mut grid = Vec::new();
    for (&day, date) in &known {
        if day >= next && f64::from(day) <= days {
            grid.push(GridLine {
                x: format!("{:.1}", x(day)),
                date: date.format("%m-%d").to_string(),
            });
            next = day + step;
        }
    }
    let bars = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let y = row * i as f64 + 4.0;
            Bar {
                label: bar_label(&item.title),
                label_y: format!("{:.1}", y + 10.0),
                x: format!("{:.1}", x(item.start_day)),
                y: format!("{y:.1}"),
                width: format!("{:.1}", (x(item.end_day) - x(item.start_day)).max(2.0)),
                critical: item.critical,
                title: &item.title,
                start: item.start_date,
                due: item.due_date,
            }
        })
        .collect();
    Timeline {
        width: (left + width + 20.0).to_string(),
        height: height.to_string(),
        grid,
        grid_end: (height - 18.0).to_string(),
        day_y: (height - 4.0).to_string(),
        bars,
    }
}
