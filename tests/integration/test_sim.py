"""dh-racing-sim, the Racing API simulator, on its own (no stack): started
directly on a free port with DH_NOW frozen at a chosen instant, then checked
against the captured upstream samples (tests/fixtures/racing-api/, copied
unchanged from the project documentation): the same keys at every level, the
same JSON types and formats; realistic counts and prices; determinism;
paging; results only for races that are off; the error bodies; every fault
mode; DH_NOW; SIGTERM; speed and memory of a full day."""
import base64
import collections
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import harness

# DH_SIM_BIN: another build of the simulator (e.g. with SANITIZE=address,undefined).
BIN = os.environ.get("DH_SIM_BIN") or os.path.join(harness.ROOT, "build", "bin", "dh-racing-sim")
FIXTURES = os.path.join(harness.ROOT, "tests", "fixtures", "racing-api")
NOW = "2025-10-14T12:00:00Z"        # 13:00 in London: some races off, most to come
DAY = "2025-10-14"
AUTH = "Basic " + base64.b64encode(b"simulator:simulator").decode()
ENV_DROP = harness.CONFIG_VARS + ("DH_SIM_SEED", "DH_SIM_FAULTS", "DH_SIM_PORT", "LOG_LEVEL")


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return json.load(f)


class Sim:
    """One dh-racing-sim process on a free port; its log in a temporary file."""

    def __init__(self, now=NOW, args=(), **env):
        self.port = harness.free_port()
        self.args = list(args)
        self.dir = tempfile.mkdtemp(prefix="dh-sim-")
        self.log_path = os.path.join(self.dir, "sim.log")
        self.env = {k: v for k, v in os.environ.items() if k not in ENV_DROP}
        if now:
            self.env["DH_NOW"] = now
        self.env.update({k: str(v) for k, v in env.items()})
        self.proc = None

    def start(self, wait=True):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BIN, "--port", str(self.port)] + self.args, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        if wait:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                    return self
                except OSError:
                    time.sleep(0.02)
            raise RuntimeError("dh-racing-sim did not start: %s" % self.log())
        return self

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def keep_log(self, name):
        dest = os.path.join(harness.ROOT, "tests", "logs", "sim")
        os.makedirs(dest, exist_ok=True)
        shutil.copy(self.log_path, os.path.join(dest, name + ".log"))

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, path, method="GET", body=None, auth=True, headers=None, timeout=20, conn=None):
        hdrs = dict(headers or {})
        if auth:
            hdrs["Authorization"] = AUTH if auth is True else auth
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            return harness.Response(r.status, r.getheaders(), r.read())
        except (OSError, http.client.HTTPException) as e:
            return harness.Response(0, [], str(e).encode())
        finally:
            if own:
                conn.close()

    def get(self, path, **kw):
        return self.request(path, **kw)

    def json(self, path, **kw):
        r = self.request(path, **kw)
        if r.status != 200:
            raise RuntimeError("GET %s: %s" % (path, r))
        return r.json()

    def faults(self, settings):
        return self.request("/_sim/faults", method="POST", body=json.dumps(settings), auth=False)


# --- shapes ---------------------------------------------------------------

def kind(v):
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
            float: "number", type(None): "null"}[type(v)]


def merged(items):
    """The union of a list of sample objects: every key, with a non-empty example."""
    out = {}
    for item in items:
        for k, v in item.items():
            if k not in out or (isinstance(v, (list, dict)) and v and not out[k]):
                out[k] = v
    return out


def shape_diff(sample, actual, path="$", exact=True):
    """Differences between the shape of a sample and of an answer: keys and types at
    every level; list items against the union of the sample's items."""
    if kind(sample) != kind(actual):
        return ["%s: %s in the sample, %s here" % (path, kind(sample), kind(actual))]
    out = []
    if isinstance(sample, dict):
        for k in sample:
            if k not in actual:
                out.append("%s.%s missing" % (path, k))
        if exact:
            for k in actual:
                if k not in sample:
                    out.append("%s.%s not in the sample" % (path, k))
        for k in sample:
            if k in actual:
                out.extend(shape_diff(sample[k], actual[k], "%s.%s" % (path, k), exact))
    elif isinstance(sample, list) and sample:
        proto = merged(sample) if all(isinstance(x, dict) for x in sample) else sample[0]
        for i, item in enumerate(actual[:50]):
            out.extend(shape_diff(proto, item, "%s[%d]" % (path, i), exact))
    return out


def scalars(v, path="$"):
    """Every (path, value) leaf of a JSON value."""
    if isinstance(v, dict):
        for k, x in v.items():
            yield from scalars(x, path + "." + k)
    elif isinstance(v, list):
        for x in v:
            yield from scalars(x, path + "[]")
    else:
        yield path, v


RE = {
    "race_id": r"rac_\d+", "course_id": r"crs_\d+", "horse_id": r"hrs_\d+", "jockey_id": r"jky_\d+",
    "trainer_id": r"trn_\d+", "owner_id": r"own_\d+", "sire_id": r"sir_\d+", "dam_id": r"dam_\d+",
    "damsire_id": r"dsi_\d+", "date": r"\d{4}-\d\d-\d\d", "dob": r"\d{4}-\d\d-\d\d",
    "off_time": r"(1[0-2]|[1-9]):[0-5]\d", "off": r"(1[0-2]|[1-9]):[0-5]\d",
    "off_dt": r"\d{4}-\d\d-\d\dT\d\d:[0-5]\d:00\+0[01]:00", "region": r"[A-Z]{2,3}",
    "distance_f": r"\d+\.0", "dist_f": r"\d+f", "field_size": r"\d+", "age": r"\d+", "lbs": r"\d+",
    "number": r"\d+", "draw": r"\d+", "ofr": r"\d*|-|–", "rpr": r"\d*|-|–", "ts": r"\d*|-|–",
    "or": r"\d*|-|–", "tsr": r"\d*|-|–", "updated": r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
    "changed_at": r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "weight": r"\d+-\d+", "weight_lbs": r"\d+",
    "sp": r"(\d+/\d+|Evs)[FJC]?", "sp_dec": r"\d+\.\d\d", "prize_runner": r"(\d+\.\d\d)?",
    "position": r"\d+|F|U|UR|PU|BD|RO|DSQ|VO|RR|CO|SU", "btn": r"0|\d*\.?\d+|", "ovr_btn": r"0|\d*\.?\d+|",
    "jockey_claim_lbs": r"\d+", "dist_y": r"\d+", "dist_m": r"\d+", "sex_code": r"[CFGHM]",
    "silk_url": r"https://www\.rp-assets\.com/svg/\w/\w/\w/\w+\.svg", "trainer_rtf": r"\d*",
    "prize": r"[£€]\d{1,3}(,\d{3})*", "decimal": r"\d+(\.\d{1,2})?|-|SP",
    "fractional": r"\d+/\d+|evs|SP|-|\d+(\.\d{1,2})?", "ew_places": r"\d?", "ew_denom": r"\d?",
}


def format_errors(obj, skip=()):
    """Fields whose value does not match its format (by key name)."""
    bad = []
    for path, v in scalars(obj):
        key = path.rsplit(".", 1)[-1]
        if key in skip or key not in RE:
            continue
        if not isinstance(v, str) or not re.fullmatch(RE[key], v):
            bad.append((path, v))
    return bad


def frac_value(frac):
    if frac == "evs":
        return 2.0
    a, b = frac.split("/")
    return 1 + int(a) / int(b)


def books(race):
    """{bookmaker: [decimal or None per runner]} of a racecard."""
    out = collections.defaultdict(list)
    for ru in race["runners"]:
        for o in ru["odds"]:
            d = o["decimal"]
            out[o["bookmaker"]].append(float(d) if re.fullmatch(r"\d+(\.\d+)?", d) else d)
    return out


def overrounds(race):
    """Book percentages of complete sportsbook books (exchange and books with "SP" left out)."""
    out = []
    for name, prices in books(race).items():
        if name == "Betfair Exchange" or "SP" in prices:
            continue
        priced = [p for p in prices if isinstance(p, float)]
        if priced:
            out.append(sum(1 / p for p in priced))
    return out


def uk_local(iso):
    """'2025-10-14T13:44:00+01:00' -> '2025-10-14 13:44:00'."""
    return iso[:10] + " " + iso[11:19]


# --- checks -------------------------------------------------------------

def check_contract(t, sim):
    sample = fixture("courses_gb.json")
    body = sim.json("/v1/courses?region_codes=gb")
    t.check("contract: /courses has the shape of courses_gb.json", not shape_diff(sample, body),
            shape_diff(sample, body))
    t.check("contract: /courses?region_codes=gb holds GB courses only, lowercase codes, ids crs_",
            body["courses"] and all(c["region_code"] == "gb" and c["region"] == "Great Britain"
                                    and re.fullmatch(r"crs_\d+", c["id"]) for c in body["courses"])
            and body["total"] == len(body["courses"]) and
            {"Aintree", "Ascot", "Leicester", "Kempton (AW)"} <= {c["course"] for c in body["courses"]}, body)
    known = {c["id"]: c["course"] for c in sample["courses"]}
    t.check("contract: known course ids are the upstream's (crs_832 Aintree, crs_52 Ascot)",
            all({c["id"]: c["course"] for c in body["courses"]}.get(k) == v for k, v in known.items()))
    both = sim.json("/v1/courses?region_codes=gb&region_codes=ire")
    t.check("contract: /courses with both regions adds the Irish ones",
            both["total"] > body["total"] and {"gb", "ire"} == {c["region_code"] for c in both["courses"]})

    regions = sim.json("/v1/courses/regions")
    d = shape_diff(fixture("courses_regions.json"), regions)
    t.check("contract: /courses/regions is a bare array shaped like courses_regions.json",
            isinstance(regions, list) and not d and {"gb", "ire"} <= {r["region_code"] for r in regions}, d)

    sample = fixture("racecards_pro_2025-10-14.json")
    body = sim.json("/v1/racecards/pro?date=" + DAY)
    d = shape_diff(sample, body)
    t.check("contract: /racecards/pro has exactly the keys and types of the sample, at every level",
            not d and body["racecards"], d[:10])
    prev = fixture("racecard_race_pro.json")["runners"][0]
    runners = [ru for rc in body["racecards"] for ru in rc["runners"]]
    pt = [ru["prev_trainers"][0] for ru in runners if ru["prev_trainers"]]
    po = [ru["prev_owners"][0] for ru in runners if ru["prev_owners"]]
    st = [ru["stable_tour"][0] for ru in runners if ru["stable_tour"]]
    t.check("contract: prev_trainers, prev_owners and stable_tour items are shaped as captured",
            pt and po and st and not shape_diff(prev["prev_trainers"][0], pt[0])
            and not shape_diff(prev["prev_owners"][0], po[0])
            and not shape_diff(fixture("racecard_race_pro.json")["runners"][1]["stable_tour"][0], st[0]),
            (pt[:1], po[:1], st[:1]))
    t.check("contract: racecard query echo is [[key, value], ...]", body["query"] == [["date", DAY]], body["query"])
    keys_order = [list(rc.keys()) for rc in body["racecards"][:1]]
    t.check("contract: racecard keys come in the upstream's order",
            keys_order == [list(sample["racecards"][0].keys())] and
            list(body["racecards"][0]["runners"][0].keys()) == list(sample["racecards"][1]["runners"][0].keys()),
            keys_order)

    race = body["racecards"][0]
    one = sim.json("/v1/racecards/%s/pro" % race["race_id"])
    d = shape_diff(fixture("racecard_race_pro.json"), one)
    t.check("contract: /racecards/{race_id}/pro is one racecard shaped like racecard_race_pro.json",
            not d and one == race, d[:10])

    d = shape_diff(fixture("racecards_summaries.json"), sim.json("/v1/racecards/summaries?date=" + DAY))
    t.check("contract: /racecards/summaries has the shape of racecards_summaries.json", not d, d)

    sample = fixture("results_2025-10-13.json")
    res = sim.json("/v1/results?start_date=2025-10-13&end_date=2025-10-13")
    d = shape_diff(sample, res)
    t.check("contract: /results has exactly the keys and types of results_2025-10-13.json", not d and res["results"], d[:10])
    t.check("contract: /results query echo and default limit 25",
            res["query"] == sample["query"] and res["limit"] == 25 and res["skip"] == 0, (res["query"], res["limit"]))
    one = sim.json("/v1/results/" + res["results"][0]["race_id"])
    t.check("contract: /results/{race_id} is one result of the same shape",
            not shape_diff(sample["results"][0], one) and one == res["results"][0])

    horse = race["runners"][0]
    pro = sim.json("/v1/horses/%s/pro" % horse["horse_id"])
    d = shape_diff(fixture("horse_pro.json"), pro)
    t.check("contract: /horses/{id}/pro has the keys of horse_pro.json", not d, d)
    t.check("contract: horse pro names carry the country, racecards do not",
            pro["name"] == "%s (%s)" % (horse["horse"], horse["region"]) and pro["id"] == horse["horse_id"]
            and pro["sire_id"] == horse["sire_id"] and pro["dam_id"] == horse["dam_id"]
            and pro["damsire_id"] == horse["damsire_id"] and pro["dob"] == horse["dob"], (pro, horse["horse"]))

    word = next(w for ru in race["runners"] for w in ru["horse"].split() if w.isascii() and len(w) > 3)
    found = sim.json("/v1/horses/search?name=" + word.lower())
    d = shape_diff(fixture("horses_search.json"), found)
    t.check("contract: /horses/search has the shape of horses_search.json and finds by part of the name",
            not d and found["search_results"] and
            all(word.lower() in h["name"].lower() for h in found["search_results"]), (d, word))
    for who in ("jockeys", "trainers", "owners"):
        name = {"jockeys": race["runners"][0]["jockey"], "trainers": race["runners"][0]["trainer"],
                "owners": race["runners"][0]["owner"]}[who].split("(")[0].split()[-1]
        found = sim.json("/v1/%s/search?name=%s" % (who, name))
        d = shape_diff(fixture("jockeys_search.json"), found)
        t.check("contract: /%s/search has the shape of jockeys_search.json" % who,
                not d and found["search_results"], (d, name, found))


def check_errors(t, sim):
    for case in fixture("errors.json"):
        path = case["endpoint"]
        if case["params"]:
            path += "?" + "&".join("%s=%s" % kv for kv in case["params"].items())
        r = sim.get(path)
        t.check("errors.json: %s -> %d with the captured body" % (path, case["status_code"]),
                r.status == case["status_code"] and r.json() == case["body"], r)
    for path in ("/v1/jockeys", "/v1/racecards/rac_1/pro", "/v1/results/rac_99999999", "/v1/horses/hrs_1/pro",
                 "/v1/odds/rac_1/hrs_1", "/nothing", "/v1/racecards/pro/extra"):
        r = sim.get(path)
        t.check("404 {\"detail\":\"Not Found\"} for %s" % path,
                r.status == 404 and r.json() == {"detail": "Not Found"} and r.is_json(), r)
    r = sim.get("/v1/courses", auth=False)
    t.check("no credentials: 401 JSON with WWW-Authenticate: Basic",
            r.status == 401 and r.is_json() and "detail" in r.json()
            and r.headers.get("www-authenticate", "").startswith("Basic"), r)
    r = sim.get("/v1/courses", auth="Basic " + base64.b64encode(b"simulator:wrong").decode())
    t.check("wrong credentials: 401 JSON", r.status == 401 and r.is_json(), r)
    r = sim.get("/v1/no-such-thing", auth=False)
    t.check("unknown path without credentials: 404 (routing comes first, as FastAPI)", r.status == 404, r)
    r = sim.get("/v1/courses", method="POST", body=b"{}")
    t.check("POST to a GET endpoint: 405 JSON", r.status == 405 and r.is_json(), r)
    cases = [
        ("/v1/racecards/pro?limit=0", "limit", "value_error.number.not_ge"),
        ("/v1/racecards/pro?limit=501", "limit", "value_error.number.not_le"),
        ("/v1/racecards/pro?limit=abc", "limit", "type_error.integer"),
        ("/v1/racecards/pro?skip=-1", "skip", "value_error.number.not_ge"),
        ("/v1/racecards/pro?date=2025-13-01", "date", None),
        ("/v1/racecards/pro?date=2023-01-22", "date", None),
        ("/v1/racecards/pro?date=2025-10-22", "date", None),
        ("/v1/results?limit=51", "limit", "value_error.number.not_le"),
        ("/v1/results?start_date=2024-10-01&end_date=2024-10-01", "start_date", None),
        ("/v1/owners/search", "name", "value_error.missing"),
    ]
    for path, name, typ in cases:
        r = sim.get(path)
        d = (r.json() or {}).get("detail") or [{}]
        t.check("422 naming %s for %s" % (name, path),
                r.status == 422 and d[0].get("loc") == ["query", name] and "msg" in d[0]
                and (typ is None or d[0].get("type") == typ), r)
    r = sim.get("/v1/racecards/pro?limit=0")
    t.check("422 for a bound carries pydantic's ctx", (r.json() or {}).get("detail", [{}])[0].get("ctx")
            == {"limit_value": 1}, r)
    r = sim.get("/v1/racecards/pro?limit=0&skip=x")
    t.check("422 names every bad parameter", r.status == 422 and
            sorted(i["loc"][1] for i in r.json()["detail"]) == ["limit", "skip"], r)


def check_formats(t, sim, day_cards):
    bad = format_errors(day_cards["racecards"])
    t.check("formats: every racecard field matches its format (ids, dates, 12-hour off_time, off_dt "
            "with offset, ratings, prices, updated)", not bad, bad[:8])
    leaves = [(p, v) for p, v in scalars(day_cards["racecards"])]
    wrong = [(p, v) for p, v in leaves if not isinstance(v, str) and not
             (isinstance(v, bool) and p.rsplit(".", 1)[-1] in ("big_race", "is_abandoned"))]
    t.check("formats: every scalar is a JSON string except big_race and is_abandoned (booleans)",
            not wrong and len(leaves) > 10000, wrong[:5])
    mismatched = []
    for rc in day_cards["racecards"]:
        hh, mm = map(int, rc["off_dt"][11:16].split(":"))
        if rc["off_time"] != "%d:%02d" % ((hh - 1) % 12 + 1, mm):
            mismatched.append((rc["off_time"], rc["off_dt"]))
        if rc["date"] != rc["off_dt"][:10] or not rc["off_dt"].endswith("+01:00"):
            mismatched.append(rc["off_dt"])
    t.check("formats: off_time is off_dt's 12-hour clock without am/pm; October is +01:00", not mismatched,
            mismatched[:5])
    winter = sim.json("/v1/racecards/summaries?date=2024-12-27")["racecard_summaries"]
    t.check("formats: off_dt in winter carries +00:00",
            winter and all(s["off_dt"].endswith("+00:00") for s in winter), winter[:1])
    inconsistent = []
    for rc in day_cards["racecards"]:
        for ru in rc["runners"]:
            for o in ru["odds"]:
                f, d = o["fractional"], o["decimal"]
                if o["bookmaker"] == "Betfair Exchange":
                    if f != d or o["ew_places"] or o["ew_denom"]:
                        inconsistent.append(o)
                elif re.fullmatch(r"\d+/\d+|evs", f) and abs(frac_value(f) - float(d)) > 0.006:
                    inconsistent.append(o)
                elif f in ("SP", "-") and d != f:
                    inconsistent.append(o)
    t.check("formats: fractional and decimal agree; Betfair Exchange puts the decimal in fractional, "
            "empty each-way terms", not inconsistent, inconsistent[:3])
    names = [v for p, v in leaves if p.rsplit(".", 1)[-1] in ("horse", "jockey", "trainer", "owner")]
    t.check("formats: accented UTF-8 names appear", any(re.search(r"[^\x00-\x7f]", n) for n in names))
    upd = [o["updated"] for rc in day_cards["racecards"] for ru in rc["runners"] for o in ru["odds"]]
    t.check("formats: odds updated is UK local time, never after now (13:00 in London)",
            upd and max(upd) <= "2025-10-14 13:00:00" and min(upd) >= "2025-10-13 18:00:00", (min(upd), max(upd)))


def check_quirks(t, sim, day_cards):
    runners = [ru for rc in day_cards["racecards"] for ru in rc["runners"]]
    odds = [o for ru in runners for o in ru["odds"]]
    t.check("quirks: non-runners (a runner whose prices are all \"-\")",
            any(ru["odds"] and all(o["decimal"] == "-" for o in ru["odds"]) for ru in runners))
    t.check("quirks: entries without a price (\"SP\")", any(o["decimal"] == "SP" for o in odds))
    t.check("quirks: missing ratings as \"-\" and \"\"", any(ru["ofr"] == "-" for ru in runners)
            and any(ru["rpr"] in ("", "-") for ru in runners))
    t.check("quirks: claimers shown as \"Name(5)\" on racecards",
            any(re.search(r"\(\d\)$", ru["jockey"]) for ru in runners))
    t.check("quirks: pedigree with ids and regions, breeder, trainer_14_days, form, silk, comments",
            all(ru["sire_region"] and ru["dam_region"] and ru["damsire_region"] and ru["breeder"]
                for ru in runners) and any(ru["comment"] for ru in runners)
            and any(ru["spotlight"] for ru in runners) and any(ru["headgear"] for ru in runners)
            and any(ru["form"] for ru in runners) and any(ru["past_results_flags"] for ru in runners))
    t.check("quirks: tips, verdicts and betting forecasts on some races",
            any(rc["tip"] and rc["tip"].upper() in rc["verdict"] and rc["betting_forecast"]
                for rc in day_cards["racecards"]))
    res = []
    for date in ("2025-10-11", "2025-10-12", "2025-10-13"):
        res += all_results(sim, date)
    positions = collections.Counter(ru["position"] for r in res for ru in r["runners"])
    t.check("quirks: results have non-numeric positions (PU, F, UR ...)",
            any(not p.isdigit() for p in positions), positions.most_common(30))
    t.check("quirks: results use – (en dash) for ratings not yet known", any(
        ru["rpr"] == "–" for r in sim.json("/v1/results?start_date=%s&end_date=%s" % (DAY, DAY))["results"]
        for ru in r["runners"]))
    t.check("quirks: results name non-runners", any(r["non_runners"] for r in res))
    d = format_errors(res, skip=("prize",))
    d += [(r["race_id"], ru["prize"]) for r in res for ru in r["runners"]
          if not re.fullmatch(RE["prize_runner"], ru["prize"])]
    t.check("formats: every result field matches its format (sp, sp_dec, weight, positions, dist_f ...)",
            not d, d[:8])
    weights = [(ru["weight"], ru["weight_lbs"]) for r in res for ru in r["runners"]
               if int(ru["weight"].split("-")[0]) * 14 + int(ru["weight"].split("-")[1]) != int(ru["weight_lbs"])]
    t.check("formats: weight (st-lb) and weight_lbs agree", not weights, weights[:3])
    favs = [r for r in res if any(ru["sp"].endswith("F") for ru in r["runners"])]
    won = [r for r in favs if any(ru["sp"].endswith("F") and ru["position"] == "1" for ru in r["runners"])]
    t.check("results: positions follow the SP roughly (favourites win %d of %d)" % (len(won), len(favs)),
            len(favs) > 60 and 0.2 <= len(won) / len(favs) <= 0.6)
    return res


def all_results(sim, date):
    out, skip = [], 0
    while True:
        page = sim.json("/v1/results?start_date=%s&end_date=%s&limit=50&skip=%d" % (date, date, skip))
        out += page["results"]
        if len(page["results"]) < 50:
            return out
        skip += 50


def check_counts(t, sim):
    for date in ("2023-01-23", "2024-06-20", "2024-12-26", "2025-01-10", DAY, "2025-10-21"):
        body = sim.json("/v1/racecards/pro?date=%s&region_codes=gb&region_codes=ire" % date)
        cards = body["racecards"]
        sizes = [len(rc["runners"]) for rc in cards]
        nbooks = [len(ru["odds"]) for rc in cards for ru in rc["runners"] if ru["odds"]]
        regions = {rc["region"] for rc in cards}
        dup = [rc["race_id"] for rc in cards if len({ru["horse_id"] for ru in rc["runners"]}) < len(rc["runners"])
               or len({ru["jockey_id"] for ru in rc["runners"]}) < len(rc["runners"])]
        t.check("counts %s: no horse and no jockey twice in a race" % date, not dup, dup)
        horses = collections.Counter(ru["horse_id"] for rc in cards for ru in rc["runners"])
        t.check("counts %s: no horse runs twice in a day" % date, max(horses.values()) == 1,
                [h for h, n in horses.items() if n > 1][:5])
        ok = 40 <= len(cards) <= 70 and body["total"] == len(cards) and min(sizes) >= 5 and max(sizes) <= 20 \
            and regions == {"GB", "IRE"}
        t.check("counts %s: %d races (40-70) in GB and IRE, %d-%d runners (5-20)" %
                (date, len(cards), min(sizes), max(sizes)), ok)
        if date == "2025-10-21":
            t.check("counts %s: a week ahead, no prices yet" % date, not nbooks)
            continue
        ors = [o for rc in cards for o in overrounds(rc)]
        t.check("counts %s: 20-28 bookmakers per runner, book overround %.1f%%-%.1f%% (105-125%%)" %
                (date, 100 * min(ors), 100 * max(ors)),
                nbooks and min(nbooks) >= 20 and max(nbooks) <= 28 and 1.05 <= min(ors) and max(ors) <= 1.25)
        favs, longs = [], []
        for rc in cards:
            bet365 = [p for p in books(rc).get("Bet365", []) if isinstance(p, float)]
            if len(bet365) >= 5:
                favs.append(min(bet365))
                longs.append(max(bet365))
        favs.sort()
        longs.sort()
        t.check("counts %s: favourites short (median %.2f), outsiders long (median %.0f)" %
                (date, favs[len(favs) // 2], longs[len(longs) // 2]),
                favs[len(favs) // 2] < 5 and longs[len(longs) // 2] > 15)


def check_determinism(t, sim):
    a = sim.get("/v1/racecards/pro?date=" + DAY)
    b = sim.get("/v1/racecards/pro?date=" + DAY)
    t.check("determinism: the same request twice, the same body", a.status == 200 and a.body == b.body)
    again = Sim().start()
    other = Sim(DH_SIM_SEED=7).start()
    try:
        c = again.get("/v1/racecards/pro?date=" + DAY)
        d = other.get("/v1/racecards/pro?date=" + DAY)
        t.check("determinism: another process with the same seed answers the same bytes", c.body == a.body)
        t.check("determinism: another seed makes another world", d.status == 200 and d.body != a.body)
        ca = {x["id"]: x["course"] for x in again.json("/v1/courses")["courses"]}
        cb = {x["id"]: x["course"] for x in other.json("/v1/courses")["courses"]}
        t.check("determinism: course ids and names do not depend on the seed", ca == cb)
    finally:
        again.cleanup()
        other.cleanup()
    seen = {}
    for date in ("2025-10-01", "2025-10-04", "2025-10-08", "2025-10-11", DAY):
        for rc in sim.json("/v1/racecards/pro?date=" + date)["racecards"]:
            for ru in rc["runners"]:
                seen.setdefault(ru["horse_id"], []).append((date, ru["horse"], ru["dob"], ru["sire_id"],
                                                            ru["trainer_id"]))
    again = [v for v in seen.values() if len({d for d, *_ in v}) > 1]
    t.check("determinism: horses run again on other days (%d seen twice) with the same name, dob, sire "
            "and trainer" % len(again),
            len(again) >= 10 and all(len({tuple(x[1:]) for x in v}) == 1 for v in again), again[:2])
    jockeys = {}
    for date in ("2025-10-11", DAY):
        for rc in sim.json("/v1/racecards/pro?date=" + date)["racecards"]:
            for ru in rc["runners"]:
                jockeys.setdefault(ru["jockey_id"], set()).add(ru["jockey"])
    t.check("determinism: a jockey id always carries the same name", all(len(v) == 1 for v in jockeys.values()))


def check_paging(t, sim):
    full = sim.json("/v1/racecards/pro?date=" + DAY)
    ids, skip, pages = [], 0, 0
    while True:
        page = sim.json("/v1/racecards/pro?date=%s&limit=10&skip=%d" % (DAY, skip))
        ids += [rc["race_id"] for rc in page["racecards"]]
        pages += 1
        if len(page["racecards"]) < 10 or pages > 20:
            break
        skip += 10
    t.check("paging: racecards limit/skip until a short page give the whole day, in order (%d pages)" % pages,
            ids == [rc["race_id"] for rc in full["racecards"]] and page["total"] == full["total"]
            and page["limit"] == 10)
    offs = [rc["off_dt"] for rc in full["racecards"]]
    t.check("paging: racecards come in order of the off", offs == sorted(offs))
    res = all_results(sim, "2025-10-13")
    total = sim.json("/v1/results?start_date=2025-10-13&end_date=2025-10-13&limit=1")["total"]
    t.check("paging: results limit=50 and skip until a short page give every race of the day (%d)" % len(res),
            len(res) == total and len({r["race_id"] for r in res}) == total and 40 <= total <= 70)
    gb = sim.json("/v1/racecards/pro?date=%s&region_codes=gb" % DAY)
    br = sim.json("/v1/racecards/pro?date=%s&region_codes[]=gb" % DAY)
    enc = sim.json("/v1/racecards/pro?date=%s&region_codes%%5B%%5D=GB" % DAY)
    t.check("query: region_codes, region_codes[] and percent-encoded forms agree; codes in any case",
            gb["racecards"] and all(rc["region"] == "GB" for rc in gb["racecards"])
            and gb["racecards"] == br["racecards"] == enc["racecards"])
    both = sim.json("/v1/racecards/pro?date=%s&region_codes=gb&region_codes=ire" % DAY)
    t.check("query: repeated region_codes select both regions", both["total"] == full["total"])
    course = full["racecards"][0]["course_id"]
    one = sim.json("/v1/racecards/pro?date=%s&course_ids=%s&region_codes=ire" % (DAY, course))
    t.check("query: course_ids wins over region_codes", one["racecards"]
            and all(rc["course_id"] == course for rc in one["racecards"]))
    ire = sim.json("/v1/results?start_date=2025-10-13&end_date=2025-10-13&region=ire&limit=50")
    t.check("query: results filter with region (not region_codes)",
            ire["results"] and all(r["region"] == "IRE" for r in ire["results"]) and ire["total"] < total)
    days = sim.json("/v1/results?start_date=2025-10-12&end_date=2025-10-13&limit=50&skip=40")
    t.check("query: a results range pages across days, newest first",
            days["total"] > total and days["results"][0]["date"] >= days["results"][-1]["date"])


def check_results_off(t, sim, day_cards):
    now_local = "2025-10-14 13:00:00"
    res = sim.json("/v1/results?start_date=%s&end_date=%s&limit=50" % (DAY, DAY))
    t.check("results: today only races that are off (%d so far, all before 13:00 London)" % res["total"],
            0 < res["total"] < len(day_cards["racecards"])
            and all(uk_local(r["off_dt"]) < now_local for r in res["results"]))
    done = {r["race_id"] for r in res["results"]}
    late, early = [], []
    for rc in day_cards["racecards"]:
        off = uk_local(rc["off_dt"])
        if off <= "2025-10-14 12:40:00" and not rc["is_abandoned"] and rc["race_id"] not in done:
            late.append(rc["race_id"])
        if off > now_local and sim.get("/v1/results/" + rc["race_id"]).status != 404:
            early.append(rc["race_id"])
    t.check("results: every race off 20 minutes ago has its result", not late, late)
    t.check("results: a race still to run has none (/results/{id} 404)", not early, early)
    past = sim.json("/v1/racecards/pro?date=2025-10-13")["racecards"]
    stale = [o["updated"] for rc in past for ru in rc["runners"] for o in ru["odds"]
             if o["updated"] >= uk_local(rc["off_dt"])]
    t.check("racecards: past racecards keep the last prices before the off", past and not stale, stale[:3])


def check_odds(t, sim, day_cards):
    rc = next(rc for rc in day_cards["racecards"] if uk_local(rc["off_dt"]) > "2025-10-14 15:00:00")
    ru = next(ru for ru in rc["runners"] if ru["odds"] and ru["odds"][0]["decimal"] not in ("-", "SP"))
    body = sim.json("/v1/odds/%s/%s" % (rc["race_id"], ru["horse_id"]))
    t.check("odds: /odds/{race}/{horse} shaped as the spec: race_id, horse_id, horse, odds with history",
            set(body) == {"race_id", "horse_id", "horse", "odds"} and body["horse"] == ru["horse"]
            and all(set(o) == {"bookmaker", "fractional", "decimal", "ew_places", "ew_denom", "updated", "history"}
                    for o in body["odds"]), body.keys())
    same = [(o["bookmaker"], o["decimal"]) for o in body["odds"]] == \
        [(o["bookmaker"], o["decimal"]) for o in ru["odds"]]
    t.check("odds: the same prices as the racecard's", same)
    hist = [h for o in body["odds"] for h in o["history"]]
    good = all(set(h) == {"changed_at", "fractional", "decimal"} and re.fullmatch(RE["changed_at"], h["changed_at"])
               for h in hist)
    last = all(not o["history"] or o["history"][-1]["decimal"] == o["decimal"] for o in body["odds"]
               if o["decimal"] not in ("SP", "-"))
    ordered = all([h["changed_at"] for h in o["history"]] == sorted(h["changed_at"] for h in o["history"])
                  for o in body["odds"])
    t.check("odds: history holds the price's changes since the market opened, oldest first, ending "
            "with the current price (%d changes)" % len(hist), len(hist) > 20 and good and last and ordered)
    old = sim.json("/v1/racecards/pro?date=2024-10-14&limit=1")["racecards"][0]
    old_odds = sim.json("/v1/odds/%s/%s" % (old["race_id"], old["runners"][0]["horse_id"]))
    t.check("odds: no history before 2025-03-17, as upstream",
            old_odds["odds"] and all(o["history"] == [] for o in old_odds["odds"]))
    t.check("odds: a horse not in the race is a 404",
            sim.get("/v1/odds/%s/%s" % (rc["race_id"], day_cards["racecards"][-1]["runners"][0]["horse_id"]))
            .status == 404)


def prices(cards):
    """{(race, horse, bookmaker): decimal} of a racecards page."""
    return {(rc["race_id"], ru["horse_id"], o["bookmaker"]): o["decimal"] for rc in cards["racecards"]
            for ru in rc["runners"] for o in ru["odds"]}


def check_drift(t):
    """Prices move with the wall clock (DH_NOW at two instants)."""
    early, late = Sim(now="2025-10-14T09:00:00Z").start(), Sim(now="2025-10-14T12:50:00Z").start()
    try:
        a = early.json("/v1/racecards/pro?date=" + DAY)
        b = late.json("/v1/racecards/pro?date=" + DAY)
        pa, pb = prices(a), prices(b)
        moved = sum(1 for k in pa if k in pb and pa[k] != pb[k])
        t.check("drift: prices move between 10:00 and 13:50 London (%d of %d changed)" % (moved, len(pa)),
                0.1 * len(pa) < moved < len(pa))
        ra = early.json("/v1/results?start_date=%s&end_date=%s" % (DAY, DAY))
        t.check("DH_NOW: at 10:00 London no race of the day has a result", ra["total"] == 0, ra["total"])
        t.check("DH_NOW: without date, racecards are today's (the racing day of DH_NOW)",
                early.json("/v1/racecards/summaries")["racecard_summaries"][0]["date"] == DAY)
        nxt = late.json("/v1/racecards/pro?date=2025-10-15&limit=3")["racecards"]
        t.check("DH_NOW: tomorrow's prices are not out before 18:00", all(not ru["odds"] for rc in nxt
                                                                          for ru in rc["runners"]))
    finally:
        early.cleanup()
        late.cleanup()
    evening = Sim(now="2025-10-14T18:30:00Z").start()
    try:
        nxt = evening.json("/v1/racecards/pro?date=2025-10-15&limit=3")["racecards"]
        t.check("DH_NOW: tomorrow's prices are out in the evening", all(ru["odds"] for rc in nxt
                                                                        for ru in rc["runners"]))
    finally:
        evening.cleanup()


def raw_exchange(port, data, timeout=3):
    """Sends raw bytes, returns what comes back until the server closes or the timeout."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    finally:
        s.close()
    return out


def check_http(t, sim):
    conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)
    statuses = [sim.request("/v1/courses/regions", conn=conn).status for _ in range(20)]
    conn.close()
    t.check("http: keep-alive, 20 requests on one connection", statuses == [200] * 20, statuses)
    req = ("GET /v1/courses/regions HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n\r\n" % AUTH).encode()
    out = raw_exchange(sim.port, req * 3 + b"GET /v1/courses/regions HTTP/1.1\r\nConnection: close\r\n\r\n")
    t.check("http: pipelined requests answered in order, Connection: close honoured",
            out.count(b"HTTP/1.1 200 OK") == 3 and out.count(b"HTTP/1.1 401") == 1, out[:200])
    big = b"GET /v1/courses HTTP/1.1\r\nX-Pad: " + b"a" * 20000 + b"\r\n\r\n"
    out = raw_exchange(sim.port, big)
    t.check("http: a head over 16 KB is a 431 JSON answer", out.startswith(b"HTTP/1.1 431") and b"detail" in out,
            out[:120])
    out = raw_exchange(sim.port, b"POST /_sim/faults HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n{}")
    t.check("http: a body over 1 MB is a 413", out.startswith(b"HTTP/1.1 413"), out[:120])
    out = raw_exchange(sim.port, b"NONSENSE\r\n\r\n")
    t.check("http: a malformed request line is a 400", out.startswith(b"HTTP/1.1 400"), out[:120])
    out = raw_exchange(sim.port, b"GET /v1/courses/regions HTTP/1.0\r\nAuthorization: " + AUTH.encode() + b"\r\n\r\n")
    t.check("http: HTTP/1.0 closes after the answer", out.startswith(b"HTTP/1.1 200") and b"Connection: close" in out)

    def one(i):
        return sim.get("/v1/racecards/summaries?date=%s&i=%d" % (DAY, i)).status
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        results = list(pool.map(one, range(200)))
    t.check("http: 200 requests over 50 concurrent connections all answered", results == [200] * 200,
            collections.Counter(results))
    idle = [socket.create_connection(("127.0.0.1", sim.port)) for _ in range(100)]
    r = sim.get("/v1/courses/regions")
    for s in idle:
        s.close()
    t.check("http: 100 idle connections do not stop others", r.status == 200)


def check_speed(t, sim):
    times = []
    for _ in range(5):
        t0 = time.monotonic()
        r = sim.get("/v1/racecards/pro?date=%s&region_codes=gb&region_codes=ire" % DAY)
        times.append(time.monotonic() - t0)
    rss0 = sim.rss_kb()
    for _ in range(20):
        sim.get("/v1/racecards/pro?date=%s" % DAY)
        sim.get("/v1/results?start_date=2025-10-13&end_date=2025-10-13&limit=50")
    rss = sim.rss_kb()
    t.check("speed: a full day of racecards (%d KB) in %.0f ms (best of 5; limit 200 ms)" %
            (len(r.body) // 1024, 1000 * min(times)), r.status == 200 and min(times) < 0.2)
    t.check("memory: RSS %d MB after 40 large answers (%d MB before; limit 64 MB)" % (rss // 1024, rss0 // 1024),
            rss < 64 * 1024)


# --- faults -----------------------------------------------------------------

def statuses(sim, n, path="/v1/courses/regions"):
    conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)
    out = []
    for _ in range(n):
        r = sim.request(path, conn=conn)
        out.append(r.status)
        if r.headers.get("connection") == "close" or r.status == 0:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)
    conn.close()
    return out


def check_fault_settings(t, sim):
    r = sim.get("/_sim/faults", auth=False)
    keys = {"rate_limit_per_s", "error_rate", "latency_ms", "timeout_rate", "truncate_rate",
            "wrong_types_rate", "oversize_bytes", "status_401"}
    t.check("faults: GET /_sim/faults without credentials lists every key, all off",
            r.status == 200 and set(r.json()) == keys and not any(r.json().values()), r)
    r = sim.faults({"error_rate": 0.25, "latency_ms": 5})
    t.check("faults: POST /_sim/faults sets and answers the settings",
            r.status == 200 and r.json()["error_rate"] == 0.25 and r.json()["latency_ms"] == 5, r)
    r = sim.faults({"latency_ms": 1})
    t.check("faults: a POST replaces all earlier settings",
            r.json()["error_rate"] == 0 and sim.get("/_sim/faults", auth=False).json()["latency_ms"] == 1, r)
    for bad in ({"error_rate": 2}, {"nonsense": 1}, {"latency_ms": -1}, {"status_401": "yes"}, [1], "x"):
        r = sim.faults(bad)
        t.check("faults: %s refused with 422, settings kept" % json.dumps(bad),
                r.status == 422 and r.is_json() and sim.get("/_sim/faults", auth=False).json()["latency_ms"] == 1, r)
    r = sim.faults({})
    t.check("faults: {} clears", r.status == 200 and not any(r.json().values()), r)
    t.check("faults: a wrong method on /_sim is 405, an unknown /_sim path 404",
            sim.get("/_sim/stats", method="DELETE", auth=False).status == 405
            and sim.get("/_sim/nothing", auth=False).status == 404)


def check_fault_modes(t, sim):
    sim.faults({"status_401": True})
    r = sim.get("/v1/courses")
    t.check("faults: status_401 makes every /v1 request 401 JSON",
            r.status == 401 and r.is_json() and sim.get("/_sim/stats", auth=False).status == 200, r)

    sim.faults({"error_rate": 0.5})
    first = statuses(sim, 200)
    sim.request("/_sim/reset", method="POST", auth=False)
    second = statuses(sim, 200)
    share = first.count(500) / len(first)
    t.check("faults: error_rate 0.5 answers 500 to %.0f%% of requests" % (100 * share), 0.35 <= share <= 0.65
            and set(first) == {200, 500}, collections.Counter(first))
    t.check("faults: the same requests after a reset fail the same way (reproducible)", first == second)
    r = sim.get("/v1/courses/regions")
    while r.status != 500:
        r = sim.get("/v1/courses/regions")
    t.check("faults: the 500 is FastAPI's plain \"Internal Server Error\"", r.body == b"Internal Server Error"
            and r.headers.get("content-type", "").startswith("text/plain"), r)

    sim.faults({"rate_limit_per_s": 5})
    got = statuses(sim, 15)
    r = sim.get("/v1/courses/regions")
    t.check("faults: rate_limit_per_s 5 lets 5 through in a second, then 429 (%s)" % got.count(429),
            got[:5] == [200] * 5 and got.count(429) >= 9, got)
    t.check("faults: 429 carries Retry-After in seconds and a JSON body",
            r.status == 429 and r.headers.get("retry-after", "").isdigit()
            and 1 <= int(r.headers["retry-after"]) <= 1 and r.is_json(), r)
    time.sleep(1.05)
    t.check("faults: after a second the rate limit lets requests through again", statuses(sim, 5) == [200] * 5)
    paced = []
    time.sleep(1.05)
    for _ in range(12):
        paced.append(sim.get("/v1/courses/regions").status)
        time.sleep(0.21)
    t.check("faults: a client at the limit's pace is never limited", paced == [200] * 12, paced)

    sim.faults({"latency_ms": 300})
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: sim.get("/v1/courses/regions").status, range(8)))
    took = time.monotonic() - t0
    t0 = time.monotonic()
    fast = sim.get("/_sim/stats", auth=False).status
    t.check("faults: latency_ms 300 delays every answer, 8 in parallel in %.2f s (not one after another)" % took,
            results == [200] * 8 and 0.3 <= took < 1.0, results)
    t.check("faults: /_sim answers are not delayed", fast == 200 and time.monotonic() - t0 < 0.2)

    sim.faults({"timeout_rate": 1})
    t0 = time.monotonic()
    r = sim.get("/v1/courses/regions", timeout=0.5)
    held = time.monotonic() - t0
    other = sim.get("/_sim/faults", auth=False)
    t.check("faults: timeout_rate 1 never answers (the client gives up after %.1f s), others still served" % held,
            r.status == 0 and held >= 0.45 and other.status == 200, r)
    recent = sim.get("/_sim/stats", auth=False).json()["recent"]
    t.check("faults: a held request shows in the stats with status 0", recent and recent[-1]["status"] == 0, recent[-1:])

    sim.faults({})
    whole = sim.get("/v1/racecards/pro?date=%s&limit=2" % DAY)
    sim.faults({"truncate_rate": 1})
    cut = sim.get("/v1/racecards/pro?date=%s&limit=2" % DAY)
    t.check("faults: truncate_rate 1 sends half the body with a matching Content-Length (invalid JSON)",
            cut.status == 200 and cut.json() is None and len(cut.body) == len(whole.body) // 2
            and int(cut.headers["content-length"]) == len(cut.body) and whole.body.startswith(cut.body))

    sim.faults({"wrong_types_rate": 1})
    wrong = sim.get("/v1/racecards/pro?date=%s&limit=2" % DAY)
    body = wrong.json()
    kinds = collections.Counter(kind(v) for _, v in scalars(body)) if body else {}
    t.check("faults: wrong_types_rate 1 gives valid JSON with numbers, nulls and objects where strings were (%s)"
            % dict(kinds), body is not None and kinds.get("integer", 0) + kinds.get("number", 0) > 0
            and kinds.get("null", 0) > 0 and shape_diff(whole.json(), body), kinds)

    sim.faults({"oversize_bytes": 3000000})
    big = sim.get("/v1/courses/regions")
    t.check("faults: oversize_bytes pads a 200 JSON body with whitespace to the size (%d bytes)" % len(big.body),
            len(big.body) >= 3000000 and isinstance(big.json(), list) and not big.body.rstrip(b" ").endswith(b" "))
    small = sim.get("/v1/horses/search")
    t.check("faults: oversize_bytes leaves error answers alone", small.status == 422 and len(small.body) < 1000)
    sim.faults({})


def check_stats(t, sim):
    sim.request("/_sim/reset", method="POST", auth=False)
    t0 = time.time() * 1000
    for path in ("/v1/courses/regions", "/v1/courses/regions", "/v1/nothing", "/v1/courses/regions?x=%C3%A9"):
        sim.get(path)
    s = sim.get("/_sim/stats", auth=False).json()
    t.check("stats: requests, by_status and recent (t in unix ms, path with query, status); /_sim not counted",
            s["requests"] == 4 and s["by_status"] == {"200": 3, "404": 1}
            and [r["path"] for r in s["recent"]][-1] == "/v1/courses/regions?x=%C3%A9"
            and all(t0 - 1000 <= r["t"] <= time.time() * 1000 + 1000 for r in s["recent"])
            and [r["status"] for r in s["recent"]] == [200, 200, 404, 200], s)
    statuses(sim, 1010)
    s = sim.get("/_sim/stats", auth=False).json()
    t.check("stats: recent keeps the last 1000", s["requests"] == 1014 and len(s["recent"]) == 1000
            and [r["t"] for r in s["recent"]] == sorted(r["t"] for r in s["recent"]), (s["requests"], len(s["recent"])))
    sim.request("/_sim/reset", method="POST", auth=False)
    s = sim.get("/_sim/stats", auth=False).json()
    t.check("stats: POST /_sim/reset clears them", s == {"requests": 0, "by_status": {}, "recent": []}, s)


def check_startup(t):
    sim = Sim(DH_SIM_FAULTS='{"error_rate": 1}').start()
    try:
        t.check("faults: DH_SIM_FAULTS applies from the start",
                sim.get("/v1/courses").status == 500 and sim.get("/_sim/faults", auth=False).json()["error_rate"] == 1)
    finally:
        sim.cleanup()
    for env, name in (({"DH_SIM_FAULTS": '{"error_rate": 3}'}, "DH_SIM_FAULTS"), ({"DH_SIM_SEED": "x"}, "DH_SIM_SEED"),
                      ({"DH_NOW": "yesterday"}, "DH_NOW")):
        sim = Sim(**env).start(wait=False)
        try:
            code = sim.proc.wait(5)
            t.check("a bad %s stops the start with exit 78 naming it" % name, code == 78 and name in sim.log(),
                    (code, sim.log()))
        finally:
            sim.cleanup()
    sim = Sim(RACING_API_USERNAME="alice", RACING_API_PASSWORD="s3cret").start()
    try:
        mine = "Basic " + base64.b64encode(b"alice:s3cret").decode()
        t.check("auth: RACING_API_USERNAME/RACING_API_PASSWORD are the accepted credentials when set",
                sim.get("/v1/courses", auth=mine).status == 200 and sim.get("/v1/courses").status == 401)
    finally:
        sim.cleanup()
    sim = Sim(args=["--open"]).start()
    try:
        wrong = "Basic " + base64.b64encode(b"simulator:wrong").decode()
        t.check("auth: --open (as under the stack) lets requests without credentials in, still refuses wrong ones",
                sim.get("/v1/courses", auth=False).status == 200 and sim.get("/v1/courses", auth=AUTH).status == 200
                and sim.get("/v1/courses", auth=wrong).status == 401)
    finally:
        sim.cleanup()


def check_sigterm(t):
    sim = Sim().start()
    try:
        sim.faults({"timeout_rate": 1})
        held = socket.create_connection(("127.0.0.1", sim.port))
        held.sendall(("GET /v1/courses HTTP/1.1\r\nAuthorization: %s\r\n\r\n" % AUTH).encode())
        idle = socket.create_connection(("127.0.0.1", sim.port))
        time.sleep(0.2)
        t0 = time.monotonic()
        sim.proc.send_signal(signal.SIGTERM)
        code = sim.proc.wait(5)
        took = time.monotonic() - t0
        t.check("SIGTERM: exits 0 within 1 s with connections open and a request held (%.2f s)" % took,
                code == 0 and took < 1.0, code)
        t.check("logs: one line per event in logfmt (start and stop)",
                re.search(r'level=info worker=dh-racing-sim msg="listening on 127\.0\.0\.1:\d+', sim.log())
                and 'msg="stopped"' in sim.log(), sim.log()[-500:])
        held.close()
        idle.close()
    finally:
        sim.cleanup()


def run(t):
    if not os.path.exists(BIN):
        t.check("build/bin/dh-racing-sim exists (make)", False)
        return
    sim = Sim().start()
    failed_before = t.failed
    try:
        day_cards = sim.json("/v1/racecards/pro?date=" + DAY)
        t.area(check_contract, t, sim)
        t.area(check_errors, t, sim)
        t.area(check_formats, t, sim, day_cards)
        t.area(check_quirks, t, sim, day_cards)
        t.area(check_counts, t, sim)
        t.area(check_determinism, t, sim)
        t.area(check_paging, t, sim)
        t.area(check_results_off, t, sim, day_cards)
        t.area(check_odds, t, sim, day_cards)
        t.area(check_http, t, sim)
        t.area(check_speed, t, sim)
        t.area(check_fault_settings, t, sim)
        t.area(check_fault_modes, t, sim)
        t.area(check_stats, t, sim)
        t.area(check_drift, t)
        t.area(check_startup, t)
        t.area(check_sigterm, t)
    finally:
        if t.failed > failed_before:
            sim.keep_log("sim")
            print("      simulator log kept in tests/logs/sim/", flush=True)
        sim.cleanup()
