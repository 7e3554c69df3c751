/* route_test.c — the route table: lookups, misses, duplicates, growth. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "post.h"
#include "route.h"

int main(void)
{
	static struct post posts[3000];
	static char names[3000][32];
	struct route_table t;

	route_init(&t, 2);
	for (int i = 0; i < 3000; i++) {
		snprintf(names[i], sizeof(names[i]), "/post-%d", i);
		posts[i].route = names[i];
		posts[i].route_len = strlen(names[i]);
	}
	int added = 1;
	for (int i = 0; i < 3000; i++)
		added &= route_add(&t, posts[i].route, posts[i].route_len, &posts[i]) == NULL;
	check("route", "3,000 routes added, table grows", added && t.len == 3000, "len %zu", t.len);
	int found = 1;
	for (int i = 0; i < 3000; i++)
		found &= route_find(&t, names[i], strlen(names[i])) == &posts[i];
	check("route", "every route finds its post", found, "");
	check("route", "a missing route finds nothing", route_find(&t, "/post-3000", 10) == NULL,
	      "");
	check("route", "a prefix finds nothing", route_find(&t, "/post-1", 6) == NULL, "");
	check("route", "lookups are case-sensitive", route_find(&t, "/POST-1", 7) == NULL, "");
	check("route", "the empty path finds nothing", route_find(&t, "", 0) == NULL, "");

	struct post twin = {.route = "/post-7", .route_len = 7};
	check("route", "a second post with a taken route gets the first back",
	      route_add(&t, twin.route, twin.route_len, &twin) == &posts[7] &&
	          route_find(&t, "/post-7", 7) == &posts[7],
	      "");
	route_free(&t);

	struct route_table empty = {0};
	check("route", "an empty table finds nothing", route_find(&empty, "/x", 2) == NULL, "");
	return check_exit();
}
