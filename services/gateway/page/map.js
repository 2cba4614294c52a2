// Places on the shipped world outline (static/world.svg: equirectangular, x = longitude,
// y = -latitude, one unit per degree), zoomed to the pins. No tiles, no CDN.
import { s, h, plural } from "./dom.js";

const WORLD = { x: -180, y: -84, w: 360, h: 142 }; // world.svg's viewBox (build_world_map.py)
const ASPECT = 2; // width / height of the map card
const MIN_SPAN = 50; // degrees of longitude shown at the closest zoom: countries stay recognisable
const PAD = 0.18; // share of the pins' extent added around them
// Sizes on screen, in CSS pixels, converted to degrees at the current zoom.
const PIN_PX = 3.5;
const PIN_GROWTH_PX = 2; // more per square root of the place's mentions
const LABEL_PX = 12;
const HALO_PX = 3;
const CHAR_WIDTH = 0.58; // average glyph width per font size, to keep labels apart
const ASSUMED_WIDTH_PX = 700; // before the map is laid out

let worldSvg = null;

async function world() {
  if (!worldSvg) {
    const response = await fetch("static/world.svg");
    worldSvg = new DOMParser().parseFromString(await response.text(), "image/svg+xml").documentElement;
  }
  return document.importNode(worldSvg, true);
}

/** The viewBox around the pins, at the card's aspect, inside the world. */
export function frame(points) {
  if (!points.length) return WORLD;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let w = Math.max(x1 - x0, MIN_SPAN) * (1 + 2 * PAD);
  let hgt = Math.max(y1 - y0, MIN_SPAN / ASPECT) * (1 + 2 * PAD);
  if (w / hgt < ASPECT) w = hgt * ASPECT;
  else hgt = w / ASPECT;
  w = Math.min(w, WORLD.w);
  hgt = Math.min(hgt, WORLD.h);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const x = Math.min(Math.max(cx - w / 2, WORLD.x), WORLD.x + WORLD.w - w);
  const y = Math.min(Math.max(cy - hgt / 2, WORLD.y), WORLD.y + WORLD.h - hgt);
  return { x, y, w, h: hgt };
}

const box = (f) => `${f.x} ${f.y} ${f.w} ${f.h}`;

function pinsAndLabels(points, view, unit, onPick) {
  const pins = s("g", { class: "pins" });
  const labels = s("g", { class: "pin-labels", "aria-hidden": "true", "font-size": LABEL_PX * unit, "stroke-width": HALO_PX * unit });
  const placed = []; // label boxes already drawn: a label that would overlap one is left out
  // Most mentioned first: they get their labels, and smaller pins are drawn on top of them.
  for (const { p, x, y, n } of points) {
    const r = (PIN_PX + Math.sqrt(n) * PIN_GROWTH_PX) * unit;
    const what = p.feature ? ` (${p.feature})` : "";
    pins.append(
      s("g", { class: `marker f-${p.feature || "place"}`, tabindex: "0", role: "button", dataset: { place: p.name, entity: p.entity || "" },
        onclick: () => onPick(p), onkeydown: (e) => e.key === "Enter" && onPick(p) },
        s("title", {}, `${p.name}${what} · ${plural(p.mentions.length, "mention")} · ${p.latitude.toFixed(2)}, ${p.longitude.toFixed(2)}`),
        s("circle", { cx: x, cy: y, r, "stroke-width": 1.5 * unit })),
    );
    const size = LABEL_PX * unit;
    const box = { x0: x + r + 3 * unit, y0: y - size * 0.6, w: p.name.length * size * CHAR_WIDTH, h: size * 1.2 };
    const right = box.x0 + box.w < view.x + view.w;
    if (!right) box.x0 = x - r - 3 * unit - box.w;
    const overlaps = placed.some((b) => box.x0 < b.x0 + b.w && b.x0 < box.x0 + box.w && box.y0 < b.y0 + b.h && b.y0 < box.y0 + box.h);
    if (overlaps) continue;
    placed.push(box);
    labels.append(s("text", { x: right ? box.x0 : box.x0 + box.w, y: y + size * 0.35, "text-anchor": right ? "start" : "end" }, p.name));
  }
  return [pins, labels];
}

/** The map card's content: the outline, the countries named shaded, a pin per resolved place. */
export async function placesMap(result, onPick) {
  const places = (result.extraction?.places || []).filter((p) => p.latitude !== null && p.longitude !== null);
  if (!places.length) return null;
  const svg = await world();
  svg.setAttribute("class", "world-map");
  svg.setAttribute("aria-label", `Map of the ${plural(places.length, "place")} the article names`);
  for (const p of places) {
    if (p.country_code && p.feature === "country") svg.querySelector(`#c-${CSS.escape(p.country_code)}`)?.classList.add("named");
  }
  const points = places.map((p) => ({ p, x: p.longitude, y: -p.latitude, n: Math.max(1, p.mentions.length) })).sort((a, b) => b.n - a.n);
  const zoomed = frame(points);
  let view = zoomed;
  let drawn = [];
  // Pins and labels keep their size on screen whatever the zoom and the card's width.
  const draw = () => {
    const width = svg.getBoundingClientRect().width || ASSUMED_WIDTH_PX;
    svg.setAttribute("viewBox", box(view));
    for (const el of drawn) el.remove();
    drawn = pinsAndLabels(points, view, view.w / width, onPick);
    svg.append(...drawn);
  };
  draw();
  new ResizeObserver(draw).observe(svg);
  const toggle = h("button", { type: "button", class: "small ghost map-zoom", "aria-pressed": "false" }, "Whole world");
  toggle.addEventListener("click", () => {
    const whole = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", String(whole));
    toggle.textContent = whole ? "Zoom to places" : "Whole world";
    view = whole ? WORLD : zoomed;
    draw();
  });
  const list = h("ul", { class: "place-list" }, points.map(({ p }) =>
    h("li", { title: `${p.name} · ${p.feature || "place"} · ${plural(p.mentions.length, "mention")}` },
      h("button", { type: "button", class: "link", onclick: () => onPick(p) }, p.name),
      h("span", { class: "muted" }, ` ${p.mentions.length}`))));
  return h("div", { class: "map" }, svg, toggle, list);
}
