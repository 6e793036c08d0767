"""Compatibility fields of GET /api/live-odds (reference §2.4: every column
of the original's ra_odds_live row; race_time the UK time of the off, C3;
weight in pounds, C6) and GET /api/live-odds/upcoming-races (§2.6: the five
keys of a race, within hours_ahead, C2)."""
ROW = {
    "id": "int", "race_id": "str", "horse_id": "str", "bookmaker_id": "str",
    "race_date": "date", "race_time": "time?", "off_dt": "instant?",
    "course": "str", "race_name": "str?", "race_class": "str?", "race_type": "str?",
    "distance": "str?", "going": "str?", "runners": "int?",
    "horse_name": "str", "horse_number": "int?", "jockey": "str?", "trainer": "str?",
    "draw": "int?", "weight": "str?", "age": "int?", "form": "str?",
    "bookmaker_name": "str", "bookmaker_type": "str", "market_type": "str",
    "odds_decimal": "float", "odds_fractional": "str?", "market_status": "str",
    "in_play": "bool", "odds_timestamp": "instant", "fetched_at": "instant?", "updated_at": "instant?",
}

LIVE = {"success": "bool", "count": "int", "limit": "int", "offset": "int"}
LIVE.update({"data[]." + k: v + ("" if v.endswith("?") else "!") for k, v in ROW.items()})

UPCOMING = {
    "success": "bool", "count": "int",
    "data[].race_id": "str!", "data[].race_date": "date!", "data[].race_time": "time?",
    "data[].course": "str!", "data[].race_name": "str?",
}

SPECS = [
    ("/api/live-odds", LIVE),
    ("/api/live-odds?limit=50", LIVE),
    ("/api/live-odds?course=asc&bookmaker=paddy&race_date=2025-10-14", LIVE),
    ("/api/live-odds/upcoming-races", UPCOMING),
    ("/api/live-odds/upcoming-races?hours_ahead=168", UPCOMING),
]
