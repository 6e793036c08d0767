/*
 * dh-racing-sim: the Racing API simulator, the test double for the paid
 * service.  It answers /v1 like the real one (see the samples in the
 * project's documentation), from a world that is a pure function of
 * DH_SIM_SEED and the clock (DH_NOW when set), plus the /_sim endpoints
 * for tests (sim_control.h) and injected faults (sim_faults.h).
 *
 *   dh-racing-sim [--port N] [--open] [--check]
 *
 * Listens on 127.0.0.1:DH_SIM_PORT (8089), or N.  Environment: the
 * configuration of cfg.h, plus DH_SIM_SEED (default 1) and DH_SIM_FAULTS
 * (a JSON object).  Credentials: RACING_API_USERNAME/RACING_API_PASSWORD
 * when set, else simulator/simulator.  --open also lets requests without
 * credentials in (the stack runs it so, so that tools and people need none;
 * wrong credentials are still refused).  Exits 0 on SIGTERM or SIGINT, 78 on
 * a bad setting.  --check only validates the settings (exit 0 or 78), for
 * scripts/stack.sh before supervisord starts it.
 *
 * The program is in two halves: front/, the HTTP front end (the server,
 * the router, faults, /_sim, and the /v1 endpoints that write the
 * upstream's JSON), and world/, the world model (days, races, horses,
 * prices and results, knowing nothing of HTTP or JSON).  Every file and
 * symbol carries the sim_ prefix; what the product has too (JSON writing,
 * query-string decoding) comes from shared/.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cfg.h"
#include "sim_faults.h"
#include "log.h"
#include "num.h"
#include "sig.h"
#include "sim_rng.h"
#include "sim_route.h"
#include "sim_server.h"

static int main_stop_pipe[2] = { -1, -1 };

static void
main_on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(main_stop_pipe[1], &c, 1) < 0) {
		/* the pipe is full: a stop is already pending */
	}
	errno = saved;
}

static int
main_signals(void)
{
	if (pipe2(main_stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	return sig_install(main_on_signal);
}

/* Room for SIM_SERVER_MAX_CONNS connections: raise the soft descriptor limit. */
static void
main_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < SIM_SERVER_MAX_CONNS + 64) {
		rl.rlim_cur = rl.rlim_max < SIM_SERVER_MAX_CONNS + 64 ? rl.rlim_max : SIM_SERVER_MAX_CONNS + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Reads --port and the simulator's own variables.  Returns 0 or -1 (message printed). */
static int
main_options(int argc, char **argv, struct cfg *c, long *seed, int *open, int *check)
{
	const char *v = getenv("DH_SIM_SEED");
	char err[512];
	long port;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc &&
		    num_parse_long(argv[i + 1], 1, 65535, &port) == 0) {
			c->sim_port = (int)port;
			i++;
		} else if (strcmp(argv[i], "--open") == 0) {
			*open = 1;
		} else if (strcmp(argv[i], "--check") == 0) {
			*check = 1;
		} else {
			fprintf(stderr, "usage: dh-racing-sim [--port N] [--open] [--check] (bad argument \"%s\")\n", argv[i]);
			return -1;
		}
	}
	*seed = 1;
	if (v != NULL && *v != '\0' && num_parse_long(v, 0, 2147483647L, seed) < 0) {
		fprintf(stderr, "dh-racing-sim: invalid value for DH_SIM_SEED: \"%s\" (expected an integer from 0 to 2147483647)\n", v);
		return -1;
	}
	v = getenv("DH_SIM_FAULTS");
	if (v != NULL && *v != '\0' && sim_faults_set(v, strlen(v), err, sizeof(err)) < 0) {
		fprintf(stderr, "dh-racing-sim: invalid value for DH_SIM_FAULTS: %s\n", err);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct cfg cfg;
	char err[512];
	long seed;
	int fd, rc, open = 0, check = 0;

	if (cfg_load(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "dh-racing-sim: %s\n", err);
		return CFG_EXIT_CONFIG;
	}
	log_init("dh-racing-sim", cfg.log_level);
	cfg_log_unused();
	if (main_options(argc, argv, &cfg, &seed, &open, &check) < 0)
		return CFG_EXIT_CONFIG;
	if (check) {
		sim_faults_free();
		return 0;
	}
	/* Big answers in their own mappings, so freeing them gives the memory back. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	main_fd_limit();
	sim_rng_init((uint64_t)seed);
	sim_route_init(cfg.racing_api_username, cfg.racing_api_password, open);
	if (main_signals() < 0) {
		log_error("could not install signal handlers: %s", strerror(errno));
		return 1;
	}
	fd = sim_server_listen("127.0.0.1", cfg.sim_port);
	if (fd < 0)
		return 1;
	log_info("listening on 127.0.0.1:%d (seed %ld%s)", cfg.sim_port, seed,
	    cfg.has_now ? ", clock frozen by DH_NOW" : "");
	rc = sim_server_run(fd, main_stop_pipe[0], sim_route_handle);
	sim_faults_free();
	log_info("stopped");
	return rc == 0 ? 0 : 1;
}
