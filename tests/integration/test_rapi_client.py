"""The Racing API client (shared/rapi*, shared/http) over real HTTP: build/bin/dh-rapi
against build/bin/dh-racing-sim on a loopback port, with the simulator's fault injection.

Checks: every command parses what the simulator serves; 500s, 429s and timeouts are
retried and succeed once the fault clears; 401 is not retried and is an auth error;
truncated and wrong-typed bodies are counted, never a crash; oversize bodies are refused
with bounded memory; two client processes together keep under RACING_API_RATE measured
from the simulator's own log; SIGTERM ends a waiting client within a second.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import harness

SIM = os.path.join(harness.ROOT, "build", "bin", "dh-racing-sim")
RAPI = os.path.join(harness.ROOT, "build", "bin", "dh-rapi")
NOW = "2025-10-14T10:00:00Z"
TODAY = "2025-10-14"
YESTERDAY = "2025-10-13"
EXIT = {"ok": 0, "auth": 3, "not found": 4, "bad request": 5, "unavailable": 6, "bad body": 7,
        "too big": 8, "stopped": 9}


class Sim:
    def __init__(self, workdir):
        self.port = harness.free_port()
        self.log = open(os.path.join(workdir, "sim.log"), "w")
        env = {k: v for k, v in os.environ.items() if k not in harness.CONFIG_VARS}
        env.update({"DH_NOW": NOW, "RACING_API_USERNAME": "simulator", "RACING_API_PASSWORD": "simulator"})
        self.proc = subprocess.Popen([SIM, "--port", str(self.port)], stdout=self.log, stderr=self.log,
                                     env=env, cwd=workdir)

    def up(self, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                time.sleep(0.1)
        return False

    def call(self, method, path, obj=None):
        data = json.dumps(obj).encode() if obj is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def faults(self, **kw):
        return self.call("POST", "/_sim/faults", kw)

    def reset(self):
        return self.call("POST", "/_sim/reset")

    def stats(self):
        return self.call("GET", "/_sim/stats")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Client:
    """Runs dh-rapi with the configuration a worker would have."""

    def __init__(self, sim, workdir):
        self.env = {k: v for k, v in os.environ.items() if k not in harness.CONFIG_VARS}
        self.env.update({"DH_SIM_PORT": str(sim.port), "DH_VAR_DIR": os.path.join(workdir, "var"),
                         "DH_NOW": NOW, "LOG_LEVEL": "info"})

    def start(self, *args, env=None, rss_file=None):
        # GNU time measures the peak RSS of dh-rapi alone: wait4's ru_maxrss would
        # also count the test runner's own memory, copied at fork.
        timer = ["/usr/bin/time", "-f", "%M", "-o", rss_file] if rss_file else []
        return subprocess.Popen(timer + [RAPI] + [str(a) for a in args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=dict(self.env, **(env or {})))

    def run(self, *args, env=None, timeout=120):
        """(exit code, {key: value} of every output line, output, max RSS in KiB)."""
        rss_file = tempfile.mktemp(prefix="dh-rapi-rss-")
        p = self.start(*args, env=env, rss_file=rss_file)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.02)
        p.returncode = os.waitstatus_to_exitcode(status)
        out, err = p.communicate()
        try:
            with open(rss_file) as f:
                rss = int(f.read().split()[-1])
            os.unlink(rss_file)
        except (OSError, ValueError, IndexError):
            rss = usage.ru_maxrss
        if p.returncode != 0 and "Command exited with non-zero status" in err:
            err = err.replace("Command exited with non-zero status %d\n" % p.returncode, "")
        return p.returncode, parse_kv(out), out + err, rss


def parse_kv(out):
    kv = {}
    for line in out.splitlines():
        for word in line.split():
            k, eq, v = word.partition("=")
            if eq:
                kv[k] = v.strip('"')
    return kv


def num(kv, key):
    try:
        return int(kv.get(key, "-1"))
    except ValueError:
        return -1


def requests_by_status(sim):
    return {int(k): v for k, v in sim.stats().get("by_status", {}).items()}


def check_commands(t, sim, c):
    rc, kv, out, _ = c.run("racecards", "--date", TODAY)
    t.check("racecards for a day parse", rc == 0 and num(kv, "races") > 0 and num(kv, "prices") > 0, out)
    t.check("racecards: no record skipped without faults", num(kv, "skipped") == 0, out)
    horse = kv.get("first_horse", "")
    race = kv.get("id", "")
    races = num(kv, "races")
    rc, kv, out, _ = c.run("--page", 10, "racecards", "--date", TODAY)
    t.check("racecards paged 10 at a time: the same races, in several requests",
            rc == 0 and num(kv, "races") == races and num(kv, "requests") == max(1, (races + 9) // 10),
            out)
    rc, kv, out, _ = c.run("results", "--date", YESTERDAY)
    t.check("results for a day parse", rc == 0 and num(kv, "races") > 0 and num(kv, "runners") > 0, out)
    rc, kv, out, _ = c.run("racecard", race)
    t.check("one racecard parses", rc == 0 and num(kv, "races") == 1, out)
    rc, kv, out, _ = c.run("horse", horse)
    t.check("horse profile parses", rc == 0 and kv.get("id") == horse, out)
    for args in (("courses",), ("regions",), ("search", "horses", "Test")):
        rc, kv, out, _ = c.run(*args)
        t.check("%s parse" % args[0], rc == 0, out)
    rc, kv, out, _ = c.run("horse", "hrs_0000000000")
    t.check("unknown horse: not found or a profile, never a crash", rc in (0, EXIT["not found"]), out)


def check_retries(t, sim, c):
    for fault, args in ((dict(error_rate=1.0), ()), (dict(timeout_rate=1.0), ("--timeout-ms", 800))):
        sim.reset()
        sim.faults(**fault)
        p = c.start("--attempts", 20, "--backoff-ms", 100, *args, "courses")
        time.sleep(2.5)
        sim.faults()
        try:
            out, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        kv = parse_kv(out)
        name = list(fault)[0]
        t.check("%s: retried until the fault cleared, then ok" % name,
                p.returncode == 0 and num(kv, "retries") >= 1, out + err[-800:])
        if name == "error_rate":
            t.check("error_rate: the simulator saw 500s then a 200",
                    requests_by_status(sim).get(500, 0) >= 1 and requests_by_status(sim).get(200, 0) >= 1,
                    sim.stats().get("by_status"))

    sim.reset()
    sim.faults(rate_limit_per_s=1)
    rc, kv, out, _ = c.run("--backoff-ms", 100, "--attempts", 10, "courses", env={"RACING_API_RATE": "20"})
    rc2, kv2, out2, _ = c.run("--backoff-ms", 100, "--attempts", 10, "regions", env={"RACING_API_RATE": "20"})
    t.check("429: Retry-After honoured and the call succeeds", rc == 0 and rc2 == 0, out + out2)
    t.check("429: the client counted the throttling", num(kv, "throttled") + num(kv2, "throttled") >= 1,
            out + out2)
    sim.faults()


def check_refusals(t, sim, c):
    sim.reset()
    sim.faults(status_401=True)
    rc, kv, out, _ = c.run("--backoff-ms", 50, "courses")
    t.check("401 is an auth error (exit 3)", rc == EXIT["auth"] and kv.get("result") == "auth", out)
    t.check("401 is not retried", sim.stats().get("requests") == 1, sim.stats())
    sim.faults()
    rc, kv, out, _ = c.run("courses", env={"RACING_API_USERNAME": "nobody", "RACING_API_PASSWORD": "wrong"})
    t.check("wrong credentials are an auth error", rc == EXIT["auth"], out)

    sim.reset()
    sim.faults(truncate_rate=1.0)
    rc, kv, out, _ = c.run("--backoff-ms", 50, "--attempts", 3, "racecards", "--date", TODAY)
    t.check("truncated bodies: counted, retried, a bad-body error (exit 7)",
            rc == EXIT["bad body"] and num(kv, "bad_bodies") == 3, out)
    sim.faults(wrong_types_rate=0.3)
    for args in (("racecards", "--date", TODAY), ("results", "--date", YESTERDAY)):
        rc, kv, out, _ = c.run("--backoff-ms", 50, "--attempts", 3, *args)
        t.check("wrong-typed %s: parsed, bad fields and records counted (%s skipped, %s bad)"
                % (args[0], kv.get("skipped"), kv.get("bad_fields")),
                rc == 0 and num(kv, "skipped") + num(kv, "bad_fields") > 0, out)

    sim.reset()
    sim.faults(oversize_bytes=64 * 1024 * 1024)
    rc, kv, out, rss = c.run("--max-body", 1 << 20, "racecards", "--date", TODAY)
    t.check("oversize body refused (exit 8), not retried",
            rc == EXIT["too big"] and num(kv, "requests") == 1 and sim.stats().get("requests") <= 1, out)
    t.check("oversize body: memory stays bounded (max RSS %d KiB)" % rss, 0 < rss < 40 * 1024, rss)
    rc, kv, out, rss = c.run("courses")
    t.check("64 MiB body refused at the default maximum, RSS %d KiB" % rss,
            rc == EXIT["too big"] and rss < 60 * 1024, out)
    sim.faults()


def check_rate(t, sim, c):
    """Two processes at once, six calls each, RACING_API_RATE=2: the simulator's log decides."""
    sim.reset()
    env = {"RACING_API_RATE": "2"}
    script = "for i in 1 2 3 4 5 6; do \"$0\" courses >/dev/null || exit 1; done"
    procs = [subprocess.Popen(["sh", "-c", script, RAPI], env=dict(c.env, **env)) for _ in range(2)]
    codes = [p.wait(timeout=120) for p in procs]
    recent = sorted(r["t"] for r in sim.stats().get("recent", []) if r["path"].startswith("/v1/"))
    t.check("two clients at once: all 12 calls succeeded", codes == [0, 0] and len(recent) == 12,
            (codes, len(recent)))
    if len(recent) >= 2:
        span = (recent[-1] - recent[0]) / 1000.0
        rate = (len(recent) - 1) / span if span > 0 else float("inf")
        busiest = max(sum(1 for x in recent if s <= x < s + 1000) for s in recent)
        t.check("two clients together stay under 2 requests/s (%.2f/s over %.1f s)" % (rate, span),
                rate <= 2.05, recent)
        t.check("no burst: at most 2 requests in any 1 s window, jitter allowed (%d)" % busiest,
                busiest <= 3, recent)


def check_stop(t, sim, c):
    sim.faults(error_rate=1.0)
    p = c.start("--attempts", 10, "--backoff-ms", 8000, "courses")
    time.sleep(1.5)
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    took = time.monotonic() - t0
    t.check("SIGTERM while backing off: exits within a second (%.2f s) as stopped" % took,
            p.returncode == EXIT["stopped"] and took < 1.0, out + err[-500:])
    sim.faults()


def run(t):
    if not t.check("simulator present", os.access(SIM, os.X_OK), "%s is missing: build branch sim" % SIM):
        return
    if not t.check("dh-rapi built", os.access(RAPI, os.X_OK), RAPI):
        return
    workdir = tempfile.mkdtemp(prefix="dh-rapi-client-")
    sim = Sim(workdir)
    failed_before = t.failed
    try:
        if not t.check("simulator listening", sim.up(), "see %s/sim.log" % workdir):
            return
        c = Client(sim, workdir)
        t.area(check_commands, t, sim, c)
        t.area(check_retries, t, sim, c)
        t.area(check_refusals, t, sim, c)
        t.area(check_rate, t, sim, c)
        t.area(check_stop, t, sim, c)
    finally:
        sim.stop()
        if t.failed > failed_before:
            dest = os.path.join(harness.ROOT, "tests", "logs", "rapi_client")
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(workdir, dest, ignore=shutil.ignore_patterns("var"))
            print("      logs kept in %s" % os.path.relpath(dest, harness.ROOT), flush=True)
        shutil.rmtree(workdir, ignore_errors=True)
