//! A [`Plan`] written out: JSON (what both engines produce) and Markdown (a checklist a
//! merchant can keep). Every text from the answers is escaped for the format it lands in.

use super::engine::{Plan, PlannedItem};
use crate::markdown::escape;

/// The words of the exports, by language (Chinese first, English otherwise). The browser's
/// exports (static/js/wizard-export.js) read the same words from the compiled wizard.
#[derive(serde::Serialize)]
pub struct Words {
    title: &'static str,
    summary: &'static str,
    providers: &'static str,
    provider: &'static str,
    score: &'static str,
    why: &'static str,
    fees: &'static str,
    phases: &'static str,
    days: &'static str,
    due: &'static str,
    after: &'static str,
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
    score: "得分",
    why: "理由",
    fees: "按你的交易量估算的每月费用",
    phases: "阶段与任务",
    days: "个工作日",
    due: "截止",
    after: "前置任务",
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
    score: "Score",
    why: "Why",
    fees: "Estimated monthly fees at your volume",
    phases: "Phases and tasks",
    days: "business days",
    due: "due",
    after: "after",
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
fn colon(lang: &str) -> &'static str {
    if lang == "zh" { "：" } else { ": " }
}

/// Text from a merchant made safe inside Markdown: one line, with Markdown's punctuation and
/// HTML's `<` escaped.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '(' | ')' | '{'
            | '}' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The plan as JSON, as both engines produce it.
pub fn json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).expect("plans serialize") + "\n"
}

fn money(x: f64) -> String {
    format!("{x:.2}")
}

/// A fee estimate's amount: the percentage part (in the merchant's currency, as the average
/// payment was given, and said so) plus the fixed part in the fee's currency.
fn fee_amount(fee: &super::engine::FeeEstimate, w: &Words) -> String {
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

/// `, estimate` for a figure that is an estimate.
fn estimate_note(fee: &super::engine::FeeEstimate, w: &Words) -> String {
    if fee.estimate {
        format!(", {}", w.estimate)
    } else {
        String::new()
    }
}

/// ` · prepared by <name>` for the cover line, the name made safe by `escape`; empty when
/// nobody is named.
fn prepared_by(plan: &Plan, w: &Words, escape: &dyn Fn(&str) -> String) -> String {
    plan.prepared_by.as_deref().map_or(String::new(), |name| {
        format!(" · {} {}", w.prepared_by, escape(name))
    })
}

/// The RACI matrix: the roles with a part in any item (in the wizard's order), and for each
/// item its letters under each of them (`R/A`, `C`, `I` or nothing).
pub fn raci(
    plan: &Plan,
) -> (
    Vec<&super::engine::RoleName>,
    Vec<(&PlannedItem, Vec<String>)>,
) {
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

/// The plan as a Markdown checklist. `link` turns a `@/…` doc link into a URL.
pub fn markdown(plan: &Plan, link: &dyn Fn(&str) -> String) -> String {
    let w = words(&plan.lang);
    let mut out = String::new();
    let merchant = markdown_text(&plan.merchant);
    let colon = colon(&plan.lang);
    out.push_str(&format!("# {}{colon}{merchant}\n\n", w.title));
    out.push_str(&format!(
        "{} {} · {} {} · {} {}{}\n\n",
        w.versions,
        plan.wizard_version,
        w.fee_data,
        plan.fee_data_version,
        w.start,
        plan.schedule.start,
        prepared_by(plan, w, &markdown_text)
    ));
    out.push_str(&format!("## {}\n\n", w.summary));
    let recommended: Vec<&str> = plan
        .providers
        .iter()
        .filter(|p| p.recommended)
        .map(|p| p.name.as_str())
        .collect();
    out.push_str(&format!(
        "- {}{colon}{}\n",
        w.providers,
        recommended.join(", ")
    ));
    let s = &plan.schedule;
    out.push_str(&format!(
        "- {}{colon}{}–{} {} ({} – {})\n",
        w.duration, s.days[0], s.days[1], w.days, s.earliest_finish, s.latest_finish
    ));
    if let (Some(target), Some(meets)) = (s.target, s.meets_target) {
        out.push_str(&format!(
            "- {target}{colon}{}\n",
            if meets { w.meets } else { w.misses }
        ));
    }
    out.push_str(&format!("\n## {}\n\n", w.assumptions));
    for assumption in w.assume {
        out.push_str(&format!("- {assumption}\n"));
    }
    out.push_str(&format!(
        "\n## {}\n\n| {} | {} | {} | {} |\n|---|---:|---|---|\n",
        w.providers, w.provider, w.score, w.why, w.fees
    ));
    for provider in &plan.providers {
        let fees: Vec<String> = provider
            .fees
            .iter()
            .map(|f| {
                let (amount, estimate) = (fee_amount(f, w), estimate_note(f, w));
                format!(
                    "{}{colon}{} ({} {}{estimate})",
                    f.label, amount, w.as_of, f.as_of
                )
            })
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            provider.name,
            provider.score,
            provider.reasons.join("; ").replace('|', "\\|"),
            fees.join("<br>").replace('|', "\\|")
        ));
    }
    out.push_str(&format!("\n## {}\n", w.phases));
    for phase in &plan.phases {
        if phase.items.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {}\n\n", phase.name));
        for id in &phase.items {
            let item = plan.item(id);
            let after = if item.after.is_empty() {
                String::new()
            } else {
                format!(" · {}{colon}{}", w.after, item.after.join(", "))
            };
            out.push_str(&format!(
                "- [ ] **{}** — {}, {}–{} {}, {} {}{after} · [{}]({})\n  {}{colon}{}\n",
                item.title,
                item.owner_name,
                item.days[0],
                item.days[1],
                w.days,
                w.due,
                item.due_date,
                "→",
                link(&item.doc),
                w.evidence,
                item.evidence
            ));
        }
    }
    let (roles, rows) = raci(plan);
    let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    out.push_str(&format!(
        "\n## {}\n\n{}\n\n| {} | {} |\n|---|{}\n",
        w.raci,
        w.raci_legend,
        w.task,
        names.join(" | "),
        ":-:|".repeat(roles.len())
    ));
    for (item, cells) in &rows {
        out.push_str(&format!(
            "| {} | {} |\n",
            item.title.replace('|', "\\|"),
            cells.join(" | ")
        ));
    }
    out.push_str(&format!(
        "\n## {}\n\n{}\n",
        w.critical_path,
        plan.critical_path.join(" → ")
    ));
    for (title, ids) in [
        (w.security, &plan.security_checklist),
        (w.data, &plan.data_checklist),
    ] {
        out.push_str(&format!("\n## {title}\n\n"));
        for id in ids {
            let item = plan.item(id);
            out.push_str(&format!(
                "- [ ] {} ([→]({}))\n",
                item.title,
                link(&item.doc)
            ));
        }
    }
    out.push_str(&format!("\n## {}\n\n", w.risks));
    for risk in &plan.risks {
        out.push_str(&format!(
            "- **{}** — {}{colon}{} ([→]({}))\n",
            risk.title,
            w.mitigation,
            risk.mitigation,
            link(&risk.doc)
        ));
    }
    out.push_str(&format!("\n## {}\n\n{}\n\n", w.go_no_go, w.go_no_go_note));
    for id in &plan.go_no_go {
        let item = plan.item(id);
        out.push_str(&format!("- [ ] {}\n", item.title));
    }
    out
}

/// A spreadsheet cell that cannot run as a formula: text starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'` (OWASP's advice against CSV injection).
pub fn csv_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The plan's items as CSV (RFC 4180: quoted where needed, CRLF line ends), one row per item
/// with its phase, owner, durations, dates, dependencies and guide link.
pub fn csv(plan: &Plan, link: &dyn Fn(&str) -> String) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        "merchant",
        "phase",
        "id",
        "task",
        "owner",
        "accountable",
        "consulted",
        "informed",
        "days_low",
        "days_high",
        "start",
        "due",
        "after",
        "go_live_gate",
        "checklist",
        "critical",
        "guide",
        "done_when",
    ];
    let mut rows = vec![header.map(String::from).to_vec()];
    let role_names = |ids: &[String]| {
        ids.iter()
            .map(|id| {
                plan.roles
                    .iter()
                    .find(|r| &r.id == id)
                    .map_or(id.as_str(), |r| r.name.as_str())
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let phase_name = |id: &str| {
        plan.phases
            .iter()
            .find(|p| p.id == id)
            .map_or(id.to_string(), |p| p.name.clone())
    };
    for item in &plan.items {
        rows.push(vec![
            csv_cell(&plan.merchant),
            csv_cell(&phase_name(&item.phase)),
            item.id.clone(),
            csv_cell(&item.title),
            csv_cell(&item.owner_name),
            csv_cell(&role_names(std::slice::from_ref(&item.accountable))),
            csv_cell(&role_names(&item.consulted)),
            csv_cell(&role_names(&item.informed)),
            item.days[0].to_string(),
            item.days[1].to_string(),
            item.start_date.to_string(),
            item.due_date.to_string(),
            item.after.join(" "),
            item.gate.to_string(),
            item.checklist
                .map_or("", |c| match c {
                    super::schema::Checklist::Security => "security",
                    super::schema::Checklist::Data => "data",
                })
                .to_string(),
            item.critical.to_string(),
            link(&item.doc),
            csv_cell(&item.evidence),
        ]);
    }
    for row in rows {
        writer.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

/// Text for an iCalendar TEXT value: `\`, `;`, `,` and line breaks escaped (RFC 5545 3.3.11).
pub fn ics_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets, never inside a character (RFC 5545 3.1), with CRLF.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// The plan as iCalendar: each phase's end and the launch as all-day events, each item as a
/// to-do due on its date.
pub fn ics(plan: &Plan, link: &dyn Fn(&str) -> String) -> String {
    let w = words(&plan.lang);
    let colon = colon(&plan.lang);
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//walletdesk//rollout plan//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        format!(
            "X-WR-CALNAME:{}",
            ics_text(&format!("{} {}", w.title, plan.merchant))
        ),
    ];
    let uid_base = format!(
        "{}-{}",
        plan.schedule.start.format("%Y%m%d"),
        super::slug(&plan.merchant)
    );
    let stamp = format!("DTSTAMP:{}T000000Z", plan.schedule.start.format("%Y%m%d"));
    let day = |d: chrono::NaiveDate| d.format("%Y%m%d").to_string();
    let mut milestones: Vec<(String, String, chrono::NaiveDate)> = plan
        .phases
        .iter()
        .filter_map(|p| Some((format!("phase-{}", p.id), p.name.clone(), p.end_date?)))
        .collect();
    milestones.push((
        "launch".into(),
        format!("{}{colon}{}", w.go_no_go, plan.merchant),
        plan.schedule.latest_finish,
    ));
    for (id, name, date) in milestones {
        lines.extend([
            "BEGIN:VEVENT".into(),
            format!("UID:{id}-{uid_base}@walletdesk"),
            stamp.clone(),
            format!("DTSTART;VALUE=DATE:{}", day(date)),
            format!(
                "DTEND;VALUE=DATE:{}",
                day(date.succ_opt().expect("dates within range"))
            ),
            format!("SUMMARY:{}", ics_text(&name)),
            "TRANSP:TRANSPARENT".into(),
            "END:VEVENT".into(),
        ]);
    }
    for item in &plan.items {
        let description = format!(
            "{}{colon}{}\n{}",
            w.evidence,
            item.evidence,
            link(&item.doc)
        );
        lines.extend([
            "BEGIN:VTODO".into(),
            format!("UID:{}-{uid_base}@walletdesk", item.id),
            stamp.clone(),
            format!("DTSTART;VALUE=DATE:{}", day(item.start_date)),
            format!("DUE;VALUE=DATE:{}", day(item.due_date)),
            format!("SUMMARY:{}", ics_text(&item.title)),
            format!("DESCRIPTION:{}", ics_text(&description)),
            format!("CATEGORIES:{}", ics_text(&item.owner_name)),
            "STATUS:NEEDS-ACTION".into(),
            "END:VTODO".into(),
        ]);
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

const HTML_STYLE: &str = "\
body{font-family:system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;\
line-height:1.5;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;\
text-align:left;vertical-align:top}th{background:#f2f2f2}.meta{color:#555}.late{color:#a40000;font-weight:600}\
.ok{color:#0b6b2e;font-weight:600}.box{font-size:1.1rem}.critical{font-weight:600}td.raci{text-align:center}\
svg text{font-size:11px;fill:#1a1a1a}svg .bar{fill:#7aa7d8}svg .bar.critical{fill:#c0504d}\
svg .grid{stroke:#ddd}ul{padding-left:1.2rem}\
@media print{body{margin:0;max-width:none;font-size:10.5pt}a{color:inherit;text-decoration:none}\
h2{break-after:avoid}tr,li,svg{break-inside:avoid}}";

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

/// The timeline as inline SVG: one bar per item over business days, critical ones marked.
fn timeline_svg(plan: &Plan, label: &str) -> String {
    let days = plan.schedule.days[1].max(1) as f64;
    let (left, width, row) = (300.0, 640.0, 18.0);
    let height = row * plan.items.len() as f64 + 30.0;
    let x = |day: u32| left + width * f64::from(day) / days;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {height}\" width=\"100%\" role=\"img\" aria-label=\"{label}\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title>{label}</title>",
        w = left + width + 20.0,
        label = escape(label)
    );
    let step = (days / 10.0).ceil().max(1.0) as u32;
    let mut day = 0;
    while f64::from(day) <= days {
        svg.push_str(&format!(
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"{y}\"/><text x=\"{x:.1}\" y=\"{t}\">{day}</text>",
            x = x(day),
            y = height - 18.0,
            t = height - 4.0
        ));
        day += step;
    }
    for (i, item) in plan.items.iter().enumerate() {
        let y = row * i as f64 + 4.0;
        let class = if item.critical { "bar critical" } else { "bar" };
        let title = bar_label(&item.title);
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{ty:.1}\">{title}</text><rect class=\"{class}\" x=\"{x0:.1}\" y=\"{y:.1}\" \
             width=\"{w:.1}\" height=\"12\"><title>{full}: {start} – {due}</title></rect>",
            ty = y + 10.0,
            title = escape(&title),
            x0 = x(item.start_day),
            w = (x(item.end_day) - x(item.start_day)).max(2.0),
            full = escape(&item.title),
            start = item.start_date,
            due = item.due_date,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The plan as one self-contained, printable HTML file (inline style and SVG timeline, no
/// script, nothing fetched).
pub fn html(plan: &Plan, link: &dyn Fn(&str) -> String, locale: &str) -> String {
    let w = words(&plan.lang);
    let e = escape;
    let colon = colon(&plan.lang);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}{colon}{}</title>\n<style>{HTML_STYLE}</style>\n</head>\n<body>\n",
        e(locale),
        e(w.title),
        e(&plan.merchant)
    );
    out.push_str(&format!(
        "<h1>{}{colon}{}</h1>\n<p class=\"meta\">{} {} · {} {} · {} {}{}</p>\n",
        e(w.title),
        e(&plan.merchant),
        e(w.versions),
        plan.wizard_version,
        e(w.fee_data),
        e(&plan.fee_data_version),
        e(w.start),
        plan.schedule.start,
        prepared_by(plan, w, &e)
    ));
    let s = &plan.schedule;
    let recommended: Vec<String> = plan
        .providers
        .iter()
        .filter(|p| p.recommended)
        .map(|p| e(&p.name))
        .collect();
    out.push_str(&format!(
        "<h2>{}</h2>\n<ul>\n<li>{}{colon}{}</li>\n<li>{}{colon}{}–{} {} ({} – {})</li>\n",
        e(w.summary),
        e(w.providers),
        recommended.join(", "),
        e(w.duration),
        s.days[0],
        s.days[1],
        e(w.days),
        s.earliest_finish,
        s.latest_finish
    ));
    if let (Some(target), Some(meets)) = (s.target, s.meets_target) {
        let (class, text) = if meets {
            ("ok", w.meets)
        } else {
            ("late", w.misses)
        };
        out.push_str(&format!(
            "<li class=\"{class}\">{target}{colon}{}</li>\n",
            e(text)
        ));
    }
    out.push_str("</ul>\n");
    out.push_str(&format!("<h2>{}</h2>\n<ul>\n", e(w.assumptions)));
    for assumption in w.assume {
        out.push_str(&format!("<li>{}</li>\n", e(assumption)));
    }
    out.push_str("</ul>\n");
    out.push_str(&format!(
        "<h2>{}</h2>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        e(w.providers),
        e(w.provider),
        e(w.score),
        e(w.why),
        e(w.fees)
    ));
    for provider in &plan.providers {
        let fees: Vec<String> = provider
            .fees
            .iter()
            .map(|f| {
                let (amount, estimate) = (fee_amount(f, w), estimate_note(f, w));
                // A source is a web page, or a description of one.
                let as_of = format!("{} {}", e(w.as_of), e(&f.as_of));
                let dated = if crate::data::is_web_address(&f.source) {
                    format!("<a href=\"{}\">{as_of}</a>", e(&f.source))
                } else {
                    format!("{}, {as_of}", e(&f.source))
                };
                format!(
                    "{}{colon}{} ({dated}{})",
                    e(&f.label),
                    e(&amount),
                    e(&estimate)
                )
            })
            .collect();
        let reasons: Vec<String> = provider.reasons.iter().map(|r| e(r)).collect();
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            e(&provider.name),
            provider.score,
            reasons.join("<br>"),
            fees.join("<br>")
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    out.push_str(&format!(
        "<h2>{}</h2>\n{}\n<p>{}{colon}{}</p>\n",
        e(w.timeline),
        timeline_svg(plan, w.timeline),
        e(w.critical_path),
        e(&plan.critical_path.join(" → "))
    ));
    out.push_str(&format!("<h2>{}</h2>\n", e(w.phases)));
    for phase in &plan.phases {
        if phase.items.is_empty() {
            continue;
        }
        out.push_str(&format!("<h3>{}</h3>\n<ul>\n", e(&phase.name)));
        for id in &phase.items {
            let item = plan.item(id);
            let class = if item.critical {
                " class=\"critical\""
            } else {
                ""
            };
            out.push_str(&format!(
                "<li{class}><span class=\"box\" aria-hidden=\"true\">☐</span> <a href=\"{}\">{}</a> — {}, {}–{} {}, {} {}<br><span class=\"meta\">{}{colon}{}</span></li>\n",
                e(&link(&item.doc)),
                e(&item.title),
                e(&item.owner_name),
                item.days[0],
                item.days[1],
                e(w.days),
                e(w.due),
                item.due_date,
                e(w.evidence),
                e(&item.evidence)
            ));
        }
        out.push_str("</ul>\n");
    }
    let (roles, rows) = raci(plan);
    out.push_str(&format!(
        "<h2>{}</h2>\n<p class=\"meta\">{}</p>\n<table>\n<thead><tr><th>{}</th>",
        e(w.raci),
        e(w.raci_legend),
        e(w.task)
    ));
    for role in &roles {
        out.push_str(&format!("<th>{}</th>", e(&role.name)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (item, cells) in &rows {
        out.push_str(&format!("<tr><td>{}</td>", e(&item.title)));
        for cell in cells {
            out.push_str(&format!("<td class=\"raci\">{cell}</td>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    for (title, ids) in [
        (w.security, &plan.security_checklist),
        (w.data, &plan.data_checklist),
    ] {
        out.push_str(&format!("<h2>{}</h2>\n<ul>\n", e(title)));
        for id in ids {
            let item = plan.item(id);
            out.push_str(&format!("<li><span class=\"box\" aria-hidden=\"true\">☐</span> <a href=\"{}\">{}</a></li>\n", e(&link(&item.doc)), e(&item.title)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str(&format!("<h2>{}</h2>\n<ul>\n", e(w.risks)));
    for risk in &plan.risks {
        out.push_str(&format!(
            "<li><a href=\"{}\">{}</a> — {}{colon}{}</li>\n",
            e(&link(&risk.doc)),
            e(&risk.title),
            e(w.mitigation),
            e(&risk.mitigation)
        ));
    }
    out.push_str(&format!(
        "</ul>\n<h2>{}</h2>\n<p>{}</p>\n<ul>\n",
        e(w.go_no_go),
        e(w.go_no_go_note)
    ));
    for id in &plan.go_no_go {
        let item = plan.item(id);
        out.push_str(&format!(
            "<li><span class=\"box\" aria-hidden=\"true\">☐</span> {}</li>\n",
            e(&item.title)
        ));
    }
    out.push_str("</ul>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_cells_never_start_a_formula() {
        for (text, safe) in [
            ("=1+2", "'=1+2"),
            ("+1", "'+1"),
            ("-x", "'-x"),
            ("@sum", "'@sum"),
            ("Tea", "Tea"),
        ] {
            assert_eq!(csv_cell(text), safe);
        }
    }

    #[test]
    fn calendar_text_is_escaped_and_lines_folded() {
        assert_eq!(ics_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "密".repeat(40)), &mut out);
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(
            lines.len() > 1 && lines.iter().all(|l| l.len() <= 75),
            "{lines:?}"
        );
        assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
    }

    #[test]
    fn merchant_text_cannot_break_out_of_markdown() {
        assert_eq!(
            markdown_text("<script>alert(1)</script>\n# [x](javascript:y) *a*"),
            "\\<script\\>alert\\(1\\)\\</script\\> \\# \\[x\\]\\(javascript:y\\) \\*a\\*"
        );
    }
}
