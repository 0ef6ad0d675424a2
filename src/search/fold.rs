//! Traditional → simplified Chinese, character by character, so a reader in Hong Kong or Taiwan
//! who types `支付寶` finds the page that says `支付宝`. Both sides fold: the index (through
//! `tokenize::normalize`) and the query (`static/js/search-core.js`, which fetches the pairs of
//! only the characters a query misses on, from the index's `f/<n>.bin`).
//!
//! The table, `t2s.txt`, is every character OpenCC's `t2s`, `tw2s` and `hk2s` conversions turn
//! into one other character, as pairs (traditional, simplified) in code point order. It is a
//! file of the repository rather than a dependency of the build; a test regenerates it from
//! `ferrous-opencc` (a pure-Rust OpenCC with its dictionaries) and fails when it differs, so
//! the table follows OpenCC's when the crate is updated.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// The pairs, traditional character then simplified, in code point order.
pub const TABLE: &str = include_str!("t2s.txt");

/// Fold-table shards the query side may fetch: a character's pair is in shard `code % SHARDS`.
pub const SHARDS: u32 = 16;

fn table() -> &'static FxHashMap<char, char> {
    static TABLE_MAP: OnceLock<FxHashMap<char, char>> = OnceLock::new();
    TABLE_MAP.get_or_init(|| {
        let chars: Vec<char> = TABLE.chars().collect();
        chars
            .chunks_exact(2)
            .map(|pair| (pair[0], pair[1]))
            .collect()
    })
}

/// The simplified form of a traditional character; any other character as it is.
pub fn fold(c: char) -> char {
    if (c as u32) < 0x3400 {
        return c;
    }
    table().get(&c).copied().unwrap_or(c)
}

/// The table's pairs in shard `shard`, as the query side reads them: `traditional simplified`
/// characters concatenated.
pub fn shard(shard: u32) -> String {
    let chars: Vec<char> = TABLE.chars().collect();
    chars
        .chunks_exact(2)
        .filter(|pair| pair[0] as u32 % SHARDS == shard)
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OpenCC's single-character conversions over the CJK ranges of the tokenizer.
    fn from_opencc() -> String {
        use ferrous_opencc::{OpenCC, config::BuiltinConfig};
        let ranges = [0x3400u32..=0x4dbf, 0x4e00..=0x9fff, 0x20000..=0x2fa1f];
        let chars: Vec<char> = ranges
            .into_iter()
            .flatten()
            .filter_map(char::from_u32)
            .collect();
        // One character a line: OpenCC converts phrases, and a line holds no phrase.
        let input: String = chars.iter().flat_map(|&c| [c, '\n']).collect();
        let mut pairs = std::collections::BTreeMap::new();
        for config in [BuiltinConfig::T2s, BuiltinConfig::Tw2s, BuiltinConfig::Hk2s] {
            let converted = OpenCC::from_config(config)
                .expect("built-in config")
                .convert(&input);
            for (&c, line) in chars.iter().zip(converted.split('\n')) {
                let mut out = line.chars();
                if let (Some(simplified), None) = (out.next(), out.next())
                    && simplified != c
                {
                    pairs.entry(c).or_insert(simplified);
                }
            }
        }
        pairs.into_iter().flat_map(|(t, s)| [t, s]).collect()
    }

    #[test]
    fn the_table_is_opencc_s() {
        let expected = from_opencc();
        if std::env::var_os("WALLETDESK_UPDATE_FOLD_TABLE").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/search/t2s.txt");
            std::fs::write(path, &expected).expect("writing the table");
        }
        assert!(
            TABLE == expected,
            "src/search/t2s.txt differs from ferrous-opencc's conversions; regenerate it with \
             WALLETDESK_UPDATE_FOLD_TABLE=1 cargo test the_table_is_opencc_s"
        );
    }

    #[test]
    fn traditional_characters_fold_and_others_stay() {
        let folded: String = "支付寶 商戶 註冊 裡 臺 ABC 的".chars().map(fold).collect();
        assert_eq!(folded, "支付宝 商户 注册 里 台 ABC 的");
    }

    #[test]
    fn shards_hold_every_pair_once() {
        let total: usize = (0..SHARDS).map(|n| shard(n).chars().count()).sum();
        assert_eq!(total, TABLE.chars().count());
        assert!(shard('寶' as u32 % SHARDS).contains("寶宝"));
    }
}
