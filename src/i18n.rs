//! The theme's interface strings ("On this page", "Next", alert titles…) in the languages the
//! bundled theme knows, Chinese and English. A site can override any of them, or give them for
//! another language, under `strings:` of that language in `site.yaml`.

use std::collections::BTreeMap;

use crate::config::Language;

const EN: &[(&str, &str)] = &[
    ("skip_to_content", "Skip to content"),
    ("menu", "Menu"),
    ("dark_mode", "Dark mode"),
    ("home", "Home"),
    ("navigation", "Site navigation"),
    ("breadcrumbs", "Breadcrumbs"),
    ("on_this_page", "On this page"),
    ("previous", "Previous"),
    ("next", "Next"),
    ("pages_in_section", "In this section"),
    ("nav_all_pages", "All {count} pages"),
    ("last_updated", "Last updated:"),
    ("language", "Language"),
    ("tags", "Tags:"),
    ("external_link", "(external link)"),
    ("anchor_label", "Link to this section"),
    ("task_done", "Done"),
    ("task_open", "Not done"),
    ("note", "Note"),
    ("tip", "Tip"),
    ("important", "Important"),
    ("warning", "Warning"),
    ("caution", "Caution"),
    ("not_found_title", "Page not found"),
    (
        "not_found_text",
        "The page you asked for does not exist. It may have moved.",
    ),
    ("back_home", "Go to the home page"),
    ("redirecting", "This page has moved to"),
    ("generated_by", "Built with walletdesk"),
    ("provider", "Provider"),
    ("region", "Region"),
    ("paren_open", "("),
    ("paren_close", ")"),
    ("docs", "Documentation"),
    ("fee_item", "Fee"),
    ("fee_amount", "Amount"),
    ("fee_source", "Source"),
    ("as_of", "as of"),
    ("per_month", " / month"),
    ("per_dispute", " per dispute"),
    ("per_withdrawal", " per withdrawal"),
    ("by_quote", "by quote (no published rate)"),
    ("fee_account", "Account"),
    ("all_accounts", "all accounts"),
    ("estimate", " (estimate: confirm with the provider)"),
    (
        "fees_note",
        "Fees change: confirm them with the provider before you sign. Figures reviewed on",
    ),
    ("search", "Search"),
    ("search_title", "Search this site"),
    ("search_label", "Search terms"),
    ("search_placeholder", "Search the guide"),
    ("search_close", "Close"),
    ("search_loading", "Searching…"),
    ("search_results", "{count} results"),
    ("search_results_one", "1 result"),
    ("search_results_label", "Search results"),
    ("search_all", "Show all results"),
    ("search_no_results", "Nothing matched “{query}”."),
    ("search_shorter", "Try shorter or fewer words."),
    (
        "search_limited",
        "The query is long: only its first part was searched.",
    ),
    (
        "search_near",
        "Nothing matched “{query}” as a whole; these pages hold most of it.",
    ),
    ("search_near_badge", "close match"),
    (
        "search_results_other_language",
        "{count} results in {language}",
    ),
    (
        "search_results_other_language_one",
        "1 result in {language}",
    ),
    ("search_recent", "Recent searches"),
    ("search_clear_recent", "Clear"),
    (
        "search_hint_keys",
        "↑ ↓ to choose · Enter to open · Esc to close",
    ),
    (
        "search_needs_js",
        "Search needs JavaScript. The site navigation and each section’s page list every page.",
    ),
    (
        "search_error",
        "Search could not be loaded. Please try again later.",
    ),
    ("wizard", "Plan"),
    ("wizard_title", "Rollout plan wizard"),
    (
        "wizard_cta",
        "Answer a few questions about your shop and get a rollout plan made for it, with tasks, dates, fees and the checks before go-live.",
    ),
    (
        "wizard_intro",
        "Answer a few short questions about your shop and get a rollout plan that fits it: which wallets to accept and why, what they cost at your volume, every task with its owner and dates, and the checks to pass before you go live.",
    ),
    (
        "wizard_privacy",
        "Your answers stay in this browser: the plan is worked out on this page and nothing is sent anywhere.",
    ),
    (
        "wizard_needs_js",
        "The wizard needs JavaScript. Without it, a consultant can make the same plan with the walletdesk plan command.",
    ),
    ("wizard_loading", "Loading the wizard…"),
    (
        "wizard_error",
        "The wizard could not be loaded. Please reload the page.",
    ),
    ("wizard_step", "Question {n} of {total}"),
    ("wizard_back", "Back"),
    ("wizard_next", "Next"),
    ("wizard_finish", "Make my plan"),
    ("wizard_answer_needed", "Please answer this question."),
    (
        "wizard_number_needed",
        "Please enter a number of at least {min}.",
    ),
    ("wizard_date_needed", "Please enter a date."),
    (
        "wizard_date_format",
        "Please enter a date as YYYY-MM-DD, e.g. 2027-03-01.",
    ),
    ("wizard_pick_option", "Please enter a number from 1 to {n}."),
    (
        "wizard_pick_options",
        "Please enter numbers from 1 to {n}, separated by commas.",
    ),
    (
        "wizard_number_range",
        "Please enter a number from {min} to {max}.",
    ),
    ("wizard_number_any", "Please enter a number."),
    ("wizard_answers", "Your answers"),
    ("wizard_change", "Change answers"),
    ("wizard_start_over", "Start over"),
    ("wizard_downloads", "Download or share the plan"),
    ("wizard_download_md", "Markdown checklist"),
    ("wizard_download_csv", "Spreadsheet (CSV)"),
    ("wizard_download_ics", "Calendar (iCalendar)"),
    ("wizard_download_json", "Data (JSON)"),
    ("wizard_print", "Print"),
    ("wizard_copy_link", "Copy share link"),
    (
        "wizard_link_copied",
        "Link copied. Whoever opens it sees this plan.",
    ),
    ("wizard_link_manual", "Copy this link to share the plan:"),
    ("wizard_ticked", "{done} of {total} tasks done"),
    ("wizard_gate", "must be done before go-live"),
    ("wizard_guide", "How, in the guide"),
    (
        "wizard_other_providers",
        "Other providers, not recommended for you",
    ),
    (
        "wizard_link_invalid",
        "The link's answer to this question is not one the wizard offers. Please answer it again.",
    ),
    ("wizard_verdict", "Readiness"),
    (
        "wizard_not_ready",
        "Not ready: {left} go-live checks are still open.",
    ),
    (
        "wizard_not_ready_one",
        "Not ready: 1 go-live check is still open.",
    ),
    (
        "wizard_ready_with_risks",
        "Ready, with risks: every go-live check is done, {left} other tasks are not.",
    ),
    ("wizard_ready", "Ready: every task in the plan is done."),
    ("wizard_start", "Work starts on"),
    (
        "wizard_start_help",
        "The plan is scheduled in business days from this day: today, unless you choose another. A start on a Saturday or Sunday moves to the Monday.",
    ),
    (
        "wizard_start_range",
        "Please enter a date from {min} to {max}.",
    ),
    (
        "wizard_start_link_invalid",
        "The link's start date is not a date a plan can start on, so the plan starts today.",
    ),
    ("wizard_start_replanned", "The plan now starts on {date}."),
];

const ZH: &[(&str, &str)] = &[
    ("skip_to_content", "跳到正文"),
    ("menu", "目录"),
    ("dark_mode", "深色模式"),
    ("home", "首页"),
    ("navigation", "站点导航"),
    ("breadcrumbs", "当前位置"),
    ("on_this_page", "本页内容"),
    ("previous", "上一页"),
    ("next", "下一页"),
    ("pages_in_section", "本节页面"),
    ("nav_all_pages", "全部 {count} 个页面"),
    ("last_updated", "最后更新："),
    ("language", "语言"),
    ("tags", "标签："),
    ("external_link", "（外部链接）"),
    ("anchor_label", "本节链接"),
    ("task_done", "已完成"),
    ("task_open", "未完成"),
    ("note", "注意"),
    ("tip", "提示"),
    ("important", "重要"),
    ("warning", "警告"),
    ("caution", "当心"),
    ("not_found_title", "找不到页面"),
    ("not_found_text", "你要找的页面不存在，可能已经移动。"),
    ("back_home", "回到首页"),
    ("redirecting", "此页面已移至"),
    ("generated_by", "由 walletdesk 生成"),
    ("provider", "服务商"),
    ("region", "适用地区"),
    ("paren_open", "（"),
    ("paren_close", "）"),
    ("docs", "官方文档"),
    ("fee_item", "费用项目"),
    ("fee_amount", "金额"),
    ("fee_source", "来源"),
    ("as_of", "截至"),
    ("per_month", "/月"),
    ("per_dispute", "/笔争议"),
    ("per_withdrawal", "/次提现"),
    ("by_quote", "按报价（无公开费率）"),
    ("fee_account", "账户"),
    ("all_accounts", "所有账户"),
    ("estimate", "（估算，请向服务商确认）"),
    (
        "fees_note",
        "费率会调整，签约前请向服务商确认。数据核对日期：",
    ),
    ("search", "搜索"),
    ("search_title", "站内搜索"),
    ("search_label", "搜索关键词"),
    ("search_placeholder", "搜索指南内容"),
    ("search_close", "关闭"),
    ("search_loading", "正在搜索…"),
    ("search_results", "找到 {count} 条结果"),
    ("search_results_one", "找到 1 条结果"),
    ("search_results_label", "搜索结果"),
    ("search_all", "查看全部结果"),
    ("search_no_results", "没有找到与“{query}”相关的内容。"),
    ("search_shorter", "试试更短的关键词，或减少关键词的数量。"),
    ("search_limited", "查询太长，只搜索了前面的部分。"),
    (
        "search_near",
        "没有完整包含“{query}”的内容，以下页面包含其中大部分词语。",
    ),
    ("search_near_badge", "相近"),
    (
        "search_results_other_language",
        "{language}版中有 {count} 条结果",
    ),
    (
        "search_results_other_language_one",
        "{language}版中有 1 条结果",
    ),
    ("search_recent", "最近搜索"),
    ("search_clear_recent", "清除记录"),
    ("search_hint_keys", "↑ ↓ 选择 · 回车打开 · Esc 关闭"),
    (
        "search_needs_js",
        "搜索功能需要启用 JavaScript。你可以通过站点导航和各栏目页找到所有页面。",
    ),
    ("search_error", "搜索暂时无法加载，请稍后再试。"),
    ("wizard", "上线计划"),
    ("wizard_title", "上线计划向导"),
    (
        "wizard_cta",
        "回答几个关于店铺的问题，得到一份专属的上线计划：任务、日期、费用和上线前的检查，一目了然。",
    ),
    (
        "wizard_intro",
        "回答几个关于你店铺的简单问题，就能得到一份量身定做的上线计划：接哪些钱包、为什么、按你的交易量每月大概花多少钱，每项任务由谁负责、哪天完成，以及上线前必须通过的检查。",
    ),
    (
        "wizard_privacy",
        "你的回答只保存在这个浏览器里：计划在本页面上生成，不会发送到任何地方。",
    ),
    (
        "wizard_needs_js",
        "向导需要启用 JavaScript。也可以请顾问用 walletdesk plan 命令生成同样的计划。",
    ),
    ("wizard_loading", "正在加载向导…"),
    ("wizard_error", "向导加载失败，请刷新页面重试。"),
    ("wizard_step", "第 {n} 题，共 {total} 题"),
    ("wizard_back", "上一题"),
    ("wizard_next", "下一题"),
    ("wizard_finish", "生成我的计划"),
    ("wizard_answer_needed", "请先回答这个问题。"),
    ("wizard_number_needed", "请输入不小于 {min} 的数字。"),
    ("wizard_date_needed", "请输入日期。"),
    (
        "wizard_date_format",
        "请按 YYYY-MM-DD 输入日期，例如 2027-03-01。",
    ),
    ("wizard_pick_option", "请输入 1 到 {n} 之间的数字。"),
    (
        "wizard_pick_options",
        "请输入 1 到 {n} 之间的数字，用逗号隔开。",
    ),
    ("wizard_number_range", "请输入 {min} 到 {max} 之间的数字。"),
    ("wizard_number_any", "请输入数字。"),
    ("wizard_answers", "你的回答"),
    ("wizard_change", "修改回答"),
    ("wizard_start_over", "重新开始"),
    ("wizard_downloads", "下载或分享计划"),
    ("wizard_download_md", "Markdown 清单"),
    ("wizard_download_csv", "表格（CSV）"),
    ("wizard_download_ics", "日历（iCalendar）"),
    ("wizard_download_json", "数据（JSON）"),
    ("wizard_print", "打印"),
    ("wizard_copy_link", "复制分享链接"),
    (
        "wizard_link_copied",
        "链接已复制，打开它的人会看到同一份计划。",
    ),
    ("wizard_link_manual", "复制这个链接来分享计划："),
    ("wizard_ticked", "已完成 {done}/{total} 项任务"),
    ("wizard_gate", "上线前必须完成"),
    ("wizard_guide", "指南中的做法"),
    ("wizard_other_providers", "其他服务商（不推荐你用）"),
    (
        "wizard_link_invalid",
        "链接中这道题的回答不在可选范围内，请重新回答。",
    ),
    ("wizard_verdict", "上线准备情况"),
    (
        "wizard_not_ready",
        "尚未就绪：还有 {left} 项上线检查没有完成。",
    ),
    (
        "wizard_not_ready_one",
        "尚未就绪：还有 1 项上线检查没有完成。",
    ),
    (
        "wizard_ready_with_risks",
        "可以上线，但有风险：上线检查都已完成，另有 {left} 项任务未完成。",
    ),
    ("wizard_ready", "已就绪：计划中的任务全部完成。"),
    ("wizard_start", "开工日期"),
    (
        "wizard_start_help",
        "计划从这一天起按工作日排期，默认是今天；周六、周日开工顺延到下周一。",
    ),
    ("wizard_start_range", "请输入 {min} 到 {max} 之间的日期。"),
    (
        "wizard_start_link_invalid",
        "链接中的开工日期不能用，计划改为从今天开始。",
    ),
    ("wizard_start_replanned", "计划已改为从 {date} 开始。"),
];

pub type Strings = BTreeMap<String, String>;

/// The interface strings for `language`: English as the base, the built-in translation for
/// its code (or the language part of its locale), then the site's own overrides.
pub fn strings_for(language: &Language) -> Strings {
    let builtin = |code: &str| match code.split(['-', '_']).next() {
        Some("zh") => Some(ZH),
        Some("en") => Some(EN),
        _ => None,
    };
    let mut strings: Strings = EN
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Some(table) = builtin(&language.code).or_else(|| builtin(language.locale())) {
        strings.extend(table.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    }
    strings.extend(language.strings.clone());
    strings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_tables_have_the_same_keys() {
        let keys =
            |t: &[(&'static str, &'static str)]| t.iter().map(|(k, _)| *k).collect::<Vec<&str>>();
        assert_eq!(keys(EN), keys(ZH));
    }
}
