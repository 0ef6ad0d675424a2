// The search UI, imported by site.js on first use: the header's dialog (results as you type,
// arrow keys, recent searches, help when nothing matches) and the full search page. The query
// work is js/search-core.js (the element's data-core), which downloads the index lazily.
// Everything is built with DOM calls and textContent: page text never goes through innerHTML.
// Settings and strings come from the element's data attributes (see base.html, search.html).

const DEBOUNCE_MS = 60;
const DIALOG_PAGES = 5; // pages shown in the dialog (the search page shows more)…
const DIALOG_SECTIONS = 3; // …with at most this many sections each
const PAGE_PAGES = 50; // pages shown on the search page…
const PAGE_SECTIONS = 20; // …with at most this many sections each
const FIRST_PAGES = 10; // the search page shows these first, then the rest when there are more
const OTHER_PAGES = 5; // pages shown from another language when this one has few…
const FEW_PAGES = 3; // …fewer than this many
const RECENT = 5;
const SHOWN_QUERY_CHARS = 40; // a longer query is shortened where it is shown (status, page title)

let corePromise;
/** The query core, imported once. */
function loadCore(el) {
  return corePromise || (corePromise = import(el.dataset.core));
}

async function query(el, indexUrl, words, limit, sectionsPerPage = DIALOG_SECTIONS) {
  const core = await loadCore(el);
  return (await core.openIndex(indexUrl)).search(words, { limit, sectionsPerPage });
}

/** h("a", { href, class }, child, …): an element; false/null attributes and children are left out. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value != null && value !== false) el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.filter((c) => c != null));
  return el;
}

/** Appends `text` to `el` with each run matching the query in a <mark>. */
function marked(el, text, words, core) {
  for (const [piece, hit] of core.highlight(text, words)) el.append(hit ? h("mark", null, piece) : piece);
  return el;
}

let ids = 0;
const nextId = () => `search-${++ids}`;

/** `words` as shown back to the reader: at most SHOWN_QUERY_CHARS characters. */
function shortened(words) {
  const characters = Array.from(words);
  return characters.length > SHOWN_QUERY_CHARS ? `${characters.slice(0, SHOWN_QUERY_CHARS).join("")}…` : words;
}

/**
 * What a search found, in words: the count of pages matching the whole query, else that only
 * near matches were found, else "nothing matched"; and whether a long query was cut.
 */
function said(d, found, words) {
  const whole = found.pages - (found.near || 0);
  const text = whole ? count(d, whole)
    : fill(found.pages ? d.tNear : d.tNone, { query: shortened(words) });
  return found.limited ? `${text} ${d.tLimited}` : text;
}

/** "{count} results"-style strings. */
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
const count = (d, n) => (n === 1 ? d.tResultsOne : fill(d.tResults, { count: n }));
const countIn = (d, n, name) => fill(n === 1 ? d.tOtherOne : d.tOther, { count: n, language: name });

/** "Page title › heading", or the title alone for the page's introduction. */
const crumb = (page, section) => (section.heading ? `${page.title} › ${section.heading}` : page.title);

/** A result's URL with ?hl=<words> before its #anchor, so the page marks the words. */
function withHl(url, words, core) {
  const u = new URL(url, location.href);
  // As the query core reads it: traditional characters it has learnt come as simplified, so
  // the page (which has no fold pairs loaded) marks what the search found.
  u.searchParams.set("hl", core.normalize(words));
  return u.pathname + u.search + u.hash;
}

const searchUrl = (page, words) => `${page}?q=${encodeURIComponent(words)}`;

// Recent searches, newest first, per language.
const recentKey = (el) => `walletdesk-recent-${el.dataset.lang}`;
function recent(el) {
  try {
    const list = JSON.parse(localStorage.getItem(recentKey(el)) || "[]");
    return Array.isArray(list) ? list.filter((s) => typeof s === "string").slice(0, RECENT) : [];
  } catch (e) {
    return [];
  }
}
function remember(el, words) {
  words = words.trim();
  if (!words) return;
  const list = [words, ...recent(el).filter((s) => s !== words)].slice(0, RECENT);
  try { localStorage.setItem(recentKey(el), JSON.stringify(list)); } catch (e) { /* not kept */ }
}
function forget(el) {
  try { localStorage.removeItem(recentKey(el)); } catch (e) { /* nothing kept */ }
}

/** The other languages' results for `words`, for those that have any: [{ lang, found }]. */
async function elsewhere(el, words, limit) {
  let others = [];
  try { others = JSON.parse(el.dataset.indexes).filter((l) => !l.current); } catch (e) { /* none */ }
  const found = await Promise.all(others.map((lang) =>
    query(el, lang.index, words, limit).then((found) => ({ lang, found }), () => null)));
  return found.filter((f) => f && f.found.total > 0);
}

// ---- The dialog ----------------------------------------------------------------------------

let dialog;

/**
 * Opens the search dialog of the header button `button` (built on first use); `typed`: what
 * the reader typed while this script was loading, put into the box.
 */
export function open(button, typed = "") {
  dialog = dialog || buildDialog(button);
  dialog.show(typed);
}

function buildDialog(button) {
  const d = button.dataset;
  const input = h("input", {
    type: "search", name: "q", role: "combobox", "aria-label": d.tLabel, "aria-expanded": "false",
    "aria-controls": "search-listbox", "aria-autocomplete": "list", placeholder: d.tPlaceholder,
    autocomplete: "off", spellcheck: "false", enterkeyhint: "search",
  });
  const closeButton = h("button", { type: "button", class: "search-close" }, d.tClose);
  // Enter with no result chosen submits to the full search page.
  const form = h("form", { class: "search-form", action: d.page, method: "get" }, input, closeButton);
  const status = h("p", { class: "search-status", role: "status" });
  const help = h("p", { class: "search-help", hidden: true }, d.tShorter);
  const clearButton = h("button", { type: "button", class: "search-clear" }, d.tClear);
  const recentHead = h("div", { class: "search-recent-head", hidden: true },
    h("span", { id: "search-recent-label" }, d.tRecent), clearButton);
  const list = h("div", { id: "search-listbox", role: "listbox", class: "search-results", hidden: true });
  const all = h("a", { class: "search-all", hidden: true }, d.tAll);
  const el = h("dialog", { class: "search-dialog", "aria-label": d.tTitle },
    form,
    h("div", { class: "search-body" }, status, help, recentHead, list, all),
    h("p", { class: "search-keys", "aria-hidden": "true" }, d.tKeys));
  document.body.append(el);

  let options = [];
  let active = -1;
  let timer;
  let seq = 0; // answers to older queries are dropped

  function activate(i) {
    if (options[active]) options[active].removeAttribute("aria-selected");
    active = i;
    const option = options[i];
    if (!option) return input.removeAttribute("aria-activedescendant");
    option.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  /** Empties the results; `label` names the list that follows. */
  function reset(label) {
    activate(-1);
    list.replaceChildren();
    status.textContent = "";
    help.hidden = all.hidden = recentHead.hidden = true;
    list.removeAttribute("aria-label");
    list.removeAttribute("aria-labelledby");
    list.setAttribute(label === "recent" ? "aria-labelledby" : "aria-label", label === "recent" ? "search-recent-label" : d.tResultsLabel);
  }

  /** Takes the options now in the list. */
  function settle() {
    options = [...list.querySelectorAll("[role=option]")];
    list.hidden = !options.length;
    input.setAttribute("aria-expanded", String(options.length > 0));
  }

  function showRecent() {
    reset("recent");
    const words = recent(button);
    recentHead.hidden = !words.length;
    for (const w of words) list.append(h("div", { role: "option", id: nextId(), class: "search-option search-recent", "data-words": w }, w));
    settle();
  }

  function option(page, section, words, core) {
    return h("a", { role: "option", id: nextId(), class: "search-option", href: withHl(section.url, words, core), tabindex: "-1" },
      marked(h("span", { class: "search-crumb" }), crumb(page, section), words, core),
      section.excerpt ? marked(h("span", { class: "search-excerpt" }), section.excerpt, words, core) : null);
  }

  async function refresh() {
    const words = input.value.trim();
    const mine = ++seq;
    if (!words) return showRecent();
    // Say "searching" only when it takes a while (the first query downloads the index).
    const slow = setTimeout(() => { if (mine === seq) status.textContent = d.tLoading; }, 300);
    try {
      const core = await loadCore(button);
      const found = await query(button, d.index, words, DIALOG_PAGES);
      const other = found.pages >= FEW_PAGES ? [] : await elsewhere(button, words, OTHER_PAGES);
      if (mine !== seq) return;
      reset("results");
      status.textContent = said(d, found, words);
      help.hidden = found.total > 0;
      for (const page of found.results) {
        const title = marked(h("div", { class: "search-group-title", id: nextId() }), page.title, words, core);
        if (page.near) title.append(" ", nearBadge(d));
        list.append(h("div", { role: "group", class: "search-group", "aria-labelledby": title.id }, title,
          ...page.sections.map((s) => option(page, s, words, core))));
      }
      // Few or none here: the other languages' results, one group per language.
      for (const { lang, found: theirs } of other) {
        const title = h("div", { class: "search-group-title search-other", id: nextId() },
          countIn(d, theirs.pages, lang.name));
        list.append(h("div", { role: "group", class: "search-group", "aria-labelledby": title.id }, title,
          ...theirs.results.flatMap((page) => page.sections.slice(0, 1).map((s) => {
            const o = option(page, s, words, core);
            o.lang = lang.code;
            return o;
          }))));
      }
      if (found.total) {
        all.href = searchUrl(d.page, words);
        all.hidden = false;
      }
      settle();
    } catch (e) {
      if (mine === seq) {
        reset("results");
        settle();
        status.textContent = d.tError;
      }
    } finally {
      clearTimeout(slow);
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DEBOUNCE_MS);
  }

  /** Follows an option: a recent search is searched again, a result is opened. */
  function follow(o, event) {
    if (o.dataset.words != null) {
      event?.preventDefault();
      input.value = o.dataset.words;
      input.focus();
      refresh();
    } else {
      remember(button, input.value);
    }
  }

  // While an input method composes (pinyin…), keys belong to it: search when it is done.
  input.addEventListener("input", (e) => { if (!e.isComposing) later(); });
  input.addEventListener("compositionend", later);
  input.addEventListener("keydown", (e) => {
    if (e.isComposing || e.keyCode === 229) return;
    const n = options.length;
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && n) {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      activate(active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n);
    } else if (e.key === "Enter" && options[active]) {
      e.preventDefault();
      options[active].click(); // a link navigates; see the click handler below
    } else if (e.key === "Escape") {
      // One Esc closes (a search field would otherwise first clear itself).
      e.preventDefault();
      el.close();
    }
  });
  list.addEventListener("click", (e) => {
    const o = e.target.closest("[role=option]");
    if (o) follow(o, e);
  });
  form.addEventListener("submit", (e) => {
    if (!input.value.trim()) return e.preventDefault();
    remember(button, input.value);
  });
  all.addEventListener("click", () => remember(button, input.value));
  clearButton.addEventListener("click", () => {
    forget(button);
    showRecent();
    input.focus();
  });
  closeButton.addEventListener("click", () => el.close());
  // A click on the backdrop (outside the panel) closes.
  el.addEventListener("click", (e) => {
    const r = el.getBoundingClientRect();
    const outside = e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom;
    if (e.target === el && outside) el.close();
  });

  return {
    show(typed) {
      if (!el.open) el.showModal();
      input.focus();
      if (typed) input.value = typed;
      else input.select();
      refresh();
    },
  };
}

// ---- The search page -----------------------------------------------------------------------

/** The mark of a result holding only most of the query (a near match). */
function nearBadge(d) {
  return h("span", { class: "search-near" }, d.tNearBadge);
}

/** One page of results on the search page: its title, then each matching section. */
function pageGroup(page, words, core, level, lang, d) {
  return h("section", { class: "search-group", lang },
    h(`h${level}`, { class: "search-group-title" }, marked(h("a", { href: withHl(page.url, words, core) }), page.title, words, core),
      page.near ? " " : null, page.near ? nearBadge(d) : null),
    h("ul", null, ...page.sections.map((s) => h("li", null,
      marked(h("a", { class: "search-crumb", href: withHl(s.url, words, core) }), crumb(page, s), words, core),
      s.excerpt ? marked(h("p", { class: "search-excerpt" }), s.excerpt, words, core) : null))));
}

/** Runs the page's ?q= query and shows every result (the root is .search-page). */
export async function page(root) {
  const d = root.dataset;
  const form = root.querySelector("form");
  const input = form.elements.q;
  const status = root.querySelector(".search-status");
  const out = root.querySelector(".search-page-results");
  const words = (new URLSearchParams(location.search).get("q") || "").trim();
  form.addEventListener("submit", () => remember(root, input.value));
  out.addEventListener("click", (e) => { if (e.target.closest("a")) remember(root, words); });
  if (!words) return input.focus();
  input.value = words;
  document.title = `${shortened(words)} · ${document.title}`;
  status.textContent = d.tLoading;
  try {
    const core = await loadCore(root);
    // The first pages as soon as they are known, then all of them when there are more.
    let found = await query(root, d.index, words, FIRST_PAGES, PAGE_SECTIONS);
    const show = () => {
      status.textContent = said(d, found, words);
      out.replaceChildren(...found.results.map((p) => pageGroup(p, words, core, 2, undefined, d)));
    };
    show();
    if (found.pages > FIRST_PAGES) {
      found = await query(root, d.index, words, PAGE_PAGES, PAGE_SECTIONS);
      show();
    }
    if (found.pages >= FEW_PAGES) return;
    if (!found.pages) out.append(h("p", { class: "search-help" }, d.tShorter));
    for (const { lang, found: theirs } of await elsewhere(root, words, OTHER_PAGES)) {
      out.append(h("section", { class: "search-other" },
        h("h2", null, h("a", { href: searchUrl(lang.page, words) }, countIn(d, theirs.pages, lang.name))),
        ...theirs.results.map((p) => pageGroup(p, words, core, 3, lang.code, d))));
    }
  } catch (e) {
    status.textContent = d.tError;
  }
}
