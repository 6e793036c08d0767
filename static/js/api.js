// Talking to the read API: GETs with a timeout and retries, and the
// connection banner.  nginx keeps serving cached answers while dh-api is
// down, so a 200 does not prove the API is up: /api/health (never cached)
// is the heartbeat that raises and clears the banner.

import * as clock from "./clock.js";
import { byId, setText } from "./dom.js";
import * as fmt from "./fmt.js";

const TIMEOUT_MS = 10000;
const HEARTBEAT_MS = 10000;	// while the API answers
const RETRY_MS = [2000, 4000, 8000, 15000];	// while it does not

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || (status ? `HTTP ${status}` : "no answer"));
    this.status = status;	// 0: no answer at all
  }
}

// lastData: when an answer last came (perhaps nginx's cached copy), by the server's clock.
const state = { online: true, reason: "", lastData: null, retryAt: 0, failures: 0 };
const onlineListeners = new Set();
let heartbeatTimer = null;

/* fn() runs whenever the API comes back after being unreachable. */
export function onOnline(fn) {
  onlineListeners.add(fn);
}

export function isOnline() {
  return state.online;
}

/* A 502, 503, 504, 429 or no answer: worth trying again. */
function transient(status) {
  return status === 0 || status === 429 || status >= 502;
}

async function once(path) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(path, { cache: "no-store", signal: ctl.signal, headers: { Accept: "application/json" } });
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok) {
      const detail = body && typeof body.detail === "string" ? body.detail : "";
      throw new ApiError(res.status, detail || `HTTP ${res.status}`);
    }
    if (body && typeof body.timestamp === "string") clock.observe(body.timestamp, res.headers.get("Date"));
    state.lastData = clock.now();
    return body;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, ctl.signal.aborted ? "timed out" : "no answer from the server");
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/*
 * GETs path and returns its JSON body.  Transient failures are tried again
 * (retries times, backing off); the last one raises the banner.  Throws
 * ApiError.
 */
export async function getJSON(path, retries = 2) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once(path);
    } catch (e) {
      if (!transient(e.status) || attempt >= retries) {
        if (transient(e.status)) offline(describe(e));
        throw e;
      }
      await sleep(500 * 2 ** attempt);
    }
  }
}

function describe(e) {
  if (e.status === 503) return "The database is unavailable.";
  if (e.status === 429) return "Too many requests: slowing down.";
  return "The API is unreachable.";
}

async function heartbeat() {
  clearTimeout(heartbeatTimer);
  if (document.hidden && state.online) {
    schedule();	// a tab in the background asks nothing; it checks again when shown
    return;
  }
  try {
    await once("/api/health");
    online();
  } catch (e) {
    offline(describe(e));
  }
  schedule();
}

function schedule() {
  clearTimeout(heartbeatTimer);
  const wait = state.online ? HEARTBEAT_MS : RETRY_MS[Math.min(state.failures - 1, RETRY_MS.length - 1)];
  state.retryAt = Date.now() + wait;
  heartbeatTimer = setTimeout(heartbeat, wait);
}

function online() {
  const was = state.online;
  state.online = true;
  state.failures = 0;
  if (!was) {
    render();
    for (const fn of onlineListeners) fn();
  }
}

function offline(reason) {
  const was = state.online;
  state.online = false;
  state.reason = reason;
  state.failures++;
  render();
  if (was) schedule();
}

function render() {
  const banner = byId("api-banner");
  if (state.online) {
    banner.hidden = true;
    document.body.classList.remove("offline");
    return;
  }
  document.body.classList.add("offline");
  banner.hidden = false;
  setText(byId("api-banner-title"), state.reason);
  const since = state.lastData
    ? `Showing the data last received (at ${fmt.timeSecs(state.lastData)}); it may be out of date.`
    : "No data received yet.";
  const secs = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
  setText(byId("api-banner-detail"), `${since} Trying again in ${secs} s.`);
}

/* Starts the heartbeat and the banner's retry button and countdown. */
export function start() {
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) heartbeat();
  });
  byId("api-retry").addEventListener("click", () => {
    setText(byId("api-banner-detail"), "Trying again…");
    heartbeat();
  });
  setInterval(() => {
    if (!state.online) render();
  }, 1000);
  heartbeat();
}
