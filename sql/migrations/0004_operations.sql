-- 0004_operations.sql: worker status and runs, statistics snapshots, API keys, backfill coverage.
--
-- Worker names are the daemon names without "dh-": live, historical, statistics, masters.
-- They are not constrained to that list, only to a simple lower-case pattern.

-- Workers -----------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS dh_worker_status (
    worker          text PRIMARY KEY CHECK (worker ~ '^[a-z][a-z0-9_-]*$'),
    state           text NOT NULL DEFAULT 'not_started',   -- e.g. running, sleeping, backoff, error, stopped
    host            text,
    pid             integer CHECK (pid > 0),
    started_at      timestamptz,                    -- start of the current process
    last_run_at     timestamptz,
    last_success_at timestamptz,
    next_run_at     timestamptz,
    interval_s      integer CHECK (interval_s >= 0),
    interval_reason text,                           -- "nearest race off in 4 min"
    last_error      text,
    last_error_at   timestamptz,
    rows_written    bigint NOT NULL DEFAULT 0 CHECK (rows_written >= 0),   -- since the row was made
    cycles          bigint NOT NULL DEFAULT 0 CHECK (cycles >= 0),
    detail          jsonb NOT NULL DEFAULT '{}'::jsonb,     -- worker-specific state
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_worker_status IS 'One row per worker kind: state, last/next run, interval and why, last error, totals';
CREATE OR REPLACE TRIGGER dh_worker_status_updated_at BEFORE UPDATE ON dh_worker_status
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

-- The four workers are listed (as not_started) before any of them has run.
INSERT INTO dh_worker_status (worker)
VALUES ('live'), ('historical'), ('statistics'), ('masters')
ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS dh_worker_runs (
    id           bigserial PRIMARY KEY,
    worker       text NOT NULL,
    host         text,
    pid          integer,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    ok           boolean,                           -- NULL while running
    rows_written integer NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
    error        text,
    detail       jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (finished_at IS NULL OR finished_at >= started_at)
);
COMMENT ON TABLE dh_worker_runs IS 'One row per worker cycle: start, end, outcome, rows written';
CREATE INDEX IF NOT EXISTS dh_worker_runs_worker_idx ON dh_worker_runs (worker, started_at DESC);
CREATE INDEX IF NOT EXISTS dh_worker_runs_started_idx ON dh_worker_runs (started_at);
CREATE OR REPLACE TRIGGER dh_worker_runs_updated_at BEFORE UPDATE ON dh_worker_runs
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

-- Statistics --------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS dh_stats_snapshots (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]*$'),  -- live, historical, all...
    taken_at   timestamptz NOT NULL DEFAULT now(),
    body       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_stats_snapshots IS 'Statistics JSON computed by dh-statistics, by kind and time';
CREATE INDEX IF NOT EXISTS dh_stats_snapshots_kind_idx ON dh_stats_snapshots (kind, taken_at DESC);

-- Historical coverage -----------------------------------------------------------------------

-- One row per racing day the historical worker has dealt with; the API's coverage report
-- (dates present and missing) reads it. A day without racing is 'done' with rows = 0.
CREATE TABLE IF NOT EXISTS dh_historical_dates (
    race_date    date PRIMARY KEY,
    state        text NOT NULL DEFAULT 'missing' CHECK (state IN ('done', 'missing', 'failed')),
    races        integer NOT NULL DEFAULT 0 CHECK (races >= 0),
    rows         integer NOT NULL DEFAULT 0 CHECK (rows >= 0),  -- ra_odds_historical rows written
    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    attempted_at timestamptz,
    completed_at timestamptz,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_historical_dates IS 'Backfill coverage of ra_odds_historical: one row per racing day and its state';
CREATE INDEX IF NOT EXISTS dh_historical_dates_todo_idx ON dh_historical_dates (race_date DESC)
    WHERE state <> 'done';
CREATE OR REPLACE TRIGGER dh_historical_dates_updated_at BEFORE UPDATE ON dh_historical_dates
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

-- API keys ----------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS dh_api_keys (
    key_id       text PRIMARY KEY CHECK (key_id <> ''),
    name         text NOT NULL,
    key_hash     text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),  -- hex SHA-256 of the secret
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
COMMENT ON TABLE dh_api_keys IS 'Admin API keys: only the SHA-256 of each secret is stored';

-- Records the use of an API key and says whether it is valid (exists and not revoked).
-- last_used_at is written at most once a minute per key, so authentication does not cost a
-- write per request. SECURITY DEFINER so the read-only API role can call it; it can do
-- nothing else. Needs the primary: on a read replica it fails (read-only transaction).
CREATE OR REPLACE FUNCTION dh_touch_api_key(key_hash text) RETURNS boolean
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
    WITH k AS (
        SELECT a.key_id, a.last_used_at
        FROM public.dh_api_keys a
        WHERE a.key_hash = lower(dh_touch_api_key.key_hash)
          AND a.revoked_at IS NULL
    ), touched AS (
        UPDATE public.dh_api_keys a
        SET last_used_at = now()
        FROM k
        WHERE a.key_id = k.key_id
          AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
        RETURNING a.key_id
    )
    SELECT EXISTS (SELECT 1 FROM k);
$$;
COMMENT ON FUNCTION dh_touch_api_key(text) IS 'True if key_hash (hex SHA-256) is an unrevoked API key; updates its last_used_at (at most once a minute)';
REVOKE ALL ON FUNCTION dh_touch_api_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dh_touch_api_key(text) TO dh_reader, dh_writer;

SELECT dh_apply_grants();
