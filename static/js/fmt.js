// Formatting for display: UK times, durations, prices and numbers.  A value
// that is missing renders as an en dash.

export const DASH = "–";

const ukTime = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit" });
const ukTimeSecs = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London", hour: "2-digit", minute: "2-digit", second: "2-digit",
});
const ukDateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
});
const ukDate = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" });

export function missing(v) {
  return v === null || v === undefined || v === "" || (typeof v === "number" && !Number.isFinite(v));
}

/* Milliseconds since the epoch of an ISO instant, or NaN. */
export function ms(iso) {
  return missing(iso) ? NaN : Date.parse(iso);
}

function fmtWith(f, iso) {
  const t = typeof iso === "number" ? iso : ms(iso);
  return Number.isFinite(t) ? f.format(t) : DASH;
}

export const time = (iso) => fmtWith(ukTime, iso);
export const timeSecs = (iso) => fmtWith(ukTimeSecs, iso);
export const dateTime = (iso) => fmtWith(ukDateTime, iso);

/* "Tue 14 Oct 2025" for a calendar date "2025-10-14". */
export function date(d) {
  const t = missing(d) ? NaN : Date.parse(String(d).slice(0, 10) + "T00:00:00Z");
  return Number.isFinite(t) ? ukDate.format(t) : DASH;
}

/* A span of seconds: "3 d 4 h", "1 h 05 min", "4 min 59 s", "42 s". */
export function duration(secs) {
  if (missing(secs) || !Number.isFinite(Number(secs))) return DASH;
  const n = Math.max(0, Math.floor(secs));
  const dd = Math.floor(n / 86400), hh = Math.floor((n % 86400) / 3600);
  const mm = Math.floor((n % 3600) / 60), ss = n % 60;
  if (dd > 0) return `${dd} d ${hh} h`;
  if (hh > 0) return `${hh} h ${String(mm).padStart(2, "0")} min`;
  if (mm > 0) return `${mm} min ${String(ss).padStart(2, "0")} s`;
  return `${ss} s`;
}

/* A period in its largest whole unit: "24 h", "10 min", "90 s". */
export function period(secs) {
  const n = Number(secs);
  if (missing(secs) || !Number.isFinite(n) || n <= 0) return DASH;
  if (n % 3600 === 0) return `${n / 3600} h`;
  if (n % 60 === 0) return `${n / 60} min`;
  return `${n} s`;
}

/* How long ago (or until) an instant, relative to now (ms): "20 s ago", "in 4 min 10 s". */
export function relative(iso, now) {
  const t = ms(iso);
  if (!Number.isFinite(t)) return DASH;
  const secs = (t - now) / 1000;
  if (Math.abs(secs) < 1) return "just now";
  return secs > 0 ? `in ${duration(secs)}` : `${duration(-secs)} ago`;
}

/* A price: "5/2" or "3.50", as the person chose; either when the other is missing. */
/*
 * A price in the odds format mode: fractional (as upstream wrote it),
 * decimal, american ("+250", "-200": as the API's format=american) or
 * probability (the implied chance, "28.6%").
 */
export function price(decimal, fractional, mode) {
  const d = Number(decimal);
  if (mode === "fractional" && !missing(fractional)) return String(fractional);
  if (mode === "american" && !missing(decimal) && d > 1) {
    return d >= 2 ? `+${Math.round((d - 1) * 100)}` : `-${Math.round(100 / (d - 1))}`;
  }
  if (mode === "probability" && !missing(decimal) && d > 1) return `${(100 / d).toFixed(1)}%`;
  if (!missing(decimal) && Number.isFinite(d) && d > 1) return d.toFixed(2);
  return missing(fractional) ? DASH : String(fractional);
}

const numFmt = new Intl.NumberFormat("en-GB");
export function num(v) {
  return missing(v) || !Number.isFinite(Number(v)) ? DASH : numFmt.format(Number(v));
}

export function text(v) {
  return missing(v) ? DASH : String(v);
}

export const STAGES = ["early_market", "pre_race", "going_to_post", "at_post"];
export const STAGE_NAMES = {
  early_market: "Early Market", pre_race: "Pre Race", going_to_post: "Going To Post",
  at_post: "At Post", off: "Off",
};

/* The stage of a race secs seconds before its off (the API's rules). */
export function stageOf(secs) {
  if (secs < 0) return "off";
  if (secs < 300) return "at_post";
  if (secs < 1800) return "going_to_post";
  if (secs < 7200) return "pre_race";
  return "early_market";
}
