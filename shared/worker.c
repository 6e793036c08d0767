/* worker: the shared daemon loop of the workers (see worker.h). */
#include "worker.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "jsonout.h"
#include "log.h"
#include "rapi.h"
#include "sig.h"

#define WORKER_STANDBY_S 10

static volatile sig_atomic_t worker_stop;

static const char sql_status_start[] =
    "INSERT INTO dh_worker_status (worker, state, host, pid, started_at, interval_reason)"
    " VALUES ($1, $2, $3, $4::int, now(), $5)"
    " ON CONFLICT (worker) DO UPDATE SET state = EXCLUDED.state, host = EXCLUDED.host,"
    "   pid = EXCLUDED.pid, started_at = EXCLUDED.started_at,"
    "   interval_reason = EXCLUDED.interval_reason";

static const char sql_status_state[] =
    "UPDATE dh_worker_status SET state = $2, host = $3, pid = $4::int WHERE worker = $1";

static const char sql_run_begin[] =
    "WITH s AS (UPDATE dh_worker_status SET state = 'running', last_run_at = now(),"
    "             host = $2, pid = $3::int WHERE worker = $1)"
    " INSERT INTO dh_worker_runs (worker, host, pid) VALUES ($1, $2, $3::int) RETURNING id";

static const char sql_run_end[] =
    "WITH r AS (UPDATE dh_worker_runs SET finished_at = now(), ok = $3::boolean,"
    "             rows_written = $4::int, error = $5, detail = $6::jsonb WHERE id = $2::bigint)"
    " UPDATE dh_worker_status SET"
    "   state = CASE WHEN $3::boolean THEN 'sleeping' ELSE 'backoff' END,"
    "   last_success_at = CASE WHEN $3::boolean THEN now() ELSE last_success_at END,"
    "   next_run_at = now() + make_interval(secs => $7::int),"
    "   interval_s = $7::int, interval_reason = $8,"
    "   last_error = CASE WHEN $3::boolean THEN last_error ELSE $5 END,"
    "   last_error_at = CASE WHEN $3::boolean THEN last_error_at ELSE now() END,"
    "   rows_written = rows_written + $4::bigint, cycles = cycles + 1,"
    "   detail = coalesce($6::jsonb, detail)"
    " WHERE worker = $1";

/* A worker's own runs older than the window (DH_OPS_RETENTION_DAYS); started_at is the database's clock. */
static const char sql_runs_prune[] =
    "DELETE FROM dh_worker_runs WHERE worker = $1 AND started_at < now() - make_interval(days => $2::int)";

static volatile sig_atomic_t worker_wake;

static void
worker_on_signal(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/* SIGUSR1: a worker's sleep (between cycles, or before a retry) ends now. */
static void
worker_on_wake(int sig)
{
	(void)sig;
	worker_wake = 1;
}

static int
worker_wake_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_on_wake;
	sa.sa_flags = SA_RESTART;	/* a wake mid-cycle interrupts no transfer (nanosleep still returns) */
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL);
}

int
worker_sleep(volatile sig_atomic_t *stop, int64_t ms)
{
	while (ms > 0 && !*stop && !worker_wake) {
		int64_t step = ms < 200 ? ms : 200;
		struct timespec ts = { (time_t)(step / 1000), (long)(step % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		ms -= step;
	}
	if (worker_wake && !*stop)
		log_info("woken by SIGUSR1: going on now");
	worker_wake = 0;
	return *stop ? -1 : 0;
}

void
worker_fail(struct worker_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
	res->ok = 0;
}

void
worker_next(struct worker_result *res, int seconds, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
	res->next_in_s = seconds;
}

int
worker_date_found(struct worker_ctx *ctx, const char *sql, struct clock_date day,
    struct worker_result *res)
{
	char date[11];
	const char *params[1] = { date };
	PGresult *r;
	int found;

	clock_format_date(&day, date, sizeof(date));
	r = db_exec(ctx->db, sql, 1, params);
	if (r == NULL) {
		worker_fail(res, "database: %s", db_error(ctx->db));
		return -1;
	}
	found = PQntuples(r) > 0;
	PQclear(r);
	return found;
}

int
worker_backoff_s(int failures)
{
	int s = 5;

	while (--failures > 0 && s < 300)
		s *= 2;
	return s < 300 ? s : 300;
}

static int
worker_date_arg(const char *prog, const char *flag, const char *v, struct clock_date *out)
{
	if (clock_parse_date(v, out) == 0)
		return 0;
	fprintf(stderr, "%s: invalid value for %s: \"%s\" (expected YYYY-MM-DD)\n", prog, flag, v);
	return -1;
}

static int
worker_args(int argc, char **argv, struct worker_ctx *ctx, const struct worker_def *def,
    const char *prog)
{
	int has_from = 0, has_to = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0) {
			ctx->once = 1;
		} else if (strcmp(argv[i], "--backfill") == 0 && def->backfill != NULL) {
			ctx->backfill = 1;
		} else if (strcmp(argv[i], "--date") == 0 && i + 1 < argc) {
			if (worker_date_arg(prog, "--date", argv[++i], &ctx->date) < 0)
				return -1;
			ctx->has_date = 1;
		} else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
			if (worker_date_arg(prog, "--from", argv[++i], &ctx->from) < 0)
				return -1;
			has_from = 1;
		} else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc) {
			if (worker_date_arg(prog, "--to", argv[++i], &ctx->to) < 0)
				return -1;
			has_to = 1;
		} else {
			fprintf(stderr, "usage: %s [--once [--date YYYY-MM-DD]]%s\n", prog,
			    def->backfill ? " | --backfill --from YYYY-MM-DD --to YYYY-MM-DD" : "");
			return -1;
		}
	}
	if (ctx->has_date && !ctx->once) {
		fprintf(stderr, "%s: --date goes with --once\n", prog);
		return -1;
	}
	if (ctx->backfill != (has_from && has_to) || (ctx->backfill && ctx->once) ||
	    (!ctx->backfill && (has_from || has_to))) {
		fprintf(stderr, "%s: --backfill takes --from and --to, without --once\n", prog);
		return -1;
	}
	if (ctx->backfill && clock_date_to_utc(&ctx->from) > clock_date_to_utc(&ctx->to)) {
		fprintf(stderr, "%s: --from is after --to\n", prog);
		return -1;
	}
	return 0;
}

/* Shows progress: one rewritten line on a terminal, a log line otherwise. */
static void
worker_progress(int tty, long done, long total, const char *date, const char *what,
    long rows, int64_t started_ms)
{
	double secs = (double)(clock_mono_ms() - started_ms) / 1000.0;
	double rate = secs > 0 ? (double)done / secs : 0;
	long left = rate > 0 ? (long)((double)(total - done) / rate) : 0;

	if (tty) {
		fprintf(stderr, "\r[%ld/%ld] %s %-7s %ld rows, %.2f dates/s, about %ldm%02lds left   ",
		    done, total, date, what, rows, rate, left / 60, left % 60);
		fflush(stderr);
	} else {
		log_info("backfill %ld/%ld: %s %s, %ld rows so far, %.2f dates/s, about %ld s left",
		    done, total, date, what, rows, rate, left);
	}
}

/* --backfill: every date from --to down to --from.  Returns the exit status. */
static int
worker_backfill(struct worker_ctx *ctx, const struct worker_def *def)
{
	int64_t days = (clock_date_to_utc(&ctx->to) - clock_date_to_utc(&ctx->from)) / 86400 + 1;
	int64_t started = clock_mono_ms();
	int tty = isatty(STDERR_FILENO);
	long rows = 0, failed = 0, skipped = 0;

	if (db_connect_retry(ctx->db, ctx->stop, 30) < 0)
		return 0;
	for (int64_t i = 0; i < days && !*ctx->stop; i++) {
		struct clock_date d = clock_date_add(ctx->to, -(int)i);
		struct worker_result res;
		char date[11];
		int rc;

		memset(&res, 0, sizeof(res));
		res.ok = 1;
		clock_format_date(&d, date, sizeof(date));
		rc = def->backfill(ctx, d, &res);
		json_decref(res.detail);
		rows += res.rows_written;
		if (rc < 0) {
			failed++;
			if (tty)
				fputc('\n', stderr);
			log_error("backfill %s failed: %s", date, res.error);
		}
		skipped += rc > 0;
		worker_progress(tty, (long)i + 1, (long)days, date,
		    rc < 0 ? "failed" : rc > 0 ? "skipped" : "done", rows, started);
	}
	if (tty)
		fputc('\n', stderr);
	log_info("backfill %s: %ld dates, %ld already done, %ld failed, %ld rows",
	    *ctx->stop ? "stopped" : "finished", (long)days, skipped, failed, rows);
	return failed > 0 ? 1 : 0;
}

struct worker_loop {
	const struct worker_def *def;
	struct worker_ctx        ctx;
	char                     host[128];
	char                     pid[16];
	unsigned                 lock_gen;	/* connection generation the lock was taken on */
	int                      failures;
};

/* Writes the state column; failures are logged, not fatal. */
static void
worker_state(struct worker_loop *w, const char *state)
{
	const char *params[4] = { w->def->name, state, w->host, w->pid };

	if (db_command(w->ctx.db, sql_status_state, 4, params) < 0)
		log_warn("could not record state %s: %s", state, db_error(w->ctx.db));
}

/*
 * Connects and holds this kind's advisory lock.  Returns 0 when held, -1 when
 * stopping, 1 when another instance holds it and we run --once.
 */
static int
worker_acquire(struct worker_loop *w)
{
	int said = 0, delay = 0;

	for (;;) {
		int got;

		if (db_connect_retry(w->ctx.db, w->ctx.stop, 30) < 0)
			return -1;
		if (w->lock_gen == db_generation(w->ctx.db) && w->lock_gen != 0)
			return 0;
		got = db_try_lock(w->ctx.db, w->def->lock_key);
		if (got == 1) {
			const char *params[5] = { w->def->name, "starting", w->host, w->pid, w->def->schedule };

			w->lock_gen = db_generation(w->ctx.db);
			if (said)
				log_info("took over: the other dh-%s released the lock", w->def->name);
			if (db_command(w->ctx.db, sql_status_start, 5, params) < 0)
				log_warn("could not record start: %s", db_error(w->ctx.db));
			return 0;
		}
		if (got == 0) {
			if (w->ctx.once) {
				log_error("another dh-%s is active (advisory lock held); not running", w->def->name);
				return 1;
			}
			if (!said)
				log_info("standby: another dh-%s holds the lock; checking every %d s",
				    w->def->name, WORKER_STANDBY_S);
			said = 1;
			delay = WORKER_STANDBY_S;
		} else {
			log_warn("could not take the lock: %s", db_error(w->ctx.db));
			delay = 5;
		}
		if (worker_sleep(w->ctx.stop, (int64_t)delay * 1000) < 0)
			return -1;
	}
}

/* Runs one cycle and records it.  Returns the seconds to wait before the next. */
static int
worker_run_cycle(struct worker_loop *w)
{
	struct worker_result res;
	const char *params[8];
	char run_id[24] = "0", rows[24], next[16];
	char *detail = NULL;
	PGresult *r;
	int64_t t0 = clock_mono_ms();

	memset(&res, 0, sizeof(res));
	res.ok = 1;
	res.next_in_s = 60;
	params[0] = w->def->name;
	params[1] = w->host;
	params[2] = w->pid;
	r = db_exec(w->ctx.db, sql_run_begin, 3, params);
	if (r != NULL) {
		snprintf(run_id, sizeof(run_id), "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
	} else {
		log_warn("could not record the run: %s", db_error(w->ctx.db));
	}

	w->def->cycle(&w->ctx, &res);

	if (res.ok) {
		w->failures = 0;
		log_info("cycle done in %" PRId64 " ms: %ld rows; next in %d s (%s)",
		    clock_mono_ms() - t0, res.rows_written, res.next_in_s, res.reason);
	} else {
		w->failures++;
		res.next_in_s = worker_backoff_s(w->failures);
		snprintf(res.reason, sizeof(res.reason), "backoff after %d failure%s: %.200s",
		    w->failures, w->failures == 1 ? "" : "s", res.error);
		log_error("cycle failed: %s; retrying in %d s", res.error, res.next_in_s);
	}
	if (res.detail != NULL)
		detail = json_dumps(res.detail, JSON_COMPACT);
	json_decref(res.detail);
	snprintf(rows, sizeof(rows), "%ld", res.rows_written);
	snprintf(next, sizeof(next), "%d", res.next_in_s);
	params[0] = w->def->name;
	params[1] = run_id;
	params[2] = res.ok ? "true" : "false";
	params[3] = rows;
	params[4] = res.ok ? NULL : res.error;
	params[5] = detail;
	params[6] = next;
	params[7] = res.reason;
	if (db_command(w->ctx.db, sql_run_end, 8, params) < 0)
		log_warn("could not record the run's end: %s", db_error(w->ctx.db));
	free(detail);
	if (w->ctx.cfg->ops_retention_days > 0) {
		char days[16];

		snprintf(days, sizeof(days), "%d", w->ctx.cfg->ops_retention_days);
		params[1] = days;
		if (db_command(w->ctx.db, sql_runs_prune, 2, params) < 0)
			log_warn("could not prune the runs: %s", db_error(w->ctx.db));
	}
	return res.ok ? res.next_in_s : -res.next_in_s;
}

/* Makes ctx->api when the kind asks for one (see worker_def).  0 or -1 (logged). */
static int
worker_rapi_new(struct worker_ctx *ctx, const struct worker_def *def)
{
	static struct rapi_opts o;	/* the client keeps pointers into it */

	if (def->rapi_page_races <= 0)
		return 0;
	if (http_global_init() < 0) {
		log_error("could not initialise libcurl");
		return -1;
	}
	rapi_opts_from_cfg(&o, ctx->cfg, ctx->stop);
	o.racecards_limit = def->rapi_page_races;
	ctx->api = rapi_new(&o);
	if (ctx->api == NULL) {
		log_error("could not make the Racing API client");
		http_global_cleanup();
		return -1;
	}
	return 0;
}

/* Undoes worker_rapi_new and db_new. */
static void
worker_teardown(struct worker_ctx *ctx)
{
	if (ctx->api != NULL) {
		rapi_free(ctx->api);
		ctx->api = NULL;
		http_global_cleanup();
	}
	db_free(ctx->db);
	ctx->db = NULL;
}

int
worker_main(int argc, char **argv, const struct worker_def *def)
{
	static struct cfg cfg;
	static char prog[64];
	struct worker_loop w;
	char err[512];
	int status = 0;

	snprintf(prog, sizeof(prog), "dh-%s", def->name);
	if (cfg_load(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return CFG_EXIT_CONFIG;
	}
	log_init(prog, cfg.log_level);
	cfg_log_unused();
	memset(&w, 0, sizeof(w));
	w.def = def;
	w.ctx.cfg = &cfg;
	w.ctx.stop = &worker_stop;
	if (worker_args(argc, argv, &w.ctx, def, prog) < 0)
		return 64;
	if (cfg.database_url == NULL) {
		fprintf(stderr, "%s: DATABASE_URL is not set (make run sets it for the embedded cluster)\n", prog);
		return CFG_EXIT_CONFIG;
	}
	if (sig_install(worker_on_signal) < 0 || worker_wake_install() < 0)
		return 1;
	if (gethostname(w.host, sizeof(w.host)) < 0)
		snprintf(w.host, sizeof(w.host), "unknown");
	w.host[sizeof(w.host) - 1] = '\0';
	snprintf(w.pid, sizeof(w.pid), "%d", (int)getpid());
	/*
	 * No JIT: the workers' statements are short, and compiling one costs
	 * more than running it (issue 15: a statistics cycle paid 0.5 s of it).
	 */
	w.ctx.db = db_new(cfg.database_url, prog, "-c jit=off");
	if (w.ctx.db == NULL || worker_rapi_new(&w.ctx, def) < 0 ||
	    (def->setup != NULL && def->setup(&w.ctx) < 0)) {
		log_error("could not set up");
		worker_teardown(&w.ctx);
		return 1;
	}
	if (w.ctx.backfill) {
		status = worker_backfill(&w.ctx, def);
		if (def->teardown != NULL)
			def->teardown(&w.ctx);
		worker_teardown(&w.ctx);
		return status;
	}
	log_info("starting (%s%s)", def->schedule, cfg.has_now ? "; clock frozen by DH_NOW" : "");

	while (!worker_stop) {
		int rc = worker_acquire(&w), wait_s;

		if (rc != 0) {
			status = rc > 0 ? WORKER_EXIT_LOCKED : 0;
			break;
		}
		wait_s = worker_run_cycle(&w);
		if (w.ctx.once) {
			status = wait_s >= 0 ? 0 : 1;
			break;
		}
		worker_sleep(&worker_stop, (int64_t)abs(wait_s) * 1000);
	}
	if (w.lock_gen != 0 && db_ensure(w.ctx.db) == 0 && w.lock_gen == db_generation(w.ctx.db))
		worker_state(&w, "stopped");
	log_info("stopped");
	if (def->teardown != NULL)
		def->teardown(&w.ctx);
	worker_teardown(&w.ctx);
	return status;
}
