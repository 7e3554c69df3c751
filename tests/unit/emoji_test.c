/* emoji_test.c — emoji by name, and the emoji span in rendered Markdown. */
#include <string.h>

#include "buf.h"
#include "check.h"
#include "emoji.h"
#include "markdown.h"

struct emoji_case {
	const char *name;
	const char *glyph; /* NULL: no such emoji */
};

static const struct emoji_case cases[] = {
    {"grinning-face", "\xF0\x9F\x98\x80"},
    {"Grinning Face", "\xF0\x9F\x98\x80"},
    {"grinning_face", "\xF0\x9F\x98\x80"},
    {"red-heart", "\xE2\x9D\xA4\xEF\xB8\x8F"},
    {"thumbs-up", "\xF0\x9F\x91\x8D"},
    {"flag-japan", "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5"},
    {"t-rex", "\xF0\x9F\xA6\x96"},
    {"rocket", "\xF0\x9F\x9A\x80"},
    {"grinning", NULL},
    {"grinning-face-x", NULL},
    {"", NULL},
    {"-", NULL},
    {"no-such-emoji-at-all", NULL},
};

struct span_case {
	const char *name;
	const char *md;
	const char *html;
};

static const struct span_case spans[] = {
    {"span becomes the emoji", "Hi <span emoji='grinning-face'></span>!\n",
     "<p>Hi \xF0\x9F\x98\x80!</p>\n"},
    {"double quotes too", "<span emoji=\"rocket\"></span>\n", "<p>\xF0\x9F\x9A\x80</p>\n"},
    {"unknown name is left alone", "<span emoji='nope'></span>\n",
     "<p><span emoji='nope'></span></p>\n"},
    {"unclosed span is left alone", "<span emoji='rocket'>x</span>\n",
     "<p><span emoji='rocket'>x</span></p>\n"},
    {"inside code it stays text", "`<span emoji='rocket'></span>`\n",
     "<p><code>&lt;span emoji='rocket'&gt;&lt;/span&gt;</code></p>\n"},
    {"two in a row", "<span emoji='rocket'></span><span emoji='rocket'></span>\n",
     "<p>\xF0\x9F\x9A\x80\xF0\x9F\x9A\x80</p>\n"},
    {"strikethrough", "~~old~~\n", "<p><del>old</del></p>\n"},
    {"table", "| a |\n|---|\n| b |\n",
     "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>b</td>\n</tr>\n"
     "</tbody>\n</table>\n"},
    {"task list", "- [x] done\n",
     "<ul>\n<li class=\"task-list-item\"><input type=\"checkbox\" "
     "class=\"task-list-item-checkbox\" "
     "disabled checked>done</li>\n</ul>\n"},
    {"autolink", "see https://example.org now\n",
     "<p>see <a href=\"https://example.org\">https://example.org</a> now</p>\n"},
    {"a javascript: link goes nowhere", "[x](javascript:alert(1))\n",
     "<p><a href=\"#\">x</a></p>\n"},
    {"whatever its case", "[x](JavaScript:alert(1)) [y](VBSCRIPT:x)\n",
     "<p><a href=\"#\">x</a> <a href=\"#\">y</a></p>\n"},
    {"a data: image goes nowhere", "![i](data:text/html,x)\n",
     "<p><img src=\"#\" alt=\"i\" loading=\"lazy\" decoding=\"async\"></p>\n"},
    {"raw HTML is checked too", "<a href=\"javascript:x\">r</a>\n", "<p><a href=\"#\">r</a></p>\n"},
    {"an ordinary link stays", "[ok](https://e.org/a?b=1)\n",
     "<p><a href=\"https://e.org/a?b=1\">ok</a></p>\n"},
    {"invalid UTF-8 becomes U+FFFD", "a\xff b\xc0\xae c\xed\xa0\x80 d\xc3\xa9\n",
     "<p>a\xef\xbf\xbd b\xef\xbf\xbd\xef\xbf\xbd c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
     "d\xc3\xa9</p>\n"},
};

int main(void)
{
	struct buf out = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *g = emoji_lookup(cases[i].name, strlen(cases[i].name));
		int ok = cases[i].glyph ? g != NULL && strcmp(g, cases[i].glyph) == 0 : g == NULL;
		char name[96];
		snprintf(name, sizeof(name), "lookup \"%s\"", cases[i].name);
		check("emoji", name, ok, "got %s", g ? g : "(none)");
	}
	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
		buf_reset(&out);
		int rc = markdown_render(spans[i].md, strlen(spans[i].md), NULL, &out);
		check("markdown", spans[i].name,
		      rc == 0 && strcmp(buf_cstr(&out), spans[i].html) == 0, "got \"%s\"",
		      out.data);
	}
	buf_reset(&out);
	markdown_render("<b>x</b>\n", 9, &(struct markdown_opts){.escape_html = 1}, &out);
	check("markdown", "raw_html: escape shows HTML as text",
	      strcmp(buf_cstr(&out), "<p>&lt;b&gt;x&lt;/b&gt;</p>\n") == 0, "got \"%s\"", out.data);
	buf_reset(&out);
	markdown_render("<b>x</b>\n", 9, NULL, &out);
	check("markdown", "raw_html: keep passes HTML through",
	      strcmp(buf_cstr(&out), "<p><b>x</b></p>\n") == 0, "got \"%s\"", out.data);
	buf_free(&out);
	return check_exit();
}
