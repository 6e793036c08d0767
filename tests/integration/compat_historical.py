"""Compatibility fields of GET /api/historical-odds (reference section 2.8: every
column of the original's ra_odds_historical; race_time the UK time of the off
(C3), country IRE for Irish races (C4)) and /api/historical-odds/summary
(section 2.9; unique_races_sample exact, C12)."""
ROW = {
    "data[].racing_bet_data_id": "int!",
    "data[].date_of_race": "instant",
    "data[].country": "str?",
    "data[].track": "str?",
    "data[].race_time": "time?",
    "data[].race_name": "str?",
    "data[].going": "str?",
    "data[].race_type": "str?",
    "data[].distance": "str?",
    "data[].race_class": "int?",
    "data[].runners_count": "int?",
    "data[].horse_name": "str?",
    "data[].official_rating": "int?",
    "data[].age": "int?",
    "data[].weight": "str?",
    "data[].jockey": "str?",
    "data[].trainer": "str?",
    "data[].headgear": "str?",
    "data[].stall_number": "int?",
    "data[].sp_favorite_position": "int?",
    "data[].industry_sp": "float?",
    "data[].finishing_position": "str?",
    "data[].winning_distance": "str?",
    "data[].ip_min": "float?",
    "data[].ip_max": "float?",
    "data[].pre_race_min": "float?",
    "data[].pre_race_max": "float?",
    "data[].forecasted_odds": "float?",
    "data[].sp_win_return": "float?",
    "data[].ew_return": "float?",
    "data[].place_return": "float?",
    "data[].data_source": "str?",
    "data[].file_source": "str?",
    "data[].created_at": "instant",
    "data[].updated_at": "instant",
    "data[].match_timestamp": "instant?",
}
PAGE = {"success": "bool", "count": "int", "limit": "int", "offset": "int", "message": "str?"}

SPECS = [
    ("/api/historical-odds", dict(PAGE, **ROW)),
    ("/api/historical-odds?race_date=2025-10-13&course=sco&limit=5", dict(PAGE, **ROW)),
    ("/api/historical-odds?year=2025&limit=1000&offset=0", dict(PAGE, **ROW)),
    ("/api/historical-odds?year=2015", dict(PAGE, message="str")),
    ("/api/historical-odds/summary", {
        "success": "bool",
        "total_records": "int",
        "earliest_date": "instant?",
        "latest_date": "instant?",
        "unique_races_sample": "int",
        "date_range": "str",
    }),
]
