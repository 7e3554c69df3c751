#!/usr/bin/python3
"""highlight_test.py — quire's highlighter measured against Pygments (Debian's
python3-pygments). Every fenced block of the rust-blog corpus in a language quire highlights,
and each sample of tests/data/highlight/ (LANG.txt), goes through both; each non-blank
character is put in a category by the class of its token (keyword, name of a function or
type, string, number, comment, operator or punctuation, other), and at least 90 % of each
language's characters must fall in the same category. Prints each language's figure.
`highlight_test.py -v LANG` shows the disagreeing characters of that language."""
import html
import os
import re
import subprocess
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TOOL = os.path.join(TOP, "build", "tests", "highlight_tool")
POSTS = os.path.join(TOP, "tests", "data", "rust-blog", "posts")
SAMPLES = os.path.join(TOP, "tests", "data", "highlight")
THRESHOLD = 90.0

# The languages quire must highlight (quire's names) and Pygments' lexer for each.
LANGS = {
    "rust": "rust", "c": "c", "cpp": "cpp", "go": "go", "python": "python",
    "javascript": "javascript", "typescript": "typescript", "java": "java", "json": "json",
    "yaml": "yaml", "toml": "toml", "bash": "bash", "console": "console", "html": "html",
    "xml": "xml", "css": "css", "sql": "sql", "diff": "diff", "ruby": "ruby", "php": "php",
}

NAMES = {"nf", "fm", "nc", "ne", "nn", "nd", "nt", "na", "nb", "bp"}


def category(cls):
    if not cls:
        return "other"
    if cls == "ow" or cls[0] == "k":
        return "keyword"
    if cls in NAMES:
        return "name"
    if cls[0] == "s":
        return "string"
    if cls[0] == "m":
        return "number"
    if cls[0] == "c":
        return "comment"
    if cls[0] in "op":
        return "operator"
    return "other"


def plain(cls):
    """The class for the finer figure: a plain name or text is no class."""
    return "" if cls in ("", "n", "w", "x", "nx") else cls


def fenced_blocks(text):
    """(info word, code) of each fenced block of a Markdown text."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        m = re.match(r"^(\s*)(`{3,}|~{3,})\s*\{?\.?([^\s`{},]*)", lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = len(m.group(1)), m.group(2), m.group(3)
        body, i = [], i + 1
        close = re.compile(r"^\s*" + re.escape(fence[0]) + "{%d,}\\s*$" % len(fence))
        while i < len(lines) and not close.match(lines[i]):
            ln = lines[i]
            strip = len(ln) - len(ln.lstrip(" "))
            body.append(ln[min(indent, strip):])
            i += 1
        i += 1
        if lang:
            out.append((lang, "\n".join(body) + "\n"))
    return out


def quire_name(lang, cache={}):
    if lang not in cache:
        r = subprocess.run([TOOL, "--name", lang], capture_output=True, text=True)
        cache[lang] = r.stdout.strip() if r.returncode == 0 else None
    return cache[lang]


def quire_chars(lang, code):
    r = subprocess.run([TOOL, lang], input=code.encode(), capture_output=True, check=True)
    out, stack = [], []
    for m in re.finditer(r'<span class="([^"]*)">|</span>|([^<]+)', r.stdout.decode()):
        if m.group(1) is not None:
            stack.append(m.group(1))
        elif m.group(2) is None:
            stack.pop()
        else:
            cls = stack[-1] if stack else ""
            out.extend((ch, category(cls), plain(cls)) for ch in html.unescape(m.group(2))
                       if not ch.isspace())
    return out


def pygments_chars(lexer, code):
    from pygments import lex
    from pygments.formatters.html import _get_ttype_class
    out = []
    for ttype, value in lex(code, lexer):
        cls = _get_ttype_class(ttype)
        out.extend((ch, category(cls), plain(cls)) for ch in value if not ch.isspace())
    return out


def main():
    verbose = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "-v" else None
    try:
        from pygments.lexers import get_lexer_by_name
    except ImportError:
        print("FAIL highlight: Pygments is not installed (apt-get install python3-pygments)")
        return 1
    if not os.access(TOOL, os.X_OK):
        print("FAIL highlight: %s is not built" % TOOL)
        return 1
    work = {name: [] for name in LANGS}
    for f in sorted(os.listdir(POSTS)):
        if f.endswith(".md"):
            with open(os.path.join(POSTS, f), encoding="utf-8", errors="replace") as fh:
                for lang, code in fenced_blocks(fh.read()):
                    name = quire_name(lang)
                    if name in work:
                        work[name].append((lang, code, f))
    for f in sorted(os.listdir(SAMPLES)):
        name, ext = os.path.splitext(f)
        if ext == ".txt" and name in work:
            with open(os.path.join(SAMPLES, f), encoding="utf-8") as fh:
                work[name].append((name, fh.read(), f))
    failed = 0
    for name, blocks in work.items():
        if not blocks:
            print("FAIL highlight: %s has no corpus block and no sample" % name)
            failed += 1
            continue
        opts = {"startinline": True} if name == "php" else {}
        lexer = get_lexer_by_name(LANGS[name], stripnl=False, ensurenl=False, **opts)
        same = total = exact = 0
        for lang, code, src in blocks:
            ours, theirs = quire_chars(lang, code), pygments_chars(lexer, code)
            if [c[0] for c in ours] != [c[0] for c in theirs]:
                print("FAIL highlight: %s: %s: the characters differ" % (name, src))
                failed += 1
                continue
            run = ""
            for k, ((ch, a, ca), (_, b, cb)) in enumerate(zip(ours, theirs)):
                total += 1
                same += a == b
                exact += ca == cb
                if verbose == name and a != b:
                    run += ch
                    nxt = ours[k + 1][1] + theirs[k + 1][1] if k + 1 < len(ours) else ""
                    if nxt != a + b:
                        print("  %s: %r quire %s, pygments %s" % (src, run, a, b))
                        run = ""
        pct = 100.0 * same / total if total else 100.0
        status = "PASS" if pct >= THRESHOLD else "FAIL"
        failed += status == "FAIL"
        print("%s highlight: %-10s %5.1f %% of %d characters agree (%d blocks; %.1f %% in the "
              "very class)" % (status, name, pct, total, len(blocks),
                               100.0 * exact / total if total else 100.0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
