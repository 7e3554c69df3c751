/* redirects.h — a site's old addresses (aliases, routes its posts had) as each kind of web
 * server and static host takes redirects: an nginx map, Apache's Redirect lines, a
 * _redirects file (Netlify, Cloudflare Pages), and a page that refreshes to the new address
 * for hosts that have none of these. */
#ifndef QUIRE_REDIRECTS_H
#define QUIRE_REDIRECTS_H

#include <stddef.h>

struct address_list;
struct buf;
struct config;

enum redirects_form {
	REDIRECTS_NGINX,   /* map $uri $quire_redirect { "/old" "/new"; ... } */
	REDIRECTS_APACHE,  /* RedirectMatch 301 "^/old$" "/new" (.htaccess or <Directory>) */
	REDIRECTS_NETLIFY, /* /old /new 301, percent-encoded */
};

/* Append the redirects of l (its ADDRESS_REDIRECT addresses) in form f to out, each
 * address with c's mount. An address a form cannot carry safely (a control character, a
 * quote, a backslash, a '$') is left out of the nginx and Apache forms: the count of those
 * is returned (the caller says so); so is one with ']' or '^' from the Apache form. */
size_t redirects_write(const struct address_list *l, const struct config *c, enum redirects_form f,
                       struct buf *out);
/* The page that sends a browser on to target (an address, escaped here): a meta refresh, a
 * canonical link and a plain link. */
void redirects_page(const char *target, size_t len, struct buf *out);

#endif
