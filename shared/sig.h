/*
 * sig: the one signal setup of every program (workers, dh-api, the
 * simulator, dh-rapi).
 */
#ifndef DH_SIG_H
#define DH_SIG_H

/*
 * Sends SIGTERM and SIGINT to on_stop, which may only do async-signal-safe
 * things (set a volatile sig_atomic_t flag, write to a pipe, _exit), and
 * ignores SIGPIPE, so a peer that went away is an EPIPE where the write
 * happens.  No SA_RESTART: a blocking call returns EINTR and the caller
 * sees the stop.  Returns 0, or -1 with errno set.
 */
int sig_install(void (*on_stop)(int sig));

#endif
