// The Snowball English stemmer ("Porter2") of the query side, the same as the crate
// rust-stemmers 1.2.0 that the index side (src/search/tokenize.rs) stems with, so that a query's
// "refunds", "refunded" or "refunding" meets a page's "refund". Written from the algorithm's
// definition (snowballstem.org), in the revision that crate carries: later Snowball releases
// changed a few rules, so follow the crate, not the newest definition. Both sides are pinned to
// tests/fixtures/stems.tsv. No dependencies; an ES module.
//
// The rule both sides apply first: a word that is not entirely ASCII letters a-z, digits and
// apostrophes (anything upper-case, accented, Chinese, hyphenated...) is returned unchanged.
//
// Terms used below, as in the definition: a vowel is one of "aeiouy"; a "Y" is a y that the
// prelude marks as a consonant (at the start of the word or after a vowel) and is written back
// as "y" at the end. R1 is the part of the word after the first non-vowel that follows a vowel
// (or after "gener", "commun" or "arsen" when the word starts so), R2 the same taken again
// inside R1; `p1` and `p2` are where they start. A suffix is "in R1" when it starts at or after
// p1. Digits and apostrophes are non-vowels.

const STEMMABLE = /^[a-z0-9']*$/;
const VOWEL = /[aeiouy]/;
const isVowel = (c) => c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y";

/** Whole words with a stem of their own (checked before anything else). */
const EXCEPTIONS = new Map(Object.entries({
  skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl",
  gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl",
  sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias",
  andes: "andes",
}));
/** Whole words left as they are once Step 1a has run (so "innings" stems to "inning"). */
const INVARIANT = new Set(["inning", "outing", "canning", "herring", "earring", "proceed",
  "exceed", "succeed"]);

// Step 2 (in R1) and Step 3 (in R1): each suffix and what replaces it. The longest suffix that
// ends the word is the one taken, even if it then fails its condition.
const STEP2 = {
  tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize",
  ization: "ize", ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al",
  alli: "al", fulness: "ful", ousli: "ous", ousness: "ous", iveness: "ive", iviti: "ive",
  biliti: "ble", bli: "ble", fulli: "ful", lessli: "less",
  ogi: "og", // only after "l"
  li: "", // only after one of "cdeghkmnrt"
};
const STEP3 = {
  tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "",
  ness: "",
  ative: "", // only in R2
};
// Step 4: deleted in R2 ("ion" only after "s" or "t").
const STEP4 = /(?:al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ism|ate|iti|ous|ive|ize|ion)$/;

/** A regular expression matching any of `table`'s suffixes at the end of a word. */
const suffixes = (table) => new RegExp(`(?:${Object.keys(table).join("|")})$`);
const STEP2_RE = suffixes(STEP2), STEP3_RE = suffixes(STEP3);

/**
 * Where the region after `from` starts: just past the first non-vowel that follows a vowel,
 * or the word's end if there is none.
 */
function regionStart(w, from) {
  let i = from;
  while (i < w.length && !isVowel(w[i])) i++;
  while (i < w.length && isVowel(w[i])) i++;
  return Math.min(i + 1, w.length);
}

/**
 * Whether `w` up to `end` ends in a short syllable: a non-vowel other than "w", "x" or "Y"
 * after a vowel after a non-vowel, or a vowel then a non-vowel that begin the word.
 */
function shortSyllable(w, end) {
  if (end < 2 || isVowel(w[end - 1]) || !isVowel(w[end - 2])) return false;
  return end === 2 || (!isVowel(w[end - 3]) && !"wxY".includes(w[end - 1]));
}

/**
 * The English stem of `word`, which must already be lower-case: "refunding" → "refund",
 * "skies" → "sky", "settling" → "settl" (but "settlement" stays as it is: its longest suffix,
 * "ement", is not in R2, and no shorter one is tried). A word that is not entirely a-z, 0-9 and
 * apostrophes, or is shorter than three characters, is returned as it is.
 */
export function stem(word) {
  const exception = EXCEPTIONS.get(word);
  if (exception !== undefined) return exception;
  if (word.length < 3 || !STEMMABLE.test(word)) return word;

  // Prelude: drop one leading apostrophe; mark consonant y's as "Y".
  let w = word[0] === "'" ? word.slice(1) : word;
  const hasY = w.includes("y");
  if (hasY) w = w.replace(/^y/, "Y").replace(/([aeiouy])y/g, "$1Y");

  const prefix = /^(?:gener|commun|arsen)/.exec(w);
  const p1 = prefix ? prefix[0].length : regionStart(w, 0);
  const p2 = regionStart(w, p1);
  let m;

  // Step 1a: possessives ("'s'", "'s", "'"), then plurals.
  if (w.includes("'")) w = w.replace(/'(?:s'?)?$/, "");
  if (w.endsWith("sses")) {
    w = w.slice(0, -2);
  } else if (w.endsWith("ied") || w.endsWith("ies")) {
    w = w.slice(0, -3) + (w.length > 4 ? "i" : "ie"); // "cries" → "cri", "ties" → "tie"
  } else if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")
    && VOWEL.test(w.slice(0, -2))) {
    w = w.slice(0, -1); // "gaps" → "gap", but "gas" stays
  }
  if (INVARIANT.has(w)) return w;

  // Step 1b: "eed"/"eedly" in R1 → "ee"; "ed", "edly", "ing", "ingly" after a vowel are deleted,
  // then "at", "bl", "iz" take an "e", a doubled consonant is undoubled, and a short word gets "e".
  if ((m = /eed(?:ly)?$/.exec(w))) {
    if (m.index >= p1) w = w.slice(0, m.index) + "ee";
  } else if ((m = /(?:ed|ing)(?:ly)?$/.exec(w)) && VOWEL.test(w.slice(0, m.index))) {
    w = w.slice(0, m.index);
    if (/(?:at|bl|iz)$/.test(w)) w += "e";
    else if (/(?:bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
    else if (w.length === p1 && shortSyllable(w, w.length)) w += "e";
  }

  // Step 1c: a final y after a non-vowel that is not the first letter becomes "i".
  if (w.length > 2 && /[yY]$/.test(w) && !isVowel(w[w.length - 2])) w = w.slice(0, -1) + "i";

  // Step 2.
  if ((m = STEP2_RE.exec(w)) && m.index >= p1) {
    const before = w[m.index - 1];
    if ((m[0] !== "ogi" || before === "l") && (m[0] !== "li" || "cdeghkmnrt".includes(before))) {
      w = w.slice(0, m.index) + STEP2[m[0]];
    }
  }

  // Step 3.
  if ((m = STEP3_RE.exec(w)) && m.index >= p1 && (m[0] !== "ative" || m.index >= p2)) {
    w = w.slice(0, m.index) + STEP3[m[0]];
  }

  // Step 4.
  if ((m = STEP4.exec(w)) && m.index >= p2
    && (m[0] !== "ion" || w[m.index - 1] === "s" || w[m.index - 1] === "t")) {
    w = w.slice(0, m.index);
  }

  // Step 5: a final "e" in R2, or in R1 but not after a short syllable, goes; so does the second
  // "l" of a final "ll" in R2.
  const last = w.length - 1;
  if (w[last] === "e") {
    if (last >= p2 || (last >= p1 && !shortSyllable(w, last))) w = w.slice(0, last);
  } else if (w.endsWith("ll") && last >= p2) {
    w = w.slice(0, last);
  }

  // Postlude: "Y" back to "y".
  return hasY ? w.replace(/Y/g, "y") : w;
}
