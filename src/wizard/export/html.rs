//! The plan as one self-contained, printable HTML page with an SVG timeline.

use super::{colon, estimate_note, fee_amount, prepared_by, raci, words};
use crate::markdown::escape;
use crate::wizard::engine::Plan;

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
        for item in plan.items_in(&phase.items) {
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
        for item in plan.items_in(ids) {
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
    for item in plan.items_in(&plan.go_no_go) {
        out.push_str(&format!(
            "<li><span class=\"box\" aria-hidden=\"true\">☐</span> {}</li>\n",
            e(&item.title)
        ));
    }
    out.push_str("</ul>\n</body>\n</html>\n");
    out
}
