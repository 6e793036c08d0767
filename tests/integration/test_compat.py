"""Drop-in compatibility with the original DarkHorses API
(../shared/original-api/README.md): for each endpoint, every field path the
reference lists is present with its JSON type and string format, against the
real stack loaded with test_api's racing day (clock frozen at its NOW).

The field lists live beside this file, one module per endpoint family:
compat_<family>.py, each with SPECS, a list of (request path, {field path:
type}).  A field path walks the body: "a.b" a key, "a[]" every element of an
array (an empty array checks nothing below it), "a.*" every value of an
object.  A type is str, int, float (any JSON number), bool, or a format of
str: date (YYYY-MM-DD), time (HH:MM:SS), instant (ISO 8601 with an offset);
a trailing ? allows null.  A path that must reach at least one value (not
only through empty arrays) ends its type with !: "float!".
"""
import glob
import importlib
import os
import re

import harness
import test_api

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^\d{2}:\d{2}:\d{2}$")
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)$")


def type_ok(value, want):
    """Whether value has the JSON type (or string format) want, without ? or !."""
    if want == "str":
        return isinstance(value, str)
    if want == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if want == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if want == "bool":
        return isinstance(value, bool)
    if want == "object":
        return isinstance(value, dict)
    if want == "list":
        return isinstance(value, list)
    pattern = {"date": DATE, "time": TIME, "instant": INSTANT}.get(want)
    if pattern is None:
        raise ValueError("unknown type %r" % want)
    return isinstance(value, str) and pattern.match(value) is not None


def walk(value, steps, where=""):
    """Yields (where, value) for every value the steps reach, and (where,
    MISSING) for a key that is absent."""
    if not steps:
        yield where, value
        return
    step, rest = steps[0], steps[1:]
    if step.endswith("[]"):
        key = step[:-2]
        if key:
            if not isinstance(value, dict) or key not in value:
                yield where + "." + key, MISSING
                return
            value, where = value[key], where + "." + key
        if not isinstance(value, list):
            yield where + "[]", NOT_LIST
            return
        for i, item in enumerate(value):
            yield from walk(item, rest, "%s[%d]" % (where, i))
    elif step == "*":
        if not isinstance(value, dict):
            yield where + ".*", NOT_OBJECT
            return
        for k, item in value.items():
            yield from walk(item, rest, "%s.%s" % (where, k))
    else:
        if not isinstance(value, dict) or step not in value:
            yield where + "." + step, MISSING
            return
        yield from walk(value[step], rest, where + "." + step)


MISSING = object()
NOT_LIST = object()
NOT_OBJECT = object()


def field_errors(body, path, want):
    """The problems of one field path in body: [] when it holds."""
    nullable = "?" in want
    required = "!" in want
    base = want.replace("?", "").replace("!", "")
    problems, reached = [], 0
    for where, value in walk(body, path.split(".")):
        if value is MISSING:
            problems.append("%s missing" % where)
        elif value is NOT_LIST:
            problems.append("%s not an array" % where)
        elif value is NOT_OBJECT:
            problems.append("%s not an object" % where)
        elif value is None:
            reached += 1
            if not nullable:
                problems.append("%s is null" % where)
        else:
            reached += 1
            if not type_ok(value, base):
                problems.append("%s is %r, not %s" % (where, value, base))
    if required and reached == 0 and not problems:
        problems.append("%s reached no value" % path)
    return problems


def specs():
    """(family, request path, fields) from every compat_*.py beside this file."""
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(glob.glob(os.path.join(here, "compat_*.py"))):
        module = importlib.import_module(os.path.basename(name)[:-3])
        for path, fields in module.SPECS:
            yield module.__name__[7:], path, fields


def check_endpoint(t, api, family, path, fields):
    r = api.get(path)
    if not t.check("%s: GET %s answers 200 JSON" % (family, path), r.status == 200 and r.is_json(), r):
        return
    body = r.json()
    for field, want in fields.items():
        problems = field_errors(body, field, want)
        t.check("%s: %s %s is %s" % (family, path, field, want), not problems, problems[:3])


def check_walker(t):
    """The field walker itself, on a made-up body."""
    body = {"a": [{"b": 1.5, "c": None}, {"b": 2, "c": "x"}], "d": {"k1": {"e": "2025-10-14"}}, "n": []}
    t.check("walker: a[].b is float", field_errors(body, "a[].b", "float") == [])
    t.check("walker: a[].c null needs ?", field_errors(body, "a[].c", "str") != []
            and field_errors(body, "a[].c", "str?") == [])
    t.check("walker: d.*.e is a date", field_errors(body, "d.*.e", "date") == [])
    t.check("walker: a missing key is reported", field_errors(body, "a[].z", "int?") != [])
    t.check("walker: ! needs a value", field_errors(body, "n[].x", "int!") != []
            and field_errors(body, "n[].x", "int") == [])


def run(t):
    t.area(check_walker, t)
    st = harness.Stack("compat", DH_NOW=test_api.NOW, DH_API_RATE_LIMIT=1000000, DH_WORKERS="none")
    failed_before = t.failed
    try:
        st.start()
        rc, _, err = st.psql(test_api.fixture_sql())
        if not t.check("fixture: test_api's racing day loaded", rc == 0, err):
            return
        api = test_api.Api(st)
        for family, path, fields in specs():
            t.area(check_endpoint, t, api, family, path, fields)
        t.area(test_api.check_declared, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()
