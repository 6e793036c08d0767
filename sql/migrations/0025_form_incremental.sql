-- 0025_form_incremental.sql: dh_refresh_form() costs the days it rolls, not the years stored
-- (issue 15, item 3: dh-statistics costs the same at three years as at one day).
--
-- 0021's refresh summed, for every entity a rolled day touched, every daily row the entity
-- ever had: a day's results touch about 720 jockeys, trainers, courses and sires, each with a
-- row for most days, so rolling one day read about 250,000 daily rows with a year stored (352 ms
-- of a 787 ms dh-statistics cycle, measured) and would read three times that at three years.
--
-- Now each figure is taken from where it is bounded:
-- - the 14- and 30-day windows: the entity's daily rows of the last 30 days (its key's range);
-- - every stored day's runs, wins, places and profit: dh_form's own figures plus what the days
--   rolled changed (their new daily rows less the rows they replaced);
-- - the last win: one probe of dh_form_daily_wins_idx; the runs since: the entity's rows from
--   that day on (a few for anyone who wins now and then; all of them for one who never won);
-- - the name: the entity's newest daily row, one probe.
-- The days' runners are found from their results (ra_results' race_date, which is what marks a
-- day for rolling), so their races, runners and horses are read by index: 0021 hashed all of
-- ra_results and ra_horses to roll one day (75 of its 121 ms with a year stored).
-- An entity whose rows all went (a day rolled away) keeps its name and gets zeros, where 0021
-- left its old figures in place. When the racing day moves on, the entities to sum again are
-- those that ran in the last 32 days and those whose 30-day figures were not zero (0021 took
-- only the first, so a day moved by more than one left some windows stale).
--
-- Every stored day's figures are those of every day rolled (0021 summed the days up to the
-- racing day; no day after it is ever rolled, so the two agree unless the clock went back).

CREATE INDEX IF NOT EXISTS dh_form_daily_wins_idx ON dh_form_daily (kind, entity_id, race_date) WHERE wins > 0;

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

    -- What the days rolled change: their new daily rows less the rows they replace.
    CREATE TEMP TABLE IF NOT EXISTS dh_form_delta (kind text, entity_id text, runs integer, wins integer,
                                                   places integer, profit numeric) ON COMMIT DROP;
    TRUNCATE dh_form_delta;
    WITH old AS (DELETE FROM dh_form_daily WHERE race_date = ANY (v_days)
                 RETURNING kind, entity_id, runs, wins, places, profit)
    INSERT INTO dh_form_delta SELECT kind, entity_id, -runs, -wins, -places, -profit FROM old;

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
         WHERE re.race_date = ANY (v_days) AND ru.race_date = ANY (v_days)
           AND NOT ru.non_runner AND ru.position IS NOT NULL),
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

    INSERT INTO dh_form_delta
    SELECT kind, entity_id, runs, wins, places, profit FROM dh_form_daily WHERE race_date = ANY (v_days);

    INSERT INTO dh_form_days (race_date, races, rolled_at)
    SELECT race_date, count(*), now() FROM ra_results WHERE race_date = ANY (v_days) GROUP BY race_date
    ON CONFLICT (race_date) DO UPDATE SET races = EXCLUDED.races, rolled_at = EXCLUDED.rolled_at;

    -- The entities to sum again: those of the days rolled, and, when the day moved on, every
    -- entity whose 14- or 30-day window may have changed.
    CREATE TEMP TABLE IF NOT EXISTS dh_form_touched (kind text, entity_id text) ON COMMIT DROP;
    TRUNCATE dh_form_touched;
    INSERT INTO dh_form_touched
    SELECT kind, entity_id FROM dh_form_delta
    UNION
    SELECT kind, entity_id FROM dh_form_daily
     WHERE v_moved AND race_date > p_today - 32 AND race_date <= p_today
    UNION
    SELECT kind, entity_id FROM dh_form WHERE v_moved AND runs_30 > 0;

    INSERT INTO dh_form AS f (kind, entity_id, name, runs_14, wins_14, places_14, profit_14,
                              runs_30, wins_30, places_30, profit_30, runs, wins, places, profit,
                              last_win_date, runs_since_win, as_of, updated_at)
    SELECT t.kind, t.entity_id, coalesce(nm.name, f0.name),
           w.runs_14, w.wins_14, w.places_14, w.profit_14, w.runs_30, w.wins_30, w.places_30, w.profit_30,
           coalesce(f0.runs, 0) + coalesce(d.runs, 0), coalesce(f0.wins, 0) + coalesce(d.wins, 0),
           coalesce(f0.places, 0) + coalesce(d.places, 0), coalesce(f0.profit, 0) + coalesce(d.profit, 0),
           lw.last_day, sw.runs, p_today, now()
      FROM dh_form_touched t
      LEFT JOIN dh_form f0 ON f0.kind = t.kind AND f0.entity_id = t.entity_id
      LEFT JOIN (SELECT kind, entity_id, sum(runs) AS runs, sum(wins) AS wins, sum(places) AS places,
                        sum(profit) AS profit
                   FROM dh_form_delta GROUP BY kind, entity_id) d
             ON d.kind = t.kind AND d.entity_id = t.entity_id
      CROSS JOIN LATERAL (
          SELECT coalesce(sum(x.runs) FILTER (WHERE x.race_date > p_today - 14), 0) AS runs_14,
                 coalesce(sum(x.wins) FILTER (WHERE x.race_date > p_today - 14), 0) AS wins_14,
                 coalesce(sum(x.places) FILTER (WHERE x.race_date > p_today - 14), 0) AS places_14,
                 coalesce(sum(x.profit) FILTER (WHERE x.race_date > p_today - 14), 0) AS profit_14,
                 coalesce(sum(x.runs), 0) AS runs_30, coalesce(sum(x.wins), 0) AS wins_30,
                 coalesce(sum(x.places), 0) AS places_30, coalesce(sum(x.profit), 0) AS profit_30
            FROM dh_form_daily x
           WHERE x.kind = t.kind AND x.entity_id = t.entity_id
             AND x.race_date > p_today - 30 AND x.race_date <= p_today) w
      CROSS JOIN LATERAL (
          SELECT max(x.race_date) AS last_day FROM dh_form_daily x
           WHERE x.kind = t.kind AND x.entity_id = t.entity_id AND x.wins > 0 AND x.race_date <= p_today) lw
      CROSS JOIN LATERAL (
          SELECT coalesce(sum(x.runs) FILTER (WHERE lw.last_day IS NULL OR x.race_date > lw.last_day), 0)
                   + coalesce(sum(x.runs_after_last_win) FILTER (WHERE x.race_date = lw.last_day), 0) AS runs
            FROM dh_form_daily x
           WHERE x.kind = t.kind AND x.entity_id = t.entity_id
             AND x.race_date >= coalesce(lw.last_day, '-infinity') AND x.race_date <= p_today) sw
      LEFT JOIN LATERAL (
          SELECT x.name FROM dh_form_daily x
           WHERE x.kind = t.kind AND x.entity_id = t.entity_id AND x.race_date <= p_today
           ORDER BY x.race_date DESC LIMIT 1) nm ON true
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
COMMENT ON FUNCTION dh_refresh_form(date, integer) IS 'Rolls changed result days into dh_form_daily and brings dh_form up to date for the entities touched, from the days rolled and the last 30 days; returns days rolled';
