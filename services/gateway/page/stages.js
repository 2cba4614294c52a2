// The three pipeline stages as they finish: status, worker, time taken, and when each ran.
import { h, formatMs } from "./dom.js";

export const STAGES = ["ingest", "extraction", "summarization"];
const LABELS = { ingest: "Ingest", extraction: "Extraction", summarization: "Summary" };
const WHAT = { ingest: "clean text, language, sentences", extraction: "entities, dates, quotes, places", summarization: "key sentences" };
const STATUS_TEXT = { pending: "waiting", running: "running", done: "done", failed: "failed", skipped: "skipped" };

const ms = (t) => (t ? Date.parse(t) : null);

/** The stages panel for a result (queued, running or finished). */
export function stagesPanel(result, events = []) {
  const t0 = ms(result.submitted_at);
  const ends = STAGES.map((n) => ms(result.stages[n]?.finished_at)).filter(Boolean);
  const now = result.finished_at ? 0 : Date.now(); // a run in progress: the bars grow to now
  const t1 = Math.max(ms(result.finished_at) || 0, ...ends, now);
  const span = Math.max(1, t1 - t0);
  const cards = STAGES.map((name) => {
    const st = result.stages[name] || { status: "pending" };
    const status = st.status === "pending" && st.started_at ? "running" : st.status;
    const bar = h("div", { class: "gantt" });
    if (st.started_at) {
      const left = ((ms(st.started_at) - t0) / span) * 100;
      const width = Math.max(1, (((ms(st.finished_at) || t1) - ms(st.started_at)) / span) * 100);
      bar.append(h("span", { class: "gantt-bar", style: `left:${left.toFixed(2)}%;width:${width.toFixed(2)}%` }));
    }
    return h("li", { class: `stage st-${status}`, dataset: { stage: name, status } },
      h("div", { class: "stage-head" },
        h("span", { class: "stage-icon", "aria-hidden": "true" }),
        h("strong", {}, LABELS[name]),
        h("span", { class: "stage-status" }, STATUS_TEXT[status] || status)),
      h("div", { class: "stage-what" }, WHAT[name]),
      h("dl", { class: "stage-facts" },
        h("dt", {}, "time"), h("dd", { class: "stage-time" }, st.duration_ms != null ? formatMs(st.duration_ms) : "–"),
        h("dt", {}, "worker"), h("dd", { class: "stage-worker" }, st.worker || "–"),
        st.attempts > 1 ? [h("dt", {}, "attempts"), h("dd", {}, String(st.attempts))] : null),
      st.error ? h("div", { class: "stage-error" }, `${st.error.type || "error"}: ${st.error.message || ""}`) : null,
      bar);
  });
  const total = result.finished_at ? formatMs(ms(result.finished_at) - t0) : null;
  const log = h("ol", { class: "event-log", "aria-label": "Events as they arrived" },
    events.map((e) => h("li", {},
      h("span", { class: "ev-at" }, `+${formatMs(Math.max(0, ms(e.at) - t0))}`), " ",
      h("span", { class: `ev-type ev-${e.type}` }, e.type.replace("_", " ")), e.stage ? ` ${e.stage}` : "")));
  return h("section", { class: "card stages-card", "aria-labelledby": "stages-title" },
    h("div", { class: "card-head" },
      h("h2", { id: "stages-title" }, "Pipeline"),
      h("span", { class: `status-pill s-${result.status}`, id: "article-status", dataset: { status: result.status } }, result.status),
      total ? h("span", { class: "muted" }, `total ${total}`) : null,
      h("span", { class: "article-id" }, h("code", {}, result.id), " ", h("a", { href: `articles/${encodeURIComponent(result.id)}`, target: "_blank", rel: "noopener" }, "JSON"))),
    h("ol", { class: "stages" }, cards),
    events.length ? log : null);
}
