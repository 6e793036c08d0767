/* runfile: state files opened by path, safely (see runfile.h). */
#include "runfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int
runfile_open(const char *path, mode_t mode)
{
	struct stat st;
	int fd, err;

	/* O_NONBLOCK: a FIFO planted in place of the file must not hang open(). */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		err = errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		err = EINVAL;
		goto out_close;
	}
	if (st.st_uid != geteuid()) {
		err = EPERM;
		goto out_close;
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		err = errno;
		goto out_close;
	}
	return fd;
out_close:
	close(fd);
	errno = err;
	return -1;
}
