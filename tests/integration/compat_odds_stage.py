"""Compatibility fields of GET /api/live-odds/races-by-stage (reference
§2.5, §7: the four stages, every race not yet off; per race the original's
fields with runners a count; per runner the best price as the highest
decimal, C1) and GET /api/live-odds/next-race (§2.7, today by the
Europe/London racing day, C14)."""
RACE = {
    "race_id": "str!", "race_date": "date!", "race_time": "time!", "off_dt": "instant!",
    "course": "str!", "race_name": "str?", "race_type": "str?", "distance": "str?",
    "runners": "int?", "minutes_until": "float!", "last_updated": "instant!",
    "next_phase_time": "instant!", "next_phase_name": "str!", "next_phase_minutes": "float!",
    "runners_data[].horse_id": "str!", "runners_data[].horse_name": "str!",
    "runners_data[].horse_number": "int?", "runners_data[].best_odds_fractional": "str?",
    "runners_data[].best_odds_decimal": "float!", "runners_data[].best_bookmaker": "str!",
    "runners_data[].is_favorite": "bool!",
    "runners_data[].all_odds[].bookmaker": "str!", "runners_data[].all_odds[].odds_fractional": "str?",
    "runners_data[].all_odds[].odds_decimal": "float!",
}

STAGES = {"success": "bool", "total_races": "int", "timestamp": "instant"}
for stage in ("at_post", "going_to_post", "pre_race", "early_market"):
    STAGES["stages.%s" % stage] = "list"
    STAGES.update({"stages.%s[].%s" % (stage, k): v for k, v in RACE.items()})

INFO = {"race_id": "str", "course": "str", "race_name": "str?", "race_time": "time", "off_dt": "instant",
        "minutes_until": "float", "started": "bool"}
NEXT = {"success": "bool", "next_race": "object", "total_races_today": "int", "races_finished": "int",
        "races_upcoming": "int", "current_interval": "str"}
NEXT.update({"next_race." + k: v for k, v in INFO.items()})
NEXT.update({"races_today[]." + k: v + ("" if v.endswith("?") else "!") for k, v in INFO.items()})

SPECS = [
    ("/api/live-odds/races-by-stage", STAGES),
    ("/api/live-odds/next-race", NEXT),
]
