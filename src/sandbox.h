/* sandbox.h — a worker keeps only what serving needs: Landlock on files, seccomp on calls. */
#ifndef QUIRE_SANDBOX_H
#define QUIRE_SANDBOX_H

struct config;

/* Confine the calling process, before it starts any thread: read-only access
 * beneath the posts and layouts folders and to the configuration file,
 * read-write beneath the state folder, execution nowhere (Landlock, when the
 * kernel has it), and only the system calls serving makes (seccomp). Nothing is
 * done when the configuration says "sandbox: false". Logs and returns -1 when
 * seccomp cannot be applied. */
int sandbox_apply(const struct config *c);

#endif
