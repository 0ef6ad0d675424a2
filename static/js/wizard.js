// The wizard page, imported by site.js: the questions a step at a time (back/next, a progress
// bar, answers checked as they are given; a question asked only for some answers appears in
// the step of the question it depends on, so the number of steps never changes), then the
// plan worked out by js/wizard-engine.js from the start date chosen on it (today unless
// changed), the same plan `walletdesk plan` writes: providers and fees, a timeline of dates,
// tasks and checklists to tick, who does what, risks, go/no-go and the readiness verdict;
// downloads made by js/wizard-export.js (the CLI's formats, byte for byte), print, and a
// share link.
//
// Where things are kept, all in this browser:
// - the answers and start date, in the page's #fragment once the plan is made (so reload and
//   share links restore it; a fragment is never sent to a server) and, while answering, in
//   localStorage under `walletdesk-wizard:v<version>:answers` (the start date only once it
//   was chosen: otherwise a plan starts on the day it is made);
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

/** An SVG element with its attributes (SVG needs its own namespace). */
function svg(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, value);
  el.append(...children.filter((c) => c != null));
  return el;
}

/**
 * The fee chart (exporter.feeChart, as the HTML plan draws it): a bar per recommended provider
 * with a monthly estimate, its name and amount above it. Lengths in %, text at the page's size:
 * it stays legible at any width.
 */
function feeChart(plan, w) {
  const chart = exporter.feeChart(plan, w);
  if (!chart) return null;
  const ROW = 44;
  const drawing = chart.bars.length ? svg("svg", { class: "wizard-fee-chart", width: "100%", height: String(chart.bars.length * ROW),
    role: "img", "aria-label": chart.title },
  svg("title", null, chart.title),
  ...chart.bars.flatMap((bar, i) => [
    svg("text", { x: "0", y: String(i * ROW + 16), class: "wizard-fee-label" }, `${bar.name}${exporter.colonFor(plan)}${bar.amount}`),
    svg("rect", { x: "0", y: String(i * ROW + 22), width: `${bar.width}%`, height: "14", class: "wizard-fee-bar" }),
  ])) : null;
  return h("figure", { class: "wizard-fees" }, h("figcaption", null, chart.title), drawing,
    chart.note && h("p", { class: "wizard-meta" }, chart.note));
}

/** "Question {n} of {total}" with the values filled in. */
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));

/** A text of the definition (`{zh, en}`) in `lang` (the engine's rule). */
const text = (texts, lang) => engine.text(texts, lang);

/** The start dates a plan may have: those of `walletdesk plan --start` (src/cli.rs, `start_date`). */
const START = { min: "1900-01-01", max: "9999-12-31" };
const startFits = (date) => engine.parseDate(date) !== null && date >= START.min && date <= START.max;

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

/** The answers and start date (as written, or null) of a #fragment, or null when it holds no answers. */
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
  return { answers, start: params.get("start") };
}

/** The questions shown for `answers`: the engine's rule (conditions on the valid answers before). */
const shownQuestions = (answers) => engine.checkAnswers(compiled.definition, answers).shown;

/** The question ids a compiled condition (src/wizard/condition.rs, JSON form) reads. */
const namesRead = (condition) => [condition.name, ...[condition.arg, ...(condition.args ?? [])]
  .filter(Boolean).flatMap(namesRead)].filter(Boolean);

/**
 * The questionnaire's steps, the same whatever the answers: each question asked of everyone
 * opens a step, and a question asked only for some answers (`show_if`) joins the step of the
 * last question its condition reads, where it appears once the answer makes it apply.
 */
function stepsOf(questions) {
  const steps = [];
  const stepOf = new Map();
  for (const q of questions) {
    const read = namesRead(q.show_if).filter((id) => stepOf.has(id)).map((id) => stepOf.get(id));
    let at;
    if (read.length) at = Math.max(...read);
    else if (q.show_if.op === "always" || !steps.length) at = steps.push([]) - 1;
    else at = steps.length - 1;
    steps[at].push(q);
    stepOf.set(q.id, at);
  }
  return { steps, stepOf };
}

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
    ({ steps: this.steps, stepOf: this.stepOf } = stepsOf(this.questions));
    this.answers = {};
    this.start = today();
    // Whether the start date was chosen (on the plan, or by a link) rather than today's.
    this.startChosen = false;
    this.step = 0;
  }

  /** The fragment's plan when there is one, else the questions (with a draft's answers). */
  begin() {
    const shared = fromFragment(this.questions, location.hash);
    this.startProblem = null;
    if (shared) {
      this.answers = shared.answers;
      this.startChosen = startFits(shared.start);
      this.start = this.startChosen ? shared.start : today();
      if (shared.start !== null && !this.startChosen) this.startProblem = this.d.start_link_invalid;
      if (this.finish(false)) return;
    } else {
      const draft = storage.get(this.keys.answers);
      if (draft && typeof draft === "object" && draft.answers) this.answers = draft.answers;
      this.startChosen = startFits(draft?.start);
      this.start = this.startChosen ? draft.start : today();
      // Back where the merchant left off: the step of the first question shown without an answer.
      const open = shownQuestions(this.answers).find((q) => this.answers[q.id] === undefined);
      this.step = open ? this.stepOf.get(open.id) : this.steps.length - 1;
    }
    this.ask(false);
  }

  saveDraft() {
    storage.set(this.keys.answers, { answers: this.answers, start: this.startChosen ? this.start : undefined });
  }

  // ---- The questions ------------------------------------------------------------------

  /** Shows step number `this.step`; `focus` moves the focus to its first question. */
  ask(focus) {
    this.step = Math.max(0, Math.min(this.step, this.steps.length - 1));
    const questions = this.steps[this.step];
    const last = this.step === this.steps.length - 1;
    const d = this.d;
    const shown = new Set(shownQuestions(this.answers).map((q) => q.id));
    const blocks = questions.map((q, i) => this.field(q, i > 0, !shown.has(q.id)));
    const progress = h("div", { class: "wizard-progress" },
      h("progress", { max: this.steps.length, value: this.step + 1, "aria-labelledby": "wizard-step" }),
      h("span", { id: "wizard-step" }, fill(d.step, { n: this.step + 1, total: this.steps.length })));
    const back = h("button", { type: "button", class: "wizard-back", disabled: this.step === 0 }, d.back);
    const next = h("button", { type: "submit", class: "wizard-next" }, last ? d.finish : d.next);
    const form = h("form", { class: "wizard-form", novalidate: true, "aria-label": d.title }, progress, ...blocks,
      h("div", { class: "wizard-buttons" }, back, next));
    if (this.problem) this.errorOf(form, this.problem.question).textContent = this.problem.text;
    this.problem = null;
    /**
     * Reads the step's answers so far, then shows the questions they call for and hides (and
     * silences) the others; returns those shown.
     */
    const asked = () => {
      for (const q of questions) if (!this.block(form, q).hidden) this.read(q, form, false);
      const now = new Set(shownQuestions(this.answers).map((q) => q.id));
      for (const q of questions) {
        this.block(form, q).hidden = !now.has(q.id);
        if (!now.has(q.id)) this.errorOf(form, q.id).textContent = "";
      }
      return questions.filter((q) => now.has(q.id));
    };
    // An answer that makes a follow-up apply (or no longer apply) shows (or hides) it at once.
    form.addEventListener("input", asked);
    back.addEventListener("click", () => {
      asked();
      this.step -= 1;
      this.ask(true);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      let wrong = null;
      for (const q of asked()) {
        const problem = this.read(q, form, true);
        this.errorOf(form, q.id).textContent = problem ?? "";
        if (problem) wrong ??= q;
      }
      if (wrong) {
        this.focusIn(this.block(form, wrong));
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
    if (focus) this.focusIn(blocks[0]);
  }

  /** Focuses a question's chosen option, else its first input. */
  focusIn(block) {
    (block.querySelector("input:checked") || block.querySelector("input")).focus();
  }

  block(form, q) {
    return form.querySelector(`[data-question="${q.id}"]`);
  }

  errorOf(form, id) {
    return form.querySelector(`#wizard-error-${id}`);
  }

  /**
   * Question `q`: its inputs, labelled by its title and described by its help and its alert
   * (`follow`: it follows the step's first question; `hidden`: it does not apply yet).
   */
  field(q, follow, hidden) {
    const lang = this.lang;
    const answer = this.answers[q.id];
    const title = `wizard-q-${q.id}`;
    const help = text(q.help, lang);
    const helpEl = help ? h("p", { class: "wizard-help", id: `wizard-help-${q.id}` }, help) : null;
    const error = h("p", { class: "wizard-error", id: `wizard-error-${q.id}`, role: "alert" });
    const described = [help && `wizard-help-${q.id}`, `wizard-error-${q.id}`].filter(Boolean).join(" ");
    const attrs = { class: follow ? "wizard-question wizard-follow-up" : "wizard-question", "data-question": q.id, hidden };
    if (q.kind === "choice" || q.kind === "multi") {
      const type = q.kind === "choice" ? "radio" : "checkbox";
      const chosen = Array.isArray(answer) ? answer : [answer];
      const options = q.options.map((o) => {
        const input = h("input", { type, name: q.id, value: o.id, checked: chosen.includes(o.id),
          "aria-describedby": described });
        return h("label", { class: "wizard-option" }, input, h("span", null, text(o, lang)));
      });
      return h("fieldset", attrs,
        h("legend", { id: title, class: "wizard-label" }, text(q.label, lang)),
        helpEl,
        h("div", { class: "wizard-options" }, ...options),
        error);
    }
    const type = { number: "number", date: "date", text: "text" }[q.kind] || "text";
    const input = h("input", {
      id: `${title}-input`, type, name: q.id, "aria-describedby": described,
      value: answer === undefined ? "" : String(answer),
      min: q.min ?? null, max: q.max ?? null, step: type === "number" ? "any" : null,
      inputmode: type === "number" ? "decimal" : null, autocomplete: "off",
    });
    return h("div", attrs,
      h("label", { id: title, class: "wizard-label", for: `${title}-input` }, text(q.label, lang)),
      helpEl, input, error);
  }

  /**
   * Takes question `q`'s answer from the form into the answers (and the draft). With `strict`,
   * returns what is wrong with it, if anything; otherwise keeps what there is.
   */
  read(q, form, strict) {
    const d = this.d;
    const block = this.block(form, q);
    let value;
    let problem = null;
    if (q.kind === "choice" || q.kind === "multi") {
      const chosen = [...block.querySelectorAll(`input[name="${q.id}"]:checked`)].map((i) => i.value);
      value = q.kind === "choice" ? chosen[0] : chosen;
      if (!chosen.length) value = undefined;
      if (value === undefined && q.required) problem = d.answer_needed;
    } else {
      const raw = block.querySelector("input").value.trim();
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
   * Works out the plan and shows it; returns false (on the step of the first question the
   * engine refused, when `this.answers` came from a link or a draft) when the answers do not fit.
   */
  finish(fromForm) {
    this.answers = prune(this.answers);
    const plan = this.planned(fromForm ? this.d.answer_needed : this.d.link_invalid);
    if (!plan) return false;
    this.saveDraft();
    this.show(plan);
    if (fromForm) this.stage.querySelector(".wizard-plan-title").focus();
    return true;
  }

  /**
   * The plan for the answers from `this.start`, with both written into the #fragment; null
   * when the answers do not fit, with the step and the `problem` to show at its question.
   */
  planned(problem) {
    let plan;
    try {
      plan = engine.plan(compiled, this.answers, this.start, this.lang);
    } catch (e) {
      if (!e.errors) throw e;
      const wrong = shownQuestions(this.answers).find((q) => e.errors.some((x) => x.question === q.id)) ?? this.questions[0];
      this.step = this.stepOf.get(wrong.id);
      this.problem = { question: wrong.id, text: problem };
      return null;
    }
    const fragment = toFragment(this.questions, this.answers, this.start);
    if (location.hash !== fragment) history.replaceState(null, "", fragment);
    return plan;
  }

  // ---- The plan -----------------------------------------------------------------------

  /** The plan's page: its title, cover line, start date and actions, then `render`'s body. */
  show(plan) {
    const w = this.words;
    const title = h("h2", { class: "wizard-plan-title", tabindex: "-1" }, `${w.title}${exporter.colonFor(plan)}${plan.merchant}`);
    this.metaEl = h("p", { class: "wizard-meta" });
    this.bodyEl = h("div", { class: "wizard-plan-body" });
    this.stage.replaceChildren(h("div", { class: "wizard-plan" },
      title, this.metaEl, this.startField(), this.actions(), this.bodyEl));
    this.stage.addEventListener("change", this.onTick ||= (event) => {
      const box = event.target.closest("input[data-item]");
      if (!box) return;
      if (box.checked) this.done.add(box.dataset.item);
      else this.done.delete(box.dataset.item);
      storage.set(this.ticksKey, [...this.done]);
      this.showTicks();
    });
    this.render(plan);
  }

  /** Everything the plan says below its actions (again when the start date changes). */
  render(plan) {
    this.plan = plan;
    this.ticksKey = this.keys.ticks + plan.merchant;
    const ticked = storage.get(this.ticksKey);
    this.done = new Set(Array.isArray(ticked) ? ticked.filter((id) => plan.items.some((i) => i.id === id)) : []);
    const w = this.words;
    const colon = exporter.colonFor(plan);
    const section = (heading, ...content) => h("section", { class: "wizard-section" }, h("h3", null, heading), ...content);
    this.verdictEl = h("p", { class: "wizard-verdict", role: "status" });
    this.countEl = h("p", { class: "wizard-count" });
    this.metaEl.textContent = exporter.coverLine(plan, w);
    this.bodyEl.replaceChildren(
      h("div", { class: "wizard-readiness" }, this.verdictEl, this.countEl),
      section(w.summary, this.summary(plan), this.answersList(plan)),
      section(w.assumptions, h("ul", { class: "wizard-assumptions" }, ...exporter.assumptions(plan, w).map((a) => h("li", null, a)))),
      section(w.providers, h("p", { class: "wizard-meta" }, w.score_note), ...this.providerTables(plan, colon),
        feeChart(plan, w)),
      section(w.timeline, timeline(plan, w, this.lang),
        h("h4", null, w.critical_path),
        h("ol", { class: "wizard-critical-path" }, ...exporter.criticalPath(plan).map((title) => h("li", null, title)))),
      section(w.phases, ...plan.phases.filter((p) => p.items.length).map((p) =>
        h("div", { class: "wizard-phase" }, h("h4", null, p.name), this.taskList(p.items, "phase", true)))),
      section(w.raci, h("p", { class: "wizard-meta" }, w.raci_legend), this.raciTable(plan)),
      section(w.security, this.taskList(plan.security_checklist, "security", false)),
      section(w.data, this.taskList(plan.data_checklist, "data", false)),
      section(w.risks, h("ul", { class: "wizard-risks" }, ...plan.risks.map((r) =>
        h("li", null, h("a", { href: this.href(r.doc) }, r.title), ` — ${w.mitigation}${colon}${r.mitigation}`)))),
      section(w.go_no_go, h("p", null, w.go_no_go_note), this.taskList(plan.go_no_go, "gate", false)),
    );
    this.showTicks();
  }

  /**
   * The day the work starts: the plan is scheduled again as soon as the field holds a date it
   * can start on. What is wrong with the field is said when it is left or Enter is pressed —
   * not while a year is being typed, when it passes through 0002, 0020 and 0202.
   */
  startField() {
    const d = this.d;
    const input = h("input", { type: "date", id: "wizard-start", class: "wizard-start-input", value: this.start,
      min: START.min, max: START.max, required: true, "aria-describedby": "wizard-start-help wizard-start-error" });
    const error = h("p", { class: "wizard-error", id: "wizard-start-error", role: "alert" }, this.startProblem);
    const status = h("p", { class: "wizard-start-status", role: "status" });
    this.startProblem = null;
    const take = (say) => {
      const value = input.value;
      const problem = value === "" ? d.date_needed : startFits(value) ? null : fill(d.start_range, START);
      if (problem) {
        // Said once the field is left, and kept true from then on.
        if (say || error.textContent) error.textContent = problem;
        return;
      }
      error.textContent = "";
      if (value === this.start) return;
      this.start = value;
      this.startChosen = true;
      const plan = this.planned(d.answer_needed);
      if (!plan) {
        this.ask(true);
        return;
      }
      this.saveDraft();
      this.render(plan);
      status.textContent = fill(d.start_replanned, { date: plan.schedule.start });
    };
    input.addEventListener("change", () => take(false));
    input.addEventListener("blur", () => take(true));
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      take(true);
    });
    return h("div", { class: "wizard-start" },
      h("label", { for: "wizard-start", class: "wizard-start-label" }, d.start), input,
      h("p", { class: "wizard-help", id: "wizard-start-help" }, d.start_help), error, status);
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
    this.verdictEl.replaceChildren(h("strong", null, d.verdict), exporter.colonFor(plan), says);
    this.countEl.textContent = fill(d.ticked, { done: plan.items.length - left, total: plan.items.length });
  }

  actions() {
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
      this.startChosen = false;
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
    const lines = exporter.summaryLines(plan, this.words);
    const late = plan.schedule.meets_target ? "wizard-on-time" : "wizard-late";
    const judged = plan.schedule.target != null && plan.schedule.meets_target != null;
    return h("ul", { class: "wizard-summary" },
      ...lines.map((line, i) => h("li", { class: judged && i === lines.length - 1 ? late : null }, line)));
  }

  /** The answers as the questions put them, to check at a glance. */
  answersList(plan) {
    const lang = this.lang;
    const rows = [];
    for (const q of this.questions) {
      const value = plan.answers[q.id];
      if (value === undefined) continue;
      const shown = (v) => text(q.options.find((o) => o.id === v), lang) || String(v);
      const answer = Array.isArray(value) ? value.map(shown).join(this.words.list_sep) : shown(value);
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
      h("td", { class: "wizard-score", "data-label": w.score }, exporter.fit(p, w)),
      h("td", { "data-label": w.why }, ...p.reasons.flatMap((r, i) => (i ? [h("br"), r] : [r]))),
      h("td", { "data-label": w.fees }, ...p.fees.flatMap((f, i) => {
        const dated = `${w.as_of} ${f.as_of}`;
        const source = /^https?:\/\//.test(f.source) ? h("a", { href: f.source }, dated) : `${f.source}${w.comma}${dated}`;
        const line = [`${exporter.feeText(f, this.plan, w)}${w.open}`, source, `${exporter.estimateNote(f, w)}${w.close}`];
        return i ? [h("br"), ...line] : line;
      }), ...(exporter.providerTotal(p, this.plan, w) ? [p.fees.length ? h("br") : null,
        h("strong", null, exporter.providerTotal(p, this.plan, w))] : []))));
    return h("div", { class: "wizard-table wizard-providers", tabindex: "0", role: "region", "aria-label": label },
      h("table", null, h("thead", null, head), h("tbody", null, ...rows)));
  }

  /**
   * Who does what: a task per row, a role per column, R/A/C/I in the cells. On a phone each
   * task is a card of its roles, so every filled cell names its role too (shown there only).
   */
  raciTable(plan) {
    const { roles, rows } = exporter.raci(plan);
    const head = h("tr", null, h("th", { scope: "col" }, this.words.task),
      ...roles.map((r) => h("th", { scope: "col" }, r.name)));
    const body = rows.map(({ item, cells }) => h("tr", null, h("th", { scope: "row" }, item.title),
      ...cells.map((c, i) => h("td", { class: "wizard-raci-cell" },
        c && h("span", { class: "wizard-raci-role" }, roles[i].name), c || null))));
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
      const after = exporter.predecessors(this.plan, item);
      const details = full && h("p", { class: "wizard-task-meta" },
        `${item.owner_name} · ${exporter.duration(item.days, w)} · ${w.due} ${item.due_date}`,
        after.length ? ` · ${w.after}${exporter.colonFor(this.plan)}${after.join(w.title_sep)}` : "",
        item.gate ? h("strong", { class: "wizard-gate" }, ` · ${d.gate}`) : null);
      return h("li", { class: item.critical && full ? "wizard-critical" : null, "data-task": id },
        h("input", { type: "checkbox", id: box, "data-item": id }),
        h("div", null,
          h("label", { for: box }, item.title), " ",
          h("a", { href: this.href(item.doc), class: "wizard-doc" }, d.guide),
          details,
          full && h("p", { class: "wizard-evidence" }, `${w.evidence}${exporter.colonFor(this.plan)}${item.evidence}`)));
    }));
  }
}

/**
 * The narrowest widths (rem) of the timeline's bars in the layouts of site.css: a 320 px phone,
 * a container of 22rem, the labels in a column beside the bars (from 44rem), from 57rem.
 */
const TRACKS = [17.5, 22, 27, 40];
/** The room (rem) a date of the timeline's axis takes. */
const DATE_ROOM = 4;

/**
 * The timeline: a row per item, its label (cut as in the HTML plan) and a bar over the business
 * days it may take (red: the critical path), under the dates of the week starts. Boxes, not an
 * SVG, so that its text keeps the page's size at any width: .wizard-timeline is a size
 * container, and where it is narrow the labels go above the bars and fewer dates are named.
 */
function timeline(plan, w, lang) {
  const days = Math.max(plan.schedule.days[1], 1);
  const at = (day) => String(day / days);
  const colon = exporter.colonFor(plan);
  const dateName = new Intl.DateTimeFormat(lang, { month: "short", day: "numeric", timeZone: "UTC" });
  // The week starts (Mondays); the first day for a plan shorter than that.
  const start = engine.parseDate(plan.schedule.start);
  const marks = [];
  // The plan's working days (its region's holidays skipped), as the engine counted them.
  const calendar = plan.schedule.calendar === null ? null : (compiled.holidays ?? {})[plan.schedule.calendar];
  const working = engine.workingDays(calendar, start);
  for (let day = 0; day <= days; day++) {
    const date = working.date(day);
    if (date.getUTCDay() === 1) marks.push({ day, date });
  }
  if (!marks.length) marks.push({ day: 0, date: start });
  // Which marks are named, for each width the bars may have (TRACKS): one mark in every 1, 2,
  // 4… (so what a wider chart names includes what a narrower one does), each a date's width
  // from the next and from the end. A mark named only on wider bars is hidden on narrower ones.
  const fits = (track, mark) => ((days - mark.day) * track) / days >= DATE_ROOM;
  const stepFor = (track) => {
    let step = 1;
    const apart = (i) => i + step >= marks.length || ((marks[i + step].day - marks[i].day) * track) / days >= DATE_ROOM;
    while (!marks.every((_, i) => i % step !== 0 || apart(i))) step *= 2;
    return step;
  };
  const steps = TRACKS.map(stepFor);
  const ticks = marks.map((mark, i) => {
    const tier = TRACKS.findIndex((track, t) => i % steps[t] === 0 && fits(track, mark));
    const tick = h("span", { class: "wizard-tick" }, tier >= 0 &&
      h("span", { class: "wizard-tick-date", "data-tier": tier }, dateName.format(mark.date)));
    tick.style.setProperty("--at", at(mark.day));
    return tick;
  });
  const rows = plan.items.map((item) => {
    const bar = h("span", { class: item.critical ? "wizard-bar wizard-bar-critical" : "wizard-bar",
      title: `${item.title}${colon}${item.start_date} – ${item.due_date}` });
    bar.style.setProperty("--from", at(item.start_day));
    bar.style.setProperty("--to", at(item.end_day));
    return h("li", { class: item.critical ? "wizard-critical" : null, "data-task": item.id },
      h("span", { class: "wizard-bar-label" }, exporter.barLabel(item.title),
        h("span", { class: "visually-hidden" }, `${colon}${item.start_date} – ${item.due_date}${item.critical ? `${w.comma}${w.critical_path}` : ""}`)),
      h("span", { class: "wizard-bar-track" }, bar));
  });
  return h("div", { class: "wizard-timeline" }, h("div", { class: "wizard-gantt" },
    h("div", { class: "wizard-gantt-axis", "aria-hidden": "true" }, ...ticks),
    h("ol", { class: "wizard-gantt-rows", "aria-label": w.timeline }, ...rows)));
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
