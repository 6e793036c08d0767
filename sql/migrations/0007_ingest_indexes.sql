-- 0007_ingest_indexes.sql: two indexes that every new price paid for and no
-- query needed.
--
-- Each price dh-live sees for the first time is one row in ra_odds_live and
-- one in ra_odds_history, and every index on them is one more insertion (and
-- WAL record) per row: at the start of a racing day, about 15,000 of each.
--
-- ra_odds_live_race_date_idx (race_date, off_dt) is a prefix of
-- ra_odds_live_board_idx (race_date, off_dt, race_id, ...), which serves every
-- query the former could.
--
-- ra_odds_history_race_idx (race_id, observed_at): the history endpoints read
-- one race's window ordered by runner, bookmaker and time, which is the
-- primary key (race_id, horse_id, bookmaker_id, observed_at); the planner
-- already preferred the key for the series query, and the grid query costs the
-- same on it (measured: 1.0 ms against 1.1 ms for a race of 350 prices).
-- Dropping the parent's index drops every partition's.
DROP INDEX IF EXISTS ra_odds_live_race_date_idx;
DROP INDEX IF EXISTS ra_odds_history_race_idx;
