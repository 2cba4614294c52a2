// The article's dates on one axis: a dot for a day, a bar for a period or a range.
import { h, s, isoDay, formatDate } from "./dom.js";

const ASSUMED_WIDTH = 700; // px, before the card is laid out; redrawn at its real width
const PAD = 14;
const LANE = 22; // height of one row of labels
const AXIS = 34; // room under the lanes for tick labels and the publication mark
const CHAR = 6.2; // average label character width at 11px, for lane packing
const MAX_LABEL = 26;
const BREAK_SHARE = 0.3; // a gap this share of the whole time shown breaks the axis
const MIN_PIECE = 0.18; // the least share of the width a piece of the axis gets
const BREAK_PX = 18; // room for the break mark between pieces
const TICK_PX = 80; // about one tick label per this many pixels
const DAY_MS = 86400000;

/** The end of the period a date names (value is its start). */
function periodEnd(d) {
  if (d.end_value) return isoDay(d.end_value);
  const start = isoDay(d.value);
  const add = { week: [0, 0, 7], month: [0, 1, 0], quarter: [0, 3, 0], half: [0, 6, 0], season: [0, 3, 0], year: [1, 0, 0], decade: [10, 0, 0], century: [100, 0, 0] }[d.granularity];
  if (!add) return start;
  return new Date(Date.UTC(start.getUTCFullYear() + add[0], start.getUTCMonth() + add[1], start.getUTCDate() + add[2]));
}

function ticks(min, max, count) {
  const span = (max - min) / DAY_MS;
  const out = [];
  const start = new Date(min);
  if (span > 365 * 3) {
    const step = Math.max(1, Math.ceil(span / 365 / count));
    for (let y = start.getUTCFullYear(); ; y += step) {
      const t = Date.UTC(y, 0, 1);
      if (t > max) break;
      if (t >= min) out.push([t, String(y)]);
    }
  } else if (span > 45) {
    const step = Math.max(1, Math.ceil(span / 30 / count));
    for (let m = start.getUTCMonth(), y = start.getUTCFullYear(); ; m += step) {
      const t = Date.UTC(y, m, 1);
      if (t > max) break;
      if (t >= min) out.push([t, formatDate(new Date(t).toISOString(), "month")]);
    }
  } else {
    const step = Math.max(1, Math.ceil(span / count));
    for (let t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); t <= max; t += step * DAY_MS) {
      if (t >= min) out.push([t, formatDate(new Date(t).toISOString(), "day")]);
    }
  }
  return out;
}

/**
 * The axis in pieces: spans of time split where a gap is longer than BREAK_SHARE of the whole,
 * each as wide as its share of the dates (at least MIN_PIECE), so one date years away does not
 * squeeze the rest into a corner. Returns x(t) and the pieces, with their pixel extents.
 */
export function axis(intervals, width) {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const whole = Math.max(...sorted.map((i) => i[1])) - sorted[0][0];
  const pieces = [];
  for (const [from, to] of sorted) {
    const last = pieces[pieces.length - 1];
    if (last && from - last.end <= whole * BREAK_SHARE) {
      last.end = Math.max(last.end, to);
      last.dates += 1;
    } else pieces.push({ start: from, end: to, dates: 1 });
  }
  for (const p of pieces) {
    const margin = Math.max((p.end - p.start) * 0.06, 3 * DAY_MS);
    p.start -= margin;
    p.end += margin;
  }
  const room = width - 2 * PAD - BREAK_PX * (pieces.length - 1);
  const shares = pieces.map((p) => Math.max(p.dates / intervals.length, MIN_PIECE));
  const norm = shares.reduce((a, b) => a + b, 0);
  let at = PAD;
  pieces.forEach((p, i) => {
    p.x0 = at;
    p.x1 = at + (room * shares[i]) / norm;
    at = p.x1 + BREAK_PX;
  });
  const x = (t) => {
    const p = pieces.find((q) => t <= q.end) || pieces[pieces.length - 1];
    return p.x0 + ((Math.min(Math.max(t, p.start), p.end) - p.start) / (p.end - p.start)) * (p.x1 - p.x0);
  };
  return { x, pieces };
}

const clip = (text) => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text);

/** The timeline card's content, or null when the article names no calendar date. */
export function timeline(result, onPick) {
  const dates = (result.extraction?.dates || []).filter((d) => d.value);
  if (!dates.length) return null;
  const published = result.document?.published_at ? isoDay(result.document.published_at) : null;
  const items = dates
    .map((d) => ({ d, from: isoDay(d.value).getTime(), to: periodEnd(d).getTime() }))
    .sort((a, b) => a.from - b.from);
  const draw = (width) => { // width in px: one SVG unit is one pixel, so text keeps its size
    const intervals = items.map((i) => [i.from, i.to]);
    if (published) intervals.push([published.getTime(), published.getTime()]);
    const { x, pieces } = axis(intervals, width);

    // Greedy lanes: a label goes in the first lane where it overlaps nothing. Labels sit right of
    // their point, or left of it in the right half, so none runs off the card.
    const lanes = [];
    for (const item of items) {
      const x0 = x(item.from);
      const label = clip(item.d.text);
      const labelWidth = 8 + label.length * CHAR;
      const left = x0 > width / 2;
      const extent = left ? [x0 - labelWidth, Math.max(x(item.to), x0 + 4)] : [x0 - 4, Math.max(x(item.to), x0 + labelWidth)];
      let lane = lanes.findIndex((taken) => taken.every(([a, b]) => extent[1] < a - 4 || extent[0] > b + 4));
      if (lane < 0) lane = lanes.push([]) - 1;
      lanes[lane].push(extent);
      Object.assign(item, { lane, label, x0, left });
    }
    const height = lanes.length * LANE + AXIS + 8;
    const axisY = lanes.length * LANE + 8;
    const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: width, height, class: "timeline-svg", role: "img", "aria-label": "Timeline of the dates the article names" });
    for (const [i, p] of pieces.entries()) {
      svg.append(s("line", { class: "tl-axis", x1: p.x0, x2: p.x1, y1: axisY, y2: axisY }));
      if (i > 0) {
        const mid = p.x0 - BREAK_PX / 2;
        svg.append(s("path", { class: "tl-break", d: `M${mid - 5},${axisY + 5}l4,-10M${mid + 1},${axisY + 5}l4,-10` }));
      }
      const marks = ticks(p.start, p.end, Math.max(1, Math.floor((p.x1 - p.x0) / TICK_PX)));
      if (!marks.length) { // a narrow piece still says when it is
        const mid = (p.start + p.end) / 2;
        marks.push([mid, formatDate(new Date(mid).toISOString(), p.end - p.start > 300 * DAY_MS ? "year" : "month")]);
      }
      for (const [t, label] of marks) {
        svg.append(
          s("line", { class: "tl-tick", x1: x(t), x2: x(t), y1: axisY, y2: axisY + 4 }),
          s("line", { class: "tl-grid", x1: x(t), x2: x(t), y1: 4, y2: axisY }),
          s("text", { class: "tl-tick-label", x: x(t), y: axisY + 16, "text-anchor": "middle" }, label),
        );
      }
    }
    if (published) {
      const px = x(published.getTime());
      svg.append(
        s("line", { class: "tl-published", x1: px, x2: px, y1: 2, y2: axisY + 17 }),
        s("text", { class: "tl-published-label", x: px, y: axisY + 26, "text-anchor": "middle" }, "published"),
      );
    }
    for (const item of items) {
      const y = 8 + item.lane * LANE + LANE / 2;
      const end = x(item.to);
      const when = item.d.end_value
        ? `${formatDate(item.d.value, item.d.granularity)} – ${formatDate(item.d.end_value, item.d.granularity)}`
        : formatDate(item.d.value, item.d.granularity);
      const g = s("g", { class: "tl-point", tabindex: "0", role: "button", dataset: { value: item.d.value }, onclick: () => onPick(item.d), onkeydown: (e) => e.key === "Enter" && onPick(item.d) },
        s("title", {}, `“${item.d.text}”: ${when}`));
      if (end - item.x0 > 3) g.append(s("rect", { class: "tl-range", x: item.x0, y: y - 4, width: end - item.x0, height: 8, rx: 3 }));
      g.append(
        s("circle", { class: "tl-dot", cx: item.x0, cy: y, r: 4 }),
        s("text", { class: "tl-label", x: item.left ? item.x0 - 7 : item.x0 + 7, y: y + 4, "text-anchor": item.left ? "end" : "start" }, item.label),
      );
      svg.append(g);
    }
    return svg;
  };
  const list = h("ol", { class: "tl-list" },
    items.map((item) => h("li", {},
      h("button", { type: "button", class: "link", onclick: () => onPick(item.d) },
        h("span", { class: "tl-when" }, formatDate(item.d.value, item.d.granularity), item.d.end_value ? ` – ${formatDate(item.d.end_value, item.d.granularity)}` : ""),
        h("span", { class: "tl-text" }, item.d.text)))));
  const wrap = h("div", { class: "timeline" }, draw(ASSUMED_WIDTH), list);
  let drawnWidth = ASSUMED_WIDTH;
  new ResizeObserver(() => {
    const width = Math.round(wrap.getBoundingClientRect().width);
    if (width && width !== drawnWidth) {
      drawnWidth = width;
      wrap.firstChild.replaceWith(draw(width));
    }
  }).observe(wrap);
  return wrap;
}
