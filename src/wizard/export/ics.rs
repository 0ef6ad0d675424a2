//! The plan as iCalendar (RFC 5545): phase ends and the launch as all-day events, tasks as
//! to-dos, TEXT values escaped and lines folded at 75 octets. UIDs are
//! `<start>-<slug>-<hash of the name>-<phase-id | launch | task-id>@walletdesk`: one merchant's
//! plan imported again updates its entries, another merchant's never replaces them, and a task
//! never shares a UID with a milestone.

use super::names::uid_base;
use super::{colon, words};
use crate::wizard::engine::Plan;

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
    let uid_base = uid_base(&plan.merchant, plan.schedule.start);
    let stamp = format!("DTSTAMP:{}T000000Z", plan.schedule.start.format("%Y%m%d"));
    let day = |d: chrono::NaiveDate| d.format("%Y%m%d").to_string();
    let mut milestones: Vec<(String, String, chrono::NaiveDate)> = plan
        .phases
        .iter()
        .filter_map(|p| Some((format!("phase-{}", p.id), p.name.clone(), p.end_date?)))
        .collect();
    milestones.push((
        "launch".into(),
        format!("{}{colon}{}", w.go_live, plan.merchant),
        plan.schedule.launch,
    ));
    for (id, name, date) in milestones {
        lines.extend([
            "BEGIN:VEVENT".into(),
            format!("UID:{uid_base}-{id}@walletdesk"),
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
            format!("UID:{uid_base}-task-{}@walletdesk", item.id),
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
