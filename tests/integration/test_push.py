"""Live push (issue 14): nchan in nginx, dh-live publishing after COMMIT.

A stack with the simulator, its workers stopped so that each cycle is one
`dh-live --once` at a chosen instant: the market at EARLIER, then at NOW,
when prices have moved.  Subscribers are EventSource and WebSocket clients
on /api/stream/board and /api/stream/races/ID; their messages are checked
against the REST API after the commit.  Then: resume with Last-Event-ID,
the dashboard in Chromium, nginx killed mid-stream (the publish fails and
is counted, the cycle is not delayed, clients get a resync), a race's
At Post published on time by a running dh-live with no price changed
(DH_NOW_RUNS), results, limits, and two nginx hosts sharing one Redis (a
message published on one reaches the other's subscribers)."""
import base64
import calendar
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time

import harness
from test_pipeline import SimAt

EARLIER = "2025-10-14T12:30:00Z"
NOW = "2025-10-14T13:00:00Z"
MID = "2025-10-14T13:05:00Z"
LATER = "2025-10-14T13:10:00Z"
BROWSER = os.path.join(harness.ROOT, "tests", "browser")
CHROMIUM = "/usr/bin/chromium"


class Client(threading.Thread):
    """A stream client's thread: events are (id, data, time received)."""

    def read_head(self):
        """The response head (text; None when the connection closed first) and
        what came after it; sets status."""
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None, b""
            buf += chunk
        head, _, buf = buf.partition(b"\r\n\r\n")
        head = head.decode(errors="replace")
        self.status = int(head.split()[1])
        return head, buf

    def wait(self, pred, timeout=20):
        return harness.wait_for(lambda: [e for e in self.events if pred(e[1])], timeout, 0.05)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class SSE(Client):
    """An EventSource client on 127.0.0.1:port path: collects (id, data, time
    received) until closed; reconnects are the caller's (new client with
    last_event_id)."""

    def __init__(self, port, path, last_event_id=None):
        super().__init__(daemon=True)
        self.events = []
        self.status = None
        self.headers = ""
        self.closed = False
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        extra = "Last-Event-ID: %s\r\n" % last_event_id if last_event_id else ""
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n%s\r\n"
                           % (path, extra)).encode())
        self.start()

    def run(self):
        try:
            head, buf = self.read_head()
            if head is None:
                return
            self.headers = head
            chunked = "transfer-encoding: chunked" in self.headers.lower()
            raw = buf
            text = b""
            event = {}
            while True:
                if chunked:
                    # De-chunk what has arrived.
                    while True:
                        line, sep, rest = raw.partition(b"\r\n")
                        if not sep:
                            break
                        size = int(line.split(b";")[0] or b"0", 16)
                        if len(rest) < size + 2:
                            break
                        text += rest[:size]
                        raw = rest[size + 2:]
                        if size == 0:
                            return
                else:
                    text += raw
                    raw = b""
                while b"\n" in text:
                    line, _, text = text.partition(b"\n")
                    line = line.rstrip(b"\r").decode(errors="replace")
                    if line == "":
                        if "data" in event:
                            try:
                                data = json.loads(event["data"])
                            except ValueError:
                                data = event["data"]
                            self.events.append((event.get("id"), data, time.time()))
                        event = {}
                    elif line.startswith("id:"):
                        event["id"] = line[3:].strip()
                    elif line.startswith("data:"):
                        event["data"] = event.get("data", "") + line[5:].lstrip()
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                raw += chunk
        except OSError:
            return
        finally:
            self.closed = True


class WS(Client):
    """A WebSocket client on 127.0.0.1:port path: the handshake, then the
    text frames the server sends, collected as (None, data, time received)
    until closed.  Server frames are unmasked; pings are answered with pongs."""

    def __init__(self, port, path):
        super().__init__(daemon=True)
        self.events = []
        self.status = None
        self.closed = False
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, key)).encode())
        self.start()

    def recv_exact(self, buf, n):
        while len(buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("closed")
            buf += chunk
        return buf

    def run(self):
        try:
            head, buf = self.read_head()
            if head is None or self.status != 101:
                return
            message = b""
            while True:
                buf = self.recv_exact(buf, 2)
                fin, opcode, size = buf[0] & 0x80, buf[0] & 0x0F, buf[1] & 0x7F
                at = 2
                if size == 126:
                    buf = self.recv_exact(buf, 4)
                    size, at = int.from_bytes(buf[2:4], "big"), 4
                elif size == 127:
                    buf = self.recv_exact(buf, 10)
                    size, at = int.from_bytes(buf[2:10], "big"), 10
                buf = self.recv_exact(buf, at + size)
                payload, buf = buf[at:at + size], buf[at + size:]
                if opcode == 8:
                    return
                if opcode == 9:     # ping: a pong with the same payload, masked (client frames are)
                    mask = os.urandom(4)
                    self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask
                                      + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
                    continue
                if opcode in (0, 1):
                    message += payload
                    if fin:
                        try:
                            data = json.loads(message)
                        except ValueError:
                            data = message.decode(errors="replace")
                        self.events.append((None, data, time.time()))
                        message = b""
        except OSError:
            return
        finally:
            self.closed = True


def of_type(kind, race_id=None):
    return lambda d: isinstance(d, dict) and d.get("type") == kind and (race_id is None or d.get("race_id") == race_id)


def once(st, when, sim, **env):
    return st.run_binary("dh-live", "--once", timeout=300, DH_NOW=when, RACING_API_BASE_URL=sim,
                         RACING_API_USERNAME="simulator", RACING_API_PASSWORD="simulator",
                         RACING_API_RATE=20, **env)


def last_run_detail(st):
    rc, out, _ = st.psql("SELECT detail FROM dh_worker_runs WHERE worker = 'live' ORDER BY started_at DESC,"
                         " ctid DESC LIMIT 1")
    return json.loads(out) if rc == 0 and out else {}


def pick_race(st):
    """A race still open at LATER, with prices: (race_id, its grid)."""
    body = st.get_fresh("/api/live-odds/races-by-stage").json() or {}
    for stage in ("early_market", "pre_race"):
        for race in body.get("stages", {}).get(stage, []):
            if race.get("runner_count", 0) >= 3:
                return race["race_id"]
    return None


def check_endpoints(t, st):
    sse = SSE(st.http_port, "/api/stream/board")
    harness.wait_for(lambda: sse.status, timeout=5)
    t.check("GET /api/stream/board is an EventSource stream (200 text/event-stream)",
            sse.status == 200 and "text/event-stream" in sse.headers.lower(), sse.headers)
    sse.close()
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", st.http_port), timeout=5) as s:
        s.sendall(("GET /api/stream/races/rac_1 HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode())
        head = s.recv(4096).decode(errors="replace")
    t.check("GET /api/stream/races/ID upgrades to a WebSocket (101)", head.startswith("HTTP/1.1 101"), head[:200])
    r = st.get("/api/stream/races/bad%21id")
    t.check("a race id nginx's pattern refuses reaches dh-api: 422 JSON", r.status == 422 and r.is_json(), r)
    sock = os.path.join(st.var, "run", "dh-push.sock")
    t.check("the publisher is a unix socket in the run directory", os.path.exists(sock))
    r = st.request("/pub/board", method="POST", body=b'{"type":"x"}')
    t.check("the publisher location is not on the HTTP port", r.status in (404, 405), r)
    doc = st.get("/api/openapi.json").json() or {}
    paths = doc.get("paths", {})
    ok = all("text/event-stream" in json.dumps(paths.get(p, {}))
             for p in ("/api/stream/board", "/api/stream/races/{race_id}"))
    t.check("the OpenAPI document describes both streams as text/event-stream", ok, list(paths)[:5])


def check_publish(t, st, sim_now):
    """A cycle's committed price changes reach the race's and the board's subscribers."""
    with SimAt(st, EARLIER) as earlier:
        p = once(st, EARLIER, earlier.url)
    t.check("dh-live --once at %s" % EARLIER, p.returncode == 0, p.stderr[-600:])
    race_id = pick_race(st)
    if not t.check("a race open at %s with prices" % NOW, race_id):
        return None
    race = SSE(st.http_port, "/api/stream/races/%s" % race_id)
    board = SSE(st.http_port, "/api/stream/board")
    ws = WS(st.http_port, "/api/stream/races/%s" % race_id)
    harness.wait_for(lambda: race.status and board.status and ws.status, timeout=5)
    t0 = time.monotonic()
    try:
        p = once(st, NOW, sim_now)
        t.check("dh-live --once at %s" % NOW, p.returncode == 0, p.stderr[-600:])
        got = check_messages(t, st, race_id, race, board, t0)
        check_websocket(t, ws, race_id, race)
        return got
    finally:
        race.close()
        board.close()
        ws.close()


def check_websocket(t, ws, race_id, race):
    """The WebSocket subscriber of the race gets the same prices message as the EventSource one."""
    got = ws.wait(of_type("prices", race_id), timeout=10)
    sse = [e[1] for e in race.events if of_type("prices", race_id)(e[1])]
    t.check("a WebSocket subscriber of /api/stream/races/ID gets the prices message (one frame, the same JSON"
            " as EventSource's: id %s)" % (got[0][1].get("id") if got else None),
            got and sse and got[0][1] == sse[0], (ws.status, [e[1] for e in ws.events][:3]))


def check_messages(t, st, race_id, race, board, t0):
    got = race.wait(of_type("prices", race_id))
    if not t.check("the race's subscriber gets a prices delta (%.1f s after the cycle began)"
                   % (time.monotonic() - t0), got, race.events[:3]):
        return None
    first = race.events[0][1]
    t.check("a new publisher's first message on the channel is a resync", first.get("type") == "resync", first)
    _, msg, received = got[0]
    t.check("the message has id (EPOCH-SEQ), seq, epoch and timestamp",
            msg.get("id") == "%s-%s" % (msg.get("epoch"), msg.get("seq")) and msg.get("seq", 0) >= 1
            and str(msg.get("timestamp", "")).startswith("2025-10-14T13:00"), msg.get("id"))
    seqs = [e[1].get("seq") for e in race.events]
    t.check("seq counts 1, 2, ... on the channel", seqs == list(range(1, len(seqs) + 1)), seqs)
    grid = st.get_fresh("/api/races/%s/odds" % race_id).json() or {}
    prices = {}
    for runner in grid.get("race", {}).get("runners", []):
        for book, price in (runner.get("prices") or {}).items():
            prices[(runner["horse_id"], book)] = price
    wrong = [pr for pr in msg.get("prices", [])
             if abs(prices.get((pr["horse_id"], pr["bookmaker_id"]), {}).get("decimal", -1) - pr["decimal"]) > 1e-6
             or prices.get((pr["horse_id"], pr["bookmaker_id"]), {}).get("fractional") != pr.get("fractional")]
    t.check("%d changed prices, each as the REST grid has it after the commit" % len(msg.get("prices", [])),
            msg.get("prices") and not wrong, wrong[:3])
    fields = set(msg["prices"][0])
    t.check("prices carry the REST API's field names",
            {"horse_id", "horse_name", "number", "bookmaker_id", "bookmaker", "fractional", "decimal",
             "changed_at"} <= fields, fields)
    for runner in msg.get("runners", []):
        rest = [r for r in grid["race"]["runners"] if r["horse_id"] == runner["horse_id"]]
        if not t.check("runner %s: best price and favourite as the REST grid" % runner["horse_id"],
                       rest and rest[0]["favourite"] == runner["favourite"]
                       and (rest[0]["best_price"] or {}).get("decimal") == (runner["best_price"] or {}).get("decimal"),
                       (runner, rest[:1])):
            break
    committed = time.mktime(time.strptime(msg["committed_at"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone \
        + float("0." + msg["committed_at"][20:23])
    t.check("received %.0f ms after COMMIT" % ((received - committed) * 1000), 0 <= received - committed + 0.05 < 2,
            (msg["committed_at"], received))
    got = board.wait(of_type("board"))
    t.check("the board's subscriber gets the board delta", got, board.events[:2])
    if got:
        entry = got[0][1]["races"][0] if got[0][1].get("races") else {}
        t.check("board entries: race_id, stage, favourite, runners",
                {"race_id", "stage", "favourite", "runners", "off_dt"} <= set(entry), entry)
    d = last_run_detail(st)
    t.check("the cycle counts what it published (push_published %s, push_failed %s)"
            % (d.get("push_published"), d.get("push_failed")), d.get("push_published", 0) >= 2
            and d.get("push_failed") == 0, d)
    race.close()
    board.close()
    return race_id, race.events


def check_resume(t, st, race_id, events):
    """Reconnecting with Last-Event-ID gets what was missed from the buffer."""
    first_id = events[0][0]
    sse = SSE(st.http_port, "/api/stream/races/%s" % race_id, last_event_id=first_id)
    got = sse.wait(lambda d: isinstance(d, dict) and d.get("seq") == events[-1][1]["seq"], timeout=5)
    t.check("Last-Event-ID %s: the messages after it again, from nchan's buffer" % first_id,
            got and [e[1]["seq"] for e in sse.events] == [e[1]["seq"] for e in events[1:]],
            [e[1].get("seq") for e in sse.events])
    sse.close()


def check_nginx_killed(t, st, race_id, sim_later):
    """nginx dies mid-stream: the cycle publishing meanwhile is not failed or
    delayed (the failure is counted); the clients reconnect and get a resync."""
    sse = SSE(st.http_port, "/api/stream/races/%s" % race_id)
    harness.wait_for(lambda: sse.status, timeout=5)
    st.ctl("stop", "nginx")
    t.check("the stream ends when nginx goes", harness.wait_for(lambda: sse.closed, timeout=10), sse.events)
    last_id = sse.events[-1][0] if sse.events else None
    t0 = time.monotonic()
    p = once(st, LATER, sim_later)
    took = time.monotonic() - t0
    t.check("dh-live --once with nginx down succeeds (%.1f s)" % took, p.returncode == 0, p.stderr[-600:])
    d = last_run_detail(st)
    t.check("the failed publishes are logged and counted (push_failed %s)" % d.get("push_failed"),
            d.get("push_failed", 0) > 0 and "could not publish" in p.stderr, (d, p.stderr[-400:]))
    st.ctl("start", "nginx")
    harness.wait_for(lambda: st.get("/health").status == 200, timeout=20)
    again = SSE(st.http_port, "/api/stream/races/%s" % race_id, last_event_id=last_id or "0:0")
    harness.wait_for(lambda: again.status, timeout=5)
    with SimAt(st, NOW) as sim:
        p = once(st, NOW, sim.url)
    got = again.wait(of_type("resync"), timeout=10)
    t.check("after nginx is back, the reconnected client gets a resync (then the deltas)",
            got and again.events[0][1].get("type") == "resync", again.events[:2])
    again.close()


def check_stage_on_time(t, st):
    """A race entering At Post is published on both channels at its instant,
    from dh-live's timer, with no price changed and no cycle then: a
    long-running dh-live whose clock runs from 4 s before the boundary
    (DH_NOW_RUNS), against a simulator standing still there."""
    body = st.get_fresh("/api/live-odds/races-by-stage").json() or {}
    races = [r for stage in ("going_to_post", "pre_race") for r in body.get("stages", {}).get(stage, [])
             if r.get("off_dt")]
    if not t.check("a race between 5 min and 2 h from %s" % NOW, races, body.get("stages", {}).keys()):
        return
    race = races[0]
    off = calendar.timegm(time.strptime(race["off_dt"][:19], "%Y-%m-%dT%H:%M:%S"))
    lead = 4
    start = off - 300 - lead        # at_post's message is due at off - 300 + 1
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start))
    with SimAt(st, when) as sim:
        p = once(st, when, sim.url)     # the database as the simulator has it at that instant
        t.check("dh-live --once at %s" % when, p.returncode == 0, p.stderr[-600:])
        board = SSE(st.http_port, "/api/stream/board")
        chan = SSE(st.http_port, "/api/stream/races/%s" % race["race_id"])
        harness.wait_for(lambda: board.status and chan.status, timeout=5)
        spawned = time.time()
        proc, log = st.spawn_binary("dh-live", DH_NOW=when, DH_NOW_RUNS="on", RACING_API_BASE_URL=sim.url,
                                    RACING_API_USERNAME="simulator", RACING_API_PASSWORD="simulator",
                                    RACING_API_RATE=20, LOG_LEVEL="debug")
        try:
            due = spawned + lead + 1
            at_post = lambda d: of_type("stage", race["race_id"])(d) and d.get("stage") == "at_post"
            got = board.wait(at_post, timeout=lead + 10)
            late = got[0][2] - due if got else None
            t.check("the board gets %s's at_post stage message on time (%s s after its instant)"
                    % (race["race_id"], "%.2f" % late if got else "never"),
                    got and -0.3 <= late <= 1.5 and got[0][1].get("previous_stage") == "going_to_post",
                    (board.events[-3:], open(log).read()[-1500:]))
            t.check("so does the race's channel", chan.wait(at_post, timeout=3), chan.events[-3:])
            moved = [e[1].get("type") for e in board.events + chan.events
                     if e[1].get("type") in ("prices", "board")]
            t.check("with no price changed: no prices or board delta meanwhile", not moved, moved)
            t.check("dh-live ran one cycle meanwhile (the stage came from its timer)",
                    open(log).read().count("cycle done") == 1, open(log).read()[-1500:])
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            board.close()
            chan.close()


def grid_prices(st, race_id):
    grid = st.get_fresh("/api/races/%s/odds" % race_id).json() or {}
    return {"%s %s" % (r["horse_id"], book): p["decimal"]
            for r in grid.get("race", {}).get("runners", []) for book, p in (r.get("prices") or {}).items()}


def check_browser(t, st, race_id):
    """The dashboard's race view open in Chromium: a price change that
    dh-live commits appears in it without a reload (tests/browser/push.test.mjs)."""
    if not t.check("chromium present (%s)" % CHROMIUM, os.access(CHROMIUM, os.X_OK)):
        return
    p = subprocess.run([os.path.join(BROWSER, "setup")], capture_output=True, text=True, timeout=300)
    if not t.check("playwright-core installed (tests/browser/setup)", p.returncode == 0, p.stderr[-800:]):
        return
    node = subprocess.Popen(["node", os.path.join(BROWSER, "push.test.mjs"), "--base",
                             "http://127.0.0.1:%d" % st.http_port, "--race", race_id, "--chromium", CHROMIUM,
                             "--push-socket", os.path.join(st.var, "run", "dh-push.sock")],
                            cwd=BROWSER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)

    def report(line):
        if line.startswith("ok "):
            t.check("browser: " + line[3:].strip(), True)
        elif line.startswith("FAIL "):
            name, _, detail = line[5:].partition(": ")
            t.check("browser: " + name, False, detail)

    try:
        for line in node.stdout:
            if line.strip() == "ready":
                break
            report(line)
        else:
            t.check("browser: the page got ready", False, node.stderr.read()[-1500:])
            return
        with SimAt(st, MID) as sim:
            p = once(st, MID, sim.url)
        t.check("dh-live --once at %s" % MID, p.returncode == 0, p.stderr[-600:])
        node.stdin.write(json.dumps(grid_prices(st, race_id)) + "\n")
        node.stdin.flush()
        for line in node.stdout:
            report(line)
        t.check("browser: the script exited cleanly", node.wait(timeout=60) == 0, node.stderr.read()[-800:])
    finally:
        if node.poll() is None:
            node.kill()
            node.wait()


def check_results(t, st):
    """dh-historical publishes each race's result to its channel after COMMIT."""
    env = dict(DH_NOW=NOW, RACING_API_BASE_URL="http://127.0.0.1:%s/v1" % st.env["DH_SIM_PORT"],
               RACING_API_USERNAME="simulator", RACING_API_PASSWORD="simulator", RACING_API_RATE=20)
    p = st.run_binary("dh-historical", "--once", "--date", "2025-10-13", timeout=300, **env)
    t.check("dh-historical --once --date 2025-10-13", p.returncode == 0, p.stderr[-600:])
    rc, race_id, _ = st.psql("SELECT race_id FROM ra_odds_historical WHERE race_date = '2025-10-13'"
                             " AND position_num = 1 ORDER BY race_id LIMIT 1")
    if not t.check("yesterday's results stored", rc == 0 and race_id, race_id):
        return
    sse = SSE(st.http_port, "/api/stream/races/%s" % race_id)
    try:
        harness.wait_for(lambda: sse.status, timeout=5)
        p = st.run_binary("dh-historical", "--once", "--date", "2025-10-13", timeout=300, **env)
        got = sse.wait(of_type("result", race_id), timeout=10)
        msg = got[0][1] if got else {}
        rc, winner, _ = st.psql("SELECT horse_id FROM ra_odds_historical WHERE race_id = '%s' AND position_num = 1"
                                % race_id)
        t.check("the race's subscriber gets its result, winner first, as stored",
                msg.get("runners") and msg["runners"][0]["horse_id"] == winner
                and {"horse_id", "horse_name", "position", "sp", "sp_dec"} <= set(msg["runners"][0]),
                (msg, winner))
    finally:
        sse.close()


def nchan_subscribers(st):
    """The subscribers nchan counts (its stub status on the publisher socket), or -1."""
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(os.path.join(st.var, "run", "dh-push.sock"))
            s.sendall(b"GET /status HTTP/1.0\r\nHost: localhost\r\n\r\n")
            body = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                body += chunk
    except OSError:
        return -1
    m = re.search(rb"subscribers: (\d+)", body)
    return int(m.group(1)) if m else -1


def check_limits(t, st):
    """Per-client connection limit: the next stream is a 429 JSON."""
    limit = int(st.env.get("DH_STREAM_CLIENT_LIMIT", "16"))
    # The streams of the areas before are closed; nginx counts them until it has seen them go.
    harness.wait_for(lambda: nchan_subscribers(st) == 0, timeout=10)
    conns = [SSE(st.http_port, "/api/stream/board") for _ in range(limit)]
    harness.wait_for(lambda: all(c.status for c in conns), timeout=10)
    extra = SSE(st.http_port, "/api/stream/board")
    harness.wait_for(lambda: extra.status, timeout=5)
    t.check("%d streams from one client are served, the next is 429" % limit,
            all(c.status == 200 for c in conns) and extra.status == 429, [c.status for c in conns] + [extra.status])
    for c in conns + [extra]:
        c.close()


REDIS_PROCS = []    # every redis-server started, stopped at the end


def redis_server(port, workdir):
    p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", workdir],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    REDIS_PROCS.append(p)
    return p


def publish(st, channel, body):
    """POSTs body to the stack's publisher socket: the HTTP status, 0 when
    nothing answered in 5 s."""
    try:
        return publish_once(st, channel, body)
    except (OSError, IndexError, ValueError):
        return 0


def publish_once(st, channel, body):
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(os.path.join(st.var, "run", "dh-push.sock"))
        data = json.dumps(body).encode()
        s.sendall(b"POST /pub/%s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (channel.encode(), len(data), data))
        return int(s.recv(4096).split()[1])


def check_redis(t, a, b, redis):
    """Two nginx hosts on one Redis: a publish on either reaches both."""
    on_a = SSE(a.http_port, "/api/stream/races/rac_shared")
    on_b = SSE(b.http_port, "/api/stream/races/rac_shared")
    harness.wait_for(lambda: on_a.status and on_b.status, timeout=5)
    time.sleep(0.3)
    t.check("publish on host A", publish(a, "race-rac_shared", {"type": "test", "n": 1}) in (201, 202))
    t.check("host B's subscriber gets host A's message",
            on_b.wait(lambda d: isinstance(d, dict) and d.get("n") == 1, timeout=5), on_b.events)
    t.check("publish on host B", publish(b, "race-rac_shared", {"type": "test", "n": 2}) in (201, 202))
    t.check("host A's subscriber gets host B's message",
            on_a.wait(lambda d: isinstance(d, dict) and d.get("n") == 2, timeout=5), on_a.events)
    last = on_b.events[-1][0] if on_b.events else "0:0"
    on_b.close()
    publish(a, "race-rac_shared", {"type": "test", "n": 3})
    resumed = SSE(b.http_port, "/api/stream/races/rac_shared", last_event_id=last)
    t.check("a client of B reconnecting with Last-Event-ID gets what A published meanwhile (Redis buffer)",
            resumed.wait(lambda d: isinstance(d, dict) and d.get("n") == 3, timeout=5), resumed.events)
    resumed.close()
    on_a.close()


def check_redis_killed(t, a, b, redis, port, work):
    """Redis dies mid-stream: publishing is refused meanwhile (a publisher counts it, and sends a resync once it goes
    through again: tests/unit/test_push.c); when Redis is back, publishing
    works on both hosts and a new client gets what is published."""
    sub = SSE(b.http_port, "/api/stream/races/rac_redis")
    harness.wait_for(lambda: sub.status, timeout=5)
    time.sleep(0.3)
    t.check("publish on A before", publish(a, "race-rac_redis", {"type": "test", "n": 10}) in (201, 202))
    t.check("B's subscriber gets it", sub.wait(lambda d: isinstance(d, dict) and d.get("n") == 10, timeout=5))
    last = sub.events[-1][0] if sub.events else "0:0"
    redis.kill()
    redis.wait(timeout=10)
    down = publish(a, "race-rac_redis", {"type": "test", "n": 11})
    t.check("with Redis down a publish is refused (HTTP %s)" % down, down not in (201, 202))
    sub.close()
    redis_server(port, work)
    back = harness.wait_for(lambda: publish(a, "race-rac_redis", {"type": "resync"}) in (201, 202)
                            and publish(b, "race-rac_other", {"type": "test"}) in (201, 202), timeout=30, interval=0.5)
    t.check("Redis back: publishing goes through again on both hosts", back)
    again = SSE(b.http_port, "/api/stream/races/rac_redis", last_event_id=last)
    fresh = SSE(b.http_port, "/api/stream/races/rac_redis")
    harness.wait_for(lambda: again.status and fresh.status, timeout=5)
    # B's nchan subscribes to the channel in Redis again on its own schedule
    # after the restart (seen up to a few seconds late under load, CI stop 19):
    # a publish before that reaches Redis but not B's new client.  dh-live
    # publishes every cycle, so the client must get one of a publish a second.
    got, n, t0 = False, 12, time.monotonic()
    while not got and time.monotonic() - t0 < 20:
        publish(a, "race-rac_redis", {"type": "test", "n": n})
        got = fresh.wait(lambda d: isinstance(d, dict) and d.get("n", 0) >= 12, timeout=1)
        n += 1
    t.check("a new client of B gets what A publishes after Redis came back (%d publish(es), %.1f s)"
            % (n - 12, time.monotonic() - t0), got, fresh.events)
    fresh.close()
    # Known (nchan 1.3.6, Redis mode): a client resuming with a Last-Event-ID
    # from before Redis lost its data gets nothing more on that connection; a
    # new connection without it does (above).  Said, not checked: README.
    if not again.wait(lambda d: isinstance(d, dict) and d.get("n", 0) >= 12, timeout=3):
        print("      note: Redis mode: a Last-Event-ID from before the Redis restart gets nothing (known)", flush=True)
    again.close()


def run(t):
    if not os.path.exists(os.path.join(harness.ROOT, "build", "bin", "dh-racing-sim")):
        t.check("simulator present (build/bin/dh-racing-sim)", False)
        return
    st = harness.Stack("push", DH_NOW=NOW, DH_MASTERS_BACKFILL_DAYS=1, DH_STREAM_CLIENT_LIMIT=6)
    failed_before = t.failed
    try:
        st.start()
        st.ctl("stop", "workers:")
        t.area(check_endpoints, t, st)
        sim_now = "http://127.0.0.1:%s/v1" % st.env["DH_SIM_PORT"]
        got = t.area(check_publish, t, st, sim_now)
        if got:
            t.area(check_resume, t, st, *got)
            t.area(check_browser, t, st, got[0])
            with SimAt(st, LATER) as later:
                t.area(check_nginx_killed, t, st, got[0], later.url)
        t.area(check_stage_on_time, t, st)
        t.area(check_results, t, st)
        t.area(check_limits, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()

    run_redis(t)


def run_redis(t):
    """Two nginx hosts (two stacks, the second API-only) sharing one Redis."""
    if not shutil.which("redis-server"):
        t.check("redis-server present (scripts/deps.sh)", False)
        return
    port = harness.free_port()
    work = os.path.join("/tmp", "dh-push-redis-%d" % port)
    os.makedirs(work, exist_ok=True)
    redis = redis_server(port, work)
    url = "redis://127.0.0.1:%d" % port
    a = harness.Stack("push-a", DH_WORKERS="none", DH_PUSH_REDIS_URL=url)
    b = None
    failed_before = t.failed
    try:
        harness.wait_for(lambda: harness.port_open(port), timeout=10)
        a.start()
        b = harness.Stack("push-b", DH_WORKERS="none", DH_PUSH_REDIS_URL=url,
                          DATABASE_URL=a.role_url("dh_writer"), DATABASE_READ_URL=a.role_url("dh_reader"))
        b.start()
        t.area(check_redis, t, a, b, redis)
        t.area(check_redis_killed, t, a, b, redis, port, work)
    finally:
        if t.failed > failed_before:
            a.keep_logs()
        if b is not None:
            b.cleanup()
        a.cleanup()
        for p in REDIS_PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)
