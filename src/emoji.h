/* emoji.h — emoji by their Unicode names, from a table made at build time. */
#ifndef QUIRE_EMOJI_H
#define QUIRE_EMOJI_H

#include <stddef.h>

/* The UTF-8 glyph of the emoji named name ("grinning-face", "Grinning face"), or NULL. */
const char *emoji_lookup(const char *name, size_t len);

#endif
