/* fuzz_config.c — config_load() on any bytes as the configuration file: refused with a
 * reason naming a line, or taken with every setting within its bounds (the menu's
 * entries each a title and a route or an allowed URL). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "fuzz.h"
#include "log.h"

static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR);
	path = fuzz_site("config", "", NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;

	fuzz_write(path, (const char *)data, size);
	if (config_load(&c, path) < 0)
		return 0;
	FUZZ_CHECK(c.paginate >= 1 && c.paginate <= 1024, "paginate %ld", c.paginate);
	FUZZ_CHECK(c.mount != NULL && c.mount[0] == '/', "mount %s", c.mount ? c.mount : "");
	FUZZ_CHECK(c.nmenu == 0 || c.menu != NULL, "menu entries without a list");
	for (size_t i = 0; i < c.nmenu; i++) {
		const struct config_menu *m = &c.menu[i];
		FUZZ_CHECK(m->title != NULL && m->title[0] != '\0', "menu entry %zu untitled", i);
		FUZZ_CHECK((m->route != NULL) != (m->url != NULL), "menu entry %zu: route xor url",
		           i);
		FUZZ_CHECK(m->route == NULL || m->route[0] == '/', "menu route %s", m->route);
		FUZZ_CHECK(m->url == NULL || strncmp(m->url, "http", 4) == 0 ||
		               strncmp(m->url, "mailto:", 7) == 0,
		           "menu url %s", m->url);
		for (const char *p = m->title; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f, "a control character");
	}
	config_free(&c);
	return 0;
}
