/* fuzz.h — what the libFuzzer targets share: the checkout's path, a scratch site, checks. */
#ifndef QUIRE_FUZZ_H
#define QUIRE_FUZZ_H

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "value.h"

/* libFuzzer's entry points. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

/* The checkout (for conf/layouts and the first post): $QUIRE_ROOT, else where it was built. */
__attribute__((unused)) static const char *fuzz_root(void)
{
	const char *r = getenv("QUIRE_ROOT");

	return r != NULL && *r ? r : FUZZ_ROOT;
}

/* A broken invariant is a crash: libFuzzer saves the input that made it. */
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz: invariant broken: %s: ", #cond);                    \
			fprintf(stderr, __VA_ARGS__);                                              \
			fprintf(stderr, "\n");                                                     \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Write len bytes to path; exits on failure (start-up only). */
__attribute__((unused)) static void fuzz_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "fuzz: cannot write %s\n", path);
		exit(1);
	}
}

/* Read the whole file at path into out; exits on failure (start-up only). */
__attribute__((unused)) static void fuzz_read(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "fuzz: cannot read %s\n", path);
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
}

/* A scratch folder under $TMPDIR. */
__attribute__((unused)) static char *fuzz_tmpdir(const char *name)
{
	const char *t = getenv("TMPDIR");
	struct buf b = {0};

	buf_printf(&b, "%s/quire-%s-XXXXXX", t && *t ? t : "/tmp", name);
	buf_cstr(&b);
	if (mkdtemp(b.data) == NULL) {
		fprintf(stderr, "fuzz: cannot make a folder %s\n", b.data);
		exit(1);
	}
	return b.data;
}

__attribute__((unused)) static char *fuzz_scratch; /* removed at exit */

__attribute__((unused)) static int fuzz_rm(const char *path, const struct stat *st, int flag,
                                           struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

__attribute__((unused)) static void fuzz_cleanup(void)
{
	if (fuzz_scratch != NULL)
		nftw(fuzz_scratch, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* A site in a scratch folder: posts/ holds the first post and the (name, text) pairs
 * of files, ending with NULL; the layouts are the checkout's conf/layouts. conf is
 * put after the settings that make it so. Returns the configuration file's path. */
__attribute__((unused)) static char *fuzz_site(const char *name, const char *conf,
                                               const char *const *files)
{
	struct buf path = {0}, text = {0};

	if (fuzz_scratch == NULL) {
		fuzz_scratch = fuzz_tmpdir("fuzz");
		atexit(fuzz_cleanup);
	}
	buf_printf(&path, "%s/%s", fuzz_scratch, name);
	if (mkdir(buf_cstr(&path), 0700) == 0) {
		buf_adds(&path, "/posts");
		if (mkdir(buf_cstr(&path), 0700) == 0)
			path.len = 0;
	}
	if (path.len > 0) {
		fprintf(stderr, "fuzz: cannot make %s\n", path.data);
		exit(1);
	}
	buf_reset(&path);
	buf_printf(&path, "%s/posts/on-node-go-concurrency.md", fuzz_root());
	fuzz_read(buf_cstr(&path), &text);
	buf_reset(&path);
	buf_printf(&path, "%s/%s/posts/on-node-go-concurrency.md", fuzz_scratch, name);
	fuzz_write(buf_cstr(&path), text.data, text.len);
	for (; files != NULL && *files != NULL; files += 2) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s/posts/%s", fuzz_scratch, name, files[0]);
		fuzz_write(buf_cstr(&path), files[1], strlen(files[1]));
	}
	buf_reset(&text);
	buf_printf(&text, "posts: posts\nlayouts: %s/conf/layouts\n%s", fuzz_root(), conf);
	buf_reset(&path);
	buf_printf(&path, "%s/%s/quire.yaml", fuzz_scratch, name);
	fuzz_write(buf_cstr(&path), text.data, text.len);
	buf_free(&text);
	return (char *)buf_cstr(&path);
}

/* Touch every byte a value points to, so that ASan sees a dangling or short string. */
__attribute__((unused)) static uint64_t fuzz_walk(const struct value *v, int depth)
{
	uint64_t h = (uint64_t)v->type;

	FUZZ_CHECK(depth < 64, "value nested %d deep", depth);
	switch (v->type) {
	case VALUE_STRING:
		for (size_t i = 0; i < v->u.string.len; i++)
			h = h * 31 + (unsigned char)v->u.string.p[i];
		break;
	case VALUE_LIST:
		for (size_t i = 0; i < v->u.list.len; i++)
			h = h * 31 + fuzz_walk(&v->u.list.items[i], depth + 1);
		break;
	case VALUE_MAP:
		for (size_t i = 0; i < v->u.map.len; i++) {
			const struct member *m = &v->u.map.items[i];
			for (size_t k = 0; k < m->keylen; k++)
				h = h * 31 + (unsigned char)m->key[k];
			h = h * 31 + fuzz_walk(&m->value, depth + 1);
		}
		break;
	default:
		break;
	}
	return h;
}

#endif
