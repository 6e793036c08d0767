-- 0011_keyset_indexes.sql: every list endpoint pages by key (an opaque "after" cursor, the last
-- row's sort key) as well as by a capped offset, so a deep page costs what the first page costs
-- (issue 15). Each index below is the list's full sort order: the page is read straight off it,
-- starting at the cursor, and the LIMIT stops the scan.
--
-- Lists and the index that serves them:
--   /api/historical-odds       ra_odds_historical_page_idx (new; replaces its race_date index)
--   /api/live-odds             ra_odds_live_board_idx (0005, already the list's order)
--   /api/masters/races         ra_races_page_idx (new)
--   /api/masters/results       ra_results_page_idx (new)
--   /api/masters/runners       ra_runners_page_idx (new; replaces its race_date index)
--   /api/masters/{courses,jockeys,trainers,owners,horses}   the name indexes of 0005
--   /api/masters/bookmakers, /api/bookmakers, /api/courses  tables of tens of rows: no index
--
-- Where a list mixes directions (newest day first, then in race order), the cursor's condition
-- starts the index scan at its day and filters the rows of that one day before the cursor: a
-- deep page reads at most a day's rows more than the first page.

-- Newest racing day first, then latest off, then race, finishing position, horse
-- (fcgi-api/odds_historical.c). Its leading column serves what the race_date index did (the
-- summary's min/max, the coverage report's one probe a day).
CREATE INDEX IF NOT EXISTS ra_odds_historical_page_idx
    ON ra_odds_historical (race_date DESC, race_time DESC, race_id, position_num, horse_id);
DROP INDEX IF EXISTS ra_odds_historical_race_date_idx;

-- Newest racing day first, then in off order (fcgi-api/masters.c).
CREATE INDEX IF NOT EXISTS ra_races_page_idx ON ra_races (race_date DESC, off_dt, race_id);
CREATE INDEX IF NOT EXISTS ra_results_page_idx ON ra_results (race_date DESC, off_dt, race_id);

-- Newest racing day first, then race, saddle-cloth number, horse (fcgi-api/masters.c); its
-- leading column serves what the race_date index did.
CREATE INDEX IF NOT EXISTS ra_runners_page_idx ON ra_runners (race_date DESC, race_id, number, horse_id);
DROP INDEX IF EXISTS ra_runners_race_date_idx;

-- A cursor: the JSON array of a list's name and its last row's sort key, in base64url without
-- padding (opaque to clients; fcgi-api/api.c decodes and checks it).
CREATE OR REPLACE FUNCTION dh_cursor(key json) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN translate(encode(convert_to(key::text, 'UTF8'), 'base64'), E'+/=\n', '-_');
COMMENT ON FUNCTION dh_cursor(json) IS 'the API''s "after" cursor for a sort key: base64url of its JSON text';

SELECT dh_apply_grants();
