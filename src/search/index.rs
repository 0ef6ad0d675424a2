//! Sections → the files of one language's index. Pure: documents in, named byte blobs out.
//!
//! Layout (every file gzip-compressed, read with the browser's `DecompressionStream`):
//! - `meta.bin`: JSON `{"v", "n": sections, "shards", "pages": [sections per page], "fold":
//!   fold-table shards, "synonyms": [[normalised term, …], …]}`;
//! - `t/<shard>.bin`, one for every shard the meta counts (empty when no term hashes there):
//!   the terms whose `shard_key` hashes (FNV-1a) to that shard, sorted, each
//!   `varint(len) term varint(df) byte(form) varint(bytes) postings varint(count) fields`:
//!   `df` counts the sections the term occurs in; `postings` (see `Form`) holds those sections
//!   as gaps or a bitmap over all sections, or, for a common term whose sections would cost
//!   more, only its pages (gaps, a bitmap over all pages, or the pages without it), standing
//!   for every section of them; `fields` lists, always exactly, the sections where it is in a
//!   heading or the page title, `varint(gap << 1 | is_title)`;
//! - `f/<n>.bin`: the traditional → simplified pairs of `fold::shard(n)`, fetched only when a
//!   query's Chinese term is missing from the index;
//! - `p/<page>.bin`: JSON `{"t": title, "u": url, "s": [[heading, anchor, excerpt], …]}` (heading
//!   and anchor `null` for the text before the first heading): fetched only for pages shown.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::extract::SectionText;
use super::fold;
use super::tokenize::{Term, fnv1a, is_cjk, normalize, shard_key, terms};

/// Format version, checked by the query side.
pub const VERSION: u32 = 2;
/// Columns of a section's text kept for its excerpt (a CJK character is two columns, any other
/// one): the query side shows the window of it around the query's words (`excerptAround` in
/// search-core.js, `EXCERPT_WINDOW` columns).
pub const EXCERPT_COLUMNS: usize = 280;
/// A term whose exact sections take more bytes than this, and that is on at least one page in
/// `PAGE_LEVEL_SHARE`, is stored by page when that is smaller: the query side then counts it in
/// every section of those pages. Such a term is common, so it narrows a query little; the
/// query's rarer terms, headings and the stored excerpts still choose the section. At 10,000
/// pages a term in most sections would otherwise be a 70,000-bit bitmap (8.8 KB a download).
/// One page in 4, not fewer: blurring terms on one page in 50 halved how often a phrase unique
/// to one page found it first (ARCHITECTURE.md, "Search index format").
const PAGE_LEVEL_BYTES: usize = 256;
const PAGE_LEVEL_SHARE: usize = 4;
/// Uncompressed bytes aimed at per term shard (≈ 2.5 KB compressed): a query downloads one
/// shard per term.
const SHARD_BYTES: usize = 3 * 1024;

/// One page to index: its title, URL and sections.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub url: String,
    pub sections: Vec<SectionText>,
}

/// One language's index: file names relative to the index folder, with their bytes.
#[derive(Debug, Default)]
pub struct Index {
    pub files: Vec<(String, Vec<u8>)>,
    pub sections: usize,
}

/// How a term's postings are stored (the byte after its `df`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Form {
    /// Its sections, as `varint(gap)`s.
    SectionGaps = 0,
    /// Its sections, as a bitmap over all sections.
    SectionBitmap = 1,
    /// Every section of its pages, the pages as `varint(gap)`s.
    PageGaps = 2,
    /// Every section of its pages, the pages as a bitmap over all pages.
    PageBitmap = 3,
    /// Every section of every page but those listed, as `varint(gap)`s.
    PagesWithout = 4,
}

const BODY: u8 = 0;
const HEADING: u8 = 1;
const TITLE: u8 = 2;

/// The terms of a run of documents, as keys (see `Term::key`) with their class, per section
/// in order; and the text of every word key met.
#[derive(Default)]
struct Tokens {
    sections: Vec<Vec<(u64, u8)>>,
    names: FxHashMap<u64, String>,
}

impl Tokens {
    fn add_section(&mut self, title: Option<&str>, section: &SectionText) {
        let mut found = Vec::with_capacity(section.text.len() / 2);
        let names = &mut self.names;
        let mut add = |term: Term, class: u8| {
            let key = term.key();
            if matches!(term, Term::Word(_) | Term::Pair(..)) {
                names.entry(key).or_insert_with(|| term.text());
            }
            found.push((key, class));
        };
        terms(&normalize(&section.text), false, |t| add(t, BODY));
        if let Some((heading, _)) = &section.heading {
            terms(&normalize(heading), true, |t| add(t, HEADING));
        }
        if let Some(title) = title {
            terms(&normalize(title), true, |t| add(t, TITLE));
        }
        self.sections.push(found);
    }
}

/// How many documents are made, indexed and dropped at a time: large enough to keep all
/// cores busy (a quarter as many costs a build some 8% of its search stage)…
const BATCH: usize = 256;
/// … and when the index may be stopped (the preview), small enough that a newer one is not
/// kept waiting: some 30 ms a batch at 10,000 pages.
const STOPPABLE_BATCH: usize = 64;

/// How many parts the postings are merged in, by term key (on all cores).
const PARTS: usize = 32;

/// A key's part: its bits mixed (a CJK key's low bits are a character's), then the top five.
fn part_of(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 59) as usize
}

/// One part's share of a run of documents' terms: `(section in the run, key, class)` in
/// section order, and the text of its word keys.
#[derive(Default)]
struct PartTerms {
    found: Vec<(u32, u64, u8)>,
    names: Vec<(u64, String)>,
}

impl Tokens {
    /// The terms split into their parts.
    fn into_parts(self) -> Vec<PartTerms> {
        let mut parts: Vec<PartTerms> = (0..PARTS).map(|_| PartTerms::default()).collect();
        for (s, found) in self.sections.iter().enumerate() {
            for &(key, class) in found {
                parts[part_of(key)].found.push((s as u32, key, class));
            }
        }
        for (key, name) in self.names {
            parts[part_of(key)].names.push((key, name));
        }
        parts
    }
}

/// The postings of the terms of one part: per term (in the order first met) its sections
/// with their class, `section << 2 | class`, ascending.
#[derive(Default)]
struct Part {
    ids: FxHashMap<u64, u32>,
    keys: Vec<u64>,
    /// Half the memory of `u64`s (a site of 10,000 pages has some 21 million postings):
    /// enough for 2^30 sections, a thousand times more than a site of 100 GB of text has.
    postings: Vec<Vec<u32>>,
    names: FxHashMap<u64, String>,
}

impl Part {
    /// Adds a run's terms, its first section being number `start`.
    fn merge(&mut self, terms: &PartTerms, start: u64) {
        for &(s, key, class) in &terms.found {
            let id = *self.ids.entry(key).or_insert_with(|| {
                self.keys.push(key);
                self.postings.push(Vec::new());
                (self.keys.len() - 1) as u32
            });
            let list = &mut self.postings[id as usize];
            let posting = (((start as u32) + s) << 2) | u32::from(class);
            match list.last_mut() {
                // Seen in this section already: keep the strongest class.
                Some(last) if *last >> 2 == posting >> 2 => *last = (*last).max(posting),
                _ => list.push(posting),
            }
        }
        for (key, name) in &terms.names {
            self.names.entry(*key).or_insert_with(|| name.clone());
        }
    }
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::new(6));
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// `ids` (ascending) as `varint(gap)`s, the gap before the first being the first itself.
fn gaps(ids: impl Iterator<Item = u64>) -> Vec<u8> {
    let mut gaps = Vec::new();
    let mut previous: Option<u64> = None;
    for id in ids {
        varint(&mut gaps, previous.map_or(id, |p| id - p - 1));
        previous = Some(id);
    }
    gaps
}

/// The smaller of `ids` (ascending, below `count`) as gaps and as a bitmap over `count`,
/// with the form each is (`forms`: gaps, bitmap).
fn gaps_or_bitmap(
    ids: impl Iterator<Item = u64> + Clone,
    count: usize,
    forms: (Form, Form),
) -> (Form, Vec<u8>) {
    let gaps = gaps(ids.clone());
    let bitmap_len = count.div_ceil(8);
    if gaps.len() <= bitmap_len {
        return (forms.0, gaps);
    }
    let mut bitmap = vec![0u8; bitmap_len];
    for id in ids {
        bitmap[id as usize / 8] |= 1 << (id % 8);
    }
    (forms.1, bitmap)
}

/// Where a term is, as one of the `Form`s: its sections exactly, or, for a term on many
/// pages whose exact sections would cost more than `PAGE_LEVEL_BYTES`, only its pages.
/// `postings` are `section << 2 | class`, ascending; `page_of` maps a section to its page.
fn encode_postings(postings: &[u64], page_of: &[u32], pages: usize) -> (Form, Vec<u8>) {
    let sections = postings.iter().map(|p| p >> 2);
    let exact = gaps_or_bitmap(
        sections.clone(),
        page_of.len(),
        (Form::SectionGaps, Form::SectionBitmap),
    );
    if exact.1.len() <= PAGE_LEVEL_BYTES {
        return exact;
    }
    let mut on: Vec<u64> = sections.map(|s| u64::from(page_of[s as usize])).collect();
    on.dedup();
    if on.len() * PAGE_LEVEL_SHARE < pages {
        return exact;
    }
    let mut next = on.iter().peekable();
    let off: Vec<u64> = (0..pages as u64)
        .filter(|page| next.next_if_eq(&page).is_none())
        .collect();
    [
        exact,
        gaps_or_bitmap(
            on.iter().copied(),
            pages,
            (Form::PageGaps, Form::PageBitmap),
        ),
        (Form::PagesWithout, gaps(off.into_iter())),
    ]
    .into_iter()
    .min_by_key(|(_, bytes)| bytes.len())
    .expect("three candidates")
}

/// The columns a character takes in an excerpt: two for CJK, one for any other.
fn columns(c: char) -> usize {
    if is_cjk(c) { 2 } else { 1 }
}

/// The first `EXCERPT_COLUMNS` columns of a section's text, cut at a space when one is near.
fn excerpt(text: &str) -> String {
    let text = text.replace('\n', " ");
    let mut used = 0;
    let end = text.char_indices().find_map(|(at, c)| {
        used += columns(c);
        (used > EXCERPT_COLUMNS).then_some(at)
    });
    match end {
        None => text,
        Some(end) => {
            let cut = text[..end]
                .rfind(' ')
                .filter(|&space| space > end * 3 / 4)
                .unwrap_or(end);
            format!("{}…", text[..cut].trim_end())
        }
    }
}

/// Synonym groups as the query side compares them: every term normalised, groups of fewer
/// than two distinct terms left out (the configuration reports them).
fn normalized_synonyms(groups: &[Vec<String>]) -> Vec<Vec<String>> {
    groups
        .iter()
        .filter_map(|group| {
            let mut terms: Vec<String> = Vec::new();
            for term in group {
                let term = normalize(term.trim());
                if !term.is_empty() && !terms.contains(&term) {
                    terms.push(term);
                }
            }
            (terms.len() >= 2).then_some(terms)
        })
        .collect()
}

/// Builds the index of `documents`, in their order, with the site's `synonyms` groups.
pub fn build(documents: &[Document], synonyms: &[Vec<String>]) -> Index {
    build_from(documents.len(), &|i| documents[i].clone(), synonyms, None)
}

/// Builds the index of `count` documents, made by `document` (from any thread) a batch at a
/// time and dropped once indexed: the text of a large site is never held whole. When `stop`
/// says so between batches, the index is left unfinished (the preview wants a newer one).
pub fn build_from(
    count: usize,
    document: &(dyn Fn(usize) -> Document + Sync),
    synonyms: &[Vec<String>],
    stop: Option<&dyn Fn() -> bool>,
) -> Index {
    let batch_size = if stop.is_some() {
        STOPPABLE_BATCH
    } else {
        BATCH
    };
    // Make and tokenise documents in parallel, a batch at a time, and write their page
    // records; then merge the postings in parts by term key, each part on its own core.
    let mut parts: Vec<Part> = (0..PARTS).map(|_| Part::default()).collect();
    let mut section: u64 = 0;
    let mut section_counts: Vec<usize> = Vec::with_capacity(count);
    let mut pages: Vec<(String, Vec<u8>)> = Vec::with_capacity(count);
    for first in (0..count).step_by(batch_size) {
        if stop.is_some_and(|stop| stop()) {
            break;
        }
        let batch: Vec<Document> = (first..count.min(first + batch_size))
            .into_par_iter()
            .map(document)
            .collect();
        section_counts.extend(batch.iter().map(|d| d.sections.len()));
        pages.extend(
            batch
                .par_iter()
                .enumerate()
                .map(|(i, document)| (format!("p/{}.bin", first + i), page_record(document)))
                .collect::<Vec<_>>(),
        );
        let chunks: Vec<Vec<PartTerms>> = batch
            .par_chunks(16)
            .map(|documents| {
                let mut tokens = Tokens::default();
                for document in documents {
                    for (i, s) in document.sections.iter().enumerate() {
                        tokens.add_section((i == 0).then_some(&*document.title), s);
                    }
                }
                tokens.into_parts()
            })
            .collect();
        let mut starts = Vec::with_capacity(batch.len().div_ceil(16));
        for documents in batch.chunks(16) {
            starts.push(section);
            section += documents
                .iter()
                .map(|d| d.sections.len() as u64)
                .sum::<u64>();
        }
        parts.par_iter_mut().enumerate().for_each(|(p, part)| {
            for (chunk, start) in chunks.iter().zip(&starts) {
                part.merge(&chunk[p], *start);
            }
        });
    }
    let mut names: FxHashMap<u64, String> = FxHashMap::default();
    let mut postings: Vec<(u64, Vec<u32>)> = Vec::new();
    for part in parts {
        names.extend(part.names);
        postings.extend(part.keys.into_iter().zip(part.postings));
    }
    let sections = section as usize;
    let page_of: Vec<u32> = section_counts
        .iter()
        .enumerate()
        .flat_map(|(page, &n)| std::iter::repeat_n(page as u32, n))
        .collect();

    let postings: Vec<(String, Vec<u32>)> = postings
        .into_iter()
        .filter_map(|(key, list)| {
            let name = Term::text_of_key(key).or_else(|| names.remove(&key))?;
            Some((name, list))
        })
        .collect();
    let mut terms: Vec<(String, Vec<u8>)> = postings
        .into_par_iter()
        .filter(|(term, _)| term.len() <= 255)
        .map(|(term, list)| {
            let list: Vec<u64> = list.into_iter().map(u64::from).collect();
            let mut entry = Vec::with_capacity(list.len() + term.len() + 8);
            varint(&mut entry, term.len() as u64);
            entry.extend_from_slice(term.as_bytes());
            varint(&mut entry, list.len() as u64);
            let (form, encoded) = encode_postings(&list, &page_of, count);
            entry.push(form as u8);
            varint(&mut entry, encoded.len() as u64);
            entry.extend_from_slice(&encoded);
            let fields: Vec<u64> = list.iter().copied().filter(|p| p & 3 != 0).collect();
            varint(&mut entry, fields.len() as u64);
            let mut previous: Option<u64> = None;
            for posting in fields {
                let section = posting >> 2;
                let gap = previous.map_or(section, |p| section - p - 1);
                varint(
                    &mut entry,
                    (gap << 1) | u64::from(posting & 3 == u64::from(TITLE)),
                );
                previous = Some(section);
            }
            (term, entry)
        })
        .collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let total: usize = terms.iter().map(|(_, entry)| entry.len()).sum();
    let shards = total
        .div_ceil(SHARD_BYTES)
        .next_power_of_two()
        .clamp(1, 4096);
    let mut shard_bytes = vec![Vec::new(); shards];
    for (term, entry) in &terms {
        let shard = fnv1a(shard_key(term)) as usize % shards;
        shard_bytes[shard].extend_from_slice(entry);
    }

    let meta = serde_json::json!({
        "v": VERSION,
        "n": sections,
        "shards": shards,
        "pages": section_counts,
        "fold": fold::SHARDS,
        "synonyms": normalized_synonyms(synonyms),
    });

    // Every shard the meta names is written, an empty one too (20 bytes): a query whose term
    // hashes there finds nothing, rather than a missing file.
    let mut files: Vec<(String, Vec<u8>)> = shard_bytes
        .into_par_iter()
        .enumerate()
        .map(|(shard, bytes)| (format!("t/{shard}.bin"), gzip(&bytes)))
        .collect();
    files.extend(pages);
    files
        .extend((0..fold::SHARDS).map(|n| (format!("f/{n}.bin"), gzip(fold::shard(n).as_bytes()))));
    files.push((
        "meta.bin".to_string(),
        gzip(&serde_json::to_vec(&meta).expect("JSON values serialize")),
    ));
    Index { files, sections }
}

/// What the results list shows of a page, gzipped: its title, URL and, per section, the
/// heading with its id and the excerpt of the text.
fn page_record(document: &Document) -> Vec<u8> {
    let sections: Vec<serde_json::Value> = document
        .sections
        .iter()
        .map(|section| match &section.heading {
            Some((heading, id)) => serde_json::json!([heading, id, excerpt(&section.text)]),
            None => serde_json::json!([null, null, excerpt(&section.text)]),
        })
        .collect();
    let json = serde_json::json!({"t": document.title, "u": document.url, "s": sections});
    gzip(&serde_json::to_vec(&json).expect("JSON values serialize"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(heading: Option<&str>, text: &str) -> SectionText {
        SectionText {
            heading: heading.map(|h| (h.to_string(), h.to_lowercase())),
            text: text.to_string(),
        }
    }

    #[test]
    fn classes_keep_the_strongest_field() {
        let mut tokens = Tokens::default();
        tokens.add_section(
            Some("Refunds"),
            &section(Some("Fees and refunds"), "refunds and fees, fees again"),
        );
        let found: FxHashMap<u64, u8> = tokens.sections[0].iter().copied().collect();
        let class = |word: &str| found.get(&Term::Word(word).key()).copied();
        // Words are indexed by their stems.
        assert_eq!(class("refund"), Some(TITLE));
        assert_eq!(class("fee"), Some(HEADING));
        assert_eq!(class("again"), Some(BODY));
        assert_eq!(class("refunds"), None);
        assert_eq!(found.get(&Term::Pair("fee", "and").key()), Some(&HEADING));
        assert_eq!(found.get(&Term::Pair("fee", "again").key()), None);
    }

    #[test]
    fn dense_terms_take_a_bitmap_sparse_ones_gaps() {
        let postings: Vec<u64> = (0..20).map(|s| s << 2).collect();
        let page_of = vec![0; 24];
        assert_eq!(
            encode_postings(&postings, &page_of, 1),
            (Form::SectionBitmap, vec![0xff, 0xff, 0x0f])
        );
        assert_eq!(
            encode_postings(&[5 << 2, 300 << 2], &vec![0; 1000], 1),
            (Form::SectionGaps, vec![5, 0xa6, 0x02])
        );
    }

    #[test]
    fn a_term_in_most_sections_of_many_pages_is_stored_by_page() {
        // 10,000 pages of 7 sections: a term in 4 sections of nearly every page would be a
        // 70,000-bit bitmap (8,750 bytes); by page, it is the few pages without it.
        let pages = 10_000;
        let page_of: Vec<u32> = (0..pages as u32).flat_map(|p| [p; 7]).collect();
        let without = [17u64, 4_000, 9_999];
        let postings: Vec<u64> = (0..pages as u64)
            .filter(|p| !without.contains(p))
            .flat_map(|p| [p * 7, p * 7 + 2, p * 7 + 3, p * 7 + 6])
            .map(|s| s << 2)
            .collect();
        let (form, bytes) = encode_postings(&postings, &page_of, pages);
        assert_eq!(form, Form::PagesWithout);
        assert_eq!(bytes, vec![17, 0x8e, 0x1f, 0xee, 0x2e]);
        // On half the pages: a bitmap over pages (1,250 bytes).
        let half: Vec<u64> = (0..pages as u64)
            .filter(|p| p % 2 == 0)
            .flat_map(|p| [p * 7, p * 7 + 1])
            .map(|s| s << 2)
            .collect();
        let (form, bytes) = encode_postings(&half, &page_of, pages);
        assert_eq!((form, bytes.len()), (Form::PageBitmap, 1_250));
        // On one page in 100: too rare to blur, however many bytes its sections take.
        let rare: Vec<u64> = (0..pages as u64)
            .filter(|p| p % 100 == 0)
            .flat_map(|p| (0..7).map(move |s| (p * 7 + s) << 2))
            .collect();
        assert!(matches!(
            encode_postings(&rare, &page_of, pages).0,
            Form::SectionGaps | Form::SectionBitmap
        ));
        // A small site keeps every term exact: its bitmaps are small anyway.
        let small: Vec<u32> = (0..40).flat_map(|p| [p; 7]).collect();
        let everywhere: Vec<u64> = (0..280).map(|s| s << 2).collect();
        assert_eq!(
            encode_postings(&everywhere, &small, 40).0,
            Form::SectionBitmap
        );
    }

    #[test]
    fn excerpts_are_cut_near_a_space() {
        let long = "word ".repeat(80);
        let cut = excerpt(&long);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() <= EXCERPT_COLUMNS + 1);
        assert_eq!(excerpt("short\ntext"), "short text");
        let chinese = excerpt(&"退款".repeat(200));
        assert_eq!(
            chinese.chars().count(),
            EXCERPT_COLUMNS / 2 + 1,
            "a CJK character is two columns"
        );
    }

    #[test]
    fn every_shard_the_meta_names_is_written_even_an_empty_one() {
        // Three terms (two words and their pair) in 40,000 sections of one page in 100, so
        // stored by section: postings large enough for several shards, too few terms to fill
        // them all.
        let mut documents = vec![Document {
            title: "T".into(),
            url: "/t/".into(),
            sections: (0..40_000).map(|_| section(None, "alpha beta")).collect(),
        }];
        documents.extend((0..99).map(|n| Document {
            title: "T".into(),
            url: format!("/p{n}/"),
            sections: vec![section(None, "gamma")],
        }));
        let index = build(&documents, &[]);
        let file = |name: &str| {
            let (_, bytes) = index.files.iter().find(|(n, _)| n == name)?;
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
                .ok()?;
            Some(text)
        };
        let meta: serde_json::Value = serde_json::from_slice(&file("meta.bin").unwrap()).unwrap();
        let shards = meta["shards"].as_u64().unwrap();
        assert!(shards > 3, "{shards} shards");
        let missing: Vec<u64> = (0..shards)
            .filter(|n| file(&format!("t/{n}.bin")).is_none())
            .collect();
        assert_eq!(missing, Vec::<u64>::new(), "of {shards} shards");
        let empty = (0..shards)
            .filter(|n| file(&format!("t/{n}.bin")).unwrap().is_empty())
            .count();
        assert!(empty > 0, "the case this test is about: an empty shard");
    }

    #[test]
    fn every_section_has_a_summary_and_the_meta_counts_them() {
        let documents = vec![Document {
            title: "T".into(),
            url: "/t/".into(),
            sections: vec![section(None, "a"), section(Some("B"), "b")],
        }];
        let index = build(&documents, &[]);
        assert_eq!(index.sections, 2);
        let names: Vec<&str> = index.files.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"meta.bin") && names.contains(&"p/0.bin"));
    }
}
