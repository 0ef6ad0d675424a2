//! The plan's tasks as CSV (RFC 4180), with cells that a spreadsheet would run as a formula
//! defused.

use crate::wizard::engine::Plan;

/// The UTF-8 byte-order mark.
const BOM: char = '\u{feff}';

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
/// with its phase, owner, durations, dates, dependencies and guide link. It starts with a UTF-8
/// byte-order mark: without one Excel reads a CSV file in the system's code page, and Chinese
/// becomes mojibake.
pub fn csv(plan: &Plan, link: &dyn Fn(&str) -> String) -> String {
    let w = super::words(&plan.lang);
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
            .join(w.list_sep)
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
            csv_cell(&super::predecessors(plan, item).join(w.title_sep)),
            item.gate.to_string(),
            item.checklist
                .map_or("", |c| match c {
                    crate::wizard::schema::Checklist::Security => "security",
                    crate::wizard::schema::Checklist::Data => "data",
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
    let text = String::from_utf8(writer.into_inner().expect("writing to memory"))
        .expect("UTF-8 in, UTF-8 out");
    format!("{BOM}{text}")
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
}
