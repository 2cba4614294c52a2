// One article's result: the text with its highlights beside summary, entities, map, timeline
// and quotes. Clicking an entity anywhere focuses its mentions in the text.
import { h, clear, plural, formatDate, number } from "./dom.js";
import { articleBody } from "./text.js";
import { timeline } from "./timeline.js";
import { placesMap } from "./map.js";
import { TYPES, typeLabel } from "./types.js";

const TOP_ENTITIES = 14; // shown before "all"

const FINAL = new Set(["done", "failed"]);

/** What a panel says while its stage has not reported yet, or when it found nothing. */
function empty(result, stage, nothing) {
  const waiting = !FINAL.has(result.status) && result.stages?.[stage]?.status === "pending";
  return h("p", { class: waiting ? "muted waiting" : "muted" }, waiting ? `Waiting for the ${stage} stage…` : nothing);
}

function card(title, id, ...children) {
  return h("section", { class: "card", "aria-labelledby": `${id}-title`, id },
    h("h2", { id: `${id}-title` }, title), ...children);
}

function flash(el) {
  if (!el) return;
  el.scrollIntoView({ behavior: "smooth", block: "center" });
  el.classList.remove("flash");
  void el.offsetWidth; // restart the animation
  el.classList.add("flash");
}

/** State shared by the panels: which entity is focused, which types are hidden. */
class Focus {
  constructor(root, entities, onSearch) {
    this.root = root;
    this.entities = new Map(entities.map((e) => [e.id, e]));
    this.onSearch = onSearch;
    this.bar = h("div", { class: "filter-bar", role: "status", hidden: true });
    this.hidden = new Set();
  }

  set(entityId) {
    const text = this.root.querySelector(".article-text");
    const entity = this.entities.get(entityId);
    const same = this.current === entityId;
    this.current = same || !entity ? null : entityId;
    text.classList.toggle("focusing", Boolean(this.current));
    for (const m of text.querySelectorAll("mark[data-entity]")) m.classList.toggle("focus", m.dataset.entity === this.current);
    for (const b of this.root.querySelectorAll("[data-entity-button]")) b.setAttribute("aria-pressed", String(b.dataset.entityButton === this.current));
    clear(this.bar);
    this.bar.hidden = !this.current;
    if (!this.current) return;
    this.bar.append(
      h("span", { class: `swatch t-${entity.type}`, "aria-hidden": "true" }),
      h("span", {}, "Showing ", h("strong", {}, entity.name), ` · ${typeLabel(entity.type)} · ${plural(entity.count, "mention")}`),
      h("button", { type: "button", class: "small", onclick: () => this.onSearch(entity) }, "Find in corpus"),
      h("button", { type: "button", class: "small ghost", onclick: () => this.set(null) }, "Clear"),
    );
    flash(text.querySelector(`mark[data-entity="${CSS.escape(this.current)}"]`));
  }

  toggleType(type, button) {
    if (this.hidden.has(type)) this.hidden.delete(type);
    else this.hidden.add(type);
    this.root.querySelector(".article-text").classList.toggle(`hide-${type}`, this.hidden.has(type));
    button.setAttribute("aria-pressed", String(!this.hidden.has(type)));
  }
}

function legend(result, focus) {
  const counts = new Map();
  for (const e of result.extraction?.entities || []) counts.set(e.type, (counts.get(e.type) || 0) + e.count);
  const dated = (result.extraction?.dates || []).length;
  if (dated) counts.set("DATE", dated);
  return h("div", { class: "legend", role: "group", "aria-label": "Highlight types (press to show or hide)" },
    TYPES.filter(([t]) => counts.has(t)).map(([type, label]) => {
      const button = h("button", { type: "button", class: `chip t-${type}`, "aria-pressed": "true", dataset: { type } },
        label, h("span", { class: "chip-count" }, number(counts.get(type))));
      button.addEventListener("click", () => focus.toggleType(type, button));
      return button;
    }));
}

function entityList(result, focus) {
  const entities = [...(result.extraction?.entities || [])].sort((a, b) => b.salience - a.salience);
  const row = (e) => h("li", {},
    h("button", { type: "button", class: "entity-row", "aria-pressed": "false", dataset: { entityButton: e.id }, onclick: () => focus.set(e.id), title: `${e.name} · ${typeLabel(e.type)}` },
      h("span", { class: `swatch t-${e.type}`, "aria-hidden": "true" }),
      h("span", { class: "entity-name" }, e.name),
      h("span", { class: "entity-type" }, typeLabel(e.type)),
      h("span", { class: "salience", "aria-label": `salience ${e.salience.toFixed(2)}` }, h("span", { style: `width:${Math.round(e.salience * 100)}%` })),
      h("span", { class: "entity-count" }, `×${e.count}`)));
  const list = h("ol", { class: "entity-list" }, entities.slice(0, TOP_ENTITIES).map(row));
  if (entities.length <= TOP_ENTITIES) return list;
  const more = h("button", { type: "button", class: "small ghost" }, `All ${entities.length}`);
  more.addEventListener("click", () => {
    list.append(...entities.slice(TOP_ENTITIES).map(row));
    more.remove();
  });
  return [list, more];
}

function quotesList(result, focus) {
  const quotes = result.extraction?.quotes || [];
  if (!quotes.length) return null;
  const byId = new Map((result.extraction?.entities || []).map((e) => [e.id, e]));
  return h("ul", { class: "quotes" }, quotes.map((q) => {
    const speaker = byId.get(q.speaker_entity);
    return h("li", {},
      h("blockquote", {}, h("button", { type: "button", class: "link quote-text", onclick: () => flash(document.getElementById(`s-${q.sentence}`)) }, `“${q.text}”`)),
      h("div", { class: "speaker" }, "— ",
        speaker
          ? h("button", { type: "button", class: "link speaker-name", onclick: () => focus.set(speaker.id) }, speaker.name)
          : h("span", { class: q.speaker ? "" : "muted" }, q.speaker || "unattributed")));
  }));
}

function summaryList(result) {
  const sentences = result.summary?.sentences || [];
  if (!sentences.length) return empty(result, "summarization", "No summary.");
  return h("ol", { class: "summary-list" }, sentences.map((s) =>
    h("li", {}, h("button", { type: "button", class: "link", onclick: () => flash(document.getElementById(`s-${s.index}`)) }, s.text))));
}

function meta(result) {
  const doc = result.document;
  const bits = [
    doc.source,
    doc.published_at ? formatDate(doc.published_at) : null,
    doc.language ? doc.language.toUpperCase() : null,
    plural(doc.word_count, "word"),
    result.story ? `story #${result.story}` : null,
  ].filter(Boolean);
  return h("p", { class: "article-meta" }, bits.join(" · "), doc.url ? [" · ", h("a", { href: doc.url, rel: "noopener noreferrer nofollow", target: "_blank" }, "original")] : null);
}

/** The finished article's view. ``onSearch(entity)`` opens the corpus filtered to it. */
export async function articleView(result, onSearch) {
  const root = h("div", { class: "result" });
  const focus = new Focus(root, result.extraction?.entities || [], onSearch);
  const doc = result.document;
  if (!doc) {
    root.append(h("p", { class: "muted" }, "No document: the ingest stage did not finish."));
    return root;
  }
  const pickEntity = (id) => id && focus.set(id);
  const text = articleBody(result);
  text.addEventListener("click", (e) => {
    const mark = e.target.closest("mark[data-entity]");
    if (mark) focus.set(mark.dataset.entity);
  });
  text.addEventListener("keydown", (e) => {
    const mark = e.target.closest("mark[data-entity]");
    if (mark && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      focus.set(mark.dataset.entity);
    }
  });
  const warnings = result.extraction?.warnings?.length
    ? h("ul", { class: "warnings" }, result.extraction.warnings.map((w) => h("li", {}, w)))
    : null;
  const main = h("article", { class: "card article", "aria-labelledby": "article-title" },
    h("h1", { id: "article-title" }, doc.title || "Untitled article"),
    meta(result),
    warnings,
    h("div", { class: "sticky-tools" }, legend(result, focus), focus.bar),
    h("p", { class: "key muted" }, h("span", { class: "summary-key" }, "Summary sentence"), "  ·  ", h("span", { class: "quote-key" }, "quoted speech"), "  ·  hover a highlight for its name and count, click it to focus"),
    text);

  const side = h("div", { class: "side" },
    card("Summary", "summary", summaryList(result)),
    card("Entities", "entities", result.extraction?.entities?.length ? entityList(result, focus) : empty(result, "extraction", "No entities.")));
  const map = await placesMap(result, (p) => pickEntity(p.entity));
  const tl = timeline(result, (d) => flash(text.querySelector(`mark[data-start="${d.start}"]`)));
  const left = h("div", { class: "main-column" }, main,
    card("Places", "places", map || empty(result, "extraction", "No place with coordinates.")),
    card("Timeline", "timeline", tl || empty(result, "extraction", "No calendar date in the text.")));
  const quotes = quotesList(result, focus);
  side.append(card("Quotes", "quotes", quotes || empty(result, "extraction", "No quotes.")));
  const phrases = result.extraction?.keyphrases || [];
  if (phrases.length) side.append(card("Key phrases", "keyphrases", h("ul", { class: "phrases" }, phrases.slice(0, 12).map((k) => h("li", {}, k.text)))));
  root.append(left, side);
  return root;
}
