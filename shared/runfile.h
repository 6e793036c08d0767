/*
 * runfile: state files under DH_VAR_DIR/run that programs open by path (the
 * Racing API rate state, dh-api's metrics segment).  The directory may be
 * one other users can write to, so the file is opened without following a
 * symbolic link and used only when it is a regular file with one link,
 * owned by the user the program runs as.
 */
#ifndef DH_RUNFILE_H
#define DH_RUNFILE_H

#include <sys/types.h>

/*
 * Opens path read-write (creating it with mode when absent) with O_NOFOLLOW
 * and O_CLOEXEC, then checks it.  Returns the descriptor, or -1 with errno
 * set: ELOOP for a symbolic link, EINVAL for anything but a regular file
 * with one link, EPERM for a file another user owns.  The caller closes it.
 */
int runfile_open(const char *path, mode_t mode);

#endif
