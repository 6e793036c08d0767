-- Role-level limits (issue 16): what one client, or one stuck session, may hold.
--
-- dh_reader (dh-api): statement_timeout 5 s, as dh-api sets for its own sessions, and
-- idle_in_transaction_session_timeout 10 s, so a session that opens a transaction and stops
-- cannot hold a snapshot (and vacuum) or a connection.  dh_writer (workers): lock_timeout 5 s,
-- so a worker waits at most that long for a lock and retries its cycle rather than queue
-- behind a long lock (a migration, an operator's session).  Both apply to every session the
-- role opens, whatever the client sets.
--
-- pg_read_all_stats moves from dh_reader to dh_monitor, a role nobody logs in as: the admin
-- statistics (/api/db-health/stats) are gathered by dh_db_health(), a SECURITY DEFINER
-- function owned by dh_monitor that only dh_reader may call, after dh-api has checked the
-- API key.  An ordinary dh-api session no longer sees other roles' query texts.
ALTER ROLE dh_reader SET statement_timeout = '5s';
ALTER ROLE dh_reader SET idle_in_transaction_session_timeout = '10s';
ALTER ROLE dh_writer SET lock_timeout = '5s';

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'dh_monitor') THEN
        BEGIN
            CREATE ROLE dh_monitor NOLOGIN;
            COMMENT ON ROLE dh_monitor IS 'DarkHorses: owns dh_db_health() with pg_read_all_stats; nobody logs in as it';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;

-- As in 0005: granting pg_read_all_stats needs a superuser or admin rights on it; a lesser
-- migration owner skips it (the statistics then show other sessions without their text).
DO $$
BEGIN
    GRANT pg_read_all_stats TO dh_monitor;
    REVOKE pg_read_all_stats FROM dh_reader;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not move pg_read_all_stats from dh_reader to dh_monitor: %', SQLERRM;
END
$$;

-- The statistics of /api/db-health/stats as one JSON value; long_query_seconds is the
-- threshold of long_running_queries.
CREATE OR REPLACE FUNCTION dh_db_health(long_query_seconds int) RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $fn$
    SELECT json_build_object('success', true, 'timestamp', now(),
        'database', json_build_object('name', current_database(),
        'size_bytes', pg_database_size(current_database()),
        'server_version', current_setting('server_version'),
        'started_at', pg_postmaster_start_time(), 'in_recovery', pg_is_in_recovery()),
        'connections', (SELECT json_build_object('total', count(*),
        'max', current_setting('max_connections')::int,
        'by_state', (SELECT json_object_agg(st, n) FROM (SELECT coalesce(state, backend_type, 'not visible') AS st,
        count(*) AS n FROM pg_stat_activity GROUP BY 1) s),
        'by_application', (SELECT json_object_agg(app, n) FROM (SELECT coalesce(nullif(
        application_name, ''), backend_type, 'not visible') AS app, count(*) AS n
        FROM pg_stat_activity GROUP BY 1) a))
        FROM pg_stat_activity),
        'cache_hit_ratio', (SELECT round(blks_hit::numeric / nullif(blks_hit + blks_read, 0), 4)
        FROM pg_stat_database WHERE datname = current_database()),
        'transactions', (SELECT json_build_object('committed', xact_commit,
        'rolled_back', xact_rollback, 'deadlocks', deadlocks, 'temp_bytes', temp_bytes,
        'conflicts', conflicts) FROM pg_stat_database WHERE datname = current_database()),
        'tables', (SELECT coalesce(json_agg(t ORDER BY t.total_bytes DESC), '[]'::json) FROM (
        SELECT s.relname AS table, pg_total_relation_size(s.relid) AS total_bytes,
        pg_relation_size(s.relid) AS table_bytes, pg_indexes_size(s.relid) AS index_bytes,
        s.n_live_tup AS rows, s.n_dead_tup AS dead_rows, s.seq_scan, s.idx_scan,
        s.last_autovacuum, s.last_autoanalyze
        FROM pg_stat_user_tables s WHERE s.schemaname = 'public'
        ORDER BY pg_total_relation_size(s.relid) DESC LIMIT 50) t),
        'indexes', (SELECT coalesce(json_agg(i ORDER BY i.scans DESC, i.index), '[]'::json) FROM (
        SELECT relname AS table, indexrelname AS index, idx_scan AS scans,
        idx_tup_read AS tuples_read, pg_relation_size(indexrelid) AS bytes
        FROM pg_stat_user_indexes WHERE schemaname = 'public'
        ORDER BY idx_scan DESC, indexrelname LIMIT 100) i),
        'unused_indexes', (SELECT coalesce(json_agg(indexrelname ORDER BY indexrelname), '[]'::json)
        FROM pg_stat_user_indexes WHERE schemaname = 'public' AND idx_scan = 0),
        'long_query_seconds', long_query_seconds,
        'long_running_queries', (SELECT coalesce(json_agg(q ORDER BY q.seconds DESC), '[]'::json) FROM (
        SELECT pid, usename AS user, application_name, state, wait_event_type, wait_event,
        round(extract(epoch FROM now() - query_start)::numeric, 3) AS seconds,
        query_start, left(query, 500) AS query
        FROM pg_stat_activity
        WHERE state IS NOT NULL AND state <> 'idle' AND pid <> pg_backend_pid()
        AND query_start < now() - make_interval(secs => long_query_seconds)
        ORDER BY query_start LIMIT 20) q)
        )
$fn$;
COMMENT ON FUNCTION dh_db_health(int) IS 'The statistics of /api/db-health/stats; runs as dh_monitor (pg_read_all_stats), callable by dh_reader only';

-- Handing the function over needs membership of dh_monitor (a CREATEROLE migration owner
-- can grant itself that).
DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'dh_monitor', 'MEMBER') THEN
        EXECUTE format('GRANT dh_monitor TO %I', current_user);
    END IF;
    ALTER FUNCTION dh_db_health(int) OWNER TO dh_monitor;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'dh_db_health() stays the migration owner''s: %', SQLERRM;
END
$$;

SELECT dh_apply_grants();
REVOKE EXECUTE ON FUNCTION dh_db_health(int) FROM PUBLIC, dh_writer;
GRANT EXECUTE ON FUNCTION dh_db_health(int) TO dh_reader;
