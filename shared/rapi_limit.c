/* rapi_limit: the shared request rate (see rapi_limit.h for the design). */
#include "rapi_limit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "runfile.h"

#define RAPI_LIMIT_BOOT_ID "/proc/sys/kernel/random/boot_id"

struct rapi_limit {
	int     fd;        /* the state file, or -1: state in memory */
	int64_t next;      /* the in-memory state */
	int64_t interval;  /* ms between slots */
	char    boot[40];  /* this boot's id ("" when unknown): instants of another boot are stale */
};

/* Reads the kernel's id of this boot into out ("" when it cannot be read). */
static void
rapi_limit_boot_id(char *out, size_t outlen)
{
	FILE *f = fopen(RAPI_LIMIT_BOOT_ID, "re");

	out[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(out, (int)outlen, f) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

int64_t
rapi_limit_slot(int64_t next, int64_t now, int64_t interval_ms, int64_t *next_out)
{
	int64_t slot = next > now && next - now <= RAPI_LIMIT_STALE_MS ? next : now;

	*next_out = slot + interval_ms;
	return slot;
}

int
rapi_limit_sleep(int64_t ms, volatile sig_atomic_t *stop)
{
	while (ms > 0) {
		int64_t step = ms < 100 ? ms : 100;
		struct timespec ts = { (time_t)(step / 1000), (long)(step % 1000) * 1000000L };

		if (stop != NULL && *stop)
			return -1;
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return stop != NULL && *stop ? -1 : 0;
}

/* Makes the directories above the file at path, as mkdir -p; errors show at open. */
static void
rapi_limit_mkdirs(char *path)
{
	for (char *p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

struct rapi_limit *
rapi_limit_new(const char *dir, double rate)
{
	struct rapi_limit *l = calloc(1, sizeof(*l));
	char path[4096];

	if (l == NULL)
		return NULL;
	l->fd = -1;
	l->interval = (int64_t)(1000.0 / (rate > 0 ? rate : 1.0) + 0.5);
	if (l->interval < 1)
		l->interval = 1;
	if (dir == NULL)
		return l;
	rapi_limit_boot_id(l->boot, sizeof(l->boot));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, RAPI_LIMIT_FILE) >= sizeof(path))
		return l;
	rapi_limit_mkdirs(path);
	l->fd = runfile_open(path, 0600);
	if (l->fd < 0)
		log_warn("rate limit for this process only: cannot open %s: %s", path, strerror(errno));
	return l;
}

void
rapi_limit_free(struct rapi_limit *l)
{
	if (l == NULL)
		return;
	if (l->fd >= 0)
		close(l->fd);
	free(l);
}

int
rapi_limit_shared(const struct rapi_limit *l)
{
	return l->fd >= 0;
}

/*
 * Reads the stored instant: 0 when empty, unreadable or written during
 * another boot (CLOCK_MONOTONIC starts again at a reboot).  Lock held.
 */
static int64_t
rapi_limit_read(struct rapi_limit *l)
{
	char text[96], *end;
	long long v;
	ssize_t n;

	if (l->fd < 0)
		return l->next;
	n = pread(l->fd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || v < 0)
		return 0;
	if (*end == ' ')
		end++;
	if (strncmp(end, l->boot, strlen(l->boot)) != 0)
		return 0;
	end += strlen(l->boot);
	if (*end != '\n' && *end != '\0')
		return 0;
	return (int64_t)v;
}

/* Stores the instant.  Lock held. */
static void
rapi_limit_write(struct rapi_limit *l, int64_t next)
{
	char text[96];
	int n;

	l->next = next;
	if (l->fd < 0)
		return;
	n = snprintf(text, sizeof(text), "%lld %s\n", (long long)next, l->boot);
	if (pwrite(l->fd, text, (size_t)n, 0) != n || ftruncate(l->fd, n) < 0)
		log_warn("rate limit state not saved: %s", strerror(errno));
}

static void
rapi_limit_lock(struct rapi_limit *l, int op)
{
	if (l->fd < 0)
		return;
	while (flock(l->fd, op) < 0 && errno == EINTR)
		continue;
}

int64_t
rapi_limit_acquire(struct rapi_limit *l, volatile sig_atomic_t *stop)
{
	int64_t now, slot, next;

	rapi_limit_lock(l, LOCK_EX);
	now = clock_mono_ms();
	slot = rapi_limit_slot(rapi_limit_read(l), now, l->interval, &next);
	rapi_limit_write(l, next);
	rapi_limit_lock(l, LOCK_UN);
	if (rapi_limit_sleep(slot - now, stop) < 0)
		return -1;
	return slot - now;
}

void
rapi_limit_defer(struct rapi_limit *l, int64_t until_ms)
{
	int64_t now, next;

	rapi_limit_lock(l, LOCK_EX);
	now = clock_mono_ms();
	next = rapi_limit_read(l);
	if (next - now > RAPI_LIMIT_STALE_MS)
		next = now;
	if (until_ms - now > RAPI_LIMIT_STALE_MS)
		until_ms = now + RAPI_LIMIT_STALE_MS;
	if (until_ms > next)
		rapi_limit_write(l, until_ms);
	rapi_limit_lock(l, LOCK_UN);
}
