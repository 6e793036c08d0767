"""Compatibility fields of the Masters API under /api/masters (reference
section 3): the index, health and stats bodies, {count, data} lists, single
items, and the columns the original's masters worker wrote (October 2025)
wherever the concept exists here.  Ids are strings (C9); name filters match
a substring in any case."""


def each(fields):
    return {"data[]." + k: v for k, v in fields.items()}


COURSE = {"course_id": "str!", "name": "str", "region": "str", "country": "str?", "latitude": "float?",
          "longitude": "float?", "created_at": "instant", "updated_at": "instant"}
BOOKMAKER = {"bookmaker_id": "str!", "bookmaker_name": "str", "bookmaker_type": "str", "active": "bool",
             "created_at": "instant"}
JOCKEY = {"jockey_id": "str!", "name": "str", "created_at": "instant", "updated_at": "instant"}
TRAINER = dict({"trainer_id": "str!", "location": "str?"}, **{k: v for k, v in JOCKEY.items() if k != "jockey_id"})
OWNER = dict({"owner_id": "str!"}, **{k: v for k, v in JOCKEY.items() if k != "jockey_id"})
HORSE = {"horse_id": "str!", "name": "str", "dob": "date?", "sex": "str?", "sex_code": "str?", "colour": "str?",
         "region": "str?", "created_at": "instant", "updated_at": "instant"}
RACE = {"race_id": "str!", "course_id": "str", "course_name": "str?", "region": "str?", "race_name": "str?",
        "race_date": "date", "off_datetime": "instant?", "off_time": "str?", "race_type": "str?",
        "race_class": "str?", "distance": "float?", "distance_f": "str?", "distance_meters": "int?", "age_band": "str?", "surface": "str?", "going": "str?",
        "track_condition": "str?", "weather_conditions": "str?", "rail_movements": "str?",
        "is_abandoned": "bool", "big_race": "bool", "currency": "str", "prize_money": "float?",
        "field_size": "int?", "api_data": "object?", "created_at": "instant", "updated_at": "instant"}
RUNNER = {"runner_id": "str!", "race_id": "str", "horse_id": "str", "horse_name": "str?", "number": "int?",
          "draw": "int?", "age": "int?", "sex": "str?", "jockey_id": "str?", "jockey_name": "str?",
          "trainer_id": "str?", "trainer_name": "str?", "owner_id": "str?", "owner_name": "str?",
          "weight_lbs": "int?", "headgear": "str?", "blinkers": "bool", "cheekpieces": "bool", "visor": "bool",
          "tongue_tie": "bool", "sire_id": "str?", "sire_name": "str?", "dam_id": "str?", "dam_name": "str?",
          "damsire_id": "str?", "damsire_name": "str?", "form": "str?", "official_rating": "int?",
          "rpr": "int?", "tsr": "int?", "comment": "str?", "silk_url": "str?", "api_data": "object?",
          "created_at": "instant", "updated_at": "instant"}
RESULT = {"distance": "float?", "distance_f": "str?", "race_id": "str!", "course_id": "str", "course_name": "str?", "race_name": "str?", "race_date": "date",
          "off_datetime": "instant?", "off_time": "str?", "race_type": "str?", "race_class": "str?",
          "surface": "str?", "going": "str?", "prize_money": "float?", "currency": "str", "region": "str?",
          "results_status": "str", "is_abandoned": "bool", "api_data": "object?", "created_at": "instant",
          "updated_at": "instant"}
PEDIGREE = {"sire_id": "str?", "sire": "str?", "sire_region": "str?", "dam_id": "str?", "dam": "str?",
            "dam_region": "str?", "damsire_id": "str?", "damsire": "str?", "damsire_region": "str?",
            "breeder": "str?"}
LIST = {"count": "int"}

SPECS = [
    ("/api/masters/", {"service": "str", "version": "str", "description": "str", "docs": "str",
                       "endpoints.*": "str!", "endpoints.courses": "str", "endpoints.runners": "str",
                       "endpoints.health": "str"}),
    ("/api/masters/health", {"status": "str", "database": "str"}),
    ("/api/masters/stats", dict({"database": "str", "total_records": "int", "tables.*": "int!"},
                                **{"tables." + t: "int" for t in (
                                    "ra_courses", "ra_bookmakers", "ra_jockeys", "ra_trainers", "ra_owners",
                                    "ra_horses", "ra_races", "ra_runners", "ra_results")})),
    ("/api/masters/courses", dict(LIST, **each(COURSE))),
    ("/api/masters/courses?region=ire&name=ARK", dict(LIST, **each(COURSE))),
    ("/api/masters/courses/crs_101", {k: v.rstrip("!") for k, v in COURSE.items()}),
    ("/api/masters/bookmakers", dict(LIST, **each(BOOKMAKER))),
    ("/api/masters/jockeys?name=rider1", dict(LIST, **each(JOCKEY))),
    ("/api/masters/jockeys/jky_250001", {k: v.rstrip("!") for k, v in JOCKEY.items()}),
    ("/api/masters/trainers", dict(LIST, **each(TRAINER))),
    ("/api/masters/trainers/trn_300001", {k: v.rstrip("!") for k, v in TRAINER.items()}),
    ("/api/masters/owners?name=owner", dict(LIST, **each(OWNER))),
    ("/api/masters/horses?name=dancer", dict(LIST, **each(HORSE))),
    ("/api/masters/horses/hrs_1000005", dict({k: v.rstrip("!") for k, v in HORSE.items()}, **PEDIGREE)),
    ("/api/masters/races", dict(LIST, **each(RACE))),
    ("/api/masters/races?course_id=crs_101&race_date=2025-10-14", dict(LIST, **each(RACE))),
    ("/api/masters/races/rac_11800003", {k: v.rstrip("!") for k, v in RACE.items()}),
    ("/api/masters/runners?race_id=rac_11800003", dict(LIST, **each(RUNNER))),
    ("/api/masters/runners?horse_id=hrs_1000040", dict(LIST, **each(RUNNER))),
    ("/api/masters/results", dict(LIST, **each(RESULT))),
    ("/api/masters/results?course_id=crs_105&race_date=2025-10-13", dict(LIST, **each(RESULT))),
    ("/api/masters/results/rac_11000101", {k: v.rstrip("!") for k, v in RESULT.items()}),
]
