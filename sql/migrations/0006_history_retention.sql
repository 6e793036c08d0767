-- 0006_history_retention.sql: dropping ra_odds_history months past the retention.
--
-- The partitions belong to the migration owner, so the writer role drops them
-- through this SECURITY DEFINER function, as it creates them through
-- dh_ensure_odds_history_partitions().  dh-live calls it once a racing day with
-- the first day to keep (DH_ODDS_HISTORY_RETENTION_MONTHS; 0 keeps everything).

-- Detaches and drops every monthly partition that ends on or before the month
-- of p_keep_from, and deletes older rows waiting in the default partition.
-- Returns how many partitions it dropped.  Serialised with partition creation.
CREATE OR REPLACE FUNCTION dh_drop_odds_history_partitions(p_keep_from date)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_keep    timestamptz;
    v_dropped integer := 0;
    v_part    record;
BEGIN
    IF p_keep_from IS NULL THEN
        RAISE EXCEPTION 'dh_drop_odds_history_partitions: p_keep_from must not be null';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('public.ra_odds_history partitions'));
    v_keep := (date_trunc('month', p_keep_from)::date)::text || ' 00:00:00+00';

    FOR v_part IN
        SELECT c.oid::regclass AS rel, c.relname
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'public.ra_odds_history'::regclass
           AND c.relname ~ '^ra_odds_history_[0-9]{4}_[0-9]{2}$'
           AND to_date(substr(c.relname, 17), 'YYYY_MM') + interval '1 month' <= v_keep
         ORDER BY c.relname
    LOOP
        EXECUTE format('ALTER TABLE public.ra_odds_history DETACH PARTITION %s', v_part.rel);
        EXECUTE format('DROP TABLE %s', v_part.rel);
        v_dropped := v_dropped + 1;
    END LOOP;
    DELETE FROM public.ra_odds_history_default WHERE observed_at < v_keep;
    RETURN v_dropped;
END
$$;
COMMENT ON FUNCTION dh_drop_odds_history_partitions(date) IS 'Drops ra_odds_history partitions of months before the month of p_keep_from; returns how many';
REVOKE ALL ON FUNCTION dh_drop_odds_history_partitions(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dh_drop_odds_history_partitions(date) TO dh_writer;
