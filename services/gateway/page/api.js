// The gateway's public API, as any client calls it. Paths are relative, so the page also works
// behind a proxy that serves the gateway under a prefix.

const KEY_STORAGE = "newsflow-api-key";
const FINAL_EVENTS = new Set(["done", "failed"]);
const RECONNECT_MS = 1000; // after a dropped event stream; Last-Event-ID replays what was missed
const MAX_RECONNECTS = 10;

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || "";
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

function headers(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, "X-API-Key": key } : extra;
}

export async function request(path, { method = "GET", body } = {}) {
  const init = { method, headers: headers(body ? { "Content-Type": "application/json" } : {}) };
  if (body) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text.slice(0, 200) };
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** GET with query parameters, leaving out empty ones. */
export function get(path, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") query.set(k, v);
  const qs = query.toString();
  return request(qs ? `${path}?${qs}` : path);
}

function parseBlock(block) {
  const event = { id: null, type: "message", data: [] };
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") event.id = value;
    else if (field === "event") event.type = value;
    else if (field === "data") event.data.push(value);
  }
  return event.data.length ? { ...event, data: event.data.join("\n") } : null;
}

/**
 * Follows an article's Server-Sent Events until done or failed, calling onEvent(type, body).
 * fetch, not EventSource: EventSource cannot send the X-API-Key header. A dropped stream is
 * resumed with Last-Event-ID, so no event is missed or repeated.
 */
export async function followEvents(articleId, onEvent, signal) {
  let lastId = null;
  for (let attempt = 0; attempt <= MAX_RECONNECTS; attempt++) {
    try {
      const extra = { Accept: "text/event-stream" };
      if (lastId) extra["Last-Event-ID"] = lastId;
      const response = await fetch(`articles/${encodeURIComponent(articleId)}/events`, { headers: headers(extra), signal });
      if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const blocks = buffer.split(/\r?\n\r?\n/);
        buffer = blocks.pop();
        for (const block of blocks) {
          const event = parseBlock(block);
          if (!event) continue;
          if (event.id) lastId = event.id;
          onEvent(event.type, JSON.parse(event.data));
          if (FINAL_EVENTS.has(event.type)) return event.type;
        }
      }
      return null; // the server ended the stream: the article expired
    } catch (error) {
      if (signal?.aborted || (error instanceof ApiError && error.status < 500)) throw error;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }
  return null;
}
