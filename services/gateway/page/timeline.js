// The article's dates on one axis: a dot for a day, a bar for a period or a range.
import { h, s, isoDay, formatDate } from "./dom.js";

const ASSUMED_WIDTH = 700; // px, before the card is laid out; redrawn at its real width
const PAD = 14;
const LANE = 22; // height of one row of labels
const AXIS = 34; // room under the lanes for tick labels and the publication mark
const CHAR = 6.2; // average label character width at 11px, for lane packing
const MAX_LABEL = 26;
const DAY_MS = 86400000;

/** The end of the period a date names (value is its start). */
function periodEnd(d) {
  if (d.end_value) return isoDay(d.end_value);
  const start = isoDay(d.value);
  const add = { week: [0, 0, 7], month: [0, 1, 0], quarter: [0, 3, 0], half: [0, 6, 0], season: [0, 3, 0], year: [1, 0, 0], decade: [10, 0, 0], century: [100, 0, 0] }[d.granularity];
  if (!add) return start;
  return new Date(Date.UTC(start.getUTCFullYear() + add[0], start.getUTCMonth() + add[1], start.getUTCDate() + add[2]));
}

function ticks(min, max) {
  const span = (max - min) / DAY_MS;
  const out = [];
  const start = new Date(min);
  if (span > 365 * 3) {
    const step = Math.max(1, Math.ceil(span / 365 / 6));
    for (let y = start.getUTCFullYear(); ; y += step) {
      const t = Date.UTC(y, 0, 1);
      if (t > max) break;
      if (t >= min) out.push([t, String(y)]);
    }
  } else if (span > 45) {
    const step = Math.max(1, Math.ceil(span / 30 / 6));
    for (let m = start.getUTCMonth(), y = start.getUTCFullYear(); ; m += step) {
      const t = Date.UTC(y, m, 1);
      if (t > max) break;
      if (t >= min) out.push([t, formatDate(new Date(t).toISOString(), "month")]);
    }
  } else {
    const step = Math.max(1, Math.ceil(span / 6));
    for (let t = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); t <= max; t += step * DAY_MS) {
      if (t >= min) out.push([t, formatDate(new Date(t).toISOString(), "day")]);
    }
  }
  return out;
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
    let min = Math.min(...items.map((i) => i.from), ...(published ? [published.getTime()] : []));
    let max = Math.max(...items.map((i) => i.to), ...(published ? [published.getTime()] : []));
    const margin = Math.max((max - min) * 0.06, 3 * DAY_MS);
    min -= margin;
    max += margin;
    const x = (t) => PAD + ((t - min) / (max - min)) * (width - 2 * PAD);

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
    svg.append(s("line", { class: "tl-axis", x1: PAD, x2: width - PAD, y1: axisY, y2: axisY }));
    for (const [t, label] of ticks(min, max)) {
      svg.append(
        s("line", { class: "tl-tick", x1: x(t), x2: x(t), y1: axisY, y2: axisY + 4 }),
        s("line", { class: "tl-grid", x1: x(t), x2: x(t), y1: 4, y2: axisY }),
        s("text", { class: "tl-tick-label", x: x(t), y: axisY + 16, "text-anchor": "middle" }, label),
      );
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
