#!/bin/sh
# emoji-table.sh — make the emoji name table from Unicode's emoji-test.txt.
# Usage: emoji-table.sh /usr/share/unicode/emoji/emoji-test.txt > emoji-table.h
# Each fully-qualified emoji becomes { "normalised-name", "glyph" }, sorted by name
# for binary search; the first emoji of a name wins. Names are normalised as
# emoji_key() in emoji.c does: ASCII letters lowercased, runs of anything but
# letters, digits, '#', '*' and non-ASCII bytes turned into one '-'.
set -eu
export LC_ALL=C
printf '/* Generated from %s by emoji-table.sh: do not edit. */\n' "$(basename "$1")"
awk '
/; fully-qualified/ {
	i = index($0, "#")
	rest = substr($0, i + 2)
	split(rest, f, " ")
	glyph = f[1]
	name = substr(rest, length(f[1]) + length(f[2]) + 3)
	key = ""
	sep = 0
	for (j = 1; j <= length(name); j++) {
		c = substr(name, j, 1)
		if (c ~ /[A-Za-z0-9#*]/ || c > "\177") {
			if (sep && key != "")
				key = key "-"
			sep = 0
			key = key tolower(c)
		} else {
			sep = 1
		}
	}
	printf "%s\t%s\t%d\n", key, glyph, NR
}' "$1" | sort -t "$(printf '\t')" -k1,1 -k3,3n | awk -F '\t' '
$1 != last { printf "{\"%s\", \"%s\"},\n", $1, $2; last = $1 }'
