// The query side of walletdesk's search: the tokenizer (the same rules as src/search/tokenize.rs,
// so the index and the query can never disagree), loading an index lazily over fetch, BM25-style
// ranking with field weights, and highlighting. No dependencies; an ES module loaded only when a
// reader starts searching. The index layout is described in src/search/index.rs.

import { stem } from "./stem.js";

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;
const WORD = /[\p{Alphabetic}\p{N}]/u;
const FORMAT_VERSION = 2;

// Field weights: a term in the page title counts more than in a heading, more than in the body.
const BODY = 1, HEADING = 2.5, TITLE = 4;
// A word completed from the last, still-typed word counts a little less than the word typed.
const COMPLETION = 0.8;
// At most this many words complete a typed prefix (the most frequent first).
const MAX_COMPLETIONS = 24;
/** A Latin word this long or longer that matches nothing is also looked for with one typo… */
export const TYPO_MIN_CHARS = 5;
/** …at this weight: below a completion, far below the word itself. */
const TYPO = 0.6;

/**
 * Whether `a` and `b` (arrays of characters) are one edit apart: a character inserted,
 * deleted, replaced, or two neighbours swapped.
 */
function oneEditApart(a, b) {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rest = (x, y) => a.slice(x).join("") === b.slice(y).join("");
  if (a.length === b.length) {
    return rest(i + 1, i + 1)
      || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(i + 2, i + 2));
  }
  return a.length > b.length ? rest(i + 1, i) : rest(i, i + 1);
}
/**
 * Whether an indexed stem (characters) is one typo from a typed word: from its stem, or, as a
 * stem is shorter than the word it comes from (certificate → certif), from the typed word's
 * first characters (`certificatte`).
 */
function typoOf(indexed, stemmed, typed) {
  if (oneEditApart(indexed, stemmed)) return true;
  if (indexed.length < TYPO_MIN_CHARS) return false;
  const n = indexed.length;
  return [n - 1, n, n + 1].some((length) => length <= typed.length && oneEditApart(indexed, typed.slice(0, length)))
    || typed.slice(0, n).join("") === indexed.join("");
}
// A word's first characters choose its shard (src/search/tokenize.rs, PREFIX_CHARS): a typed
// word this long is completed from that one shard.
const PREFIX_CHARS = 3;

// Traditional → simplified Chinese pairs known so far (src/search/fold.rs). The index folds
// every character; the query side learns the pairs of a query's characters from the index's
// fold shards only when one of its Chinese terms is missing, so most queries fetch none.
const folds = new Map();
const foldShardsLoaded = new Map();

/**
 * NFKC, then lower-case code point by code point (as Rust's `char::to_lowercase`), then
 * traditional Chinese characters to simplified as far as their pairs are known.
 */
export function normalize(text) {
  let out = "";
  for (const c of text.normalize("NFKC")) {
    for (const lower of c.toLowerCase()) out += folds.get(lower) ?? lower;
  }
  return out;
}

/** The runs of a normalised text: `{kind: "word" | "cjk", text, start, end}`. */
export function runs(text) {
  const found = [];
  let run = null;
  let i = 0;
  for (const c of text) {
    const kind = CJK.test(c) ? "cjk" : WORD.test(c) ? "word" : null;
    if (run && run.kind !== kind) {
      run.end = i;
      found.push(run);
      run = null;
    }
    if (kind && !run) run = { kind, text: "", start: i, end: i };
    if (run) run.text += c;
    i += c.length;
  }
  if (run) {
    run.end = i;
    found.push(run);
  }
  return found;
}

/** The overlapping character pairs of a CJK run (one character gives itself). */
function charTerms(text) {
  const chars = Array.from(text);
  if (chars.length === 1) return chars;
  const pairs = [];
  for (let i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
  return pairs;
}

/** The longest query read, in characters; the rest is left out, and the reader is told. */
export const MAX_QUERY_CHARS = 64;
/** The most term shards one query may fetch; terms past them are left out, and the reader told. */
export const MAX_SHARDS = 24;

/**
 * A query as units that must all match: each word (the last one, while it is still being typed,
 * also as a prefix) and each CJK run (all its character pairs); plus adjacent word pairs, which
 * only raise the score. Only its first `MAX_QUERY_CHARS` characters are read (`cut` says
 * whether there were more).
 */
export function parseQuery(query) {
  const characters = Array.from(normalize(query));
  const text = characters.slice(0, MAX_QUERY_CHARS).join("");
  const found = runs(text);
  const units = [];
  const pairs = [];
  found.forEach((run, i) => {
    if (run.kind === "cjk") {
      units.push({ kind: "cjk", text: run.text, terms: charTerms(run.text) });
      return;
    }
    const last = i === found.length - 1 && run.end === text.length;
    units.push({ kind: "word", text: run.text, terms: [stem(run.text)], prefix: last && Array.from(run.text).length >= PREFIX_CHARS });
    const previous = found[i - 1];
    if (previous && previous.kind === "word") pairs.push(stem(previous.text) + " " + stem(run.text));
  });
  return { text, units, pairs, cut: characters.length > MAX_QUERY_CHARS };
}

/** Where `term` occurs in `text` as whole words (a Latin end must not run into a letter). */
function occurs(text, term) {
  const edge = (c) => c !== undefined && WORD.test(c) && !CJK.test(c);
  for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + 1)) {
    const before = text[i - 1], after = text[i + term.length];
    if (!(edge(term[0]) && edge(before)) && !(edge(term[term.length - 1]) && edge(after))) return true;
  }
  return false;
}

/** The most other wordings of one query searched besides it (site.yaml `search.synonyms`). */
const MAX_VARIANTS = 3;

/**
 * The query's other wordings: for each synonym group with a term in `text` (normalised), the
 * text with that term replaced by each other term of its group.
 */
export function synonymVariants(text, groups) {
  const variants = [];
  for (const group of groups) {
    for (const term of group) {
      if (!occurs(text, term)) continue;
      for (const other of group) {
        if (other !== term && variants.length < MAX_VARIANTS) variants.push(text.split(term).join(other));
      }
      break;
    }
  }
  return variants;
}

// The last query's wordings, for `highlight` to mark a synonym's words too.
const wordings = new Map();

/** The text a term's shard is chosen by: a word's first three characters, any other term itself. */
function shardKey(term) {
  const first = Array.from(term);
  const isWord = WORD.test(first[0]) && !CJK.test(first[0]) && !term.includes(" ");
  return isWord ? first.slice(0, PREFIX_CHARS).join("") : term;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A reader of LEB128 varints. */
class Reader {
  constructor(bytes, at = 0) { this.bytes = bytes; this.at = at; }
  varint() {
    let value = 0, scale = 1, byte;
    do {
      byte = this.bytes[this.at++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return value;
  }
}

async function fetchGzip(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`search index: ${url} answered ${response.status}`);
  const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** One shard: term → entry with its document frequency and where its postings are. */
function parseShard(bytes) {
  const terms = new Map();
  const reader = new Reader(bytes);
  while (reader.at < bytes.length) {
    const length = reader.varint();
    const term = decoder.decode(bytes.subarray(reader.at, reader.at + length));
    reader.at += length;
    const df = reader.varint();
    const form = bytes[reader.at++];
    const size = reader.varint();
    const sections = bytes.subarray(reader.at, reader.at + size);
    reader.at += size;
    const fieldCount = reader.varint();
    const fieldsStart = reader.at;
    for (let i = 0; i < fieldCount; i++) reader.varint();
    terms.set(term, { df, form, sections, fields: bytes.subarray(fieldsStart, reader.at), fieldCount });
  }
  return terms;
}

/** Calls `f(id)` for each id of a list stored as `varint(gap)`s. */
function eachGap(bytes, f) {
  const reader = new Reader(bytes);
  let id = -1;
  while (reader.at < bytes.length) f(id += reader.varint() + 1);
}

/** Calls `f(id)` for each id below `count` set in a bitmap. */
function eachBit(bits, count, f) {
  for (let byte = 0; byte < bits.length; byte++) {
    let value = bits[byte];
    while (value) {
      const id = byte * 8 + 31 - Math.clz32(value & -value);
      if (id < count) f(id);
      value &= value - 1;
    }
  }
}

// How a term's postings are stored (src/search/index.rs, `Form`): its sections as gaps or a
// bitmap; or, for a common term, its pages as gaps, a bitmap or the pages without it, standing
// for every section of those pages.
const SECTION_GAPS = 0, SECTION_BITMAP = 1, PAGE_GAPS = 2, PAGE_BITMAP = 3, PAGES_WITHOUT = 4;

/**
 * A term's score in every section (0 where it does not occur): `idf` × the weight of the field
 * it is in there. Scores live in typed arrays over all sections: adding, intersecting and
 * ranking them is then a few linear passes, fast even for terms in every section. `starts`
 * holds each page's first section, and the section count last.
 */
function postings(entry, starts, idf) {
  const sectionCount = starts[starts.length - 1];
  const pageCount = starts.length - 1;
  const scores = new Float32Array(sectionCount);
  const section = (s) => { scores[s] = idf * BODY; };
  const page = (p) => scores.fill(idf * BODY, starts[p], starts[p + 1]);
  if (entry.form === SECTION_GAPS) eachGap(entry.sections, section);
  else if (entry.form === SECTION_BITMAP) eachBit(entry.sections, sectionCount, section);
  else if (entry.form === PAGE_GAPS) eachGap(entry.sections, page);
  else if (entry.form === PAGE_BITMAP) eachBit(entry.sections, pageCount, page);
  else if (entry.form === PAGES_WITHOUT) {
    scores.fill(idf * BODY);
    eachGap(entry.sections, (p) => scores.fill(0, starts[p], starts[p + 1]));
  }
  const reader = new Reader(entry.fields);
  let at = -1;
  for (let i = 0; i < entry.fieldCount; i++) {
    const value = reader.varint();
    at += Math.floor(value / 2) + 1;
    scores[at] = idf * (value % 2 ? TITLE : HEADING);
  }
  return scores;
}

/** The weight of a page holding a query's words apart, against one section holding them all. */
const SPREAD = 0.7;

/** Fewer pages than this matching every term of a query: near matches are shown too. */
export const THIN_PAGES = 3;

/**
 * The near matches of a query with `terms` (each term's scores by section, in query order):
 * the sections holding at least half of the terms, each scoring the sum of its terms weighed
 * by how many it holds and by the longest run of consecutive ones, so 微信支付商户号 finds the
 * page saying 微信支付 … 商户号. `null` when the query has too few terms to have any.
 */
function near(terms) {
  if (terms.length < 3) return null;
  const partial = new Float32Array(terms[0].length);
  for (let i = 0; i < partial.length; i++) {
    let held = 0, run = 0, longest = 0, sum = 0;
    for (const term of terms) {
      if (term[i]) { held++; run++; sum += term[i]; if (run > longest) longest = run; } else run = 0;
    }
    if (held * 2 >= terms.length && held < terms.length) partial[i] = sum * (held / terms.length) * (longest / terms.length);
  }
  return partial;
}

/**
 * Adds the `partials` (near matches, see `near`) to `total` (the whole matches), every whole
 * match raised above every near one; returns which sections are near matches.
 */
function addNear(total, partials) {
  const flags = new Uint8Array(total.length);
  let best = 0;
  for (let i = 0; i < total.length; i++) {
    if (total[i]) continue;
    for (const partial of partials) if (partial[i] > total[i]) total[i] = partial[i];
    if (total[i]) flags[i] = 1;
    if (total[i] > best) best = total[i];
  }
  for (let i = 0; i < total.length; i++) if (!flags[i] && total[i]) total[i] += best;
  return flags;
}

/** Sections in both: the sum of the scores; elsewhere 0. Changes and returns `into`. */
function both(into, other) {
  for (let i = 0; i < into.length; i++) into[i] = into[i] && other[i] ? into[i] + other[i] : 0;
  return into;
}

const indexes = new Map();

/** Opens the index whose `meta.bin` is at `metaUrl` (fetched once per URL). */
export function openIndex(metaUrl) {
  if (!indexes.has(metaUrl)) {
    const opening = fetchGzip(metaUrl).then((bytes) => new Index(metaUrl, JSON.parse(decoder.decode(bytes))));
    opening.catch(() => indexes.delete(metaUrl));
    indexes.set(metaUrl, opening);
  }
  return indexes.get(metaUrl);
}

class Index {
  constructor(metaUrl, meta) {
    if (meta.v !== FORMAT_VERSION) throw new Error(`search index format ${meta.v}, expected ${FORMAT_VERSION}`);
    this.base = new URL(".", new URL(metaUrl, globalThis.location?.href)).href;
    this.sectionCount = meta.n;
    this.shardCount = meta.shards;
    // pageStarts[p] = id of page p's first section; the section count last.
    this.pageStarts = [];
    let start = 0;
    for (const count of meta.pages) {
      this.pageStarts.push(start);
      start += count;
    }
    this.pageStarts.push(start);
    this.foldShards = meta.fold ?? 0;
    this.synonyms = meta.synonyms ?? [];
    this.shards = new Map();
    this.pages = new Map();
  }

  /** How many pages the index holds. */
  get pageCount() {
    return this.pageStarts.length - 1;
  }

  /**
   * Learns the traditional → simplified pairs of the query's Chinese characters (fetching the
   * fold shards they are in); whether the query now reads differently.
   */
  async learnFolds(query) {
    const before = normalize(query);
    const needed = new Set();
    for (const c of before) if (CJK.test(c)) needed.add(c.codePointAt(0) % this.foldShards);
    await Promise.all([...needed].map((n) => {
      const url = `${this.base}f/${n}.bin`;
      if (!foldShardsLoaded.has(url)) {
        const loading = fetchGzip(url).then((bytes) => {
          const chars = Array.from(decoder.decode(bytes));
          for (let i = 0; i + 1 < chars.length; i += 2) folds.set(chars[i], chars[i + 1]);
        });
        loading.catch(() => foldShardsLoaded.delete(url));
        foldShardsLoaded.set(url, loading.catch(() => {}));
      }
      return foldShardsLoaded.get(url);
    }));
    return normalize(query) !== before;
  }

  /** The number of the shard holding `term`. */
  shardOf(term) {
    return fnv1a(shardKey(term)) % this.shardCount;
  }

  /**
   * `parsed` within `MAX_SHARDS`: units keep their terms in query order while the shards they
   * need fit (a CJK run may keep only its first pairs), then the word pairs of kept words while
   * their shards fit; `limited` when a unit or any of its terms was left out. `fetched` holds
   * the shards already counted (shared by a query's wordings).
   */
  bound(parsed, fetched = new Set()) {
    const fits = (term) => fetched.has(this.shardOf(term)) || fetched.size < MAX_SHARDS;
    let limited = parsed.cut;
    const units = [];
    for (const unit of parsed.units) {
      const terms = [];
      for (const term of unit.terms) {
        if (!fits(term)) { limited = true; break; }
        fetched.add(this.shardOf(term));
        terms.push(term);
      }
      if (terms.length) units.push({ ...unit, terms });
      if (terms.length < unit.terms.length) break;
    }
    if (units.length < parsed.units.length) limited = true;
    // A pair boosts only words that are kept, and only while its shard fits.
    const kept = new Set(units.filter((unit) => unit.kind === "word").map((unit) => unit.terms[0]));
    const pairs = parsed.pairs.filter((pair) => {
      const [first, second] = pair.split(" ");
      if (!kept.has(first) || !kept.has(second) || !fits(pair)) return false;
      fetched.add(this.shardOf(pair));
      return true;
    });
    return { units, pairs, limited };
  }

  shard(term) {
    const n = this.shardOf(term);
    if (!this.shards.has(n)) {
      // A failed download counts as no match now and is fetched again next time.
      const loading = fetchGzip(`${this.base}t/${n}.bin`).then(parseShard);
      loading.catch(() => { this.shards.delete(n); this.scored = null; });
      this.shards.set(n, loading.catch(() => new Map()));
    }
    return this.shards.get(n);
  }

  page(p) {
    if (!this.pages.has(p)) {
      const loading = fetchGzip(`${this.base}p/${p}.bin`).then((bytes) => JSON.parse(decoder.decode(bytes)));
      loading.catch(() => this.pages.delete(p));
      this.pages.set(p, loading);
    }
    return this.pages.get(p);
  }

  idf(df) {
    return Math.log(1 + (this.sectionCount - df + 0.5) / (df + 0.5));
  }

  /** The scores of `entry`'s postings, by section. */
  scores(entry, factor = 1) {
    return postings(entry, this.pageStarts, this.idf(entry.df) * factor);
  }

  /** Scores of the sections matching one word unit (its shard already loaded), 0 elsewhere. */
  unitScores(unit, shards) {
    // Words are indexed by their stems (refunds, refunded → refund).
    const [term] = unit.terms;
    const shard = shards.get(term);
    const exact = shard.get(term);
    const scores = exact ? this.scores(exact) : new Float32Array(this.sectionCount);
    if (unit.prefix) {
      const completions = [];
      for (const [other, entry] of shard) {
        if (other !== term && !other.includes(" ") && (other.startsWith(term) || other.startsWith(unit.text))) completions.push(entry);
      }
      completions.sort((a, b) => b.df - a.df);
      const kept = completions.slice(0, MAX_COMPLETIONS);
      // The prefix counts as one term: every completion weighs by the rarity of all of them
      // and of the word as typed together, so where a completion is (title, heading, body)
      // decides, not which word it is, and it never outweighs the typed word in the same place.
      const df = Math.min(this.sectionCount, kept.reduce((sum, entry) => sum + entry.df, exact ? exact.df : 0));
      for (const entry of kept) {
        const more = postings(entry, this.pageStarts, this.idf(df) * COMPLETION);
        for (let i = 0; i < scores.length; i++) if (more[i] > scores[i]) scores[i] = more[i];
      }
    }
    // Nothing at all for a long word: the words one typo away, from the shard already fetched
    // (so a typo in the first three letters, which choose the shard, is not forgiven).
    const typed = Array.from(unit.text);
    if (typed.length >= TYPO_MIN_CHARS && !scores.some((x) => x > 0)) {
      for (const [other, entry] of shard) {
        if (other.includes(" ") || !typoOf(Array.from(other), Array.from(term), typed)) continue;
        const more = this.scores(entry, TYPO);
        for (let i = 0; i < scores.length; i++) if (more[i] > scores[i]) scores[i] = more[i];
      }
    }
    return scores;
  }

  /**
   * The score of every section for `query` (0: no match), and whether the query was `limited`
   * (see `bound`). Fetches the shards it needs, at most `MAX_SHARDS`.
   */
  sectionScores(query) {
    // The search page asks twice for one query (its first pages, then all): scored once.
    if (this.scored?.query !== query) this.scored = { query, scores: this.score(query) };
    return this.scored.scores;
  }

  /**
   * The scores of `query`, computed afresh (see `sectionScores`): the sections holding every
   * unit of the query or of one of its synonym wordings; when those are on fewer than
   * `THIN_PAGES` pages, also the sections holding most of its terms, ranked below them.
   */
  async score(query) {
    let scored = await this.scoreWordings(query);
    if (scored.missing && this.foldShards && await this.learnFolds(query)) scored = await this.scoreWordings(query);
    return scored;
  }

  async scoreWordings(query) {
    const parsed = parseQuery(query);
    const variants = synonymVariants(parsed.text, this.synonyms).map(parseQuery);
    if (wordings.size > 64) wordings.clear();
    wordings.set(query, [parsed.text, ...variants.map((v) => v.text)]);
    // One bound for all wordings: the query's own first, its synonyms' with the shards left.
    const fetched = new Set();
    const [main, ...others] = await Promise.all([parsed, ...variants].map((p) => this.strict(p, fetched)));
    const total = main.scores;
    // A wording cut short would match more than it says: left out.
    for (const other of others.filter((wording) => !wording.limited)) {
      for (let i = 0; i < total.length; i++) if (other.scores[i] > total[i]) total[i] = other.scores[i];
    }
    this.addSpread(total, main.perUnit);
    let nearFlags = null;
    if (this.pagesOf(total) < THIN_PAGES) {
      const partials = [main, ...others.filter((wording) => !wording.limited)].map((wording) => near(wording.terms)).filter(Boolean);
      if (partials.length) nearFlags = addNear(total, partials);
    }
    return { scores: total, near: nearFlags, limited: main.limited, missing: main.missing };
  }

  /** How many pages have a section scoring above 0. */
  pagesOf(scores) {
    let pages = 0;
    this.eachPage((page, start, end) => {
      for (let section = start; section < end; section++) if (scores[section]) { pages++; return; }
    });
    return pages;
  }

  /**
   * The scores of the sections holding every unit of `parsed` (bounded, see `bound`); the
   * score of each of its terms alone, in query order (`terms`, for near matches); and whether
   * a Chinese term is `missing` from the index.
   */
  async strict(parsed, fetched) {
    const { units, pairs, limited } = this.bound(parsed, fetched);
    if (!units.length) return { scores: new Float32Array(this.sectionCount), terms: [], limited, missing: false };
    // Every shard the query needs, fetched at once.
    const wanted = [...new Set([...units.flatMap((unit) => unit.terms), ...pairs])];
    const shards = new Map(await Promise.all(wanted.map(async (term) => [term, await this.shard(term)])));
    const missing = units.some((unit) => unit.kind === "cjk" && unit.terms.some((term) => !shards.get(term).has(term)));
    // Each term's scores once: a CJK pair's alone, a word's with its completions and typos.
    // A CJK unit holds where all its pairs do; nothing below changes these arrays.
    const terms = [];
    const perUnit = units.map((unit) => {
      if (unit.kind !== "cjk") {
        const scores = this.unitScores(unit, shards);
        terms.push(scores);
        return scores;
      }
      const pairs = unit.terms.map((term) => {
        const entry = shards.get(term).get(term);
        return entry ? this.scores(entry) : new Float32Array(this.sectionCount);
      });
      terms.push(...pairs);
      return pairs.map((scores) => Float32Array.from(scores)).reduce(both);
    });
    const total = perUnit.map((scores) => Float32Array.from(scores)).reduce(both);
    // Adjacent words in a title or heading: a phrase match there counts again.
    for (const pair of pairs) {
      const entry = shards.get(pair).get(pair);
      if (!entry) continue;
      const more = this.scores(entry);
      for (let i = 0; i < total.length; i++) if (total[i]) total[i] += more[i];
    }
    return { scores: total, perUnit, terms, limited, missing };
  }

  /**
   * Adds to `total` the pages holding every unit of a query (each unit's scores by section in
   * `perUnit`) in different sections, the title counting as the first section's: 微信支付 商户
   * 注册 finds the page titled 注册商户账号 that speaks of 微信支付 further down. Such a page
   * scores `SPREAD` × the sum of each unit's best score in it, given to its sections by how
   * much of the query each holds; a page with a section holding every unit scores the higher
   * of that section's score and this.
   */
  addSpread(total, perUnit) {
    if (perUnit.length < 2) return;
    this.eachPage((page, start, end) => {
      let sum = 0;
      for (const unit of perUnit) {
        let best = 0;
        for (let s = start; s < end; s++) if (unit[s] > best) best = unit[s];
        if (!best) return;
        sum += best;
      }
      // A section holding the whole query: the best one of them is raised to the page's score
      // when that is higher (the title holds words the section does not).
      let whole = -1;
      for (let s = start; s < end; s++) if (total[s] && (whole < 0 || total[s] > total[whole])) whole = s;
      if (whole >= 0) {
        total[whole] = Math.max(total[whole], SPREAD * sum);
        return;
      }
      let most = 0;
      const held = new Float32Array(end - start);
      for (let s = start; s < end; s++) {
        for (const unit of perUnit) held[s - start] += unit[s];
        if (held[s - start] > most) most = held[s - start];
      }
      for (let s = start; s < end; s++) total[s] = SPREAD * sum * (held[s - start] / most);
    });
  }

  /**
   * Every section matching `query`, best first: `[{section, page, score, near}]`, `near` when
   * it holds only most of the query's terms (see `near`).
   */
  async match(query) {
    const { scores, near: nearFlags } = await this.sectionScores(query);
    const matches = [];
    this.eachPage((page, start, end) => {
      for (let section = start; section < end; section++) {
        if (scores[section]) matches.push({ section, page, score: scores[section], near: Boolean(nearFlags?.[section]) });
      }
    });
    return matches.sort((a, b) => b.score - a.score || a.section - b.section);
  }

  /** Calls `f(page, first section, end)` for every page. */
  eachPage(f) {
    const starts = this.pageStarts;
    for (let page = 0; page + 1 < starts.length; page++) f(page, starts[page], starts[page + 1]);
  }

  /**
   * The best `limit` pages for `query` (a page scores as its best section), each with its best
   * `sectionsPerPage` sections:
   * `{query, total, pages, near, limited, results: [{url, title, score, near, sections: [{url, heading, excerpt, score}]}]}`,
   * `total` counting the matching sections and `pages` the pages they are on, `near` how many
   * of those pages hold only a near match (most of the query's terms; listed after the
   * others, each result saying whether it is one), `limited` when part of a long query was
   * left out. Only the records of the pages shown are downloaded.
   */
  async search(query, { limit = 10, sectionsPerPage = 3 } = {}) {
    const { scores, near: nearFlags, limited } = await this.sectionScores(query);
    let total = 0;
    let nearPages = 0;
    const pages = [];
    this.eachPage((page, start, end) => {
      let best = 0;
      let bestSection = start;
      for (let section = start; section < end; section++) {
        if (scores[section]) {
          total++;
          if (scores[section] > best) [best, bestSection] = [scores[section], section];
        }
      }
      if (!best) return;
      const near = Boolean(nearFlags?.[bestSection]);
      if (near) nearPages++;
      pages.push({ page, start, end, score: best, near });
    });
    const shown = pages.sort((a, b) => b.score - a.score || a.page - b.page).slice(0, limit);
    // Page records are fetched 16 at a time: a search page asking for hundreds of results
    // must not open hundreds of requests at once.
    for (let i = 0; i < shown.length; i += 16) {
      await Promise.all(shown.slice(i, i + 16).map(({ page }) => this.page(page)));
    }
    const results = await Promise.all(shown.map(async ({ page: p, start, end, score, near }) => {
      const page = await this.page(p);
      // Sections scoring alike (a common term is stored by page, so it counts in every
      // section of the page): the one whose stored text shows more of the query first.
      const sections = [];
      for (let section = start; section < end; section++) {
        if (scores[section]) sections.push({ section, score: scores[section] });
      }
      const shows = (section) => highlight(page.s[section - start][2], query).filter(([, hit]) => hit).length;
      for (const entry of sections) {
        if (sections.some((other) => other !== entry && other.score === entry.score)) entry.shows = shows(entry.section);
      }
      sections.sort((a, b) => b.score - a.score || (b.shows ?? 0) - (a.shows ?? 0) || a.section - b.section);
      return {
        url: page.u,
        title: page.t,
        score,
        near,
        sections: sections.slice(0, sectionsPerPage).map(({ section, score }) => {
          const [heading, anchor, text] = page.s[section - start];
          return { url: anchor ? `${page.u}#${anchor}` : page.u, heading, excerpt: excerptAround(text, query), score };
        }),
      };
    }));
    return { query, total, pages: pages.length, near: nearPages, results, limited };
  }
}

/**
 * Columns of a section's stored text shown as its excerpt, a CJK character taking two and any
 * other one (src/search/index.rs stores `EXCERPT_COLUMNS`, 280).
 */
export const EXCERPT_WINDOW = 130;

/**
 * The `EXCERPT_WINDOW` columns of `text` (a section's stored text) that show the most of the
 * query's matches, starting a little before the first of them and cut between words; "…"
 * where text is left out.
 */
export function excerptAround(text, query) {
  const chars = Array.from(text);
  const ellipsis = chars[chars.length - 1] === "…";
  const body = ellipsis ? chars.slice(0, -1) : chars;
  // Column where each character starts, and the end.
  const column = [0];
  for (const c of body) column.push(column[column.length - 1] + (CJK.test(c) ? 2 : 1));
  const width = column[body.length];
  if (width <= EXCERPT_WINDOW) return text;
  // The matches, as character ranges.
  const marks = [];
  let at = 0;
  for (const [piece, hit] of highlight(body.join(""), query)) {
    const length = Array.from(piece).length;
    if (hit) marks.push([at, at + length]);
    at += length;
  }
  // The character at which a window of EXCERPT_WINDOW columns from `start` ends.
  const endFrom = (start) => {
    let end = start;
    while (end < body.length && column[end + 1] - column[start] <= EXCERPT_WINDOW) end++;
    return end;
  };
  let start = 0;
  let best = -1;
  for (const [from] of marks) {
    // A little context before the match, unless the window would then run past the end.
    let candidate = from;
    while (candidate > 0 && column[from] - column[candidate - 1] <= 16) candidate--;
    while (candidate > 0 && endFrom(candidate) === body.length && column[body.length] - column[candidate - 1] <= EXCERPT_WINDOW) candidate--;
    const end = endFrom(candidate);
    const shown = marks.filter(([a, b]) => a >= candidate && b <= end).length;
    if (shown > best) [best, start] = [shown, candidate];
  }
  let end = endFrom(start);
  // Between words: never start or end inside a Latin word when a space is near.
  const inWord = (i) => i > 0 && i < body.length && WORD.test(body[i - 1]) && !CJK.test(body[i - 1]) && WORD.test(body[i]) && !CJK.test(body[i]);
  if (inWord(start)) {
    const space = body.indexOf(" ", start);
    if (space > 0 && space - start < 12) start = space + 1;
  }
  if (inWord(end)) {
    const space = body.lastIndexOf(" ", end);
    if (space > start && end - space < 12) end = space;
  }
  return (start > 0 ? "…" : "") + body.slice(start, end).join("").trim() + (end < body.length || ellipsis ? "…" : "");
}

/**
 * `text` cut into pieces `[piece, matched]`: one matched piece per run of the text that the
 * query matches (its words, a word being typed completed, and its CJK runs where they occur
 * whole, else their character pairs), in any of the wordings its synonyms gave it.
 */
export function highlight(text, query) {
  const units = (wordings.get(query) ?? [query]).flatMap((wording) => parseQuery(wording).units);
  // The normalised text, with where each of its UTF-16 units came from in `text`.
  let normalized = "";
  const from = [];
  const to = [];
  let at = 0;
  for (const c of text) {
    const n = normalize(c);
    for (let k = 0; k < n.length; k++) {
      from.push(at);
      to.push(at + c.length);
    }
    normalized += n;
    at += c.length;
  }
  const marked = new Uint8Array(normalized.length);
  const mark = (start, end) => marked.fill(1, start, end);
  // A query's CJK run is marked where it occurs whole; where it does not (a near match), its
  // character pairs are.
  const whole = new Set(units.filter((unit) => unit.kind === "cjk" && normalized.includes(unit.text)));
  for (const run of runs(normalized)) {
    for (const unit of units) {
      if (unit.kind === "word" && run.kind === "word") {
        const stemmed = stem(run.text);
        if (stemmed === unit.terms[0]
          || (unit.prefix && (run.text.startsWith(unit.text) || stemmed.startsWith(unit.terms[0])))) mark(run.start, run.end);
      } else if (unit.kind === "cjk" && run.kind === "cjk") {
        const pieces = whole.has(unit) ? [unit.text] : unit.terms;
        for (const piece of pieces) {
          for (let i = run.text.indexOf(piece); i >= 0; i = run.text.indexOf(piece, i + 1)) {
            mark(run.start + i, run.start + i + piece.length);
          }
        }
      }
    }
  }
  const pieces = [];
  let i = 0;
  let last = 0;
  while (i < normalized.length) {
    if (!marked[i]) { i++; continue; }
    let j = i;
    while (j < normalized.length && marked[j]) j++;
    const start = from[i], end = to[j - 1];
    if (start > last) pieces.push([text.slice(last, start), false]);
    pieces.push([text.slice(start, end), true]);
    last = end;
    i = j;
  }
  if (last < text.length || !pieces.length) pieces.push([text.slice(last), false]);
  return pieces;
}
