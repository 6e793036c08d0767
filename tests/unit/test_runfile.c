/*
 * Unit tests for shared/runfile: a state file under var/run is opened only
 * when it is a regular file of ours, never through a link.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runfile.h"

static char dir[] = "/tmp/dh-runfile-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
path_of(char *out, const char *name)
{
	snprintf(out, PATH_MAX, "%s/%s", dir, name);
}

/* Created when absent, opened again when there; mode as asked. */
static void
test_regular(void **state)
{
	char p[PATH_MAX];
	struct stat st;
	int fd;

	(void)state;
	path_of(p, "state");
	fd = runfile_open(p, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	fd = runfile_open(p, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 1);
	close(fd);
}

/* A symbolic link, even to a file of ours, is refused and its target untouched. */
static void
test_symlink(void **state)
{
	char target[PATH_MAX], link[PATH_MAX], dangling[PATH_MAX];

	(void)state;
	path_of(target, "target");
	path_of(link, "link");
	path_of(dangling, "dangling");
	close(open(target, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(symlink(target, link), 0);
	errno = 0;
	assert_int_equal(runfile_open(link, 0600), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(symlink("/tmp/dh-runfile-nowhere", dangling), 0);
	assert_int_equal(runfile_open(dangling, 0600), -1);
	assert_int_equal(access("/tmp/dh-runfile-nowhere", F_OK), -1);
}

/* A FIFO (open would block), a directory, a second hard link: refused. */
static void
test_not_regular(void **state)
{
	char fifo[PATH_MAX], sub[PATH_MAX], a[PATH_MAX], b[PATH_MAX];

	(void)state;
	path_of(fifo, "fifo");
	path_of(sub, "sub");
	path_of(a, "a");
	path_of(b, "b");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	errno = 0;
	assert_int_equal(runfile_open(fifo, 0600), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(runfile_open(sub, 0600), -1);
	close(open(a, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(link(a, b), 0);
	errno = 0;
	assert_int_equal(runfile_open(b, 0600), -1);
	assert_int_equal(errno, EINVAL);
}

/* Another user's file (root can make one): refused with EPERM. */
static void
test_other_owner(void **state)
{
	char p[PATH_MAX];

	(void)state;
	if (geteuid() != 0)
		skip();
	path_of(p, "theirs");
	close(open(p, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(chown(p, 65534, 65534), 0);
	errno = 0;
	assert_int_equal(runfile_open(p, 0600), -1);
	assert_int_equal(errno, EPERM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular),
		cmocka_unit_test(test_symlink),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_other_owner),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
