/* dispatch.h — from a parsed request to the page that answers it. */
#ifndef QUIRE_DISPATCH_H
#define QUIRE_DISPATCH_H

struct request;
struct request_env;
struct response;
struct site;

/* Answer one request into rs: checks done once here, then one page handler. */
void dispatch(const struct site *s, const struct request_env *env, struct request *rq,
              struct response *rs);

#endif
