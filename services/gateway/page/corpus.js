// The archive across articles: search, the most mentioned entities, story clusters.
import { h, clear, plural, formatDate } from "./dom.js";
import { get, ApiError } from "./api.js";
import { TYPES, typeLabel } from "./types.js";

const TOP = 15; // entities listed
const STORIES = 8; // story clusters listed
const MIN_STORY = 2; // one article alone is not yet a story (the API's own default)
const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };

/** A snippet the server HTML-escaped, with its matches in <mark>, as DOM: never parsed as HTML. */
export function snippet(escaped) {
  const out = h("p", { class: "snippet" });
  const unescape = (t) => t.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (m) => ENTITIES[m]);
  escaped.split(/(<mark>.*?<\/mark>)/s).forEach((part) => {
    const hit = part.match(/^<mark>(.*)<\/mark>$/s);
    out.append(hit ? h("mark", {}, unescape(hit[1])) : unescape(part));
  });
  return out;
}

function problem(error) {
  if (error instanceof ApiError && error.status === 401) return "This gateway needs an API key: set it under “API key” above.";
  if (error instanceof ApiError && error.status === 503) return "The archive is not reachable yet: the corpus appears once the collector has archived an article.";
  return error.message || String(error);
}

export function hitItem(item, open) {
  const when = formatDate(item.dated_at);
  return h("li", { class: "hit", dataset: { id: item.id } },
    h("h3", {}, h("a", { href: `#/article/${encodeURIComponent(item.id)}`, onclick: (e) => { e.preventDefault(); open(item.id); } }, item.title || item.id)),
    h("p", { class: "hit-meta" }, [item.source, when, item.language?.toUpperCase(), plural(item.word_count, "word"), item.story ? `story #${item.story}` : null].filter(Boolean).join(" · ")),
    item.snippets?.length ? item.snippets.map(snippet) : h("p", { class: "hit-summary" }, item.summary));
}

function sparkline(series) {
  if (!series?.length || series.length < 2) return null;
  const max = Math.max(...series.map((d) => d.articles));
  const w = 60;
  const step = w / (series.length - 1);
  const points = series.map((d, i) => `${(i * step).toFixed(1)},${(18 - (d.articles / max) * 16).toFixed(1)}`).join(" ");
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${w} 20`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", points);
  svg.append(line);
  return svg;
}

/** The corpus view; ``filters`` come from the address (#/corpus?q=...), ``go`` updates it. */
export function corpusView(filters, { open, go }) {
  const results = h("div", { class: "results", "aria-live": "polite" });
  const form = h("form", { class: "search", role: "search" });
  const field = (name, label, attrs = {}) => h("label", { class: `field f-${name}` }, h("span", {}, label),
    h("input", { name, value: filters[name] || "", ...attrs }));
  const typeSelect = h("select", { name: "type" }, h("option", { value: "" }, "any type"),
    TYPES.filter(([t]) => t !== "DATE").map(([t, l]) => h("option", { value: t, selected: filters.type === t }, l)));
  form.append(
    h("div", { class: "search-main" },
      h("label", { class: "visually-hidden", for: "q" }, "Search the archive"),
      h("input", { id: "q", name: "q", type: "search", value: filters.q || "", placeholder: "Search words, \"a phrase\", OR, -exclude", autocomplete: "off" }),
      h("button", { type: "submit" }, "Search")),
    h("div", { class: "search-filters" },
      field("entity", "Entity", { placeholder: "PERSON:xi-jinping or a name" }),
      h("label", { class: "field" }, h("span", {}, "Type"), typeSelect),
      field("place", "Place", { placeholder: "Khabarovsk" }),
      field("since", "Since", { type: "date" }),
      field("until", "Until", { type: "date" })));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = Object.fromEntries([...new FormData(form)].filter(([, v]) => v));
    go(data);
  });

  async function search(cursor) {
    const params = { ...filters, limit: 20, cursor };
    if (!cursor) clear(results).append(h("p", { class: "muted" }, "Searching…"));
    try {
      const page = await get("articles", params);
      if (!cursor) clear(results);
      const described = Object.entries(filters).map(([k, v]) => `${k}: ${v}`).join(", ");
      if (!cursor) results.append(h("p", { class: "result-count" }, page.items.length ? (described ? `Articles matching ${described}` : "Latest articles") : `Nothing matches ${described || "yet"}.`));
      const list = results.querySelector("ol.hits") || results.appendChild(h("ol", { class: "hits" }));
      list.append(...page.items.map((item) => hitItem(item, open)));
      results.querySelector(".more")?.remove();
      if (page.next_cursor) results.append(h("button", { type: "button", class: "more ghost", onclick: () => search(page.next_cursor) }, "More"));
    } catch (error) {
      clear(results).append(h("p", { class: "error", role: "alert" }, problem(error)));
    }
  }

  const entities = h("div", { class: "top-entities" }, h("p", { class: "muted" }, "Loading…"));
  get("entities", { top: TOP }).then((items) => {
    clear(entities);
    if (!items.length) return entities.append(h("p", { class: "muted" }, "No entities yet."));
    const max = Math.max(...items.map((e) => e.articles));
    entities.append(h("ol", { class: "entity-list" }, items.map((e) => h("li", {},
      h("button", { type: "button", class: "entity-row", title: `${e.name} · ${typeLabel(e.type)} · ${plural(e.mentions, "mention")}`, onclick: () => go({ entity: e.key }) },
        h("span", { class: `swatch t-${e.type}`, "aria-hidden": "true" }),
        h("span", { class: "entity-name" }, e.name),
        h("span", { class: "salience" }, h("span", { style: `width:${Math.round((e.articles / max) * 100)}%` })),
        h("span", { class: "entity-count" }, plural(e.articles, "article")),
        sparkline(e.series))))));
  }).catch((error) => clear(entities).append(h("p", { class: "error" }, problem(error))));

  const stories = h("div", { class: "stories" }, h("p", { class: "muted" }, "Loading…"));
  get("stories", { min_size: MIN_STORY, limit: STORIES }).then((page) => {
    clear(stories);
    if (!page.items.length) return stories.append(h("p", { class: "muted" }, `No story has ${MIN_STORY} articles yet: near-duplicate and same-event articles gather here.`));
    stories.append(h("ol", { class: "story-list" }, page.items.map((st) => h("li", { class: "story" },
      h("div", { class: "story-head" },
        h("button", { type: "button", class: "link story-title", onclick: () => go({ story: st.id }) }, st.first.title || `Story #${st.id}`),
        h("span", { class: "badge" }, plural(st.size, "article"))),
      h("p", { class: "hit-meta" }, `${formatDate(st.earliest_at)} – ${formatDate(st.latest_at)} · first: ${st.first.source || "unknown source"} · ${plural(st.sources.length, "source")}`),
      h("p", { class: "story-entities" }, st.top_entities.slice(0, 5).map((e) => h("span", { class: `chip static t-${e.type}` }, e.name))),
    ))));
  }).catch((error) => clear(stories).append(h("p", { class: "error" }, problem(error))));

  search();
  const chips = Object.entries(filters).filter(([k]) => k !== "q").map(([k, v]) =>
    h("button", { type: "button", class: "chip static removable", title: `Remove ${k}`, onclick: () => { const next = { ...filters }; delete next[k]; go(next); } }, `${k}: ${v} ✕`));
  return h("div", { class: "corpus" },
    h("section", { class: "card corpus-search", "aria-labelledby": "corpus-title" },
      h("h2", { id: "corpus-title" }, "Search the archive"), form, chips.length ? h("div", { class: "active-filters" }, chips) : null, results),
    h("div", { class: "side" },
      h("section", { class: "card", "aria-labelledby": "top-title" }, h("h2", { id: "top-title" }, "Most mentioned"), entities),
      h("section", { class: "card", "aria-labelledby": "stories-title" }, h("h2", { id: "stories-title" }, "Stories"), stories)));
}

