//! The site's search: one index per language, built from the rendered page bodies during the
//! build and queried in the browser by `static/js/search-core.js`.
//!
//! ```text
//! rendered bodies ─▶ extract::sections ─▶ tokenize::terms ─▶ index::build ─▶ search/<lang>-<hash>/
//!   (HTML)            heading sections       NFKC, fold (t→s),   term shards,      meta.bin, t/*.bin,
//!                                            stemmed words,      page records,     p/*.bin, f/*.bin
//!                                            CJK chars + pairs   fold shards       (gzip)
//! ```
//!
//! The folder name carries a hash of everything in it, so browsers may cache the files for
//! ever; pages learn the folder from the `search` template value.

pub mod extract;
pub mod fold;
pub mod index;
pub mod tokenize;

use std::time::{Duration, Instant};

use xxhash_rust::xxh3::Xxh3;

use crate::claims::Origin;
use crate::claims::OutputFile;
use crate::site::Site;

/// What the index of one language came to, for `build --timings`.
#[derive(Debug, Clone)]
pub struct Stats {
    pub lang: String,
    pub pages: usize,
    pub sections: usize,
    pub bytes: usize,
    pub elapsed: Duration,
}

/// The indexes of every language.
#[derive(Debug, Default)]
pub struct Indexes {
    pub files: Vec<OutputFile>,
    /// The URL of each language's `meta.bin`, by language index (`None` when search is off).
    pub meta_urls: Vec<Option<String>>,
    pub stats: Vec<Stats>,
}

/// Indexes the pages of every language from their rendered `bodies` (by page index), plus
/// `extra` documents by language index (pages without Markdown, such as the wizard's).
/// `fingerprint` puts a content hash in the folder names; a live preview leaves it out so
/// pages do not change with every edit.
pub fn build(
    site: &Site,
    bodies: &[impl AsRef<str> + Sync],
    extra: &[(usize, index::Document)],
    fingerprint: bool,
    stop: Option<&dyn Fn() -> bool>,
) -> Indexes {
    let config = &site.config;
    let mut indexes = Indexes::default();
    if !config.search.enabled {
        indexes.meta_urls = vec![None; config.languages.len()];
        return indexes;
    }
    for (lang, language) in config.languages.iter().enumerate() {
        let started = Instant::now();
        let pages: Vec<usize> = (0..site.pages.len())
            .filter(|&i| {
                let page = &site.pages[i];
                page.lang == lang && !config.search.exclude.is_match(&page.key)
            })
            .collect();
        let extra: Vec<&index::Document> = extra
            .iter()
            .filter(|(l, _)| *l == lang)
            .map(|(_, document)| document)
            .collect();
        let document = |n: usize| match pages.get(n) {
            Some(&i) => index::Document {
                title: site.pages[i].front.title.clone(),
                url: config.base_url.href(&site.pages[i].path),
                sections: extract::sections(bodies[i].as_ref()),
            },
            None => extra[n - pages.len()].clone(),
        };
        let count = pages.len() + extra.len();
        let built = index::build_from(count, &document, &config.search.synonyms, stop);
        let mut folder = format!("search/{}", language.code);
        if fingerprint {
            let mut hasher = Xxh3::new();
            for (name, bytes) in &built.files {
                hasher.update(name.as_bytes());
                hasher.update(bytes);
            }
            folder.push_str(&format!("-{:016x}", hasher.digest())[..11]);
        }
        let bytes = built.files.iter().map(|(_, b)| b.len()).sum();
        indexes
            .meta_urls
            .push(Some(config.base_url.href(&format!("{folder}/meta.bin"))));
        indexes
            .files
            .extend(built.files.into_iter().map(|(name, bytes)| {
                let origin = Origin::Generated(format!("the {} search index", language.code));
                OutputFile::new(format!("{folder}/{name}"), bytes, origin)
            }));
        indexes.stats.push(Stats {
            lang: language.code.clone(),
            pages: count,
            sections: built.sections,
            bytes,
            elapsed: started.elapsed(),
        });
    }
    indexes
}
