// Monitoring: followed sources with their polling health and newest items, watchlists, and the
// alerts they raise (the /sources, /watchlists and /alerts endpoints). Routes: #/monitor and
// #/monitor?source=<id> (that source's items shown).
import { h, clear, plural } from "./dom.js";
import { request, get, ApiError } from "./api.js";

const REFRESH_MS = 10_000; // sources and alerts re-read this often while the tab is open
const SETTLE_MS = 2_000; // a requested poll is usually read by then (the scheduler ticks each second)
const ITEMS = 20; // newest items of the selected source
const ALERTS = 30; // alerts listed
const STATUS_TEXT = { ok: "ok", not_modified: "not modified", error: "error" };
const WORDY = new Set(["keyword", "entity"]); // matched kinds whose words can recur in a summary

/** What went wrong, as a reader can act on it: the problem's fields and reasons when it has them. */
export function problemText(error) {
  if (error instanceof ApiError && error.status === 401) return "This gateway needs an API key: set it under “API key” above.";
  const reasons = error?.problem?.errors?.map((e) => `${e.field.replace(/^body\./, "")}: ${e.reason}`) || [];
  return reasons.length ? reasons.join("; ") : error.message || String(error);
}

/** A moment as its distance from now ("3 min ago", "in 12 s"): what matters of a poll's time. */
export function relative(value, now = Date.now()) {
  if (!value) return "–";
  const seconds = (Date.parse(value) - now) / 1000;
  const size = Math.abs(seconds);
  const span = size < 90 ? `${Math.round(size)} s` : size < 5400 ? `${Math.round(size / 60)} min` : size < 129600 ? `${Math.round(size / 3600)} h` : `${Math.round(size / 86400)} d`;
  return seconds > 0 ? `in ${span}` : `${span} ago`;
}

const list = (value) => value.split(",").map((t) => t.trim()).filter(Boolean);
const articleHref = (id) => `#/article/${encodeURIComponent(id)}`;

/**
 * ``text`` with each [start, end) span in <mark>. Offsets count code points (the API's Python
 * strings), so the text is split into code points, not UTF-16 units.
 */
export function marked(text, spans) {
  const chars = Array.from(text);
  const kept = spans.filter(([a, b]) => a >= 0 && a < b && b <= chars.length).sort((x, y) => x[0] - y[0]);
  const out = [];
  let at = 0;
  for (const [a, b] of kept) {
    if (a < at) continue; // overlapping: the first wins
    if (a > at) out.push(chars.slice(at, a).join(""));
    out.push(h("mark", {}, chars.slice(a, b).join("")));
    at = b;
  }
  out.push(chars.slice(at).join(""));
  return out;
}

/** Where the matched words recur in the summary (the alert's offsets point into the article's
 * text, which it does not carry): whole-word and case-insensitive, as the matcher compares. */
export function summarySpans(summary, matched) {
  const spans = [];
  for (const text of new Set(matched.filter((m) => WORDY.has(m.kind) && m.text.trim()).map((m) => m.text))) {
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, "giu");
    for (const found of summary.matchAll(pattern)) {
      const start = Array.from(summary.slice(0, found.index)).length;
      spans.push([start, start + Array.from(found[0]).length]);
    }
  }
  return spans;
}

function statusBadge(source) {
  const status = !source.active ? "paused" : source.health.last_status || "pending";
  const errors = source.health.consecutive_errors;
  const label = status === "error" && errors > 1 ? `error ×${errors}` : STATUS_TEXT[status] || status;
  return h("span", { class: `health h-${status}`, dataset: { status } }, label);
}

function sourceRow(source, actions, selected) {
  const health = source.health;
  const remarks = health.last_error || health.notes.join("; ");
  const button = (label, act, extra = {}) => h("button", { type: "button", class: "small ghost", onclick: act, ...extra }, label);
  return h("tr", { dataset: { sourceId: source.id, status: source.active ? health.last_status || "pending" : "paused" }, class: selected ? "selected" : null },
    h("td", { class: "source-name" },
      h("button", { type: "button", class: "link", onclick: () => actions.select(source.id), title: "Show its newest items", "aria-pressed": String(selected) }, source.title || source.url),
      source.title ? h("div", { class: "source-url muted" }, source.url) : null,
      source.tags.length ? h("div", { class: "source-tags" }, source.tags.map((t) => h("span", { class: "chip static" }, t))) : null),
    h("td", {}, statusBadge(source)),
    h("td", { class: "num", title: health.last_polled_at || "" }, relative(health.last_polled_at)),
    h("td", { class: "num", title: "read at the last poll (new), submitted all time" },
      `${health.items_last_poll} (${health.new_last_poll} new)`, h("div", { class: "muted" }, `${health.items_submitted} total`)),
    h("td", { class: "num", title: health.next_poll_at || "" }, source.active ? relative(health.next_poll_at) : "–"),
    h("td", { class: health.last_error ? "remarks error" : "remarks muted" }, remarks || "–"),
    h("td", { class: "actions" },
      button("Poll now", () => actions.poll(source.id), { disabled: !source.active, class: "small ghost poll" }),
      button(source.active ? "Pause" : "Resume", () => actions.setActive(source.id, !source.active), { class: "small ghost pause" }),
      button("Remove", () => actions.remove(source), { class: "small ghost danger remove" })));
}

function itemRow(item) {
  const outcome = item.outcome === "refused" && item.reason ? `refused: ${item.reason}` : item.outcome;
  return h("li", { class: "feed-item", dataset: { guid: item.guid } },
    item.article_id
      ? h("a", { href: articleHref(item.article_id), class: "item-title" }, item.title || item.url)
      : h("span", { class: "item-title" }, item.title || item.url),
    h("p", { class: "hit-meta" }, [`first seen ${relative(item.first_seen_at)}`, outcome, item.runs > 1 ? plural(item.runs, "run") : null, item.article_id].filter(Boolean).join(" · ")));
}

function field(label, attrs) {
  return h("label", { class: "field" }, h("span", {}, label), h("input", attrs));
}

function sourceForm(onAdded) {
  const error = h("p", { class: "error form-error", role: "alert", hidden: true });
  const form = h("form", { class: "monitor-form", id: "source-form" },
    field("Feed or news sitemap URL", { name: "url", type: "url", required: true, placeholder: "the address of an RSS, Atom or JSON feed", class: "wide" }),
    field("Every (s)", { name: "interval_seconds", type: "number", min: 60, value: 900, required: true }),
    field("Language", { name: "language", placeholder: "en", maxlength: 2, pattern: "[a-z]{2}" }),
    field("Tags", { name: "tags", placeholder: "world, wires" }),
    h("button", { type: "submit" }, "Follow"),
    error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = { url: data.get("url").trim(), interval_seconds: Number(data.get("interval_seconds")), tags: list(data.get("tags")) };
    if (data.get("language")) body.language = data.get("language").trim();
    error.hidden = true;
    try {
      const source = await request("sources", { method: "POST", body });
      form.reset();
      onAdded(source);
    } catch (failure) {
      error.textContent = problemText(failure);
      error.hidden = false;
    }
  });
  return form;
}

function watchlistForm(onAdded) {
  const error = h("p", { class: "error form-error", role: "alert", hidden: true });
  const form = h("form", { class: "monitor-form stacked", id: "watchlist-form" },
    field("Name", { name: "name", required: true, maxlength: 200 }),
    field("Keywords", { name: "keywords", placeholder: "comma-separated: Natanz, oil spill" }),
    field("Entities", { name: "entities", placeholder: "comma-separated: ORG:iaea, Xi Jinping" }),
    field("Webhook (optional)", { name: "webhook_url", type: "url", placeholder: "where each alert is POSTed, signed" }),
    h("button", { type: "submit" }, "Watch"),
    error);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = { name: data.get("name").trim(), query: { keywords: list(data.get("keywords")), entities: list(data.get("entities")) } };
    if (data.get("webhook_url")) body.webhook_url = data.get("webhook_url").trim();
    error.hidden = true;
    try {
      await request("watchlists", { method: "POST", body });
      form.reset();
      onAdded();
    } catch (failure) {
      error.textContent = problemText(failure);
      error.hidden = false;
    }
  });
  return form;
}

function queryText(query) {
  const groups = [["entity", query.entities], ["type", query.types], ["keyword", query.keywords],
    ["place", query.places.map((p) => p.label || `${p.lat},${p.lon} ±${p.radius_km} km`)], ["source", query.sources],
    ["language", query.language ? [query.language] : []]];
  return groups.filter(([, terms]) => terms.length).map(([name, terms]) => `${name}: ${terms.join(" | ")}`).join("; ");
}

function alertItem(alert, names) {
  const titleSpans = alert.matched.filter((m) => m.field === "title" && m.start != null).map((m) => [m.start, m.end]);
  return h("li", { class: "alert", dataset: { id: alert.id, article: alert.article_id } },
    h("h3", {}, h("a", { href: articleHref(alert.article_id) }, marked(alert.title || alert.article_id, titleSpans))),
    h("p", { class: "hit-meta" }, [names.get(alert.watchlist_id) || alert.watchlist_id, relative(alert.created_at), alert.delivered_at ? "webhook delivered" : null, alert.article_id].filter(Boolean).join(" · ")),
    alert.summary ? h("p", { class: "snippet" }, marked(alert.summary, summarySpans(alert.summary, alert.matched))) : null,
    h("ul", { class: "matched" }, alert.matched.map((m) => h("li", { class: "match", dataset: { kind: m.kind } },
      h("span", { class: "match-kind" }, m.kind), " ", h("mark", {}, m.text || m.term),
      m.text && m.text !== m.term ? ` for “${m.term}”` : null,
      m.field ? h("span", { class: "muted" }, ` in ${m.field}`) : null))));
}

/** The Monitor tab. ``params.source`` selects a source; ``go`` updates the address; the view
 * stops refreshing when ``signal`` aborts (the reader left the tab). */
export function monitorView(params, { go, signal }) {
  let selected = params.source || null;
  let names = new Map(); // watchlist id -> name, for the alerts
  const sourcesBody = h("div", { class: "sources" }, h("p", { class: "muted" }, "Loading…"));
  const itemsCard = h("section", { class: "card", id: "source-items", "aria-labelledby": "items-title", hidden: true });
  const watchBody = h("div", { class: "watchlists" });
  const alertsBody = h("div", { class: "alerts", "aria-live": "polite" }, h("p", { class: "muted" }, "Loading…"));
  const note = h("p", { class: "muted notice-line", role: "status" });

  const act = async (what, done) => {
    try {
      await what();
      note.textContent = done;
    } catch (error) {
      note.textContent = problemText(error);
    }
    await loadSources();
    setTimeout(() => signal.aborted || loadSources(), SETTLE_MS);
  };
  const actions = {
    select: (id) => go(id === selected ? {} : { source: id }),
    poll: (id) => act(() => request(`sources/${encodeURIComponent(id)}/poll`, { method: "POST" }), "Poll requested."),
    setActive: (id, active) => act(() => request(`sources/${encodeURIComponent(id)}`, { method: "PATCH", body: { active } }), active ? "Resumed." : "Paused."),
    remove: (source) => {
      if (!window.confirm(`Stop following ${source.title || source.url}? Its articles stay in the archive.`)) return;
      if (source.id === selected) selected = null;
      act(() => request(`sources/${encodeURIComponent(source.id)}`, { method: "DELETE" }), "Removed.");
    },
  };

  async function loadSources() {
    try {
      const sources = await get("sources");
      if (signal.aborted) return;
      clear(sourcesBody);
      if (!sources.length) sourcesBody.append(h("p", { class: "muted" }, "No sources yet: add a feed above."));
      else sourcesBody.append(h("div", { class: "table-wrap" }, h("table", { class: "sources-table" },
        h("thead", {}, h("tr", {}, ["Source", "Status", "Last poll", "Items", "Next poll", "Error / notes", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, sources.map((s) => sourceRow(s, actions, s.id === selected))))));
      await loadItems(sources.find((s) => s.id === selected));
    } catch (error) {
      if (!signal.aborted) clear(sourcesBody).append(h("p", { class: "error" }, problemText(error)));
    }
  }

  async function loadItems(source) {
    if (!source) return void (itemsCard.hidden = true);
    const items = await get(`sources/${encodeURIComponent(source.id)}/items`, { limit: ITEMS });
    if (signal.aborted) return;
    itemsCard.replaceChildren(
      h("div", { class: "card-head" }, h("h2", { id: "items-title" }, "Newest items"), h("span", { class: "muted" }, source.title || source.url)),
      items.length ? h("ol", { class: "feed-items" }, items.map(itemRow)) : h("p", { class: "muted" }, "No items yet: its first poll is due."));
    itemsCard.hidden = false;
  }

  async function loadWatchlists() {
    try {
      const found = await get("watchlists");
      if (signal.aborted) return;
      names = new Map(found.map((w) => [w.id, w.name]));
      clear(watchBody).append(found.length
        ? h("ul", { class: "watch-list" }, found.map((w) => h("li", { dataset: { id: w.id } },
          h("div", { class: "watch-head" }, h("strong", {}, w.name), w.active ? null : h("span", { class: "health h-paused" }, "inactive"),
            h("button", { type: "button", class: "small ghost danger", onclick: () => removeWatchlist(w) }, "Remove")),
          h("p", { class: "hit-meta" }, queryText(w.query), w.webhook_url ? ` · webhook ${w.webhook_url}` : ""))))
        : h("p", { class: "muted" }, "No watchlists yet."));
    } catch (error) {
      if (!signal.aborted) clear(watchBody).append(h("p", { class: "error" }, problemText(error)));
    }
  }

  async function removeWatchlist(w) {
    if (!window.confirm(`Remove the watchlist ${w.name} and its alerts?`)) return;
    try {
      await request(`watchlists/${encodeURIComponent(w.id)}`, { method: "DELETE" });
    } catch (error) {
      note.textContent = problemText(error);
    }
    await loadWatchlists();
    await loadAlerts();
  }

  async function loadAlerts() {
    try {
      const page = await get("alerts", { limit: ALERTS });
      if (signal.aborted) return;
      clear(alertsBody).append(page.items.length
        ? h("ol", { class: "alert-list" }, page.items.map((a) => alertItem(a, names)))
        : h("p", { class: "muted" }, "No alerts yet: they appear here as matching articles are archived."));
    } catch (error) {
      if (!signal.aborted) clear(alertsBody).append(h("p", { class: "error" }, problemText(error)));
    }
  }

  loadSources();
  loadWatchlists().then(loadAlerts);
  const timer = setInterval(() => { loadSources(); loadAlerts(); }, REFRESH_MS);
  signal.addEventListener("abort", () => clearInterval(timer));

  return h("div", { class: "monitor" },
    h("div", { class: "main-column" },
      h("section", { class: "card", "aria-labelledby": "sources-title" },
        h("div", { class: "card-head" }, h("h2", { id: "sources-title" }, "Followed sources"), note),
        sourceForm((source) => {
          note.textContent = `Following ${source.url}; its first poll is due now.`;
          loadSources();
          setTimeout(() => signal.aborted || loadSources(), SETTLE_MS);
        }),
        sourcesBody),
      itemsCard),
    h("div", { class: "side" },
      h("section", { class: "card", "aria-labelledby": "alerts-title" },
        h("div", { class: "card-head" }, h("h2", { id: "alerts-title" }, "Alerts"), h("span", { class: "muted" }, "newest first, refreshed every 10 s")),
        alertsBody),
      h("section", { class: "card", "aria-labelledby": "watch-title" },
        h("h2", { id: "watch-title" }, "Watchlists"),
        watchlistForm(() => { loadWatchlists(); }),
        watchBody)));
}
