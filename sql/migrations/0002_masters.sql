-- 0002_masters.sql: reference ("masters") data extracted from The Racing API.
--
-- Conventions for every table in this project:
--   * ids are the upstream strings (crs_..., rac_..., hrs_..., jky_..., trn_..., own_...);
--   * upstream "", "-" and "–" (no value) are stored as NULL, numbers are parsed into numeric
--     columns (everything arrives as a JSON string);
--   * region codes are stored upper-case (GB, IRE, FR); upstream sends lower case in /courses;
--   * times are timestamptz; race_date is the Europe/London racing day;
--   * created_at/updated_at default to now(); a trigger sets updated_at on UPDATE unless the
--     statement sets it itself (every updatable table except the hot ra_odds_live, see 0003).
-- There are deliberately no foreign keys between these tables: racecards, results and the
-- monthly courses refresh arrive in any order, and a runner must be storable before its horse,
-- jockey or course has been seen. Joins are by id; a missing master row means "not yet known".

-- Helpers -----------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION dh_set_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION dh_set_updated_at() IS 'BEFORE UPDATE trigger: sets updated_at = now() unless the UPDATE set it';

-- Upstream bookmaker name -> ra_bookmakers.bookmaker_id ("Betfair Exchange" -> betfair_exchange).
CREATE OR REPLACE FUNCTION dh_bookmaker_slug(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(lower(name), '[^a-z0-9]+', '_', 'g'), '_');
COMMENT ON FUNCTION dh_bookmaker_slug(text) IS 'Bookmaker id from an upstream bookmaker name: lower case, runs of other characters become one underscore, trimmed';

-- Courses and bookmakers --------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS ra_courses (
    course_id   text PRIMARY KEY CHECK (course_id <> ''),
    name        text NOT NULL,
    region_code text NOT NULL CHECK (region_code <> '' AND region_code = upper(region_code)),
    region      text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ra_courses IS 'Racecourses from /courses (refreshed monthly) and from racecards/results';
CREATE INDEX IF NOT EXISTS ra_courses_lower_name_idx ON ra_courses (lower(name) text_pattern_ops);
CREATE INDEX IF NOT EXISTS ra_courses_region_code_idx ON ra_courses (region_code);
CREATE OR REPLACE TRIGGER ra_courses_updated_at BEFORE UPDATE ON ra_courses
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

CREATE TABLE IF NOT EXISTS ra_bookmakers (
    bookmaker_id text PRIMARY KEY CHECK (bookmaker_id ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    name         text NOT NULL UNIQUE,
    type         text NOT NULL DEFAULT 'bookmaker' CHECK (type IN ('bookmaker', 'exchange')),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ra_bookmakers IS 'Bookmakers and exchanges quoting prices; bookmaker_id = dh_bookmaker_slug(upstream name)';
CREATE OR REPLACE TRIGGER ra_bookmakers_updated_at BEFORE UPDATE ON ra_bookmakers
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

-- Seed: every bookmaker seen in real upstream responses (2023 and 2025). The live worker adds
-- any new name it meets with the same slug rule.
INSERT INTO ra_bookmakers (bookmaker_id, name, type)
SELECT dh_bookmaker_slug(b.name), b.name, b.type
FROM (VALUES
    ('10 Bet', 'bookmaker'), ('7Bet', 'bookmaker'), ('888 Sport', 'bookmaker'),
    ('Bet Goodwin', 'bookmaker'), ('Bet UK', 'bookmaker'), ('Bet Victor', 'bookmaker'),
    ('Bet365', 'bookmaker'), ('Betfair Exchange', 'exchange'), ('Betfair Sportsbook', 'bookmaker'),
    ('Betfred', 'bookmaker'), ('BetMGM', 'bookmaker'), ('BetTom', 'bookmaker'),
    ('Betway', 'bookmaker'), ('Boyle Sports', 'bookmaker'), ('BresBet', 'bookmaker'),
    ('CopyBet', 'bookmaker'), ('Coral', 'bookmaker'), ('Dragon Bet', 'bookmaker'),
    ('Gentlemen Jim', 'bookmaker'), ('Grosvenor Sports', 'bookmaker'), ('Ladbrokes', 'bookmaker'),
    ('Livescore Bet', 'bookmaker'), ('Matchbook', 'exchange'), ('Midnite', 'bookmaker'),
    ('Paddy Power', 'bookmaker'), ('Pari Match', 'bookmaker'), ('PricedUp Bet', 'bookmaker'),
    ('Quinn Bet', 'bookmaker'), ('Sky Bet', 'bookmaker'), ('Sporting Index', 'bookmaker'),
    ('SportingIndex', 'bookmaker'), ('Spread Ex', 'bookmaker'), ('Spreadex', 'bookmaker'),
    ('Star Sports', 'bookmaker'), ('talkSPORT BET', 'bookmaker'), ('Tote', 'bookmaker'),
    ('Unibet', 'bookmaker'), ('V Bet', 'bookmaker'), ('Virgin Bet', 'bookmaker'),
    ('William Hill', 'bookmaker')
) AS b (name, type)
ON CONFLICT DO NOTHING;

-- People ------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS ra_jockeys (
    jockey_id  text PRIMARY KEY CHECK (jockey_id <> ''),
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ra_jockeys IS 'Jockeys seen in racecards and results (upstream has no list endpoint)';
CREATE INDEX IF NOT EXISTS ra_jockeys_lower_name_idx ON ra_jockeys (lower(name) text_pattern_ops);
CREATE OR REPLACE TRIGGER ra_jockeys_updated_at BEFORE UPDATE ON ra_jockeys
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

CREATE TABLE IF NOT EXISTS ra_trainers (
    trainer_id text PRIMARY KEY CHECK (trainer_id <> ''),
    name       text NOT NULL,
    location   text,                                -- racecard trainer_location
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ra_trainers IS 'Trainers seen in racecards and results, with location from racecards';
CREATE INDEX IF NOT EXISTS ra_trainers_lower_name_idx ON ra_trainers (lower(name) text_pattern_ops);
CREATE OR REPLACE TRIGGER ra_trainers_updated_at BEFORE UPDATE ON ra_trainers
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

CREATE TABLE IF NOT EXISTS ra_owners (
    owner_id   text PRIMARY KEY CHECK (owner_id <> ''),
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ra_owners IS 'Owners seen in racecards and results';
CREATE INDEX IF NOT EXISTS ra_owners_lower_name_idx ON ra_owners (lower(name) text_pattern_ops);
CREATE OR REPLACE TRIGGER ra_owners_updated_at BEFORE UPDATE ON ra_owners
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

-- Horses ------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS ra_horses (
    horse_id       text PRIMARY KEY CHECK (horse_id <> ''),
    name           text NOT NULL,
    dob            date,
    sex            text,                            -- gelding, colt, filly, mare...
    sex_code       text,                            -- G, C, F, M...
    colour         text,
    colour_code    text,
    region         text CHECK (region = upper(region)),    -- of birth: GB, IRE, FR...
    breeder        text,
    sire_id        text,
    sire           text,
    sire_region    text CHECK (sire_region = upper(sire_region)),
    dam_id         text,
    dam            text,
    dam_region     text CHECK (dam_region = upper(dam_region)),
    damsire_id     text,
    damsire        text,
    damsire_region text CHECK (damsire_region = upper(damsire_region)),
    enriched_at    timestamptz,                     -- NULL: not yet fetched via /horses/{id}/pro
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ra_horses IS 'Horses with pedigree, from racecards and results, enriched through /horses/{id}/pro';
CREATE INDEX IF NOT EXISTS ra_horses_lower_name_idx ON ra_horses (lower(name) text_pattern_ops);
CREATE INDEX IF NOT EXISTS ra_horses_sire_id_idx ON ra_horses (sire_id);
CREATE INDEX IF NOT EXISTS ra_horses_dam_id_idx ON ra_horses (dam_id);
CREATE INDEX IF NOT EXISTS ra_horses_damsire_id_idx ON ra_horses (damsire_id);
-- The enrichment queue: horses not yet enriched, oldest first.
CREATE INDEX IF NOT EXISTS ra_horses_not_enriched_idx ON ra_horses (created_at)
    WHERE enriched_at IS NULL;
CREATE OR REPLACE TRIGGER ra_horses_updated_at BEFORE UPDATE ON ra_horses
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

-- Races -------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS ra_races (
    race_id         text PRIMARY KEY CHECK (race_id <> ''),
    race_date       date NOT NULL,                  -- Europe/London racing day
    off_dt          timestamptz,                    -- always use this, not off_time
    off_time        text,                           -- upstream 12-hour "1:44", for display only
    course_id       text NOT NULL,
    course          text,
    region_code     text CHECK (region_code = upper(region_code)),
    race_name       text,
    race_class      text,                           -- "Class 4"; results call it class
    type            text,                           -- Flat, Hurdle, Chase, NH Flat
    pattern         text,
    age_band        text,
    rating_band     text,
    sex_restriction text,                           -- results: sex_rest
    distance        text,                           -- "2m6f31y"; results: dist
    distance_round  text,                           -- "2m6f"
    distance_f      numeric(5,2) CHECK (distance_f > 0),    -- furlongs: "22.0"; results "11f"
    distance_y      integer CHECK (distance_y > 0),         -- yards, results dist_y
    prize           text,                           -- "£3,921" as given
    field_size      integer CHECK (field_size >= 0),
    going           text,
    going_detailed  text,
    surface         text,
    jumps           text,
    rail_movements  text,
    stalls          text,
    weather         text,
    tip             text,
    verdict         text,
    betting_forecast text,
    big_race        boolean NOT NULL DEFAULT false,
    is_abandoned    boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ra_races IS 'One row per race, from racecards (and race-level fields of results)';
CREATE INDEX IF NOT EXISTS ra_races_race_date_idx ON ra_races (race_date, off_dt);
CREATE INDEX IF NOT EXISTS ra_races_course_id_idx ON ra_races (course_id, race_date);
CREATE INDEX IF NOT EXISTS ra_races_off_dt_idx ON ra_races (off_dt);
CREATE OR REPLACE TRIGGER ra_races_updated_at BEFORE UPDATE ON ra_races
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

-- Runners: racecard fields, then result fields once the race is resulted.
CREATE TABLE IF NOT EXISTS ra_runners (
    race_id          text NOT NULL,
    horse_id         text NOT NULL,
    race_date        date NOT NULL,                 -- copy of ra_races.race_date, for form queries
    horse_name       text,
    number           integer CHECK (number >= 0),
    draw             integer CHECK (draw >= 0),
    age              integer CHECK (age >= 0),
    sex              text,
    sex_code         text,
    jockey_id        text,
    jockey_name      text,
    jockey_claim_lbs integer CHECK (jockey_claim_lbs >= 0),
    trainer_id       text,
    trainer_name     text,
    trainer_rtf      integer CHECK (trainer_rtf >= 0),      -- "running to form" percent
    owner_id         text,
    owner_name       text,
    lbs              integer CHECK (lbs > 0),       -- racecard lbs, results weight_lbs
    weight           text,                          -- results "9-5" (stones-lbs)
    ofr              integer CHECK (ofr >= 0),      -- official rating on the card
    rpr              integer CHECK (rpr >= 0),      -- Racing Post rating on the card
    ts               integer CHECK (ts >= 0),       -- topspeed on the card
    headgear         text,
    headgear_run     text,
    wind_surgery     text,
    wind_surgery_run text,
    form             text,
    last_run         integer CHECK (last_run >= 0), -- days since last run
    comment          text,                          -- racecard comment
    spotlight        text,
    silk_url         text,
    non_runner       boolean NOT NULL DEFAULT false,
    -- result fields (NULL until resulted)
    position         text,                          -- "1", "PU", "F", "UR"...
    position_num     integer CHECK (position_num >= 1),     -- NULL unless position is a number
    btn              text,                          -- lengths beaten by the horse in front
    ovr_btn          text,                          -- lengths beaten by the winner
    sp               text,                          -- "7/2J", "9/4F"
    sp_dec           numeric(10,3) CHECK (sp_dec > 1),
    finish_time      text,                          -- results time "2:19.97"
    result_or        integer CHECK (result_or >= 0),        -- results "or"
    result_rpr       integer CHECK (result_rpr >= 0),       -- results "rpr" (performance)
    result_tsr       integer CHECK (result_tsr >= 0),       -- results "tsr"
    prize            numeric(12,2) CHECK (prize >= 0),      -- prize money won
    result_comment   text,                          -- results comment (in-running)
    resulted_at      timestamptz,                   -- when result fields were written
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (race_id, horse_id)
);
COMMENT ON TABLE ra_runners IS 'One row per race and horse: racecard entry plus result fields once known';
CREATE INDEX IF NOT EXISTS ra_runners_horse_id_idx ON ra_runners (horse_id, race_date DESC);
CREATE INDEX IF NOT EXISTS ra_runners_jockey_id_idx ON ra_runners (jockey_id, race_date DESC);
CREATE INDEX IF NOT EXISTS ra_runners_trainer_id_idx ON ra_runners (trainer_id, race_date DESC);
CREATE INDEX IF NOT EXISTS ra_runners_owner_id_idx ON ra_runners (owner_id, race_date DESC);
CREATE INDEX IF NOT EXISTS ra_runners_race_date_idx ON ra_runners (race_date);
CREATE OR REPLACE TRIGGER ra_runners_updated_at BEFORE UPDATE ON ra_runners
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

-- Race-level results.
CREATE TABLE IF NOT EXISTS ra_results (
    race_id             text PRIMARY KEY CHECK (race_id <> ''),
    race_date           date NOT NULL,
    off_dt              timestamptz,
    course_id           text NOT NULL,
    course              text,
    region_code         text CHECK (region_code = upper(region_code)),
    race_name           text,
    winning_time_detail text,                       -- "2m 19.97s (slow by 2.07s)"
    comments            text,
    non_runners         text,                       -- "Miss Chester (self certificate, coughing)"
    tote_win            text,                       -- tote fields as given: "£9.50"
    tote_pl             text,
    tote_ex             text,
    tote_csf            text,
    tote_tricast        text,
    tote_trifecta       text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ra_results IS 'One row per resulted race: winning time, non-runners, tote dividends';
CREATE INDEX IF NOT EXISTS ra_results_race_date_idx ON ra_results (race_date, off_dt);
CREATE INDEX IF NOT EXISTS ra_results_course_id_idx ON ra_results (course_id, race_date);
CREATE OR REPLACE TRIGGER ra_results_updated_at BEFORE UPDATE ON ra_results
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

SELECT dh_apply_grants();
