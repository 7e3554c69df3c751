/* command.h — the commands of the command line that read a site and print or write what
 * it is: quire routes, quire new (export.h and check.h have the others). Each takes the
 * words after its name and returns the exit status: 0, 1 on an error it said, 2 on a
 * wrong use (with its usage said). */
#ifndef QUIRE_COMMAND_H
#define QUIRE_COMMAND_H

struct config;
struct site;

/* quire routes [--kind K[,K...]] [--sort address|kind|state|file] [--nginx | --apache |
 * --redirects]: the route table, a line per address (address, kind, state, file), or the
 * redirects alone in a web server's form. */
int command_routes(const struct site *s, int argc, char **argv);
/* quire new [--page] TITLE...: a new post (a page) from its archetype, never over a file. */
int command_new(const struct config *c, int argc, char **argv);

#endif
