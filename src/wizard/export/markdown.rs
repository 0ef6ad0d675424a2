//! The plan as a Markdown checklist, with the merchant's text escaped so that it stays text.

use super::{
    Words, assumptions, colon, critical_path, duration, estimate_note, fee_text, fit, predecessors,
    provider_total, raci, summary_lines, words,
};
use crate::wizard::engine::Plan;

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

/// ` · prepared by <name>` for the cover line, the name escaped; empty when nobody is named.
fn prepared_by(plan: &Plan, w: &Words) -> String {
    plan.prepared_by.as_deref().map_or(String::new(), |name| {
        format!(" · {} {}", w.prepared_by, markdown_text(name))
    })
}

/// The plan as a Markdown checklist. `link` turns a `@/…` doc link into a URL.
pub fn markdown(plan: &Plan, link: &dyn Fn(&str) -> String) -> String {
    let sheet = Sheet {
        plan,
        w: words(&plan.lang),
        colon: colon(&plan.lang),
        link,
    };
    let mut out = String::new();
    for section in [
        Sheet::cover,
        Sheet::summary,
        Sheet::assumptions,
        Sheet::providers,
        Sheet::phases,
        Sheet::raci,
        Sheet::critical_path,
        Sheet::checklists,
        Sheet::risks,
        Sheet::go_no_go,
    ] {
        section(&sheet, &mut out);
    }
    out
}

/// What every section of the checklist reads: the plan, its words and how links are written.
struct Sheet<'a> {
    plan: &'a Plan,
    w: &'static Words,
    colon: &'static str,
    link: &'a dyn Fn(&str) -> String,
}

impl Sheet<'_> {
    /// The title with the merchant's name, and the versions, start and who prepared it.
    fn cover(&self, out: &mut String) {
        let (plan, w, colon) = (self.plan, self.w, self.colon);
        let merchant = markdown_text(&plan.merchant);
        out.push_str(&format!("# {}{colon}{merchant}\n\n", w.title));
        out.push_str(&format!(
            "{} {} · {} {} · {} {}{}\n\n",
            w.versions,
            plan.wizard_version,
            w.fee_data,
            plan.fee_data_version,
            w.start,
            plan.schedule.start,
            prepared_by(plan, w)
        ));
    }

    /// The recommended providers, the duration, go-live and whether the target date holds.
    fn summary(&self, out: &mut String) {
        out.push_str(&format!("## {}\n\n", self.w.summary));
        for line in summary_lines(self.plan) {
            out.push_str(&format!("- {line}\n"));
        }
    }

    fn assumptions(&self, out: &mut String) {
        out.push_str(&format!("\n## {}\n\n", self.w.assumptions));
        for assumption in assumptions(self.plan) {
            out.push_str(&format!("- {assumption}\n"));
        }
    }

    /// The providers as a table: fit (what it means said first), reasons, rates and what they
    /// come to a month.
    fn providers(&self, out: &mut String) {
        let (plan, w) = (self.plan, self.w);
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n| {} | {} | {} | {} |\n|---|---:|---|---|\n",
            w.providers, w.score_note, w.provider, w.score, w.why, w.fees
        ));
        for provider in &plan.providers {
            let mut fees: Vec<String> = provider
                .fees
                .iter()
                .map(|f| {
                    format!(
                        "{}{}{} {}{}{}",
                        fee_text(f, plan, w),
                        w.open,
                        w.as_of,
                        f.as_of,
                        estimate_note(f, w),
                        w.close
                    )
                })
                .collect();
            fees.extend(provider_total(provider, plan, w).map(|t| format!("**{t}**")));
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                provider.name,
                fit(provider, w),
                provider.reasons.join("<br>").replace('|', "\\|"),
                fees.join("<br>").replace('|', "\\|")
            ));
        }
    }

    /// Each phase with items, its tasks to tick.
    fn phases(&self, out: &mut String) {
        let (plan, w, colon) = (self.plan, self.w, self.colon);
        out.push_str(&format!("\n## {}\n", w.phases));
        for phase in &plan.phases {
            if phase.items.is_empty() {
                continue;
            }
            out.push_str(&format!("\n### {}\n\n", phase.name));
            for item in plan.items_in(&phase.items) {
                let after = predecessors(plan, item);
                let after = if after.is_empty() {
                    String::new()
                } else {
                    format!(" · {}{colon}{}", w.after, after.join(w.title_sep))
                };
                out.push_str(&format!(
                    "- [ ] **{}** — {}{comma}{}{comma}{} {}{after} · [→]({})\n  {}{colon}{}\n",
                    item.title,
                    item.owner_name,
                    duration(item.days, w),
                    w.due,
                    item.due_date,
                    (self.link)(&item.doc),
                    w.evidence,
                    item.evidence,
                    comma = w.comma,
                ));
            }
        }
    }

    /// Who does what, as a table of tasks by role.
    fn raci(&self, out: &mut String) {
        let w = self.w;
        let (roles, rows) = raci(self.plan);
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
    }

    fn critical_path(&self, out: &mut String) {
        out.push_str(&format!(
            "\n## {}\n\n{}\n",
            self.w.critical_path,
            critical_path(self.plan).join(" → ")
        ));
    }

    /// The security and data checklists.
    fn checklists(&self, out: &mut String) {
        let (plan, w) = (self.plan, self.w);
        for (title, ids) in [
            (w.security, &plan.security_checklist),
            (w.data, &plan.data_checklist),
        ] {
            out.push_str(&format!("\n## {title}\n\n"));
            for item in plan.items_in(ids) {
                out.push_str(&format!(
                    "- [ ] {}{}[→]({}){}\n",
                    item.title,
                    w.open,
                    (self.link)(&item.doc),
                    w.close
                ));
            }
        }
    }

    fn risks(&self, out: &mut String) {
        let (w, colon) = (self.w, self.colon);
        out.push_str(&format!("\n## {}\n\n", w.risks));
        for risk in &self.plan.risks {
            out.push_str(&format!(
                "- **{}** — {}{colon}{}{}[→]({}){}\n",
                risk.title,
                w.mitigation,
                risk.mitigation,
                w.open,
                (self.link)(&risk.doc),
                w.close
            ));
        }
    }

    /// The items that must be done to go live.
    fn go_no_go(&self, out: &mut String) {
        let (plan, w) = (self.plan, self.w);
        out.push_str(&format!("\n## {}\n\n{}\n\n", w.go_no_go, w.go_no_go_note));
        for item in plan.items_in(&plan.go_no_go) {
            out.push_str(&format!("- [ ] {}\n", item.title));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merchant_text_cannot_break_out_of_markdown() {
        assert_eq!(
            markdown_text("<script>alert(1)</script>\n# [x](javascript:y) *a*"),
            "\\<script\\>alert\\(1\\)\\</script\\> \\# \\[x\\]\\(javascript:y\\) \\*a\\*"
        );
    }
}
