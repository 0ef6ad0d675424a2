// The wizard page, imported by site.js: the questions one at a time (back/next, a progress
// bar, answers checked as they are given), then the plan worked out by js/wizard-engine.js,
// the same plan `walletdesk plan` writes: providers and fees, a timeline, tasks and
// checklists to tick, risks, go/no-go and the readiness verdict; downloads made by
// js/wizard-export.js (the CLI's formats, byte for byte), print, and a share link.
//
// Where things are kept, all in this browser:
// - the answers and start date, in the page's #fragment once the plan is made (so reload and
//   share links restore it; a fragment is never sent to a server) and, while answering, in
//   localStorage under `walletdesk-wizard:v<version>:answers`;
// - the ticks, in localStorage under `walletdesk-wizard:v<version>:ticks:<merchant>`, a list
//   of item ids. A new wizard version starts with no ticks: its items may mean other things.
// Everything is built with DOM calls and textContent: answers never go through innerHTML.
// Strings (the `wizard_*` interface strings, without the prefix) come from the element's
// data-strings (see templates/wizard.html).

let engine;
let exporter;
let compiled;

/** h("a", { href, class }, child, …): an element; null/false attributes and children are left out. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value != null && value !== false) el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.filter((c) => c != null && c !== false));
  return el;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

/** "Question {n} of {total}" with the values filled in. */
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));

/** A text of the definition (`{zh, en}`) in `lang` (the engine's rule). */
const text = (texts, lang) => engine.text(texts, lang);

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const storage = {
  get(key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
  },
  set(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* not kept */ }
  },
  remove(key) {
    try { localStorage.removeItem(key); } catch { /* nothing kept */ }
  },
};

/** The answers and start date as a #fragment: `start=…&question=answer&…`, lists joined with `,`. */
function toFragment(questions, answers, start) {
  const params = new URLSearchParams({ start });
  for (const q of questions) {
    const value = answers[q.id];
    if (value === undefined) continue;
    params.set(q.id, Array.isArray(value) ? value.join(",") : String(value));
  }
  return `#${params}`;
}

/** The answers and start date of a #fragment, or null when it holds no answers. */
function fromFragment(questions, hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const answers = {};
  for (const q of questions) {
    const raw = params.get(q.id);
    if (raw === null) continue;
    if (q.kind === "multi") answers[q.id] = raw.split(",").filter(Boolean);
    else if (q.kind === "number") answers[q.id] = raw.trim() === "" ? raw : Number(raw);
    else answers[q.id] = raw;
  }
  if (!Object.keys(answers).length) return null;
  const start = params.get("start");
  return { answers, start: engine.parseDate(start) ? start : today() };
}

/** The questions shown for `answers`: the engine's rule (conditions on the valid answers before). */
const shownQuestions = (answers) => engine.checkAnswers(compiled.definition, answers).shown;

/** Only the answers to questions that are shown. */
function prune(answers) {
  const kept = {};
  for (const q of shownQuestions(answers)) if (answers[q.id] !== undefined) kept[q.id] = answers[q.id];
  return kept;
}

class Wizard {
  constructor(root, strings) {
    this.root = root;
    this.d = strings;
    this.lang = root.dataset.lang;
    this.words = exporter.wordsFor({ lang: this.lang }, compiled);
    this.links = compiled.links[this.lang] || {};
    this.stage = root.querySelector(".wizard-stage");
    const version = compiled.definition.version;
    this.keys = { answers: `walletdesk-wizard:v${version}:answers`, ticks: `walletdesk-wizard:v${version}:ticks:` };
    this.questions = compiled.definition.questions;
    this.answers = {};
    this.start = today();
    this.step = 0;
  }

  /** The fragment's plan when there is one, else the questions (with a draft's answers). */
  begin() {
    const shared = fromFragment(this.questions, location.hash);
    if (shared) {
      this.answers = shared.answers;
      this.start = shared.start;
      if (this.finish(false)) return;
    } else {
      const draft = storage.get(this.keys.answers);
      if (draft && typeof draft === "object" && draft.answers) this.answers = draft.answers;
      this.start = today();
      // Back where the merchant left off: the first question shown without an answer.
      const shown = shownQuestions(this.answers);
      const open = shown.findIndex((q) => this.answers[q.id] === undefined);
      this.step = open < 0 ? shown.length - 1 : open;
    }
    this.ask(false);
  }

  saveDraft() {
    storage.set(this.keys.answers, { answers: this.answers });
  }

  // ---- The questions ------------------------------------------------------------------

  /** Shows question number `this.step` of those shown; `focus` moves the focus to it. */
  ask(focus) {
    const shown = shownQuestions(this.answers);
    this.step = Math.max(0, Math.min(this.step, shown.length - 1));
    const q = shown[this.step];
    const last = this.step === shown.length - 1;
    const d = this.d;
    const title = `wizard-q-${q.id}`;
    const help = text(q.help, this.lang);
    const error = h("p", { class: "wizard-error", id: "wizard-error", role: "alert" }, this.problem);
    this.problem = null;
    const described = [help && "wizard-help", "wizard-error"].filter(Boolean).join(" ");
    const field = this.field(q, title, described);
    const progress = h("div", { class: "wizard-progress" },
      h("progress", { max: shown.length, value: this.step + 1, "aria-labelledby": "wizard-step" }),
      h("span", { id: "wizard-step" }, fill(d.step, { n: this.step + 1, total: shown.length })));
    const back = h("button", { type: "button", class: "wizard-back", disabled: this.step === 0 }, d.back);
    const next = h("button", { type: "submit", class: "wizard-next" }, last ? d.finish : d.next);
    const form = h("form", { class: "wizard-form", novalidate: true, "aria-label": d.title }, progress, field, error,
      h("div", { class: "wizard-buttons" }, back, next));
    back.addEventListener("click", () => {
      this.read(q, form, false);
      this.step -= 1;
      this.ask(true);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const problem = this.read(q, form, true);
      if (problem) {
        error.textContent = problem;
        form.querySelector("input")?.focus();
        return;
      }
      if (last) {
        if (!this.finish(true)) this.ask(true);
      } else {
        this.step += 1;
        this.ask(true);
      }
    });
    this.stage.replaceChildren(form);
    if (focus) (form.querySelector("input:checked") || form.querySelector("input")).focus();
  }

  /** The inputs of question `q`, labelled by its title and described by its help. */
  field(q, title, described) {
    const lang = this.lang;
    const answer = this.answers[q.id];
    const help = text(q.help, lang);
    const helpEl = help ? h("p", { class: "wizard-help", id: "wizard-help" }, help) : null;
    if (q.kind === "choice" || q.kind === "multi") {
      const type = q.kind === "choice" ? "radio" : "checkbox";
      const chosen = Array.isArray(answer) ? answer : [answer];
      const options = q.options.map((o) => {
        const input = h("input", { type, name: q.id, value: o.id, checked: chosen.includes(o.id),
          "aria-describedby": described });
        return h("label", { class: "wizard-option" }, input, h("span", null, text(o, lang)));
      });
      return h("fieldset", { class: "wizard-question", "data-question": q.id },
        h("legend", { id: title, class: "wizard-label" }, text(q.label, lang)),
        helpEl,
        h("div", { class: "wizard-options" }, ...options));
    }
    const type = { number: "number", date: "date", text: "text" }[q.kind] || "text";
    const input = h("input", {
      id: `${title}-input`, type, name: q.id, "aria-describedby": described,
      value: answer === undefined ? "" : String(answer),
      min: q.min ?? null, max: q.max ?? null, step: type === "number" ? "any" : null,
      inputmode: type === "number" ? "decimal" : null, autocomplete: "off",
    });
    return h("div", { class: "wizard-question", "data-question": q.id },
      h("label", { id: title, class: "wizard-label", for: `${title}-input` }, text(q.label, lang)),
      helpEl, input);
  }

  /**
   * Takes question `q`'s answer from the form into the answers (and the draft). With `strict`,
   * returns what is wrong with it, if anything; otherwise keeps what there is.
   */
  read(q, form, strict) {
    const d = this.d;
    let value;
    let problem = null;
    if (q.kind === "choice" || q.kind === "multi") {
      const chosen = [...form.querySelectorAll(`input[name="${q.id}"]:checked`)].map((i) => i.value);
      value = q.kind === "choice" ? chosen[0] : chosen;
      if (!chosen.length) value = undefined;
      if (value === undefined && q.required) problem = d.answer_needed;
    } else {
      const raw = form.querySelector("input").value.trim();
      if (raw === "") {
        value = undefined;
        if (q.required) problem = q.kind === "date" ? d.date_needed : d.answer_needed;
      } else if (q.kind === "number") {
        value = Number(raw);
        const fits = Number.isFinite(value) && (q.min == null || value >= q.min) && (q.max == null || value <= q.max);
        if (!fits) {
          problem = fill(d.number_needed, { min: q.min ?? 0 });
          if (!Number.isFinite(value)) value = undefined;
        }
      } else if (q.kind === "date") {
        value = raw;
        if (!engine.parseDate(raw)) problem = d.date_needed;
      } else {
        value = raw;
      }
    }
    if (value === undefined) delete this.answers[q.id];
    else this.answers[q.id] = value;
    this.saveDraft();
    return strict ? problem : null;
  }

  /**
   * Works out the plan and shows it; returns false (on the first question the engine
   * refused, when `this.answers` came from a link or a draft) when the answers do not fit.
   */
  finish(fromForm) {
    this.answers = prune(this.answers);
    let plan;
    try {
      plan = engine.plan(compiled, this.answers, this.start, this.lang);
    } catch (e) {
      if (!e.errors) throw e;
      const shown = shownQuestions(this.answers);
      const wrong = shown.findIndex((q) => e.errors.some((x) => x.question === q.id));
      this.step = wrong < 0 ? 0 : wrong;
      this.problem = fromForm ? this.d.answer_needed : this.d.link_invalid;
      return false;
    }
    const fragment = toFragment(this.questions, this.answers, this.start);
    if (location.hash !== fragment) history.replaceState(null, "", fragment);
    this.saveDraft();
    this.show(plan);
    if (fromForm) this.stage.querySelector(".wizard-plan-title").focus();
    return true;
  }

  // ---- The plan -----------------------------------------------------------------------

  show(plan) {
    this.plan = plan;
    this.ticksKey = this.keys.ticks + plan.merchant;
    const ticked = storage.get(this.ticksKey);
    this.done = new Set(Array.isArray(ticked) ? ticked.filter((id) => plan.items.some((i) => i.id === id)) : []);
    const w = this.words;
    const colon = exporter.colonFor(plan);
    const section = (heading, ...content) => h("section", { class: "wizard-section" }, h("h3", null, heading), ...content);
    this.verdictEl = h("p", { class: "wizard-verdict", role: "status" });
    this.countEl = h("p", { class: "wizard-count" });
    const title = h("h2", { class: "wizard-plan-title", tabindex: "-1" }, `${w.title}${colon}${plan.merchant}`);
    const meta = h("p", { class: "wizard-meta" }, exporter.coverLine(plan, w));
    this.stage.replaceChildren(h("div", { class: "wizard-plan" },
      title, meta, this.actions(plan),
      h("div", { class: "wizard-readiness" }, this.verdictEl, this.countEl),
      section(w.summary, this.summary(plan), this.answersList(plan)),
      section(w.assumptions, h("ul", { class: "wizard-assumptions" }, ...w.assume.map((a) => h("li", null, a)))),
      section(w.providers, ...this.providerTables(plan, colon)),
      // Scrolls sideways on a phone: focusable, so it can be scrolled with the keyboard.
      section(w.timeline, h("div", { class: "wizard-timeline", tabindex: "0", role: "region", "aria-label": w.timeline },
        timeline(plan, w.timeline)),
        h("h4", null, w.critical_path),
        h("ol", { class: "wizard-critical-path" }, ...plan.critical_path.map((id) => h("li", null, this.item(id).title)))),
      section(w.phases, ...plan.phases.filter((p) => p.items.length).map((p) =>
        h("div", { class: "wizard-phase" }, h("h4", null, p.name), this.taskList(p.items, "phase", true)))),
      section(w.raci, h("p", { class: "wizard-meta" }, w.raci_legend), this.raciTable(plan)),
      section(w.security, this.taskList(plan.security_checklist, "security", false)),
      section(w.data, this.taskList(plan.data_checklist, "data", false)),
      section(w.risks, h("ul", { class: "wizard-risks" }, ...plan.risks.map((r) =>
        h("li", null, h("a", { href: this.href(r.doc) }, r.title), ` — ${w.mitigation}${colon}${r.mitigation}`)))),
      section(w.go_no_go, h("p", null, w.go_no_go_note), this.taskList(plan.go_no_go, "gate", false)),
    ));
    this.stage.addEventListener("change", this.onTick ||= (event) => {
      const box = event.target.closest("input[data-item]");
      if (!box) return;
      if (box.checked) this.done.add(box.dataset.item);
      else this.done.delete(box.dataset.item);
      storage.set(this.ticksKey, [...this.done]);
      this.showTicks();
    });
    this.showTicks();
  }

  item(id) {
    return this.plan.items.find((i) => i.id === id);
  }

  /** A doc link (`@/guide/x.md#a`) as this site's href. */
  href(doc) {
    return this.links[doc]?.href ?? doc;
  }

  /** Every box of every ticked item checked, and the verdict and count said again. */
  showTicks() {
    const { plan, done, d } = this;
    for (const box of this.stage.querySelectorAll("input[data-item]")) box.checked = done.has(box.dataset.item);
    const verdict = engine.verdict(plan, done);
    const gatesLeft = plan.go_no_go.filter((id) => !done.has(id)).length;
    const left = plan.items.filter((i) => !done.has(i.id)).length;
    const says = {
      not_ready: gatesLeft === 1 ? d.not_ready_one : fill(d.not_ready, { left: gatesLeft }),
      ready_with_risks: fill(d.ready_with_risks, { left }),
      ready: d.ready,
    }[verdict];
    this.verdictEl.className = `wizard-verdict wizard-verdict-${verdict}`;
    this.verdictEl.dataset.verdict = verdict;
    this.verdictEl.replaceChildren(h("strong", null, d.verdict), " ", says);
    this.countEl.textContent = fill(d.ticked, { done: plan.items.length - left, total: plan.items.length });
  }

  actions(plan) {
    const d = this.d;
    const change = h("button", { type: "button", class: "wizard-change" }, d.change);
    const over = h("button", { type: "button", class: "wizard-over" }, d.start_over);
    change.addEventListener("click", () => {
      history.replaceState(null, "", location.pathname + location.search);
      this.step = 0;
      this.ask(true);
    });
    over.addEventListener("click", () => {
      history.replaceState(null, "", location.pathname + location.search);
      this.answers = {};
      this.start = today();
      this.step = 0;
      storage.remove(this.keys.answers);
      this.ask(true);
    });
    const downloads = ["md", "csv", "ics", "json"].map((ext) => {
      const label = d[`download_${ext}`];
      const button = h("button", { type: "button", "data-format": ext }, label);
      button.addEventListener("click", () => this.download(ext));
      return button;
    });
    const print = h("button", { type: "button", class: "wizard-print" }, d.print);
    print.addEventListener("click", () => window.print());
    const share = h("button", { type: "button", class: "wizard-share" }, d.copy_link);
    const status = h("p", { class: "wizard-share-status", role: "status" });
    share.addEventListener("click", () => this.share(status));
    return h("div", { class: "wizard-actions" },
      h("div", { class: "wizard-buttons" }, change, over),
      h("div", { class: "wizard-downloads", role: "group", "aria-label": d.downloads }, ...downloads, print, share),
      status);
  }

  download(ext) {
    const format = exporter.formats[ext];
    const blob = new Blob([format.make(this.plan, compiled)], { type: format.type });
    const link = h("a", { href: URL.createObjectURL(blob), download: exporter.fileName(this.plan, ext), hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }

  /** Copies the page's URL (whose fragment holds the answers); shows it to copy by hand if that fails. */
  async share(status) {
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      status.replaceChildren(this.d.link_copied);
    } catch {
      const field = h("input", { type: "url", readonly: true, value: url, class: "wizard-share-url", "aria-label": this.d.link_manual });
      status.replaceChildren(h("span", null, this.d.link_manual), " ", field);
      field.select();
    }
  }

  summary(plan) {
    const [providers, duration, target] = exporter.summaryLines(plan, this.words);
    const late = plan.schedule.meets_target ? "wizard-on-time" : "wizard-late";
    return h("ul", { class: "wizard-summary" }, h("li", null, providers), h("li", null, duration),
      target && h("li", { class: late }, target));
  }

  /** The answers as the questions put them, to check at a glance. */
  answersList(plan) {
    const lang = this.lang;
    const rows = [];
    for (const q of this.questions) {
      const value = plan.answers[q.id];
      if (value === undefined) continue;
      const shown = (v) => text(q.options.find((o) => o.id === v), lang) || String(v);
      const answer = Array.isArray(value) ? value.map(shown).join(lang === "zh" ? "、" : ", ") : shown(value);
      rows.push(h("dt", null, text(q.label, lang)), h("dd", null, answer));
    }
    return h("details", { class: "wizard-answers" }, h("summary", null, this.d.answers), h("dl", null, ...rows));
  }

  /** The recommended providers' table, then the others' (folded: why not, and their fees). */
  providerTables(plan, colon) {
    const recommended = plan.providers.filter((p) => p.recommended);
    const others = plan.providers.filter((p) => !p.recommended);
    return [
      recommended.length ? this.providerTable(recommended, colon, this.words.providers) : null,
      others.length ? h("details", { class: "wizard-others" }, h("summary", null, this.d.other_providers),
        this.providerTable(others, colon, this.d.other_providers)) : null,
    ];
  }

  providerTable(providers, colon, label) {
    const w = this.words;
    const head = h("tr", null, ...[w.provider, w.score, w.why, w.fees].map((t) => h("th", { scope: "col" }, t)));
    const rows = providers.map((p) => h("tr", { class: p.recommended ? "wizard-recommended" : null },
      h("th", { scope: "row" }, p.name),
      h("td", { class: "wizard-score", "data-label": w.score }, String(p.score)),
      h("td", { "data-label": w.why }, ...p.reasons.flatMap((r, i) => (i ? [h("br"), r] : [r]))),
      h("td", { "data-label": w.fees }, ...p.fees.flatMap((f, i) => {
        const dated = `${w.as_of} ${f.as_of}`;
        const source = /^https?:\/\//.test(f.source) ? h("a", { href: f.source }, dated) : `${f.source}, ${dated}`;
        const line = [`${f.label}${colon}${exporter.feeAmount(f, w)} (`, source, f.estimate ? `, ${w.estimate})` : ")"];
        return i ? [h("br"), ...line] : line;
      }))));
    return h("div", { class: "wizard-table wizard-providers", tabindex: "0", role: "region", "aria-label": label },
      h("table", null, h("thead", null, head), h("tbody", null, ...rows)));
  }

  /** Who does what: a task per row, a role per column, R/A/C/I in the cells. */
  raciTable(plan) {
    const { roles, rows } = exporter.raci(plan);
    const head = h("tr", null, h("th", { scope: "col" }, this.words.task),
      ...roles.map((r) => h("th", { scope: "col" }, r.name)));
    const body = rows.map(({ item, cells }) => h("tr", null, h("th", { scope: "row" }, item.title),
      ...cells.map((c) => h("td", { class: "wizard-raci-cell" }, c))));
    return h("div", { class: "wizard-table wizard-raci", tabindex: "0", role: "region", "aria-label": this.words.raci },
      h("table", null, h("thead", null, head), h("tbody", null, ...body)));
  }

  /** Tasks with a box to tick each; `full` adds owner, dates, dependencies and evidence. */
  taskList(ids, place, full) {
    const w = this.words;
    const d = this.d;
    return h("ul", { class: "wizard-tasks" }, ...ids.map((id) => {
      const item = this.item(id);
      const box = `tick-${place}-${id}`;
      const details = full && h("p", { class: "wizard-task-meta" },
        `${item.owner_name} · ${item.days[0]}–${item.days[1]} ${w.days} · ${w.due} ${item.due_date}`,
        item.after.length ? ` · ${w.after}: ${item.after.map((a) => this.item(a).title).join(", ")}` : "",
        item.gate ? h("strong", { class: "wizard-gate" }, ` · ${d.gate}`) : null);
      return h("li", { class: item.critical && full ? "wizard-critical" : null, "data-task": id },
        h("input", { type: "checkbox", id: box, "data-item": id }),
        h("div", null,
          h("label", { for: box }, item.title), " ",
          h("a", { href: this.href(item.doc), class: "wizard-doc" }, d.guide),
          details,
          full && h("p", { class: "wizard-evidence" }, `${w.evidence}: ${item.evidence}`)));
    }));
  }
}

/** The timeline: one bar per item over business days, critical ones marked (as in the HTML plan). */
function timeline(plan, label) {
  const days = Math.max(plan.schedule.days[1], 1);
  const [left, width, row] = [300, 640, 18];
  const height = row * plan.items.length + 30;
  const x = (day) => left + (width * day) / days;
  const chart = svg("svg", { viewBox: `0 0 ${left + width + 20} ${height}`, role: "img", "aria-label": label },
    svg("title", null, label));
  const step = Math.max(Math.ceil(days / 10), 1);
  for (let day = 0; day <= days; day += step) {
    chart.append(svg("line", { class: "grid", x1: x(day), y1: 0, x2: x(day), y2: height - 18 }),
      svg("text", { x: x(day), y: height - 4 }, String(day)));
  }
  plan.items.forEach((item, i) => {
    const y = row * i + 4;
    chart.append(svg("text", { x: 0, y: y + 10 }, exporter.barLabel(item.title)),
      svg("rect", { class: item.critical ? "bar critical" : "bar", x: x(item.start_day), y, height: 12,
        width: Math.max(x(item.end_day) - x(item.start_day), 2) },
      svg("title", null, `${item.title}: ${item.start_date} – ${item.due_date}`)));
  });
  return chart;
}

/** Loads the engine, the exports and the compiled wizard, then starts on `root` (.wizard-page). */
export async function start(root) {
  const strings = JSON.parse(root.dataset.strings);
  const status = root.querySelector(".wizard-status");
  status.textContent = strings.loading;
  try {
    let response;
    [engine, exporter, response] = await Promise.all([
      import(root.dataset.engine), import(root.dataset.export), fetch(root.dataset.data),
    ]);
    if (!response.ok) throw new Error(`${response.status} ${response.url}`);
    compiled = await response.json();
  } catch (e) {
    status.textContent = strings.error;
    throw e;
  }
  status.textContent = "";
  const wizard = new Wizard(root, strings);
  wizard.begin();
  // A link with other answers pasted into the address bar; not the skip link's #main.
  window.addEventListener("hashchange", () => {
    if (fromFragment(wizard.questions, location.hash)) wizard.begin();
  });
  // A printed plan shows the answers too.
  window.addEventListener("beforeprint", () => root.querySelectorAll("details").forEach((d) => { d.open = true; }));
}
