// The results page: submit an article, watch its stages arrive, read the result; search the
// corpus; follow sources and watch for alerts. Routes live in the address's hash: #/ (new),
// #/article/<id>, #/corpus?q=..., #/monitor?source=...
import { h, clear } from "./dom.js";
import { request, get, followEvents, apiKey, setApiKey, ApiError } from "./api.js";
import { stagesPanel } from "./stages.js";
import { articleView } from "./article.js";
import { corpusView, hitItem } from "./corpus.js";
import { monitorView } from "./monitor.js";

const view = document.getElementById("view");
const notice = document.getElementById("notice");
let running = null; // AbortController of the article being followed
const RECENT = 5; // archived articles listed under the form

function say(message, kind = "error") {
  clear(notice).hidden = !message;
  if (message) notice.append(h("p", { class: kind, role: kind === "error" ? "alert" : "status" }, message));
}

function route() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = hash.split("?");
  const parts = path.split("/").filter(Boolean);
  return { name: parts[0] || "new", id: parts[1] ? decodeURIComponent(parts[1]) : null, params: Object.fromEntries(new URLSearchParams(query)) };
}

function setTab(name) {
  for (const a of document.querySelectorAll("nav.tabs a")) {
    const current = a.dataset.tab === (["corpus", "monitor"].includes(name) ? name : "analyse");
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function submitForm() {
  const kinds = [["text", "Text"], ["html", "HTML"], ["url", "URL"]];
  const form = h("form", { class: "card submit", id: "submit-form", "aria-labelledby": "submit-title" });
  const body = h("textarea", { id: "content", name: "content", rows: 10, required: true, placeholder: "Paste the article's text here…", spellcheck: "false" });
  const url = h("input", { id: "url", name: "url", type: "url", placeholder: "The address of a news page", hidden: true });
  const label = h("label", { for: "content", class: "visually-hidden" }, "Article");
  const tabs = h("div", { class: "segmented", role: "radiogroup", "aria-label": "What you give" },
    kinds.map(([value, text], i) => h("label", {}, h("input", { type: "radio", name: "kind", value, checked: i === 0 }), h("span", {}, text))));
  tabs.addEventListener("change", () => {
    const kind = new FormData(form).get("kind");
    url.hidden = kind !== "url";
    body.hidden = kind === "url";
    body.required = kind !== "url";
    url.required = kind === "url";
    body.placeholder = kind === "html" ? "Paste the page's HTML here…" : "Paste the article's text here…";
    label.textContent = kind === "html" ? "HTML" : "Article";
    (kind === "url" ? url : body).focus();
  });
  form.append(
    h("div", { class: "card-head" }, h("h2", { id: "submit-title" }, "Analyse an article"), tabs),
    label, body, url,
    h("div", { class: "submit-row" },
      h("label", { class: "field" }, h("span", {}, "Title (optional)"), h("input", { name: "title", id: "title", maxlength: 500 })),
      h("label", { class: "field" }, h("span", {}, "Published (optional)"), h("input", { name: "published_at", id: "published_at", type: "date" })),
      h("button", { type: "submit", id: "analyse" }, "Analyse")),
    h("p", { class: "hint muted" }, "Ctrl+Enter submits. The three stages run on separate workers; you watch them finish here."));
  body.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const kind = data.get("kind");
    const payload = { [kind]: kind === "url" ? data.get("url").trim() : data.get("content") };
    if (data.get("title")) payload.title = data.get("title");
    if (data.get("published_at")) payload.published_at = data.get("published_at");
    const button = form.querySelector("#analyse");
    button.disabled = true;
    say(null);
    try {
      const accepted = await request("articles", { method: "POST", body: payload });
      location.hash = `#/article/${encodeURIComponent(accepted.id)}`;
    } catch (error) {
      say(error instanceof ApiError && error.status === 401 ? "This gateway needs an API key: set it under “API key” above." : `Not accepted: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** The archive's newest articles under the form; nothing at all while the archive is down. */
function recent() {
  const section = h("section", { class: "card recent", "aria-labelledby": "recent-title", hidden: true },
    h("h2", { id: "recent-title" }, "Recently analysed"));
  get("articles", { limit: RECENT }).then((page) => {
    if (!page.items.length) return;
    section.append(h("ol", { class: "hits" }, page.items.map((item) => hitItem(item, (id) => { location.hash = `#/article/${encodeURIComponent(id)}`; }))));
    section.hidden = false;
  }).catch(() => {});
  return section;
}

async function showArticle(id) {
  const controller = new AbortController();
  running = controller;
  const stages = h("div", { id: "stages" });
  const result = h("div", { id: "result" });
  clear(view).append(
    h("p", { class: "back" }, h("a", { href: "#/" }, "← New article")),
    stages, result);
  const events = [];
  let latest;
  let pending = Promise.resolve();
  let shown = ""; // which stages' output the result view shows: redrawn only when that changes
  const onSearch = (entity) => navigate(`#/corpus?${new URLSearchParams({ entity: entity.id })}`);
  const refresh = async () => {
    latest = await get(`articles/${encodeURIComponent(id)}`);
    if (running !== controller) return latest;
    stages.replaceChildren(stagesPanel(latest, events));
    // Each stage's output appears as it arrives: the text after ingest, then the rest.
    const have = `${latest.status}:${Boolean(latest.document)}${Boolean(latest.extraction)}${Boolean(latest.summary)}`;
    if (latest.document && have !== shown) {
      shown = have;
      const rendered = await articleView(latest, onSearch);
      if (running === controller) result.replaceChildren(rendered);
    }
    return latest;
  };
  try {
    await refresh();
    if (!["done", "failed"].includes(latest.status)) {
      const ticker = setInterval(() => running === controller && stages.replaceChildren(stagesPanel(latest, events)), 250);
      try {
        await followEvents(id, (type, event) => {
          events.push(event);
          pending = pending.then(refresh).catch(() => {}); // in order: an old answer never wins
        }, controller.signal);
      } finally {
        clearInterval(ticker);
      }
      await pending;
      await refresh();
    }
    if (running !== controller) return;
    if (latest.status === "failed" && !latest.document) {
      result.replaceChildren(h("p", { class: "error", role: "alert" }, `The article failed: ${latest.error?.message || "see the stages above"}`));
    }
    document.body.dataset.article = latest.status; // the browser test waits for this
  } catch (error) {
    if (controller.signal.aborted) return;
    say(error instanceof ApiError && error.status === 404 ? `No article ${id} (it may have expired).` : error.message);
  }
}

/** Goes to ``hash``; the same address again re-runs its view (a repeated search). */
function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function render() {
  running?.abort();
  running = null;
  delete document.body.dataset.article;
  say(null);
  const r = route();
  setTab(r.name);
  if (r.name === "article" && r.id) {
    document.title = "Article · Newsflow";
    return showArticle(r.id);
  }
  if (r.name === "corpus") {
    document.title = "Corpus · Newsflow";
    const go = (params) => navigate(`#/corpus?${new URLSearchParams(params)}`);
    return clear(view).append(corpusView(r.params, { open: (id) => { location.hash = `#/article/${encodeURIComponent(id)}`; }, go }));
  }
  if (r.name === "monitor") {
    document.title = "Monitor · Newsflow";
    const controller = new AbortController(); // stops its refreshing when the route changes
    running = controller;
    const go = (params) => navigate(`#/monitor?${new URLSearchParams(params)}`);
    return clear(view).append(monitorView(r.params, { go, signal: controller.signal }));
  }
  document.title = "Newsflow";
  clear(view).append(submitForm(), recent());
  view.querySelector("textarea").focus();
}

function keyControl() {
  const input = document.getElementById("api-key");
  input.value = apiKey();
  input.addEventListener("change", () => setApiKey(input.value.trim()));
}

keyControl();
window.addEventListener("hashchange", render);
render();
