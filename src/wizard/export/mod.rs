//! A [`Plan`] written out, one file per format: `json` (what both engines produce),
//! `markdown` (a checklist a merchant can keep), `csv` (a spreadsheet of the tasks), `ics`
//! (a calendar) and `html` (one printable page, from the theme's `plan.html` template). This
//! module owns what the formats share: the words in each language, fee amounts and the RACI
//! matrix. Every text from the answers is escaped for the format it lands in.

mod csv;
pub mod html;
mod ics;
mod json;
mod markdown;
mod names;

use super::engine::{FeeEstimate, Plan, PlannedItem, RankedProvider, RoleName};

pub use self::csv::{csv, csv_cell};
pub use self::ics::{ics, ics_text};
pub use self::json::json;
pub use self::markdown::{markdown, markdown_text};
pub use self::names::file_stem;

/// The words of the exports, by language (Chinese first, English otherwise). The browser's
/// exports (static/js/wizard-export.js) read the same words from the compiled wizard.
#[derive(Debug, serde::Serialize)]
pub struct Words {
    title: &'static str,
    summary: &'static str,
    providers: &'static str,
    provider: &'static str,
    /// The providers' score: its column, the unit of its figures, and what it means.
    score: &'static str,
    point: &'static str,
    points: &'static str,
    score_note: &'static str,
    why: &'static str,
    fees: &'static str,
    phases: &'static str,
    /// After a number of business days: one, and any other number.
    day: &'static str,
    days: &'static str,
    due: &'static str,
    after: &'static str,
    /// Between names in a list (providers, roles).
    list_sep: &'static str,
    /// Between titles in a list (titles may hold `、` or `,` themselves).
    title_sep: &'static str,
    /// Between the parts of a line; around an aside (full-width in Chinese).
    comma: &'static str,
    open: &'static str,
    close: &'static str,
    evidence: &'static str,
    critical_path: &'static str,
    prepared_by: &'static str,
    assumptions: &'static str,
    /// The assumptions a plan states; `{…}` stands for what the plan fills in.
    assume_calendar: &'static str,
    assume_no_calendar: &'static str,
    assume_uncovered: &'static str,
    assume_range: &'static str,
    assume_prices: &'static str,
    assume_example: &'static str,
    assume_share: &'static str,
    assume_abroad: &'static str,
    assume_domestic: &'static str,
    assume_rates: &'static str,
    /// In the fit column for a provider the merchant cannot open an account with.
    cannot_open: &'static str,
    /// A rate set by quote; what a fee comes to a month; a provider's monthly total.
    by_quote: &'static str,
    a_month: &'static str,
    total: &'static str,
    /// The fee chart: its title, and what it leaves out.
    chart: &'static str,
    chart_quoted: &'static str,
    chart_none: &'static str,
    go_live: &'static str,
    raci: &'static str,
    raci_legend: &'static str,
    task: &'static str,
    timeline: &'static str,
    security: &'static str,
    data: &'static str,
    risks: &'static str,
    mitigation: &'static str,
    go_no_go: &'static str,
    go_no_go_note: &'static str,
    meets: &'static str,
    misses: &'static str,
    duration: &'static str,
    start: &'static str,
    as_of: &'static str,
    versions: &'static str,
    fee_data: &'static str,
    estimate: &'static str,
}

const ZH: Words = Words {
    title: "上线计划",
    summary: "概要",
    providers: "推荐的服务商",
    provider: "服务商",
    score: "匹配度",
    point: "分",
    points: "分",
    score_note: "匹配度是服务商各条理由的分数之和，越高越合适；高于 0 分的才推荐。",
    why: "理由",
    fees: "费率，及按你的交易量估算的每月费用",
    phases: "阶段与任务",
    day: "个工作日",
    days: "个工作日",
    due: "截止",
    after: "前置任务",
    list_sep: "、",
    title_sep: "；",
    comma: "，",
    open: "（",
    close: "）",
    evidence: "完成的依据",
    critical_path: "关键路径",
    prepared_by: "制定人",
    assumptions: "前提",
    assume_calendar: "工期按{region}的工作日计算：周一至周五，扣除官方公布的公众假期；官方调为工作日的周末照常计入。",
    assume_no_calendar: "工期按周一至周五计算，没有扣除你所在地的公众假期：计划跨长假时，请把之后的日期相应顺延。",
    assume_uncovered: "{years} 年的假期安排尚未收录，这些年份按周一至周五计算；官方公布后请核对日期。",
    assume_range: "每项工期是一个区间：短的是一切顺利，长的是常见的耽搁（补材料、审核退回）。时间线和截止日期按长的排。",
    assume_prices: "费用按{account}的价目估算，金额单位为 {currency}：每月 {transactions} 笔，共 {volume}。",
    assume_example: "你所在地的价目没有收录，上面按{account}的价目举例；请向当地的服务商或收单机构询价。",
    assume_share: "推荐的 {count} 家服务商按平均分摊交易估算，各占 {share}%；实际比例取决于顾客怎么付。",
    assume_abroad: "估算假定 {share}% 的交易额由境外付款人支付，跨境费和货币转换费只按这一部分计算。",
    assume_domestic: "估算假定没有境外付款，不计跨境费和货币转换费。",
    assume_rates: "费率取自服务商公布的价格并注明了查看日期；按报价收费的不作估算；签约前请向服务商确认。",
    cannot_open: "无法开户",
    by_quote: "按报价",
    a_month: "每月约 {amount}",
    total: "合计每月约 {amount}",
    chart: "每月费用估算（{currency}）",
    chart_quoted: "没有每月估算（按报价收费，或这里没有适用于你的公开价格）：{names}。",
    chart_none: "推荐的服务商都没有每月估算（按报价收费，或这里没有适用于你的公开价格），无从比较。",
    go_live: "正式上线",
    raci: "职责分工（RACI）",
    raci_legend: "R 负责执行 · A 最终负责 · C 事先咨询 · I 事后告知",
    task: "任务",
    timeline: "时间线（红色为关键路径）",
    security: "安全清单",
    data: "数据清单",
    risks: "风险",
    mitigation: "应对",
    go_no_go: "上线/暂缓标准",
    go_no_go_note: "以下任何一项未完成，都应暂缓上线。",
    meets: "按最长工期估算，也能在目标日期前上线",
    misses: "按最长工期估算，上线晚于目标日期",
    duration: "工期",
    start: "开始",
    as_of: "数据日期",
    versions: "向导版本",
    fee_data: "费率数据",
    estimate: "估计值",
};

const EN: Words = Words {
    title: "Rollout plan",
    summary: "Summary",
    providers: "Recommended providers",
    provider: "Provider",
    score: "Fit",
    point: "point",
    points: "points",
    score_note: "A provider's fit is the sum of the points of its reasons: the higher, the better; providers above 0 points are recommended.",
    why: "Why",
    fees: "Rates, and what they come to a month at your volume",
    phases: "Phases and tasks",
    day: "business day",
    days: "business days",
    due: "due",
    after: "after",
    list_sep: ", ",
    title_sep: "; ",
    comma: ", ",
    open: " (",
    close: ")",
    evidence: "Done when",
    critical_path: "Critical path",
    prepared_by: "prepared by",
    assumptions: "Assumptions",
    assume_calendar: "Durations count working days in {region}: Monday to Friday, without the public holidays of the official list, and with any weekend day it makes a working day.",
    assume_no_calendar: "Durations count Monday to Friday; your region's public holidays are not taken out, so move the later dates back when the plan spans a long holiday.",
    assume_uncovered: "The holiday list does not cover {years} yet: those years count Monday to Friday; check the dates once the official list is out.",
    assume_range: "Each duration is a range: the short end if all goes well, the long end with the usual delays (documents to add, a review sent back). The timeline and due dates use the long end.",
    assume_prices: "Fees are estimated at the prices for {account}, in {currency}: {transactions} payments a month, {volume} in all.",
    assume_example: "There is no price list for your region here: the prices for {account} are an example; ask the providers or acquirers in your region for theirs.",
    assume_share: "The {count} recommended providers are assumed to share your payments evenly, {share}% each; the real split follows how your customers pay.",
    assume_abroad: "{share}% of the volume is assumed paid from abroad: cross-border and currency conversion fees are counted on that part only.",
    assume_domestic: "No payment is assumed to come from abroad, so no cross-border or currency conversion fee is counted.",
    assume_rates: "Rates are the providers' published prices, each with the date it was read; fees set by quote are not estimated; confirm them with the provider before you sign.",
    cannot_open: "cannot open an account",
    by_quote: "by quote",
    a_month: "about {amount} a month",
    total: "in all about {amount} a month",
    chart: "Estimated fees a month ({currency})",
    chart_quoted: "No monthly estimate (priced by quote, or no published price for your payments here): {names}.",
    chart_none: "None of the recommended providers has a monthly estimate (priced by quote, or no published price for your payments here): nothing to compare.",
    go_live: "Go live",
    raci: "Who does what (RACI)",
    raci_legend: "R responsible: does it · A accountable: answers for it · C consulted: asked before · I informed: told after",
    task: "Task",
    timeline: "Timeline (red: the critical path)",
    security: "Security checklist",
    data: "Data checklist",
    risks: "Risks",
    mitigation: "Mitigation",
    go_no_go: "Go / no-go",
    go_no_go_note: "If any of these is not done, hold the launch.",
    meets: "even with the longest durations, go-live comes before the target date",
    misses: "with the longest durations, go-live comes after the target date",
    duration: "Duration",
    start: "Start",
    as_of: "as of",
    versions: "wizard version",
    fee_data: "fee data",
    estimate: "estimate",
};

pub fn words(lang: &str) -> &'static Words {
    if lang == "zh" { &ZH } else { &EN }
}

/// The colon between a label and its text: full-width in Chinese.
pub(super) fn colon(lang: &str) -> &'static str {
    if lang == "zh" { "：" } else { ": " }
}

pub(super) fn money(x: f64) -> String {
    format!("{x:.2}")
}

/// A number as both engines' shortest round-trip form writes it: `0.6`, `3.4`, `2`.
fn number(x: f64) -> String {
    format!("{x}")
}

/// A share as a whole percentage: `50`, `33`.
fn percent(share: f64) -> String {
    number((share * 100.0).round())
}

/// An amount with its currency, thousands grouped: `CNY 3,150.00`.
fn amount(currency: &str, x: f64) -> String {
    let written = money(x);
    let (sign, digits) = match written.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", written.as_str()),
    };
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{currency} {sign}{grouped}.{cents}")
}

/// A fee as the plan lists it: its label, its published rate (`0.6%`, `3.4% + HKD 2.35`, `by
/// quote`) and, when it is counted, what it comes to a month at the provider's share.
pub(super) fn fee_text(fee: &FeeEstimate, plan: &Plan, w: &Words) -> String {
    let currency = &plan.prices.currency;
    let fixed_currency = fee.currency.as_deref().unwrap_or(currency);
    let mut rate = Vec::new();
    if let Some(p) = fee.percent {
        rate.push(format!("{}%", number(p)));
    }
    if let Some(f) = fee.fixed {
        rate.push(amount(fixed_currency, f));
    }
    let rate = if fee.quote {
        w.by_quote.to_string()
    } else {
        rate.join(" + ")
    };
    let monthly = match (fee.percent_part, fee.fixed_part) {
        (None, None) => None,
        (p, None) => Some(amount(currency, p.unwrap_or(0.0))),
        (None, Some(f)) => Some(amount(fixed_currency, f)),
        (Some(p), Some(f)) if fixed_currency == currency => Some(amount(currency, p + f)),
        (Some(p), Some(f)) => Some(format!(
            "{} + {}",
            amount(currency, p),
            amount(fixed_currency, f)
        )),
    };
    let colon = colon(&plan.lang);
    match monthly {
        Some(m) => format!(
            "{}{colon}{rate}{}{}",
            fee.label,
            w.comma,
            w.a_month.replace("{amount}", &m)
        ),
        None => format!("{}{colon}{rate}", fee.label),
    }
}

/// A provider's monthly total (`in all about CNY 3150.00 a month`), when it has one.
pub(super) fn provider_total(provider: &RankedProvider, plan: &Plan, w: &Words) -> Option<String> {
    provider.monthly.map(|m| {
        w.total
            .replace("{amount}", &amount(&plan.prices.currency, m))
    })
}

/// A provider's fit: its points, or that the merchant cannot open an account with it.
pub(super) fn fit(provider: &RankedProvider, w: &Words) -> String {
    if provider.eligible == Some(false) {
        w.cannot_open.to_string()
    } else {
        points(provider.score, w)
    }
}

/// What the plan assumes, in its language: the calendar its schedule counts, the ranges, the
/// price list, how the providers share the payments, the share paid from abroad, the rates.
pub fn assumptions(plan: &Plan) -> Vec<String> {
    let w = words(&plan.lang);
    let (schedule, prices) = (&plan.schedule, &plan.prices);
    let mut lines = vec![match &schedule.calendar_name {
        Some(region) => w.assume_calendar.replace("{region}", region),
        None => w.assume_no_calendar.to_string(),
    }];
    if !schedule.uncovered_years.is_empty() {
        let years: Vec<String> = schedule
            .uncovered_years
            .iter()
            .map(|y| y.to_string())
            .collect();
        lines.push(
            w.assume_uncovered
                .replace("{years}", &years.join(w.list_sep)),
        );
    }
    lines.push(w.assume_range.to_string());
    lines.push(
        w.assume_prices
            .replace("{account}", &prices.account_name)
            .replace("{currency}", &prices.currency)
            .replace("{transactions}", &number(prices.transactions))
            .replace("{volume}", &amount(&prices.currency, prices.volume)),
    );
    if prices.example {
        lines.push(w.assume_example.replace("{account}", &prices.account_name));
    }
    let recommended: Vec<&RankedProvider> =
        plan.providers.iter().filter(|p| p.recommended).collect();
    if recommended.len() > 1 {
        lines.push(
            w.assume_share
                .replace("{count}", &recommended.len().to_string())
                .replace("{share}", &percent(recommended[0].share)),
        );
    }
    lines.push(if prices.cross_border_share > 0.0 {
        w.assume_abroad
            .replace("{share}", &percent(prices.cross_border_share))
    } else {
        w.assume_domestic.to_string()
    });
    lines.push(w.assume_rates.to_string());
    lines
}

/// The fee chart: each recommended provider with a monthly total, its bar as a share of the
/// largest; the recommended providers priced by quote are named under it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeeChart {
    pub title: String,
    pub bars: Vec<FeeBar>,
    /// `Priced by quote, not in the chart: …`, or that nothing could be charted.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeeBar {
    pub name: String,
    /// The total with its currency: `CNY 3150.00`.
    pub amount: String,
    /// The bar's length, a percentage of the chart's width with one decimal: `62.5`.
    pub width: String,
}

/// The fee chart of `plan`, when it recommends any provider.
pub fn fee_chart(plan: &Plan) -> Option<FeeChart> {
    let w = words(&plan.lang);
    let recommended: Vec<&RankedProvider> =
        plan.providers.iter().filter(|p| p.recommended).collect();
    if recommended.is_empty() {
        return None;
    }
    let priced: Vec<(&RankedProvider, f64)> = recommended
        .iter()
        .filter_map(|p| Some((*p, p.monthly?)))
        .collect();
    let largest = priced.iter().map(|(_, m)| *m).fold(0.0, f64::max);
    let bars = priced
        .iter()
        .map(|(p, m)| FeeBar {
            name: p.name.clone(),
            amount: amount(&plan.prices.currency, *m),
            // Two units at the least, so that a provider at no cost still shows a mark.
            width: format!(
                "{:.1}",
                if largest > 0.0 {
                    ((m / largest * 1000.0).round() / 10.0).max(2.0)
                } else {
                    2.0
                }
            ),
        })
        .collect();
    let quoted: Vec<&str> = recommended
        .iter()
        .filter(|p| p.monthly.is_none())
        .map(|p| p.name.as_str())
        .collect();
    let note = if priced.is_empty() {
        Some(w.chart_none.to_string())
    } else if quoted.is_empty() {
        None
    } else {
        Some(w.chart_quoted.replace("{names}", &quoted.join(w.list_sep)))
    };
    Some(FeeChart {
        title: w.chart.replace("{currency}", &plan.prices.currency),
        bars,
        note,
    })
}

/// The summary's lines: the recommended providers, how long the plan takes, go-live at the
/// earliest and the latest, and whether that meets the target date.
pub fn summary_lines(plan: &Plan) -> Vec<String> {
    let (w, colon) = (words(&plan.lang), colon(&plan.lang));
    let s = &plan.schedule;
    let recommended: Vec<&str> = plan
        .providers
        .iter()
        .filter(|p| p.recommended)
        .map(|p| p.name.as_str())
        .collect();
    let mut lines = vec![
        format!("{}{colon}{}", w.providers, recommended.join(w.list_sep)),
        format!(
            "{}{colon}{}{}{} – {}{}",
            w.duration,
            duration(s.days, w),
            w.open,
            s.earliest_finish,
            s.latest_finish,
            w.close
        ),
        format!("{}{colon}{} – {}", w.go_live, s.earliest_launch, s.launch),
    ];
    if let (Some(target), Some(meets)) = (s.target, s.meets_target) {
        lines.push(format!(
            "{target}{colon}{}",
            if meets { w.meets } else { w.misses }
        ));
    }
    lines
}

/// `, estimate` (`，估计值`) for a figure that is an estimate.
pub(super) fn estimate_note(fee: &FeeEstimate, w: &Words) -> String {
    if fee.estimate {
        format!("{}{}", w.comma, w.estimate)
    } else {
        String::new()
    }
}

/// A duration in business days: `1–3 business days`, `1 business day`, `2 个工作日`.
pub fn duration(days: [u32; 2], w: &Words) -> String {
    match days {
        [1, 1] => format!("1 {}", w.day),
        [low, high] if low == high => format!("{low} {}", w.days),
        [low, high] => format!("{low}–{high} {}", w.days),
    }
}

/// A provider's score with its unit: `4 points`, `1 point`, `4 分`.
pub fn points(score: i32, w: &Words) -> String {
    format!("{score} {}", if score == 1 { w.point } else { w.points })
}

/// The titles of the items `item` waits for (its `after`), in the plan's language: exports
/// print titles, never ids (the JSON keeps the ids: it is data).
pub(super) fn predecessors<'a>(plan: &'a Plan, item: &'a PlannedItem) -> Vec<&'a str> {
    plan.items_in(&item.after)
        .map(|i| i.title.as_str())
        .collect()
}

/// The titles of the critical path's items, in order.
pub(super) fn critical_path(plan: &Plan) -> Vec<&str> {
    plan.items_in(&plan.critical_path)
        .map(|i| i.title.as_str())
        .collect()
}

/// The RACI matrix: the roles with a part in any item (in the wizard's order), and for each
/// item its letters under each of them (`R/A`, `C`, `I` or nothing).
pub fn raci(plan: &Plan) -> (Vec<&RoleName>, Vec<(&PlannedItem, Vec<String>)>) {
    let letters = |item: &PlannedItem, role: &str| {
        let mut parts = Vec::new();
        if item.owner == role {
            parts.push("R");
        }
        if item.accountable == role {
            parts.push("A");
        }
        if item.consulted.iter().any(|r| r == role) {
            parts.push("C");
        }
        if item.informed.iter().any(|r| r == role) {
            parts.push("I");
        }
        parts.join("/")
    };
    let roles: Vec<_> = plan
        .roles
        .iter()
        .filter(|r| plan.items.iter().any(|i| !letters(i, &r.id).is_empty()))
        .collect();
    let rows = plan
        .items
        .iter()
        .map(|item| (item, roles.iter().map(|r| letters(item, &r.id)).collect()))
        .collect();
    (roles, rows)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::wizard::engine::{PhasePlan, Schedule};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    /// A plan of one item, `pick`, in phase `choose`: a gate on the security checklist.
    fn one_item_plan() -> Plan {
        Plan {
            wizard_version: 1,
            fee_data_version: "2026-11".into(),
            lang: "en".into(),
            merchant: "Tea".into(),
            prepared_by: None,
            answers: Default::default(),
            roles: vec![RoleName {
                id: "owner".into(),
                name: "Owner".into(),
            }],
            prices: crate::wizard::engine::Prices {
                region: None,
                account: "us".into(),
                account_name: "US accounts".into(),
                currency: "USD".into(),
                example: true,
                cross_border_share: 0.0,
                transactions: 0.0,
                volume: 0.0,
            },
            providers: Vec::new(),
            phases: vec![PhasePlan {
                id: "choose".into(),
                name: "Choose".into(),
                items: vec!["pick".into()],
                end_date: Some(day(24)),
            }],
            items: vec![PlannedItem {
                id: "pick".into(),
                phase: "choose".into(),
                title: "Pick the providers".into(),
                owner: "owner".into(),
                owner_name: "Owner".into(),
                accountable: "owner".into(),
                consulted: Vec::new(),
                informed: Vec::new(),
                days: [1, 1],
                after: Vec::new(),
                doc: "@/guide/register.md".into(),
                evidence: "A note".into(),
                gate: true,
                checklist: Some(crate::wizard::schema::Checklist::Security),
                start_day: 0,
                end_day: 1,
                start_date: day(23),
                due_date: day(24),
                critical: true,
            }],
            schedule: Schedule {
                start: day(23),
                days: [1, 1],
                earliest_finish: day(24),
                latest_finish: day(24),
                earliest_launch: day(24),
                launch: day(24),
                target: None,
                meets_target: None,
                calendar: None,
                calendar_name: None,
                uncovered_years: Vec::new(),
            },
            critical_path: vec!["pick".into()],
            security_checklist: vec!["pick".into()],
            data_checklist: Vec::new(),
            go_no_go: vec!["pick".into()],
            risks: Vec::new(),
        }
    }

    #[test]
    fn durations_and_scores_read_as_each_language_says_them() {
        let (zh, en) = (words("zh"), words("en"));
        assert_eq!(duration([1, 1], zh), "1 个工作日");
        assert_eq!(duration([3, 3], zh), "3 个工作日");
        assert_eq!(duration([1, 2], zh), "1–2 个工作日");
        assert_eq!(duration([1, 1], en), "1 business day");
        assert_eq!(duration([3, 3], en), "3 business days");
        assert_eq!(duration([2, 5], en), "2–5 business days");
        assert_eq!(points(8, zh), "8 分");
        assert_eq!(points(1, en), "1 point");
        assert_eq!(points(-3, en), "-3 points");
    }

    #[test]
    fn ids_that_are_no_item_of_the_plan_are_left_out_of_every_format() {
        let mut plan = one_item_plan();
        assert!(plan.item("pick").is_some() && plan.item("gone").is_none());
        let link = |doc: &str| doc.to_string();
        // The items each list of the HTML page shows.
        let listed = |plan: &Plan| {
            let page = html::page(plan, &link, "en");
            let ids = |tasks: &[html::Task]| tasks.iter().map(|t| t.item.id.clone()).collect();
            let mut lists: Vec<Vec<String>> = page.phases.iter().map(|p| ids(&p.items)).collect();
            lists.extend(page.checklists.iter().map(|c| ids(&c.items)));
            lists.push(ids(&page.go_no_go));
            lists
        };
        let before = (markdown(&plan, &link), listed(&plan));
        // A plan read from elsewhere (an edited JSON file) may name items it does not have.
        for ids in [
            &mut plan.phases[0].items,
            &mut plan.security_checklist,
            &mut plan.data_checklist,
            &mut plan.go_no_go,
        ] {
            ids.push("gone".into());
        }
        assert_eq!((markdown(&plan, &link), listed(&plan)), before);
    }
}
