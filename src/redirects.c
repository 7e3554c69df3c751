/* redirects.c — a site's old addresses for nginx, Apache, Netlify and hosts with none. */
#include "redirects.h"

#include <string.h>

#include "address.h"
#include "buf.h"
#include "config.h"
#include "html.h"
#include "post.h"

/* Can path go between double quotes in an nginx or Apache configuration as it is? */
static int redirects_quotable(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7F || c == '"' || c == '\\' || c == '$')
			return 0;
	}
	return 1;
}

/* p as an anchored regular expression that matches it alone ("^/a[.]b$"): Apache's
 * Redirect matches a prefix (and sends /old/x to /new/x), the others match the address
 * alone. Each special character in a class of its own; 0 when p holds ']' or '^'. */
static int redirects_pattern(const char *p, size_t n, struct buf *out)
{
	buf_addc(out, '^');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == ']' || p[i] == '^')
			return 0;
		if (strchr(".*+?()[{}|", p[i]) != NULL)
			buf_printf(out, "[%c]", p[i]);
		else
			buf_addc(out, p[i]);
	}
	buf_addc(out, '$');
	return 1;
}

/* The mount and a path of the site ("/blog" + "/a-post"). */
static void redirects_address(const struct config *c, const char *p, size_t n, struct buf *out)
{
	buf_add(out, c->mount, config_mount_prefix(c));
	buf_add(out, p, n);
}

size_t redirects_write(const struct address_list *l, const struct config *c, enum redirects_form f,
                       struct buf *out)
{
	struct buf from = {0}, to = {0}, pattern = {0};
	size_t skipped = 0;

	if (f == REDIRECTS_NGINX)
		buf_adds(out,
		         "# quire's redirects: include in the http block, and in the server's\n"
		         "#     if ($quire_redirect) { return 301 $quire_redirect; }\n"
		         "map $uri $quire_redirect {\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct address *a = &l->v[i];
		if (a->state != ADDRESS_REDIRECT || a->post == NULL)
			continue;
		buf_reset(&from);
		buf_reset(&to);
		redirects_address(c, a->path, a->len, &from);
		redirects_address(c, a->post->route, a->post->route_len, &to);
		if (f == REDIRECTS_NETLIFY) {
			html_url_path(out, from.data, from.len);
			buf_addc(out, ' ');
			html_url_path(out, to.data, to.len);
			buf_adds(out, " 301\n");
			continue;
		}
		if (!redirects_quotable(from.data, from.len) ||
		    !redirects_quotable(to.data, to.len)) {
			skipped++;
			continue;
		}
		if (f == REDIRECTS_NGINX) {
			buf_printf(out, "    \"%s\" \"%s\";\n", buf_cstr(&from), buf_cstr(&to));
			continue;
		}
		buf_reset(&pattern);
		if (!redirects_pattern(from.data, from.len, &pattern)) {
			skipped++;
			continue;
		}
		buf_printf(out, "RedirectMatch 301 \"%s\" \"%s\"\n", buf_cstr(&pattern),
		           buf_cstr(&to));
	}
	if (f == REDIRECTS_NGINX)
		buf_adds(out, "}\n");
	buf_free(&from);
	buf_free(&to);
	buf_free(&pattern);
	return skipped;
}

void redirects_page(const char *target, size_t len, struct buf *out)
{
	struct buf url = {0};

	html_url_path(&url, target, len);
	buf_adds(out,
	         "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>Moved</title>\n"
	         "<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"");
	html_escape(out, url.data, url.len);
	buf_adds(out, "\">\n<meta http-equiv=\"refresh\" content=\"0; url=");
	html_escape(out, url.data, url.len);
	buf_adds(out, "\">\n</head><body><p>This page has moved to <a href=\"");
	html_escape(out, url.data, url.len);
	buf_adds(out, "\">");
	html_escape(out, target, len);
	buf_adds(out, "</a>.</p></body></html>\n");
	buf_free(&url);
}
