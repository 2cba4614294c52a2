// The article's text as DOM: entity and date mentions as <mark>, quotes, summary sentences.
// Pure over the result: offsets index document.text, and every piece is a text node.
import { h, plural, formatDate } from "./dom.js";
import { typeLabel } from "./types.js";

/** Entity mentions first, then dates, longest first at a position; overlaps are dropped. */
export function marks(extraction) {
  const all = [];
  for (const entity of extraction?.entities || []) {
    for (const m of entity.mentions) all.push({ start: m.start, end: m.end, type: entity.type, entity, rank: 0 });
  }
  for (const date of extraction?.dates || []) all.push({ start: date.start, end: date.end, type: "DATE", date, rank: 1 });
  all.sort((a, b) => a.start - b.start || a.rank - b.rank || b.end - a.end);
  const kept = [];
  let reached = 0;
  for (const m of all) {
    if (m.start >= reached && m.end > m.start) {
      kept.push(m);
      reached = m.end;
    }
  }
  return kept;
}

function markTitle(m) {
  if (m.entity) return `${m.entity.name} · ${typeLabel(m.type)} · ${plural(m.entity.count, "mention")}`;
  const d = m.date;
  if (!d.value) return `${d.type.toLowerCase()}${d.timex ? ` · ${d.timex}` : ""}`;
  const end = d.end_value ? ` – ${formatDate(d.end_value, d.granularity)}` : "";
  return `${formatDate(d.value, d.granularity)}${end} · ${d.granularity || "date"}`;
}

function markElement(m) {
  const attrs = { class: `m t-${m.type}`, title: markTitle(m), dataset: { type: m.type, start: m.start } };
  if (m.entity) {
    attrs.dataset.entity = m.entity.id;
    attrs.tabindex = "0";
    attrs.role = "button";
  }
  return h("mark", attrs);
}

/** Pieces of [start, end): the text between every boundary, with the mark and quote covering it. */
function pieces(text, start, end, spanMarks, quotes) {
  const cuts = new Set([start, end]);
  for (const r of [...spanMarks, ...quotes]) {
    if (r.start > start && r.start < end) cuts.add(r.start);
    if (r.end > start && r.end < end) cuts.add(r.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    out.push({
      text: text.slice(a, b),
      mark: spanMarks.find((m) => m.start <= a && m.end >= b) || null,
      quote: quotes.some((q) => q.start <= a && q.end >= b),
    });
  }
  return out;
}

/** The marks over [start, end): marks do not overlap, so both their starts and ends are sorted. */
function overlapping(sorted, start, end) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].end <= start) lo = mid + 1;
    else hi = mid;
  }
  const out = [];
  for (let i = lo; i < sorted.length && sorted[i].start < end; i++) out.push(sorted[i]);
  return out;
}

function fill(parent, text, start, end, allMarks, quotes) {
  const spanMarks = overlapping(allMarks, start, end); // long articles: no scan of every mark
  const spanQuotes = quotes.filter((q) => q.end > start && q.start < end);
  let group = null;
  for (const piece of pieces(text, start, end, spanMarks, spanQuotes)) {
    const node = piece.quote ? h("span", { class: "quote" }, piece.text) : document.createTextNode(piece.text);
    if (!piece.mark) {
      group = null;
      parent.append(node);
      continue;
    }
    if (!group || group.mark !== piece.mark) {
      group = { mark: piece.mark, el: markElement(piece.mark) };
      parent.append(group.el);
    }
    group.el.append(node);
  }
}

/** Sentences of a paragraph and the gaps between them, in order. */
function units(paragraph, sentences) {
  const out = [];
  let at = paragraph.start;
  for (const s of sentences) {
    if (s.end <= paragraph.start || s.start >= paragraph.end) continue;
    const start = Math.max(s.start, paragraph.start);
    if (start > at) out.push({ start: at, end: start });
    out.push({ start, end: Math.min(s.end, paragraph.end), sentence: s.index });
    at = Math.min(s.end, paragraph.end);
  }
  if (at < paragraph.end) out.push({ start: at, end: paragraph.end });
  return out;
}

/** The article body: one <p> per paragraph, one span per sentence (summary ones marked). */
export function articleBody(result) {
  const doc = result.document;
  const text = doc.text;
  const allMarks = marks(result.extraction);
  const quotes = result.extraction?.quotes || [];
  const summary = new Map((result.summary?.sentences || []).map((s, rank) => [s.index, rank + 1]));
  const paragraphs = doc.paragraphs?.length ? doc.paragraphs : [{ index: 0, start: 0, end: text.length }];
  const body = h("div", { class: "article-text", id: "article-text" });
  for (const p of paragraphs) {
    const para = h("p", {});
    for (const u of units(p, doc.sentences || [])) {
      if (u.sentence === undefined) {
        para.append(text.slice(u.start, u.end));
        continue;
      }
      const rank = summary.get(u.sentence);
      const span = h("span", {
        class: rank ? "sentence summary" : "sentence",
        id: `s-${u.sentence}`,
        dataset: { sentence: u.sentence },
        title: rank ? `Summary sentence ${rank}` : undefined,
      });
      fill(span, text, u.start, u.end, allMarks, quotes);
      para.append(span);
    }
    body.append(para);
  }
  return body;
}
