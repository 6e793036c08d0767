// The server's notion of now.  The API stamps live answers with its clock
// ("timestamp", frozen by DH_NOW in tests); countdowns run from that, not
// from the browser's clock, which may be wrong or in another time.

let offset = 0;		// server ms - browser ms
let known = false;

/*
 * Learns the server's clock from an answer's timestamp.  An answer from
 * nginx's micro-cache is a few seconds old: when the Date header is just
 * after the timestamp, the server's clock is real and Date is closer to now.
 */
export function observe(timestamp, dateHeader) {
  let t = Date.parse(timestamp);
  if (!Number.isFinite(t)) return;
  const d = Date.parse(dateHeader || "");
  if (Number.isFinite(d) && d >= t && d - t < 60000) t = d;
  offset = t - Date.now();
  known = true;
}

export function now() {
  return Date.now() + offset;
}

export function isKnown() {
  return known;
}

/*
 * The wall clock, for what workers record as it happened (their status
 * rows): the server's when it keeps real time, the browser's when the
 * server's clock stands at another instant (DH_NOW: tests and replays).
 */
export function wallNow() {
  return Math.abs(offset) < 3600000 ? now() : Date.now();
}
