-- 0021_form.sql: form figures from stored results, kept in summary tables.
--
-- For each jockey, trainer, course and sire: runs, wins, places and the level-stakes profit
-- or loss at SP (one unit a run) over the last 14 and 30 days and over every stored day, the
-- date of the last win and the runs since it. Served by the masters items
-- (/api/masters/jockeys/{id}, ...) and GET /api/form/leaderboard; never computed per request.
--
-- dh_form_daily: one row per kind, entity and racing day, rolled from that day's resulted
--   runners (ra_runners of races in ra_results; non-runners left out). A day is rolled again
--   when its count of resulted races changes (a late result, a backfilled day), so a day is
--   always the sum of its races.
-- dh_form: the figures, summed from the daily rows of the entities a refresh touched: those
--   of the days rolled, and, when the racing day moved on, every entity that ran in the last
--   31 days (their 14- and 30-day windows slid). dh-statistics calls dh_refresh_form() every
--   cycle; a cycle with no new result and the same day does nothing.
--
-- Rules, as the derived returns elsewhere (shared/odds.h):
-- - a win is position 1; a place is a finish within the places the field size pays each way
--   (16+ runners 4, 8-15 3, 5-7 2, fewer: the win only);
-- - profit at SP: a winner returns sp_dec per unit, divided among the runners that dead-heated
--   for first (the dead-heat rule: the stake is divided), so a loser is -1, a winner
--   sp_dec / dead_heaters - 1; a run without an SP counts in runs and wins but not in profit.
CREATE OR REPLACE FUNCTION dh_places(p_field integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN p_field >= 16 THEN 4 WHEN p_field >= 8 THEN 3 WHEN p_field >= 5 THEN 2 ELSE 1 END $$;
COMMENT ON FUNCTION dh_places(integer) IS 'Places paid each way for a field size (odds_ew_standard): 4, 3, 2, or 1 (win only)';

CREATE TABLE IF NOT EXISTS dh_form_daily (
    kind                text NOT NULL CHECK (kind IN ('jockey', 'trainer', 'course', 'sire')),
    entity_id           text NOT NULL,
    race_date           date NOT NULL,
    name                text,                        -- as the day's cards wrote it
    runs                integer NOT NULL CHECK (runs > 0),
    wins                integer NOT NULL CHECK (wins >= 0),
    places              integer NOT NULL CHECK (places >= 0),
    profit              numeric(12,3) NOT NULL,      -- level stakes at SP, units
    last_win_at         timestamptz,                 -- the off of the day's last win
    runs_after_last_win integer NOT NULL CHECK (runs_after_last_win >= 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, entity_id, race_date)
);
COMMENT ON TABLE dh_form_daily IS 'Form per jockey, trainer, course and sire per racing day, rolled from resulted runners by dh_refresh_form()';
CREATE INDEX IF NOT EXISTS dh_form_daily_race_date_idx ON dh_form_daily (race_date);

CREATE TABLE IF NOT EXISTS dh_form (
    kind            text NOT NULL CHECK (kind IN ('jockey', 'trainer', 'course', 'sire')),
    entity_id       text NOT NULL,
    name            text,
    runs_14         integer NOT NULL DEFAULT 0,
    wins_14         integer NOT NULL DEFAULT 0,
    places_14       integer NOT NULL DEFAULT 0,
    profit_14       numeric(12,3) NOT NULL DEFAULT 0,
    runs_30         integer NOT NULL DEFAULT 0,
    wins_30         integer NOT NULL DEFAULT 0,
    places_30       integer NOT NULL DEFAULT 0,
    profit_30       numeric(12,3) NOT NULL DEFAULT 0,
    runs            integer NOT NULL DEFAULT 0,      -- every stored day
    wins            integer NOT NULL DEFAULT 0,
    places          integer NOT NULL DEFAULT 0,
    profit          numeric(12,3) NOT NULL DEFAULT 0,
    last_win_date   date,
    runs_since_win  integer NOT NULL DEFAULT 0,      -- runs after the last win (all runs: never won)
    as_of           date NOT NULL,                   -- the racing day the windows end on
    updated_at      timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, entity_id)
);
COMMENT ON TABLE dh_form IS 'Form figures per jockey, trainer, course and sire over 14 days, 30 days and all stored days; refreshed by dh_refresh_form()';

CREATE TABLE IF NOT EXISTS dh_form_days (
    race_date  date PRIMARY KEY,
    races      integer NOT NULL,                     -- resulted races when rolled
    rolled_at  timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_form_days IS 'Racing days rolled into dh_form_daily and their count of resulted races then';

CREATE TABLE IF NOT EXISTS dh_form_state (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    as_of      date NOT NULL,                        -- the racing day of the last refresh
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_form_state IS 'The racing day dh_form''s windows were last computed for (one row)';

-- Rolls the days whose resulted races changed (at most p_max_days of them, newest first) and
-- refreshes the figures of the entities touched; p_today is the racing day the windows end
-- on. Returns the number of days rolled.
CREATE OR REPLACE FUNCTION dh_refresh_form(p_today date, p_max_days integer DEFAULT 31)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_days  date[];
    v_moved boolean;
BEGIN
    SELECT coalesce(array_agg(race_date ORDER BY race_date DESC), '{}') INTO v_days
      FROM (SELECT r.race_date
              FROM ra_results r LEFT JOIN dh_form_days d USING (race_date)
             WHERE r.race_date <= p_today
             GROUP BY r.race_date, d.races
            HAVING d.races IS DISTINCT FROM count(*)
             ORDER BY r.race_date DESC
             LIMIT p_max_days) x;
    v_moved := NOT EXISTS (SELECT 1 FROM dh_form_state WHERE as_of = p_today);
    IF cardinality(v_days) = 0 AND NOT v_moved THEN
        RETURN 0;
    END IF;

    DELETE FROM dh_form_daily WHERE race_date = ANY (v_days);
    INSERT INTO dh_form_daily (kind, entity_id, race_date, name, runs, wins, places, profit,
                               last_win_at, runs_after_last_win)
    WITH run AS (
        SELECT ru.race_date, re.off_dt, ru.position_num, ru.sp_dec,
               ru.jockey_id, ru.jockey_name, ru.trainer_id, ru.trainer_name,
               re.course_id, re.course, h.sire_id, h.sire,
               count(*) OVER (PARTITION BY ru.race_id) AS field,
               count(*) FILTER (WHERE ru.position_num = 1) OVER (PARTITION BY ru.race_id) AS winners
          FROM ra_runners ru
          JOIN ra_results re ON re.race_id = ru.race_id
          LEFT JOIN ra_horses h ON h.horse_id = ru.horse_id
         WHERE ru.race_date = ANY (v_days) AND NOT ru.non_runner AND ru.position IS NOT NULL),
    scored AS (
        SELECT *, coalesce(position_num = 1, false) AS won,
               coalesce(position_num <= dh_places(field::int), false) AS placed,
               CASE WHEN sp_dec IS NULL THEN 0
                    WHEN position_num = 1 THEN sp_dec / winners - 1
                    ELSE -1 END AS gain
          FROM run),
    e AS (
        SELECT 'jockey' AS kind, jockey_id AS entity_id, jockey_name AS name, race_date, off_dt, won, placed, gain
          FROM scored WHERE jockey_id IS NOT NULL
        UNION ALL
        SELECT 'trainer', trainer_id, trainer_name, race_date, off_dt, won, placed, gain
          FROM scored WHERE trainer_id IS NOT NULL
        UNION ALL
        SELECT 'course', course_id, course, race_date, off_dt, won, placed, gain
          FROM scored WHERE course_id IS NOT NULL
        UNION ALL
        SELECT 'sire', sire_id, sire, race_date, off_dt, won, placed, gain
          FROM scored WHERE sire_id IS NOT NULL),
    marked AS (
        SELECT *, max(off_dt) FILTER (WHERE won) OVER (PARTITION BY kind, entity_id, race_date) AS last_win
          FROM e)
    SELECT kind, entity_id, race_date, max(name), count(*), count(*) FILTER (WHERE won),
           count(*) FILTER (WHERE placed), round(sum(gain), 3), max(last_win),
           count(*) FILTER (WHERE last_win IS NOT NULL AND off_dt > last_win)
      FROM marked
     GROUP BY kind, entity_id, race_date;

    INSERT INTO dh_form_days (race_date, races, rolled_at)
    SELECT race_date, count(*), now() FROM ra_results WHERE race_date = ANY (v_days) GROUP BY race_date
    ON CONFLICT (race_date) DO UPDATE SET races = EXCLUDED.races, rolled_at = EXCLUDED.rolled_at;

    -- The entities to sum again: those of the days rolled, and, when the day moved on, every
    -- entity whose 14- or 30-day window may have changed.
    CREATE TEMP TABLE IF NOT EXISTS dh_form_touched (kind text, entity_id text) ON COMMIT DROP;
    TRUNCATE dh_form_touched;
    INSERT INTO dh_form_touched
    SELECT DISTINCT kind, entity_id FROM dh_form_daily
     WHERE race_date = ANY (v_days) OR (v_moved AND race_date > p_today - 32 AND race_date <= p_today);

    INSERT INTO dh_form AS f (kind, entity_id, name, runs_14, wins_14, places_14, profit_14,
                              runs_30, wins_30, places_30, profit_30, runs, wins, places, profit,
                              last_win_date, runs_since_win, as_of, updated_at)
    SELECT kind, entity_id, (array_agg(name ORDER BY race_date DESC))[1],
           coalesce(sum(runs) FILTER (WHERE race_date > p_today - 14), 0),
           coalesce(sum(wins) FILTER (WHERE race_date > p_today - 14), 0),
           coalesce(sum(places) FILTER (WHERE race_date > p_today - 14), 0),
           coalesce(sum(profit) FILTER (WHERE race_date > p_today - 14), 0),
           coalesce(sum(runs) FILTER (WHERE race_date > p_today - 30), 0),
           coalesce(sum(wins) FILTER (WHERE race_date > p_today - 30), 0),
           coalesce(sum(places) FILTER (WHERE race_date > p_today - 30), 0),
           coalesce(sum(profit) FILTER (WHERE race_date > p_today - 30), 0),
           sum(runs), sum(wins), sum(places), sum(profit), max(last_day),
           coalesce(sum(runs) FILTER (WHERE last_day IS NULL OR race_date > last_day), 0)
             + coalesce(sum(runs_after_last_win) FILTER (WHERE race_date = last_day), 0),
           p_today, now()
      FROM (SELECT d.*, max(d.race_date) FILTER (WHERE d.wins > 0)
                            OVER (PARTITION BY d.kind, d.entity_id) AS last_day
              FROM dh_form_daily d JOIN dh_form_touched t USING (kind, entity_id)
             WHERE d.race_date <= p_today) x
     GROUP BY kind, entity_id
    ON CONFLICT (kind, entity_id) DO UPDATE SET
        name = EXCLUDED.name, runs_14 = EXCLUDED.runs_14, wins_14 = EXCLUDED.wins_14,
        places_14 = EXCLUDED.places_14, profit_14 = EXCLUDED.profit_14, runs_30 = EXCLUDED.runs_30,
        wins_30 = EXCLUDED.wins_30, places_30 = EXCLUDED.places_30, profit_30 = EXCLUDED.profit_30,
        runs = EXCLUDED.runs, wins = EXCLUDED.wins, places = EXCLUDED.places, profit = EXCLUDED.profit,
        last_win_date = EXCLUDED.last_win_date, runs_since_win = EXCLUDED.runs_since_win,
        as_of = EXCLUDED.as_of, updated_at = EXCLUDED.updated_at;

    INSERT INTO dh_form_state (id, as_of, updated_at) VALUES (true, p_today, now())
    ON CONFLICT (id) DO UPDATE SET as_of = EXCLUDED.as_of, updated_at = EXCLUDED.updated_at;
    RETURN cardinality(v_days);
END
$$;
COMMENT ON FUNCTION dh_refresh_form(date, integer) IS 'Rolls changed result days into dh_form_daily and refreshes dh_form for the entities touched; returns days rolled';

-- One entity's figures as the masters items and the leaderboard serve them; NULL when it has none.
CREATE OR REPLACE FUNCTION dh_form_json(p_kind text, p_id text) RETURNS json
LANGUAGE sql STABLE
AS $$
SELECT json_build_object(
           'as_of', f.as_of,
           'last_14_days', json_build_object('runs', f.runs_14, 'wins', f.wins_14, 'places', f.places_14,
               'win_percent', round(100.0 * f.wins_14 / nullif(f.runs_14, 0), 1),
               'place_percent', round(100.0 * f.places_14 / nullif(f.runs_14, 0), 1), 'profit', f.profit_14),
           'last_30_days', json_build_object('runs', f.runs_30, 'wins', f.wins_30, 'places', f.places_30,
               'win_percent', round(100.0 * f.wins_30 / nullif(f.runs_30, 0), 1),
               'place_percent', round(100.0 * f.places_30 / nullif(f.runs_30, 0), 1), 'profit', f.profit_30),
           'all', json_build_object('runs', f.runs, 'wins', f.wins, 'places', f.places,
               'win_percent', round(100.0 * f.wins / nullif(f.runs, 0), 1),
               'place_percent', round(100.0 * f.places / nullif(f.runs, 0), 1), 'profit', f.profit),
           'last_win_date', f.last_win_date, 'runs_since_win', f.runs_since_win)
  FROM dh_form f WHERE f.kind = p_kind AND f.entity_id = p_id
$$;
COMMENT ON FUNCTION dh_form_json(text, text) IS 'An entity''s form figures as JSON (dh_form), NULL when none';

SELECT dh_apply_grants();
