"""Compatibility fields of GET /api/statistics (reference sections 2.11 and 4.1:
the original's nested per-table blocks, timestamps as instants (C13),
unique_races in the historical block (C11)) and /api/scheduler-status (sections
2.12 and 4.2: schedulers.live_odds, historical_odds and statistics_updater from
the workers' real status (C10), times as instants (C13))."""


def ints(prefix, *names):
    """{prefix.name: "int"} for each name."""
    return {prefix + "." + n: "int" for n in names}


LIVE = {
    "basic_metrics.total_records": "int",
    "basic_metrics.earliest_race_date": "date?",
    "basic_metrics.latest_race_date": "date?",
    "basic_metrics.latest_odds_timestamp": "str?",
    "basic_metrics.latest_fetch": "str?",
    "bookmaker_coverage[].bookmaker_id": "str!",
    "bookmaker_coverage[].bookmaker_name": "str",
    "bookmaker_coverage[].bookmaker_type": "str?",
    "bookmaker_coverage[].odds_count": "int",
    "bookmaker_coverage[].races_covered": "int",
    "bookmaker_coverage[].horses_covered": "int",
    "bookmaker_coverage[].latest_odds": "instant",
    "records_per_date[].race_date": "date!",
    "records_per_date[].record_count": "int",
    "records_per_date[].unique_races": "int",
    "records_per_date[].unique_bookmakers": "int",
    "course_distribution[].course": "str!",
    "course_distribution[].record_count": "int",
    "course_distribution[].unique_races": "int",
    "course_distribution[].unique_bookmakers": "int",
    "market_status[].market_status": "str?",
    "market_status[].record_count": "int!",
    "market_status[].percentage": "float",
}
LIVE.update(ints("recent_activity", "records_last_hour", "records_last_24h"))
LIVE.update(ints("unique_entities", "unique_races", "unique_horses", "unique_courses", "unique_bookmakers"))
LIVE.update(ints("data_quality", "null_race_id", "null_horse_id", "null_bookmaker_id", "null_race_date",
                 "null_course", "null_horse_name", "null_odds_decimal", "null_odds_timestamp", "total_records"))

HISTORICAL = {
    "basic_metrics.total_records": "int",
    "basic_metrics.earliest_race_date": "str?",
    "basic_metrics.latest_race_date": "str?",
    "basic_metrics.date_range_days": "int?",
    "basic_metrics.latest_update": "str?",
    "records_per_date[].race_date": "date!",
    "records_per_date[].record_count": "int",
    "country_distribution[].country": "str!",
    "country_distribution[].record_count": "int",
    "country_distribution[].percentage": "float",
    "track_distribution[].track": "str!",
    "track_distribution[].record_count": "int",
}
HISTORICAL.update(ints("recent_activity", "records_last_hour", "records_last_24h", "records_last_7d"))
HISTORICAL.update(ints("unique_entities", "unique_horses", "unique_tracks", "unique_jockeys", "unique_trainers",
                       "unique_countries", "unique_races"))
HISTORICAL.update(ints("data_quality", "null_date_of_race", "null_track", "null_horse_name", "null_industry_sp",
                       "null_finishing_position", "null_jockey", "null_trainer", "null_country", "total_records"))
HISTORICAL.update(ints("odds_coverage", "has_industry_sp", "has_pre_race_min", "has_pre_race_max",
                       "has_forecasted_odds", "total_records"))


def block(prefix, fields):
    return {prefix + "." + k: v for k, v in fields.items()}


STATISTICS = {"success": "bool", "data": "object"}
STATISTICS.update({"data.live.timestamp": "instant", "data.live.table": "str"})
STATISTICS.update(block("data.live.ra_odds_live", LIVE))
STATISTICS.update({"data.historical.timestamp": "instant", "data.historical.table": "str"})
STATISTICS.update(block("data.historical.ra_odds_historical", HISTORICAL))
STATISTICS.update({"data.combined.timestamp": "instant"})
STATISTICS.update(block("data.combined.ra_odds_live", LIVE))
STATISTICS.update(block("data.combined.ra_odds_historical", HISTORICAL))


def scheduler(name, live=False):
    fields = {"name": "str", "schedule": "str", "description": "str", "details": "object",
              "details.coverage": "str", "details.tables[]": "str!" if name != "statistics_updater" else "str",
              "last_run": "instant?", "last_success": "instant?", "status": "str"}
    if live:
        fields.update({"next_check": "str?", "next_interval": "int?", "details.adaptive_intervals.*": "str!",
                       "details.stop_updating": "str"})
    if name == "historical_odds":
        fields.update({"details.daily_fetch": "str", "details.data_includes": "str"})
    if name == "statistics_updater":
        del fields["details.coverage"], fields["details.tables[]"]
        fields.update({"details.frequency": "str", "details.output_location": "str",
                       "details.files_generated[]": "str!", "details.manual_run": "str"})
    return {"schedulers.%s.%s" % (name, k): v for k, v in fields.items()}


SCHEDULER = {"success": "bool", "system_info.timezone": "str", "system_info.database": "str",
             "system_info.api_source": "str", "system_info.regions_covered[]": "str!"}
SCHEDULER.update(scheduler("live_odds", live=True))
SCHEDULER.update(scheduler("historical_odds"))
SCHEDULER.update(scheduler("statistics_updater"))

SPECS = [
    ("/api/statistics", STATISTICS),
    ("/api/statistics?table=all", STATISTICS),
    ("/api/statistics?table=live", dict({"success": "bool", "data.live.timestamp": "instant"},
                                        **block("data.live.ra_odds_live", LIVE))),
    ("/api/statistics?table=historical", dict({"success": "bool", "data.historical.timestamp": "instant"},
                                              **block("data.historical.ra_odds_historical", HISTORICAL))),
    ("/api/scheduler-status", SCHEDULER),
]
