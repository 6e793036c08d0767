/*
 * cfg: the configuration, read once from the environment at start and
 * validated.  Programs call cfg_load() first thing in main() and, on failure,
 * print the message and exit with CFG_EXIT_CONFIG (78, EX_CONFIG).  After
 * that the struct is only read.  Names and defaults are those of DESIGN.md;
 * .env.example lists them all.
 *
 * The settings of the stack's web front (nginx's ports, TLS files, listen
 * address and upstreams, CORS origins, the dh-api pool's size and address) are no
 * program's business: cfg_load leaves them alone, so a worker or dh-api
 * never refuses to start over a TLS key it does not use.  dh-config, which
 * scripts/stack.sh runs before anything starts, checks them with
 * cfg_load_web.
 */
#ifndef DH_CFG_H
#define DH_CFG_H

#include <time.h>

#include "log.h"

#define CFG_EXIT_CONFIG 78

struct cfg {
	const char    *database_url;       /* NULL: embedded cluster (set by the stack) */
	const char    *database_read_url;  /* NULL: read from database_url */
	const char    *racing_api_base_url; /* NULL: the simulator */
	const char    *racing_api_username;
	const char    *racing_api_password;
	double         racing_api_rate;    /* requests/s across all workers */
	char           regions[64];        /* "gb,ire": lowercase, comma separated */
	char           workers[64];        /* DH_WORKERS: "all", "none" or names, e.g. "live,masters" */
	int            sim_port;
	int            masters_backfill_days; /* past days dh-masters loads at start */
	int            history_retention_months; /* ra_odds_history months kept; 0: all */
	int            export_max_rows;    /* DH_EXPORT_MAX_ROWS: rows one /api/export request may send */
	int            ops_retention_days; /* dh_worker_runs, ra_odds_statistics days kept; 0: all */
	const char    *fcgi_web_server_addrs; /* FCGI_WEB_SERVER_ADDRS: peers dh-api accepts over TCP */
	const char    *var_dir;
	int            push;               /* DH_PUSH: workers publish to nchan (on by default) */
	const char    *push_socket;        /* DH_PUSH_SOCKET; NULL: VAR_DIR/run/dh-push.sock */
	int            query_headers;      /* DH_QUERY_HEADERS: send X-Query-Count and X-Query-Time (default 1) */
	enum log_level log_level;
	int            has_now;            /* DH_NOW given */
	time_t         now;
	int            now_runs;           /* DH_NOW_RUNS: the DH_NOW clock runs on from that instant */
};

/* The web front's settings (see above), for dh-config. */
struct cfg_web {
	int            http_port;
	int            https_port;         /* 0: no TLS server */
	const char    *tls_cert;
	const char    *tls_key;
	int            api_procs;
	int            api_rate_limit;     /* nginx limit_req per client, requests/s */
	const char    *listen_addr;        /* where nginx listens */
	const char    *api_listen;         /* DH_API_LISTEN, HOST:PORT; NULL: the unix socket */
	const char    *api_upstreams;      /* DH_API_UPSTREAMS for nginx; NULL: the local pool */
	char           cors_origins[1024]; /* DH_CORS_ORIGINS: "*" or origins, comma separated, lower case */
	int            stream_client_limit; /* DH_STREAM_CLIENT_LIMIT: live-push connections per client */
	int            stream_max;         /* DH_STREAM_MAX: live-push connections per nginx host */
	const char    *push_redis_url;     /* DH_PUSH_REDIS_URL: nchan's Redis; NULL: nginx's memory */
	int            api_conn_limit;     /* nginx limit_conn per client on the API */
	int            api_cache;          /* DH_API_CACHE: nginx's micro-cache on (1) or off (0) */
	const char    *server_name;        /* DH_SERVER_NAME: nginx's server_name, the HTTPS redirect's host */
};

/*
 * Applies the NAME=value lines of the file at path to the environment, for
 * names the environment leaves unset or empty (empty counts as unset, as
 * everywhere in cfg); of two lines for one name the later wins, as in a
 * shell.  Blank lines and lines whose first non-blank character is # are
 * skipped, leading blanks are allowed; one pair of matching single or double
 * quotes around the value is removed; nothing else is interpreted.  Returns 0, or
 * -1 with one message naming the file (and the line) in err; lines already
 * applied stay applied.
 */
int cfg_env_file(const char *path, char *err, size_t errlen);

/*
 * Reads and validates the environment into *c, after applying the file
 * DH_ENV_FILE names, when set (cfg_env_file).  Returns 0, or -1 with one
 * message naming the variable and the bad value in err.  On success DH_NOW,
 * when set, has been installed as the clock's override.
 */
int cfg_load(struct cfg *c, char *err, size_t errlen);

/*
 * Reads and validates the web front's settings into *w, after cfg_load
 * succeeded into *c (whose ports it checks against): the TLS files must be
 * readable and non-empty.  Returns 0, or -1 with one message naming the
 * variable and the bad value in err.
 */
int cfg_load_web(struct cfg_web *w, const struct cfg *c, char *err, size_t errlen);

/*
 * The original DarkHorses' environment variables that mean nothing here
 * (SUPABASE_URL, SESSION_POOLER, PORT...): the first one set at index i or
 * after, with what to set instead.  Returns the index to continue from, or 0
 * when no more is set.  Cannot fail.
 */
size_t cfg_unused(size_t i, const char **name, const char **instead);

/*
 * Logs a warning for each of them that is set (cfg_unused): programs call it
 * after log_init.  Cannot fail.
 */
void cfg_log_unused(void);

#endif
