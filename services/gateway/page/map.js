// Places on the shipped world outline (static/world.svg: equirectangular, x = longitude,
// y = -latitude, one unit per degree), zoomed to the pins. No tiles, no CDN.
import { s, h, plural } from "./dom.js";

const WORLD = { x: -180, y: -84, w: 360, h: 142 }; // world.svg's viewBox (build_world_map.py)
const ASPECT = 2; // width / height of the map card
const MIN_SPAN = 50; // degrees of longitude shown at the closest zoom: countries stay recognisable
const PAD = 0.18; // share of the pins' extent added around them

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

/** The map card's content: the outline, the countries named shaded, a pin per resolved place. */
export async function placesMap(result, onPick) {
  const places = (result.extraction?.places || []).filter((p) => p.latitude !== null && p.longitude !== null);
  const wrap = h("div", { class: "map" });
  if (!places.length) return null;
  const svg = await world();
  svg.setAttribute("class", "world-map");
  svg.setAttribute("aria-label", `Map of the ${plural(places.length, "place")} the article names`);
  for (const p of places) {
    if (p.country_code && p.feature === "country") svg.getElementById(`c-${p.country_code}`)?.classList.add("named");
  }
  const points = places.map((p) => ({ p, x: p.longitude, y: -p.latitude, n: Math.max(1, p.mentions.length) }));
  const zoomed = frame(points);
  svg.setAttribute("viewBox", box(zoomed));
  const scale = zoomed.w / 100; // pin size in degrees, for about the same size on screen
  svg.style.setProperty("--pin-scale", String(scale));
  const pins = s("g", { class: "pins" });
  // Larger pins first, so small ones stay clickable on top.
  for (const { p, x, y, n } of points.sort((a, b) => b.n - a.n)) {
    const r = scale * (1 + Math.sqrt(n) * 0.55);
    const what = p.feature ? ` (${p.feature})` : "";
    pins.append(
      s("g", { class: `marker f-${p.feature || "place"}`, tabindex: "0", role: "button", dataset: { place: p.name, entity: p.entity || "" },
        onclick: () => onPick(p), onkeydown: (e) => e.key === "Enter" && onPick(p) },
        s("title", {}, `${p.name}${what} · ${plural(p.mentions.length, "mention")} · ${p.latitude.toFixed(2)}, ${p.longitude.toFixed(2)}`),
        s("circle", { cx: x, cy: y, r }),
        s("text", { x: x + r + scale * 0.6, y: y + scale * 1.1, "font-size": scale * 3.2 }, p.name)),
    );
  }
  svg.append(pins);
  const toggle = h("button", { type: "button", class: "map-zoom small", "aria-pressed": "false" }, "Whole world");
  toggle.addEventListener("click", () => {
    const whole = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", String(whole));
    toggle.textContent = whole ? "Zoom to places" : "Whole world";
    svg.setAttribute("viewBox", box(whole ? WORLD : zoomed));
  });
  wrap.append(svg, toggle);
  return wrap;
}
