// Live push: an EventSource on /api/stream/board or /api/stream/races/ID
// (nginx's nchan, fed by dh-live after each commit).  The panels keep their
// REST polling as the fallback: while the stream is up they poll seldom,
// when it is down (push off on the server: 503; too many streams: 429; no
// EventSource) they poll as before, and the indicator says which.
//
// Messages carry seq, 1, 2, ... per publisher (epoch): a gap within one
// epoch, or a message of type "resync", means something was missed, and
// the panel refetches its REST snapshot.  EventSource reconnects by itself
// and sends Last-Event-ID, so nchan replays what is still in its buffer.

const RETRY_MS = 30000;	// after the server refused the stream

/*
 * Subscribes to path.  handlers: message(msg) for each message, resync()
 * when the snapshot must be refetched, mode("live" | "polling") when that
 * changes.  Returns { close(), mode() }.
 */
export function subscribe(path, handlers) {
  const seqs = new Map();	// epoch -> last seq seen
  let es = null, retry = null, mode = "polling", closed = false;

  const setMode = (m) => {
    if (m === mode) return;
    mode = m;
    if (handlers.mode) handlers.mode(m);
  };

  const onMessage = (ev) => {
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch (e) {
      return;
    }
    if (!msg || typeof msg !== "object") return;
    const last = seqs.get(msg.epoch);
    if (msg.epoch !== undefined && Number.isInteger(msg.seq)) seqs.set(msg.epoch, msg.seq);
    if (msg.type === "resync" || (last !== undefined && msg.seq !== last + 1)) {
      handlers.resync();
      if (msg.type === "resync") return;
    }
    handlers.message(msg);
  };

  const connect = () => {
    retry = null;
    if (closed) return;
    if (typeof EventSource !== "function") return;
    es = new EventSource(path);
    es.addEventListener("open", () => {
      // Back after a break: what was missed may be beyond the buffer.
      if (mode === "polling" && seqs.size) handlers.resync();
      setMode("live");
    });
    es.addEventListener("message", onMessage);
    es.addEventListener("error", () => {
      setMode("polling");
      if (es && es.readyState === EventSource.CLOSED) {
        // Refused (503, 429...): EventSource gives up; try again later.
        es = null;
        if (!closed) retry = setTimeout(connect, RETRY_MS);
      }
    });
  };

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      if (es) es.close();
      es = null;
    },
    mode: () => mode,
  };
}

/*
 * The messages of the last ms (20 s by default), to replay over every REST
 * snapshot a panel fetches: a snapshot may come from nginx's micro-cache
 * (seconds old) or be read before a delta that arrives after it, and must
 * not undo a change the stream already showed.  add(msg) keeps one;
 * replay(apply) forgets those older than ms and calls apply(msg) on the
 * others, oldest first; clear() forgets them all.  Whether a replayed value
 * goes over the snapshot's is the panel's call: atLeastAsNew.
 */
export function recent(ms = 20000) {
  let list = [];	// [{ at: ms, msg }]
  return {
    add(msg) {
      list.push({ at: Date.now(), msg });
    },
    replay(apply) {
      const now = Date.now();
      list = list.filter((r) => now - r.at < ms);
      for (const { msg } of list) apply(msg);
    },
    clear() {
      list = [];
    },
  };
}

/* An instant's time in ms (ISO-8601), or -Infinity when there is none. */
export function stampMs(iso) {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : -Infinity;
}

/* Whether a delta's value stamped theirs goes over a snapshot's stamped ours: it is at least as new. */
export function atLeastAsNew(theirs, ours) {
  return stampMs(theirs) >= stampMs(ours);
}

/* The indicator's text and state for a mode. */
export function label(mode, pollSecs) {
  return mode === "live" ? "Live: prices stream in" : `Polling every ${pollSecs} s`;
}
