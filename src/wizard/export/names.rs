//! What a plan is called outside its text: the merchant's part of file names (`001-上海街角奶茶铺.md`,
//! `rollout-plan-harbour-gifts-hk.ics`) and of calendar UIDs. The browser's exports
//! (static/js/wizard-export.js: `fileStem`, `slug`, `nameHash`) name files and UIDs the same way.

use chrono::NaiveDate;

use crate::search::tokenize::fnv1a;

/// The most characters the merchant's part of a file name keeps.
const MAX_CHARS: usize = 40;

/// The merchant's name as part of a file name: its letters and digits of any script (ASCII
/// letters lowercased, as before names kept other scripts), a dash for each run of anything
/// else, at most 40 characters, never starting or ending with a dash; `merchant` when nothing
/// is left. Being letters, digits and dashes only, it is safe on Windows, macOS and Linux:
/// no `/\:*?"<>|`, no control character, no trailing dot or space.
pub fn file_stem(name: &str) -> String {
    stem(name, |c| c.is_alphanumeric())
}

/// The merchant's name in ASCII letters and digits (lowercased), dashes between, at most 40
/// characters: the readable part of a calendar UID, which `name_hash` makes unique.
pub fn slug(name: &str) -> String {
    stem(name, |c| c.is_ascii_alphanumeric())
}

fn stem(name: &str, keep: impl Fn(char) -> bool) -> String {
    let mut stem = String::new();
    for c in name.chars() {
        if keep(c) {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem: String = stem.chars().take(MAX_CHARS).collect();
    match stem.trim_end_matches('-') {
        "" => "merchant".to_string(),
        stem => stem.to_string(),
    }
}

/// 8 hex digits of the 32-bit FNV-1a hash of the merchant's name (its UTF-8 bytes): what tells
/// two merchants apart in calendar UIDs when their names have no ASCII letters. Not secret,
/// not for security.
pub fn name_hash(name: &str) -> String {
    format!("{:08x}", fnv1a(name))
}

/// The part every UID of a merchant's calendar shares: `<start>-<slug>-<hash>`. The same for
/// the same merchant and start date, so a plan imported again updates its events instead of
/// adding them twice, and different for another merchant, so one client's plan never replaces
/// another's.
pub fn uid_base(merchant: &str, start: NaiveDate) -> String {
    format!(
        "{}-{}-{}",
        start.format("%Y%m%d"),
        slug(merchant),
        name_hash(merchant)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_the_merchants_letters_of_any_script() {
        assert_eq!(file_stem("上海街角奶茶铺"), "上海街角奶茶铺");
        assert_eq!(file_stem("Harbour Gifts, \"HK\""), "harbour-gifts-hk");
        assert_eq!(file_stem("ÄÖÜ Straße 5"), "ÄÖÜ-straße-5");
        assert_eq!(file_stem("Café ☕ 上海"), "café-上海");
        assert_eq!(file_stem("!!!"), "merchant");
        assert_eq!(file_stem(""), "merchant");
        // At most 40 characters (not bytes), and never a dash at the end of a cut name.
        assert_eq!(file_stem(&"奶".repeat(60)), "奶".repeat(40));
        assert_eq!(file_stem(&format!("{} b", "a".repeat(39))), "a".repeat(39));
    }

    #[test]
    fn file_names_are_safe_on_every_system() {
        for name in [
            "a/b\\c:d*e?f\"g<h>i|j",
            "Tea. ",
            "Tea\u{0}\u{1f}\u{7f}\r\n",
            "<script>alert(1)</script>",
            "=cmd|' /C calc'!A0",
            "..",
            " .",
        ] {
            let stem = file_stem(name);
            assert!(
                !stem.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|'])
                    && !stem.chars().any(char::is_control)
                    && !stem.ends_with(['.', ' ', '-'])
                    && !stem.is_empty(),
                "{name:?} → {stem:?}"
            );
        }
    }

    #[test]
    fn uid_slugs_are_ascii_and_the_hash_tells_merchants_apart() {
        assert_eq!(slug("Harbour Gifts, \"HK\""), "harbour-gifts-hk");
        assert_eq!(slug("上海街角奶茶铺"), "merchant");
        assert_eq!(slug(&"x".repeat(60)).len(), 40);
        // FNV-1a's published test vectors.
        assert_eq!(name_hash(""), "811c9dc5");
        assert_eq!(name_hash("a"), "e40c292c");
        assert_eq!(name_hash("foobar"), "bf9cf968");
        let start = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let first = uid_base("上海街角奶茶铺", start);
        assert_eq!(
            first,
            format!("20261130-merchant-{}", name_hash("上海街角奶茶铺"))
        );
        assert_ne!(first, uid_base("北京胡同咖啡馆", start));
        assert_eq!(first, uid_base("上海街角奶茶铺", start));
    }
}
