/* dispatch.c — from a parsed request to the page that answers it. */
#include "dispatch.h"

#include "config.h"
#include "page.h"
#include "post.h"
#include "request.h"
#include "response.h"
#include "route.h"
#include "site.h"

void dispatch(const struct site *s, const struct request_env *env, struct request *rq,
              struct response *rs)
{
	const struct post *p;

	response_reset(rs);
	request_parse(rq, env, s->config->mount);
	rs->head = rq->method == METHOD_HEAD;
	if (rq->status == 400) {
		page_error(s, rq, rs, 400);
		return;
	}
	if (rq->method == METHOD_OTHER) {
		response_header(rs, "Allow", "GET, HEAD", 9);
		page_error(s, rq, rs, 405);
		return;
	}
	if (rq->status != 0) {
		page_error(s, rq, rs, rq->status);
		return;
	}
	if (rq->index) {
		if (rq->redirect)
			page_redirect(s, rq, rs, "/", 1);
		else
			page_index(s, rq, rs);
		return;
	}
	p = route_find(&s->routes, rq->path.data, rq->path.len);
	if (p == NULL) {
		page_error(s, rq, rs, 404);
		return;
	}
	if (rq->redirect) {
		page_redirect(s, rq, rs, p->route, p->route_len);
		return;
	}
	page_post(s, p, rq, rs);
}
