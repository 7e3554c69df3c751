#!/usr/bin/python3
# entity-table.py — writes entity-table.h (checked in): HTML5's named character
# references ending in ';' (what CommonMark recognises), sorted for a binary search.
# Run: python3 src/entity-table.py > src/entity-table.h
import html.entities

names = sorted(k[:-1] for k in html.entities.html5 if k.endswith(';'))
print('/* entity-table.h — made by entity-table.py from HTML5\'s named character references. */')
print('static const struct render_entity render_entities[] = {')
for n in sorted(names, key=lambda s: s.encode()):
    cps = [ord(c) for c in html.entities.html5[n + ';']] + [0]
    print('    {"%s", {0x%X, 0x%X}},' % (n, cps[0], cps[1]))
print('};')
