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
    ("estimate", " (estimate: confirm with the provider)"),
    (
        "fees_note",
        "Fees change: confirm them with the provider before you sign. Figures reviewed on",
    ),
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
    ("estimate", "（估算，请向服务商确认）"),
    (
        "fees_note",
        "费率会调整，签约前请向服务商确认。数据核对日期：",
    ),
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
