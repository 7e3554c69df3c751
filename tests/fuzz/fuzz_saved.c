/* fuzz_saved.c — the reader of the saved posts on any bytes. Each input is tried twice: as a
 * whole store file, and as the payload after the header of a valid one, sealed (length
 * and checksum set), so that mutations reach the records past the checksum. Whatever is
 * taken must be whole: every list item and required field there. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "fuzz.h"
#include "log.h"
#include "post.h"
#include "saved.h"
#include "site.h"

static struct config conf;
static struct buf seed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const files[] = {
	    "b.md",
	    "---\ntitle: B\nroute: /b\ntags: [x, y]\ncategories: [c]\naliases: [/old-b]\n"
	    "author: [Ann, Bo]\n---\nb\n",
	    NULL};
	struct site *s;

	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR);
	char *file = fuzz_site("store", "", files);
	if (config_load(&conf, file) < 0)
		exit(1);
	free(file);
	s = site_load(&conf, NULL, NULL, 1);
	if (s == NULL || s->nposts != 2) {
		fprintf(stderr, "fuzz_saved: the scratch site did not load\n");
		exit(1);
	}
	struct site_files f = site_files(s);
	saved_encode(&conf, &f, &seed);
	site_release(s);
	if (seed.len < SAVED_HEADER) {
		fprintf(stderr, "fuzz_saved: no store written\n");
		exit(1);
	}
	/* FUZZ_SAVED_SEED=FILE writes the records of the scratch site: the seed corpus. */
	const char *out = getenv("FUZZ_SAVED_SEED");
	if (out != NULL && *out)
		fuzz_write(out, seed.data + SAVED_HEADER, seed.len - SAVED_HEADER);
	return 0;
}

static void fuzz_strlist(const struct strlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		FUZZ_CHECK(l->items[i] != NULL, "list item %zu of %zu is NULL", i, l->len);
	for (size_t i = 0; i < l->len; i++)
		(void)strlen(l->items[i]);
}

static void fuzz_saved_try(const char *data, size_t len)
{
	struct site_files f;
	const char *why = NULL;
	int rc = saved_decode(&conf, data, len, &f, &why);

	if (rc != 0) {
		FUZZ_CHECK(f.posts == NULL && f.said == NULL && why != NULL,
		           "refused (%d) but posts or no reason", rc);
		return;
	}
	FUZZ_CHECK(f.posts != NULL && f.said != NULL, "taken but no posts");
	for (size_t i = 1; i < f.nsaid; i++)
		FUZZ_CHECK(f.said[i - 1] <= f.said[i], "what was said is out of order");
	for (size_t i = 0; i < f.nposts; i++) {
		const struct post *p = f.posts[i];
		FUZZ_CHECK(p != NULL && p->name != NULL && p->route != NULL && p->title != NULL,
		           "post %zu lacks a required field", i);
		FUZZ_CHECK(p->route_len == strlen(p->route), "route length");
		fuzz_strlist(&p->tags);
		fuzz_strlist(&p->categories);
		fuzz_strlist(&p->aliases);
		fuzz_strlist(&p->authors);
		(void)fuzz_walk(&p->fields, 0);
	}
	saved_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = {0};

	fuzz_saved_try((const char *)data, size);
	buf_add(&b, seed.data, SAVED_HEADER);
	buf_add(&b, (const char *)data, size);
	saved_seal(&b);
	fuzz_saved_try(b.data, b.len);
	buf_free(&b);
	return 0;
}
