//! The tokenizer, with the same rules as the query side (`static/js/search-core.js`), so the
//! index and the query can never disagree:
//!
//! 1. normalise: NFKC (full-width → half-width, compatibility forms folded), then lower-case,
//!    then traditional Chinese characters to simplified (`fold`);
//! 2. split into runs: a *word* run is letters and digits that are not CJK, a *CJK* run is
//!    Han, kana or Hangul characters; everything else separates runs;
//! 3. a word run is one term, stemmed when it is ASCII letters and digits (Snowball English:
//!    `refunds`, `refunded` → `refund`; `static/js/stem.js` on the query side, both pinned to
//!    `tests/fixtures/stems.tsv`); in titles and headings two word runs with no CJK run between
//!    them also make a pair term (`refund fee`), which rewards adjacent words;
//! 4. a CJK run gives every character (`支`) and every overlapping pair (`支付`): any substring
//!    of one character or more is then found, with no dictionary on either side.

use std::borrow::Cow;
use std::cell::RefCell;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

use super::fold::fold;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

/// NFKC, then lower-case, then traditional Chinese to simplified.
pub fn normalize(text: &str) -> String {
    // Most text is ASCII, CJK ideographs and full-width punctuation, whose NFKC forms are known
    // character by character; anything else takes the full algorithm.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c as u32 {
            0..=0x7f => out.push(c.to_ascii_lowercase()),
            0x3001 | 0x3002 => out.push(c),
            0x3400..=0x4dbf | 0x4e00..=0x9fff => out.push(fold(c)),
            // Full-width ASCII: NFKC gives the ASCII character.
            code @ 0xff01..=0xff5e => {
                let ascii = char::from_u32(code - 0xfee0).expect("ASCII range");
                out.push(ascii.to_ascii_lowercase());
            }
            _ => return text.nfkc().flat_map(char::to_lowercase).map(fold).collect(),
        }
    }
    out
}

/// Han (CJK unified ideographs, extensions and compatibility), Hiragana, Katakana and Hangul
/// syllables. The query side lists the same ranges.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Letters and digits outside the CJK ranges (JS: `[\p{Alphabetic}\p{N}]`).
pub fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// A run of a normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run<'a> {
    Word(&'a str),
    Cjk(&'a str),
}

/// The runs of an already normalised text, in order.
pub fn runs(normalized: &str) -> impl Iterator<Item = Run<'_>> {
    let mut rest = normalized;
    std::iter::from_fn(move || {
        let start = rest.find(|c: char| is_word(c) || is_cjk(c))?;
        rest = &rest[start..];
        let cjk = rest.chars().next().is_some_and(is_cjk);
        let end = rest
            .find(|c: char| if cjk { !is_cjk(c) } else { !is_word(c) })
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(if cjk { Run::Cjk(run) } else { Run::Word(run) })
    })
}

/// A term of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term<'a> {
    Word(&'a str),
    /// Two adjacent words (indexed from titles and headings only).
    Pair(&'a str, &'a str),
    Char(char),
    CharPair(char, char),
}

const CHAR: u64 = 1 << 62;
const CHAR_PAIR: u64 = 2 << 62;
const HASHED: u64 = 3 << 62;

impl Term<'_> {
    /// A number naming the term: CJK terms carry their characters, words a 62-bit hash.
    pub fn key(&self) -> u64 {
        match *self {
            Term::Char(c) => CHAR | c as u64,
            Term::CharPair(a, b) => CHAR_PAIR | (a as u64) << 21 | b as u64,
            Term::Word(word) => HASHED | xxh3_64(word.as_bytes()) >> 2,
            Term::Pair(a, b) => {
                let mut hasher = Xxh3::new();
                hasher.update(a.as_bytes());
                hasher.update(b" ");
                hasher.update(b.as_bytes());
                HASHED | hasher.digest() >> 2
            }
        }
    }

    /// The term as the query side writes it: `支`, `支付`, `refund`, `refund fee`.
    pub fn text(&self) -> String {
        match *self {
            Term::Char(c) => c.to_string(),
            Term::CharPair(a, b) => [a, b].iter().collect(),
            Term::Word(word) => word.to_string(),
            Term::Pair(a, b) => format!("{a} {b}"),
        }
    }

    /// The text of a CJK term's key; `None` for words, whose keys are hashes.
    pub fn text_of_key(key: u64) -> Option<String> {
        let code = |bits: u64| char::from_u32((bits & 0x1f_ffff) as u32);
        match key & HASHED {
            CHAR => code(key).map(String::from),
            CHAR_PAIR => Some([code(key >> 21)?, code(key)?].iter().collect()),
            _ => None,
        }
    }
}

/// The stem of a word of an already normalised text: Snowball English for a word of ASCII
/// letters and digits, any other word as it is (the query side's `stem` follows the same rule).
pub fn stem(word: &str) -> Cow<'_, str> {
    if !word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Cow::Borrowed(word);
    }
    thread_local! {
        // Words repeat: each thread remembers the stems it has made (a bounded number).
        static STEMS: RefCell<(Option<Stemmer>, FxHashMap<String, String>)> =
            RefCell::new((None, FxHashMap::default()));
    }
    STEMS.with_borrow_mut(|(stemmer, known)| {
        if let Some(stemmed) = known.get(word) {
            return Cow::Owned(stemmed.clone());
        }
        let stemmer = stemmer.get_or_insert_with(|| Stemmer::create(Algorithm::English));
        let stemmed = stemmer.stem(word).into_owned();
        if known.len() >= 1 << 16 {
            known.clear();
        }
        known.insert(word.to_string(), stemmed.clone());
        Cow::Owned(stemmed)
    })
}

/// Calls `term` with every term of an already normalised text, repeats included; with
/// `pairs`, also with every two adjacent words. Words are stemmed (`stem`).
pub fn terms(normalized: &str, pairs: bool, mut term: impl FnMut(Term<'_>)) {
    let mut previous_word: Option<Cow<str>> = None;
    for run in runs(normalized) {
        match run {
            Run::Word(word) => {
                let word = stem(word);
                term(Term::Word(&word));
                if let (Some(previous), true) = (&previous_word, pairs) {
                    term(Term::Pair(previous, &word));
                }
                previous_word = Some(word);
            }
            Run::Cjk(chars) => {
                previous_word = None;
                let mut chars = chars.chars().peekable();
                while let Some(c) = chars.next() {
                    term(Term::Char(c));
                    if let Some(&next) = chars.peek() {
                        term(Term::CharPair(c, next));
                    }
                }
            }
        }
    }
}

/// The text a term's shard is chosen by: a word's first three characters (so every word a
/// typed prefix of three or more characters can complete lives in one shard), any other
/// term itself.
pub fn shard_key(term: &str) -> &str {
    let is_word_term = term.chars().next().is_some_and(is_word) && !term.contains(' ');
    if !is_word_term {
        return term;
    }
    match term.char_indices().nth(PREFIX_CHARS) {
        Some((end, _)) => &term[..end],
        None => term,
    }
}

/// Characters of a word that choose its shard; a typed word this long or longer is also
/// completed as a prefix.
pub const PREFIX_CHARS: usize = 3;

/// 32-bit FNV-1a over UTF-8 bytes; the query side computes the same.
pub fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let normalized = normalize(text);
        terms(&normalized, true, |t| {
            if let Some(from_key) = Term::text_of_key(t.key()) {
                assert_eq!(from_key, t.text());
            }
            out.push(t.text())
        });
        out
    }

    #[test]
    fn full_width_folds_and_case_lowers() {
        assert_eq!(
            normalize("ＡＰＩｖ３ Refund，退款。"),
            "apiv3 refund,退款。"
        );
        assert_eq!(normalize("Café ﬁ Ⅻ"), "café fi xii");
        let fast: String = (0x20u32..0x7f)
            .chain(0xff01..=0xff5e)
            .chain([0x3001, 0x3002, 0x4e00, 0x9fff, 0x3400])
            .filter_map(char::from_u32)
            .collect();
        let slow: String = fast.nfkc().flat_map(char::to_lowercase).collect();
        assert_eq!(normalize(&fast), slow);
        assert_eq!(normalize("支付寶 商戶"), "支付宝 商户");
        assert_eq!(
            normalize("Café 支付寶"),
            "café 支付宝",
            "the slow path folds too"
        );
    }

    #[test]
    fn cjk_runs_give_characters_and_pairs() {
        assert_eq!(all("支付宝"), ["支", "支付", "付", "付宝", "宝"]);
    }

    #[test]
    fn words_give_pairs_only_when_adjacent() {
        assert_eq!(
            all("Refund fee，退款 API-key"),
            [
                "refund",
                "fee",
                "refund fee",
                "退",
                "退款",
                "款",
                "api",
                "key",
                "api key"
            ]
        );
    }

    #[test]
    fn stems_match_the_golden_file() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stems.tsv");
        let golden = std::fs::read_to_string(path).expect("tests/fixtures/stems.tsv");
        for line in golden.lines() {
            let (word, stemmed) = line.split_once('\t').expect("stems.tsv: word<TAB>stem");
            if word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            {
                assert_eq!(stem(word), stemmed, "the stem of {word:?}");
            }
        }
        assert_eq!(
            all("Refunds refunded"),
            ["refund", "refund", "refund refund"]
        );
        assert_eq!(stem("café"), "café", "only ASCII words are stemmed");
    }

    #[test]
    fn prefixes_of_a_word_share_its_shard() {
        assert_eq!(shard_key("settlement"), "set");
        assert_eq!(shard_key("settle"), "set");
        assert_eq!(shard_key("se"), "se");
        assert_eq!(shard_key("支付"), "支付");
        assert_eq!(shard_key("refund fee"), "refund fee");
        assert_eq!(fnv1a("a"), 0xe40c_292c);
    }
}
