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

use super::engine::{FeeEstimate, Plan, PlannedItem, RoleName};

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
    assume: [&'static str; 3],
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
    your_currency: &'static str,
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
    fees: "按你的交易量估算的每月费用",
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
    assume: [
        "工期按工作日（周一至周五）计算，没有扣除法定节假日；计划跨春节、国庆等长假时，请把之后的日期相应顺延。",
        "每项工期是一个区间：短的是一切顺利，长的是常见的耽搁（补材料、审核退回）。时间线和截止日期按长的排。",
        "费用按你填写的每月笔数和平均金额估算，费率取自服务商公布的价格并注明了查看日期；签约前请向服务商确认。",
    ],
    raci: "职责分工（RACI）",
    raci_legend: "R 负责执行 · A 最终负责 · C 事先咨询 · I 事后告知",
    task: "任务",
    timeline: "时间线（按工作日，红色为关键路径）",
    security: "安全清单",
    data: "数据清单",
    risks: "风险",
    mitigation: "应对",
    go_no_go: "上线/暂缓标准",
    go_no_go_note: "以下任何一项未完成，都应暂缓上线。",
    meets: "按最长工期估算，可以在目标日期前完成",
    misses: "按最长工期估算，无法在目标日期前完成",
    duration: "工期",
    start: "开始",
    as_of: "数据日期",
    versions: "向导版本",
    fee_data: "费率数据",
    your_currency: "（你的收款货币）",
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
    fees: "Estimated monthly fees at your volume",
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
    assume: [
        "Durations count business days, Monday to Friday; public holidays are not taken out, so move the later dates back when the plan spans a long holiday such as Spring Festival.",
        "Each duration is a range: the short end if all goes well, the long end with the usual delays (documents to add, a review sent back). The timeline and due dates use the long end.",
        "Fees are estimated from the monthly payments and average amount you gave, at the providers' published rates with the date each was read; confirm them with the provider before you sign.",
    ],
    raci: "Who does what (RACI)",
    raci_legend: "R responsible: does it · A accountable: answers for it · C consulted: asked before · I informed: told after",
    task: "Task",
    timeline: "Timeline (business days; red: the critical path)",
    security: "Security checklist",
    data: "Data checklist",
    risks: "Risks",
    mitigation: "Mitigation",
    go_no_go: "Go / no-go",
    go_no_go_note: "If any of these is not done, hold the launch.",
    meets: "with the longest durations it finishes before the target date",
    misses: "with the longest durations it does not finish before the target date",
    duration: "Duration",
    start: "Start",
    as_of: "as of",
    versions: "wizard version",
    fee_data: "fee data",
    your_currency: " in your currency",
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

/// A fee estimate's amount: the percentage part (in the merchant's currency, as the average
/// payment was given, and said so) plus the fixed part in the fee's currency.
pub(super) fn fee_amount(fee: &FeeEstimate, w: &Words) -> String {
    let mut parts = Vec::new();
    if let Some(p) = fee.percent_part {
        parts.push(format!("{}{}", money(p), w.your_currency));
    }
    if let Some(x) = fee.fixed_part {
        parts.push(format!(
            "{} {}",
            money(x),
            fee.currency.as_deref().unwrap_or("")
        ));
    }
    parts.join(" + ")
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
