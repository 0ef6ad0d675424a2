//! A [`Plan`] written out: JSON (what both engines produce) and Markdown (a checklist a
//! merchant can keep). Every text from the answers is escaped for the format it lands in.

use super::engine::Plan;

/// The words of the exports, by language (Chinese first, English otherwise).
struct Words {
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
    estimate: "estimate",
};

fn words(lang: &str) -> &'static Words {
    if lang == "zh" { &ZH } else { &EN }
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

/// The plan as a Markdown checklist. `link` turns a `@/…` doc link into a URL.
pub fn markdown(plan: &Plan, link: &dyn Fn(&str) -> String) -> String {
    let w = words(&plan.lang);
    let mut out = String::new();
    let merchant = markdown_text(&plan.merchant);
    let colon = if plan.lang == "zh" { "：" } else { ": " };
    out.push_str(&format!("# {}{colon}{merchant}\n\n", w.title));
    out.push_str(&format!(
        "{} {} · fee data {} · {} {}\n\n",
        w.versions, plan.wizard_version, plan.fee_data_version, w.start, plan.schedule.start
    ));
    out.push_str(&format!("## {}\n\n", w.summary));
    let recommended: Vec<&str> = plan
        .providers
        .iter()
        .filter(|p| p.recommended)
        .map(|p| p.name.as_str())
        .collect();
    out.push_str(&format!("- {}: {}\n", w.providers, recommended.join(", ")));
    let s = &plan.schedule;
    out.push_str(&format!(
        "- {}: {}–{} {} ({} – {})\n",
        w.duration, s.days[0], s.days[1], w.days, s.earliest_finish, s.latest_finish
    ));
    if let (Some(target), Some(meets)) = (s.target, s.meets_target) {
        out.push_str(&format!(
            "- {target}: {}\n",
            if meets { w.meets } else { w.misses }
        ));
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
                let mut parts = Vec::new();
                if let Some(p) = f.percent_part {
                    parts.push(money(p));
                }
                if let Some(x) = f.fixed_part {
                    parts.push(format!(
                        "{} {}",
                        money(x),
                        f.currency.as_deref().unwrap_or("")
                    ));
                }
                let estimate = if f.estimate {
                    format!(", {}", w.estimate)
                } else {
                    String::new()
                };
                format!(
                    "{}: {} ({} {}{estimate})",
                    f.label,
                    parts.join(" + "),
                    w.as_of,
                    f.as_of
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
            let item = plan
                .items
                .iter()
                .find(|i| &i.id == id)
                .expect("phase items are plan items");
            let after = if item.after.is_empty() {
                String::new()
            } else {
                format!(" · {}: {}", w.after, item.after.join(", "))
            };
            out.push_str(&format!(
                "- [ ] **{}** — {}, {}–{} {}, {} {}{after} · [{}]({})\n  {}: {}\n",
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
            let item = plan
                .items
                .iter()
                .find(|i| &i.id == id)
                .expect("checklist items are plan items");
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
            "- **{}** — {}: {} ([→]({}))\n",
            risk.title,
            w.mitigation,
            risk.mitigation,
            link(&risk.doc)
        ));
    }
    out.push_str(&format!("\n## {}\n\n{}\n\n", w.go_no_go, w.go_no_go_note));
    for id in &plan.go_no_go {
        let item = plan
            .items
            .iter()
            .find(|i| &i.id == id)
            .expect("gates are plan items");
        out.push_str(&format!("- [ ] {}\n", item.title));
    }
    out
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
