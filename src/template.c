/* template.c — Mustache templates: parsed once into flat node arrays, rendered by walking them. */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html.h"
#include "mem.h"
#include "value.h"

/* Nesting of sections, partials, parents and blocks allowed while rendering. */
#define TPL_MAX_DEPTH 100
/* Work allowed in one render (node visits plus context frames searched): stops
 * runaway loops such as deeply nested lists from hanging the server. */
#define TPL_MAX_STEPS (1UL << 24)

enum tpl_kind {
	TPL_TEXT,
	TPL_VAR,      /* {{x}}: escaped */
	TPL_RAW,      /* {{{x}}} and {{& x}}: raw only for html strings */
	TPL_SECTION,  /* {{#x}} */
	TPL_INVERTED, /* {{^x}} */
	TPL_PARTIAL,  /* {{>x}} */
	TPL_PARENT,   /* {{<x}}: its body holds the block overrides */
	TPL_BLOCK,    /* {{$x}} */
};

enum tpl_flag {
	TPL_BOL = 1,        /* the node starts a source line */
	TPL_DYNAMIC = 2,    /* {{>*x}} / {{<*x}}: name is looked up in the context */
	TPL_STANDALONE = 4, /* partial/parent alone on its line: indent its lines */
	TPL_LEFT_CLEAR = 8, /* parent open tag has only whitespace before it (parse only) */
};

struct tpl_node {
	unsigned char kind;
	unsigned char flags;
	unsigned line;
	size_t end;      /* index past this node's body (past the node itself for leaves) */
	const char *str; /* text, or tag name */
	size_t len;
	/* partial/parent: whitespace before a standalone tag; block: the indentation of
	 * its content, removed where the content is defined and added where expanded */
	const char *indent;
	size_t indentlen;
	const struct template *tpl; /* resolved static partial or parent */
};

struct template
{
	const struct template_set *set;
	char *name;
	size_t namelen;
	char *file;
	char *src;
	size_t srclen;
	struct tpl_node *nodes;
	size_t nnodes;
	size_t capnodes;
};

struct template_set {
	int strict;
	struct template **tpls;
	size_t n;
	size_t cap;
};

struct tpl_parser {
	struct template *t;
	const char *src;
	size_t len;
	const char *otag;
	size_t olen;
	const char *ctag;
	size_t clen;
	size_t *stack;
	size_t nstack;
	size_t capstack;
	size_t lpos; /* line cursor: lline is the line of src[lpos] */
	unsigned lline;
	struct buf *err;
};

/* One level of indentation in force while rendering: at each line start, strip
 * up to `strip` whitespace characters, then prepend add. */
struct tpl_indent {
	size_t strip;
	const char *add;
	size_t addlen;
	const struct tpl_indent *up;
};

/* A parent tag being rendered: where block overrides are looked up. */
struct tpl_scope {
	const struct template *t;
	size_t node;
	const struct tpl_scope *up;
};

struct tpl_render {
	struct buf *out;
	size_t base;
	const struct value *ctx[TPL_MAX_DEPTH + 2];
	size_t nctx;
	unsigned depth;
	unsigned long steps;
};

static int tpl_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int tpl_blank(char c)
{
	return c == ' ' || c == '\t';
}

static unsigned tpl_line(struct tpl_parser *ps, size_t pos)
{
	if (pos < ps->lpos) {
		ps->lpos = 0;
		ps->lline = 1;
	}
	for (; ps->lpos < pos; ps->lpos++)
		if (ps->src[ps->lpos] == '\n')
			ps->lline++;
	return ps->lline;
}

static int tpl_error(struct tpl_parser *ps, size_t pos, const char *what, const char *name,
                     size_t len)
{
	buf_printf(ps->err, "%s:%u: %s", ps->t->file, tpl_line(ps, pos), what);
	if (name != NULL)
		buf_printf(ps->err, " \"%.*s\"", (int)len, name);
	return -1;
}

static size_t tpl_add_node(struct tpl_parser *ps, enum tpl_kind kind, size_t pos, const char *str,
                           size_t len)
{
	struct template *t = ps->t;

	if (t->nnodes == t->capnodes) {
		t->capnodes = t->capnodes ? t->capnodes * 2 : 16;
		t->nodes = xrealloc(t->nodes, t->capnodes * sizeof(*t->nodes));
	}
	struct tpl_node *n = &t->nodes[t->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = (unsigned char)kind;
	if (pos == 0 || ps->src[pos - 1] == '\n')
		n->flags = TPL_BOL;
	n->line = tpl_line(ps, pos);
	n->end = t->nnodes + 1;
	n->str = str;
	n->len = len;
	return t->nnodes++;
}

static int tpl_in_parent(const struct tpl_parser *ps)
{
	return ps->nstack > 0 && ps->t->nodes[ps->stack[ps->nstack - 1]].kind == TPL_PARENT;
}

/* Text directly inside a parent tag is ignored, so it never becomes a node. */
static void tpl_add_text(struct tpl_parser *ps, size_t from, size_t to)
{
	if (to > from && !tpl_in_parent(ps))
		tpl_add_node(ps, TPL_TEXT, from, ps->src + from, to - from);
}

static void tpl_push(struct tpl_parser *ps, size_t idx)
{
	if (ps->nstack == ps->capstack) {
		ps->capstack = ps->capstack ? ps->capstack * 2 : 16;
		ps->stack = xrealloc(ps->stack, ps->capstack * sizeof(*ps->stack));
	}
	ps->stack[ps->nstack++] = idx;
}

/* Find the closing delimiter of a tag whose content starts at from. Triple
 * mustaches close with "}" + ctag and delimiter changes with "=" + ctag. */
static int tpl_find_close(const struct tpl_parser *ps, size_t from, char sigil, size_t *q)
{
	size_t at = from;
	int paired = sigil == '{' || sigil == '=';

	/* The sigil is the tag's: a closing delimiter that begins with it (set by
	 * {{=< /=}}, say) starts after it. */
	if (sigil != '\0')
		at++;
	while (at <= ps->len) {
		const char *r = memmem(ps->src + at, ps->len - at, ps->ctag, ps->clen);
		if (r == NULL)
			return -1;
		*q = (size_t)(r - ps->src);
		if (!paired || (*q >= from + 2 && ps->src[*q - 1] == (sigil == '{' ? '}' : '=')))
			return 0;
		at = *q + 1;
	}
	return -1;
}

static void tpl_trim(const char **p, size_t *len)
{
	while (*len > 0 && tpl_space(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && tpl_space((*p)[*len - 1]))
		(*len)--;
}

/* {{=<% %>=}}: two delimiters separated by whitespace, neither holding '=' or blanks. */
static int tpl_set_delims(struct tpl_parser *ps, const char *p, size_t len)
{
	size_t i = 0, a, b;

	while (i < len && !tpl_space(p[i]))
		i++;
	a = i;
	while (i < len && tpl_space(p[i]))
		i++;
	b = i;
	while (i < len && !tpl_space(p[i]))
		i++;
	if (a == 0 || b == a || b == len || i != len)
		return -1;
	if (memchr(p, '=', a) != NULL || memchr(p + b, '=', len - b) != NULL)
		return -1;
	ps->otag = p;
	ps->olen = a;
	ps->ctag = p + b;
	ps->clen = len - b;
	return 0;
}

/* Partial and parent names: a leading '*' makes the name dynamic. */
static int tpl_dynamic_name(const char **name, size_t *len)
{
	if (*len == 0 || **name != '*')
		return 0;
	(*name)++;
	(*len)--;
	tpl_trim(name, len);
	return 1;
}

static int tpl_close(struct tpl_parser *ps, size_t p, const char *name, size_t nlen, int standalone)
{
	if (ps->nstack == 0)
		return tpl_error(ps, p, "closing tag without an open section", name, nlen);
	size_t idx = ps->stack[ps->nstack - 1];
	struct tpl_node *open = &ps->t->nodes[idx];
	int dyn = tpl_dynamic_name(&name, &nlen);

	if (nlen != open->len || memcmp(name, open->str, nlen) != 0 ||
	    (dyn && !(open->flags & TPL_DYNAMIC))) {
		tpl_error(ps, p, "mismatched closing tag", name, nlen);
		buf_printf(ps->err, " (open is \"%.*s\" on line %u)", (int)open->len, open->str,
		           open->line);
		return -1;
	}
	ps->nstack--;
	open->end = ps->t->nnodes;
	if (open->kind != TPL_PARENT)
		return 0;
	if (!standalone) {
		open->indent = NULL;
		open->indentlen = 0;
		return 0;
	}
	/* A standalone parent: its leading whitespace is indentation, not text. */
	open->flags |= TPL_STANDALONE;
	if (idx > 0 && open->indentlen > 0) {
		struct tpl_node *prev = &ps->t->nodes[idx - 1];
		if (prev->kind == TPL_TEXT &&
		    prev->str + prev->len == open->indent + open->indentlen)
			prev->len -= open->indentlen;
	}
	return 0;
}

/* Whether a tag stands alone on its line, so that the line's whitespace and
 * newline vanish. Text directly inside a parent is ignored, which relaxes the
 * rule there: a block opening there needs only a clear right side, a block
 * closing there only loses the whitespace before it (leftstrip), and a parent
 * stands alone when its opening tag clears left and its closing tag clears right. */
static int tpl_standalone(const struct tpl_parser *ps, char sigil, int left, int right,
                          int *leftstrip)
{
	if (sigil == '$' && tpl_in_parent(ps))
		return right;
	if (sigil == '/' && ps->nstack > 0) {
		const struct tpl_node *open = &ps->t->nodes[ps->stack[ps->nstack - 1]];
		if (open->kind == TPL_PARENT)
			return (open->flags & TPL_LEFT_CLEAR) && right;
		if (open->kind == TPL_BLOCK && ps->nstack > 1 &&
		    ps->t->nodes[ps->stack[ps->nstack - 2]].kind == TPL_PARENT) {
			*leftstrip = left;
			return 0;
		}
		return left && right;
	}
	if (sigil == '\0' || sigil == '&' || sigil == '{' || sigil == '<')
		return 0;
	return left && right;
}

/* Add the node for an interpolation or an opening tag. k..p is the whitespace
 * before the tag on its line; next is where the line after a standalone tag starts. */
static int tpl_open(struct tpl_parser *ps, char sigil, size_t p, const char *name, size_t nlen,
                    int standalone, int left, size_t k, size_t next)
{
	const char *src = ps->src;
	size_t idx;

	if (nlen == 0)
		return tpl_error(ps, p, "empty tag", NULL, 0);
	if (sigil == '\0' || sigil == '&' || sigil == '{') {
		tpl_add_node(ps, sigil == '\0' ? TPL_VAR : TPL_RAW, p, name, nlen);
		return 0;
	}
	if (sigil == '#' || sigil == '^') {
		idx = tpl_add_node(ps, sigil == '#' ? TPL_SECTION : TPL_INVERTED, p, name, nlen);
		tpl_push(ps, idx);
		return 0;
	}
	if (sigil == '$') {
		/* A block's indentation: that of its first content line when the tag
		 * stands alone, else the whitespace before the tag. */
		idx = tpl_add_node(ps, TPL_BLOCK, p, name, nlen);
		struct tpl_node *n = &ps->t->nodes[idx];
		if (standalone) {
			size_t w = next;
			while (w < ps->len && tpl_blank(src[w]))
				w++;
			n->indent = src + next;
			n->indentlen = w - next;
		} else if (left) {
			n->indent = src + k;
			n->indentlen = p - k;
		}
		tpl_push(ps, idx);
		return 0;
	}
	int dyn = tpl_dynamic_name(&name, &nlen);
	if (nlen == 0)
		return tpl_error(ps, p, "empty tag", NULL, 0);
	idx = tpl_add_node(ps, sigil == '>' ? TPL_PARTIAL : TPL_PARENT, p, name, nlen);
	struct tpl_node *n = &ps->t->nodes[idx];
	if (dyn)
		n->flags |= TPL_DYNAMIC;
	if (sigil == '<' || standalone) {
		n->indent = src + k;
		n->indentlen = p - k;
	}
	if (sigil == '<') {
		if (left)
			n->flags |= TPL_LEFT_CLEAR;
		tpl_push(ps, idx);
	} else if (standalone) {
		n->flags |= TPL_STANDALONE;
	}
	return 0;
}

static int tpl_parse(struct tpl_parser *ps)
{
	const char *src = ps->src;
	size_t len = ps->len, pos = 0, text = 0;

	for (;;) {
		const char *o = memmem(src + pos, len - pos, ps->otag, ps->olen);
		if (o == NULL)
			break;
		size_t p = (size_t)(o - src), c0 = p + ps->olen, q;
		char sigil = c0 < len ? src[c0] : '\0';
		if (sigil == '\0' || strchr("#^/!=>&{<$", sigil) == NULL)
			sigil = '\0';
		if (tpl_find_close(ps, c0, sigil, &q) < 0)
			return tpl_error(ps, p, "unclosed tag", NULL, 0);
		size_t tag_end = q + ps->clen;
		const char *name = src + c0 + (sigil ? 1 : 0);
		size_t nlen = q - (size_t)(name - src) - (sigil == '{' || sigil == '=' ? 1 : 0);
		tpl_trim(&name, &nlen);

		/* Whitespace around the tag on its line decides whether it stands alone. */
		size_t k = p, e = tag_end, next;
		while (k > text && tpl_blank(src[k - 1]))
			k--;
		int left = k == 0 || src[k - 1] == '\n';
		while (e < len && tpl_blank(src[e]))
			e++;
		int right = e == len || src[e] == '\n' ||
		            (src[e] == '\r' && e + 1 < len && src[e + 1] == '\n');
		next = e == len ? len : e + (src[e] == '\r' ? 2 : 1);

		int leftstrip = 0;
		int standalone = tpl_standalone(ps, sigil, left, right, &leftstrip);
		tpl_add_text(ps, text, ((standalone && left) || leftstrip) ? k : p);
		text = standalone ? next : tag_end;
		pos = text;

		switch (sigil) {
		case '!':
			break;
		case '=':
			if (tpl_set_delims(ps, name, nlen) < 0)
				return tpl_error(ps, p, "bad delimiter change", NULL, 0);
			break;
		case '/':
			if (tpl_close(ps, p, name, nlen, standalone) < 0)
				return -1;
			break;
		default:
			if (tpl_open(ps, sigil, p, name, nlen, standalone, left, k, next) < 0)
				return -1;
			break;
		}
	}
	tpl_add_text(ps, text, len);
	if (ps->nstack > 0) {
		const struct tpl_node *open = &ps->t->nodes[ps->stack[ps->nstack - 1]];
		buf_printf(ps->err, "%s:%u: unclosed section \"%.*s\"", ps->t->file, open->line,
		           (int)open->len, open->str);
		return -1;
	}
	return 0;
}

struct template_set *template_set_new(int strict)
{
	struct template_set *set = xcalloc(1, sizeof(*set));

	set->strict = strict;
	return set;
}

static void tpl_free(struct template *t)
{
	free(t->name);
	free(t->file);
	free(t->src);
	free(t->nodes);
	free(t);
}

void template_set_free(struct template_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		tpl_free(set->tpls[i]);
	free(set->tpls);
	free(set);
}

int template_set_add(struct template_set *set, const char *name, size_t namelen, const char *src,
                     size_t len, const char *file, struct buf *err)
{
	if (file == NULL)
		file = "<template>";
	if (src == NULL)
		src = "";
	if (template_set_find(set, name, namelen) != NULL) {
		buf_printf(err, "%s:1: duplicate template \"%.*s\"", file, (int)namelen, name);
		return -1;
	}
	struct template *t = xcalloc(1, sizeof(*t));
	t->set = set;
	t->name = xstrndup(name, namelen);
	t->namelen = namelen;
	t->file = xstrndup(file, strlen(file));
	t->src = xstrndup(src, len);
	t->srclen = len;

	struct tpl_parser ps = {
	    .t = t,
	    .src = t->src,
	    .len = len,
	    .otag = "{{",
	    .olen = 2,
	    .ctag = "}}",
	    .clen = 2,
	    .lline = 1,
	    .err = err,
	};
	int rc = tpl_parse(&ps);
	free(ps.stack);
	if (rc < 0) {
		tpl_free(t);
		return -1;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 8;
		set->tpls = xrealloc(set->tpls, set->cap * sizeof(*set->tpls));
	}
	set->tpls[set->n++] = t;
	return 0;
}

int template_set_link(struct template_set *set, struct buf *err)
{
	for (size_t i = 0; i < set->n; i++) {
		struct template *t = set->tpls[i];
		for (size_t j = 0; j < t->nnodes; j++) {
			struct tpl_node *n = &t->nodes[j];
			if ((n->kind != TPL_PARTIAL && n->kind != TPL_PARENT) ||
			    (n->flags & TPL_DYNAMIC))
				continue;
			n->tpl = template_set_find(set, n->str, n->len);
			if (n->tpl == NULL && set->strict) {
				buf_printf(err, "%s:%u: unknown %s \"%.*s\"", t->file, n->line,
				           n->kind == TPL_PARTIAL ? "partial" : "parent",
				           (int)n->len, n->str);
				return -1;
			}
		}
	}
	return 0;
}

const struct template *template_set_find(const struct template_set *set, const char *name,
                                         size_t namelen)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct template *t = set->tpls[i];
		if (t->namelen == namelen && memcmp(t->name, name, namelen) == 0)
			return t;
	}
	return NULL;
}

const struct template *template_set_find_nocase(const struct template_set *set, const char *name,
                                                size_t namelen)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct template *t = set->tpls[i];
		if (t->namelen == namelen && strncasecmp(t->name, name, namelen) == 0)
			return t;
	}
	return NULL;
}

/* Resolve a (dotted) name: the first part against the context stack from the
 * top, the rest strictly inside what the first part found. */
static const struct value *tpl_lookup(struct tpl_render *r, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return r->ctx[r->nctx - 1];
	const char *dot = memchr(name, '.', len);
	size_t seg = dot ? (size_t)(dot - name) : len;
	const struct value *v = NULL;

	for (size_t i = r->nctx; i-- > 0;) {
		r->steps++;
		v = value_get(r->ctx[i], name, seg);
		if (v != NULL)
			break;
	}
	while (v != NULL && dot != NULL) {
		name = dot + 1;
		len -= seg + 1;
		dot = memchr(name, '.', len);
		seg = dot ? (size_t)(dot - name) : len;
		v = value_get(v, name, seg);
	}
	return v;
}

/* Integers without a decimal point, other numbers in the shortest form that reads back. */
static void tpl_number(struct buf *out, double d)
{
	char tmp[40];

	if (d > -1e15 && d < 1e15 && d == (double)(long long)d) {
		buf_printf(out, "%lld", (long long)d);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d || d != d)
			break;
	}
	buf_adds(out, tmp);
}

static void tpl_interpolate(struct buf *out, const struct value *v, int raw)
{
	if (v == NULL)
		return;
	switch (v->type) {
	case VALUE_BOOL:
		buf_adds(out, v->u.boolean ? "true" : "false");
		break;
	case VALUE_NUMBER:
		tpl_number(out, v->u.number);
		break;
	case VALUE_STRING:
		if (raw && v->html)
			buf_add(out, v->u.string.p, v->u.string.len);
		else
			html_escape(out, v->u.string.p, v->u.string.len);
		break;
	default:
		break;
	}
}

static int tpl_at_bol(const struct tpl_render *r)
{
	return r->out->len == r->base || r->out->data[r->out->len - 1] == '\n';
}

/* Emit the indentation for a line whose own leading whitespace is w: apply each
 * level from the innermost out, each stripping then prepending whitespace. */
static void tpl_emit_indent(struct buf *out, const struct tpl_indent *ind, const char *w,
                            size_t wlen)
{
	struct {
		const char *p;
		size_t n;
	} seg[TPL_MAX_DEPTH + 2]; /* last element is output first */
	size_t nseg = 0;

	seg[nseg].p = w;
	seg[nseg++].n = wlen;
	for (; ind != NULL; ind = ind->up) {
		size_t drop = ind->strip;
		while (drop > 0 && nseg > 0) {
			if (seg[nseg - 1].n <= drop) {
				drop -= seg[nseg - 1].n;
				nseg--;
			} else {
				seg[nseg - 1].p += drop;
				seg[nseg - 1].n -= drop;
				drop = 0;
			}
		}
		if (ind->addlen > 0 && nseg < sizeof(seg) / sizeof(seg[0])) {
			seg[nseg].p = ind->add;
			seg[nseg++].n = ind->addlen;
		}
	}
	while (nseg-- > 0)
		buf_add(out, seg[nseg].p, seg[nseg].n);
}

/* Text under indentation: every non-empty line that starts a source line and
 * lands at the start of an output line gets the indentation. */
static void tpl_text(struct tpl_render *r, const struct tpl_node *n, const struct tpl_indent *ind)
{
	const char *p = n->str, *e = n->str + n->len;
	int linestart = n->flags & TPL_BOL;

	if (ind == NULL) {
		buf_add(r->out, p, n->len);
		return;
	}
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl + 1 : e;
		if (linestart && *p != '\n' && !(*p == '\r' && p + 1 < e && p[1] == '\n') &&
		    tpl_at_bol(r)) {
			const char *w = p;
			while (w < le && tpl_blank(*w))
				w++;
			tpl_emit_indent(r->out, ind, p, (size_t)(w - p));
			p = w;
		}
		buf_add(r->out, p, (size_t)(le - p));
		p = le;
		linestart = 1;
	}
}

static int tpl_nodes(struct tpl_render *r, const struct template *t, size_t i, size_t end,
                     const struct tpl_indent *ind, const struct tpl_scope *scope);

static int tpl_enter(struct tpl_render *r)
{
	if (r->depth >= TPL_MAX_DEPTH)
		return -1;
	r->depth++;
	return 0;
}

static int tpl_section(struct tpl_render *r, const struct template *t, size_t i,
                       const struct tpl_indent *ind, const struct tpl_scope *scope)
{
	const struct tpl_node *n = &t->nodes[i];
	const struct value *v = tpl_lookup(r, n->str, n->len);
	int rc = 0;

	if (n->kind == TPL_INVERTED) {
		if (value_truthy(v))
			return 0;
		if (tpl_enter(r) < 0)
			return -1;
		rc = tpl_nodes(r, t, i + 1, n->end, ind, scope);
		r->depth--;
		return rc;
	}
	if (!value_truthy(v))
		return 0;
	if (tpl_enter(r) < 0)
		return -1;
	if (v->type == VALUE_LIST) {
		for (size_t j = 0; j < v->u.list.len && rc == 0; j++) {
			r->ctx[r->nctx++] = &v->u.list.items[j];
			rc = tpl_nodes(r, t, i + 1, n->end, ind, scope);
			r->nctx--;
		}
	} else {
		r->ctx[r->nctx++] = v;
		rc = tpl_nodes(r, t, i + 1, n->end, ind, scope);
		r->nctx--;
	}
	r->depth--;
	return rc;
}

/* A partial or parent: render the named template, indented when the tag stood
 * alone; a parent also opens a scope holding its block overrides. */
static int tpl_include(struct tpl_render *r, const struct template *t, size_t i,
                       const struct tpl_indent *ind, const struct tpl_scope *scope)
{
	const struct tpl_node *n = &t->nodes[i];
	const struct template *target = n->tpl;
	struct tpl_indent level;
	struct tpl_scope frame;

	if (n->flags & TPL_DYNAMIC) {
		const struct value *v = tpl_lookup(r, n->str, n->len);
		target = NULL;
		if (v != NULL && v->type == VALUE_STRING)
			target = template_set_find(t->set, v->u.string.p, v->u.string.len);
	}
	if (target == NULL)
		return 0;
	if (!(n->flags & TPL_STANDALONE)) {
		ind = NULL;
	} else if (n->indentlen > 0) {
		level.strip = 0;
		level.add = n->indent;
		level.addlen = n->indentlen;
		level.up = ind;
		ind = &level;
	}
	if (n->kind == TPL_PARENT) {
		frame.t = t;
		frame.node = i;
		frame.up = scope;
		scope = &frame;
	}
	if (tpl_enter(r) < 0)
		return -1;
	int rc = tpl_nodes(r, target, 0, target->nnodes, ind, scope);
	r->depth--;
	return rc;
}

/* A block renders the outermost override passed down by the parents being
 * rendered, reindented from where it was written to where it lands, or else
 * its own default content. */
static int tpl_block(struct tpl_render *r, const struct template *t, size_t i,
                     const struct tpl_indent *ind, const struct tpl_scope *scope)
{
	const struct tpl_node *n = &t->nodes[i];
	const struct template *owner = t;
	size_t at = i;
	struct tpl_indent level;

	for (const struct tpl_scope *s = scope; s != NULL; s = s->up) {
		const struct tpl_node *nodes = s->t->nodes;
		for (size_t j = s->node + 1; j < nodes[s->node].end; j = nodes[j].end) {
			if (nodes[j].kind == TPL_BLOCK && nodes[j].len == n->len &&
			    memcmp(nodes[j].str, n->str, n->len) == 0) {
				owner = s->t;
				at = j;
				break;
			}
		}
	}
	const struct tpl_node *c = &owner->nodes[at];
	if (c != n && (c->indentlen > 0 || n->indentlen > 0)) {
		level.strip = c->indentlen;
		level.add = n->indent;
		level.addlen = n->indentlen;
		level.up = ind;
		ind = &level;
	}
	if (tpl_enter(r) < 0)
		return -1;
	int rc = tpl_nodes(r, owner, at + 1, c->end, ind, scope);
	r->depth--;
	return rc;
}

static int tpl_nodes(struct tpl_render *r, const struct template *t, size_t i, size_t end,
                     const struct tpl_indent *ind, const struct tpl_scope *scope)
{
	while (i < end) {
		const struct tpl_node *n = &t->nodes[i];
		int rc = 0;

		if (++r->steps > TPL_MAX_STEPS)
			return -1;
		if (ind != NULL && n->kind != TPL_TEXT &&
		    (n->flags & (TPL_BOL | TPL_STANDALONE)) == TPL_BOL && tpl_at_bol(r))
			tpl_emit_indent(r->out, ind, NULL, 0);
		switch (n->kind) {
		case TPL_TEXT:
			tpl_text(r, n, ind);
			break;
		case TPL_VAR:
		case TPL_RAW:
			tpl_interpolate(r->out, tpl_lookup(r, n->str, n->len), n->kind == TPL_RAW);
			break;
		case TPL_SECTION:
		case TPL_INVERTED:
			rc = tpl_section(r, t, i, ind, scope);
			break;
		case TPL_PARTIAL:
		case TPL_PARENT:
			rc = tpl_include(r, t, i, ind, scope);
			break;
		case TPL_BLOCK:
			rc = tpl_block(r, t, i, ind, scope);
			break;
		}
		if (rc < 0)
			return -1;
		i = n->end;
	}
	return 0;
}

int template_render(const struct template *t, const struct value *ctx, struct buf *out)
{
	struct tpl_render r;

	r.out = out;
	r.base = out->len;
	r.ctx[0] = ctx;
	r.nctx = 1;
	r.depth = 0;
	r.steps = 0;
	return tpl_nodes(&r, t, 0, t->nnodes, NULL, NULL);
}
