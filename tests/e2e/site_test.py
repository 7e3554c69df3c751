"""site_test.py — what a blog has beside its posts (issue 12): pages (type: page) served
with the page layout, in the sitemap, never in the index, the feeds or a tag's list; the
main menu from the configuration (ours and Hugo's shape) and from pages and posts that
add themselves (menu: main, weight), with aria-current on the page's own entry; a bad
menu refused at load naming file and line."""
import re
import subprocess

from harness import QUIRE, Site, check, finish

S = "site"

ABOUT = ("---\ntitle: About me\ntype: page\nmenu: main\nweight: 5\ntags: [rust]\n"
         "description: Who writes here.\n---\nABOUT-BODY\n")
NOW = "---\ntitle: Now\ntype: page\nmenu:\n  main:\n    weight: 1\n---\nNOW-BODY\n"
CV = "---\ntitle: CV\ntype: page\n---\nCV-BODY (no menu)\n"
DRAFT = "---\ntitle: Secret page\ntype: page\nmenu: main\ndraft: true\n---\nSECRET\n"
POST = "---\ntitle: A menu post\nroute: /menu-post\nmenu: [main]\ntags: [rust]\n---\nMP\n"


def nav(body):
    m = re.search(rb'<nav class="site-nav"[^>]*>(.*?)</nav>', body, re.S)
    return m.group(1).decode() if m else ""


def links(body):
    return re.findall(r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>', nav(body))


def pages_and_menu():
    with Site(config_extra="menu:\n  - title: Home\n    route: /\n  - title: Code\n"
                           "    url: https://example.org/code\n    weight: 10\n") as site:
        for name, text in (("about.md", ABOUT), ("now.md", NOW), ("cv.md", CV),
                           ("secret.md", DRAFT), ("menu-post.md", POST)):
            site.write_post(name, text)
        site.start()
        st, _, body = site.get("/about")
        check(S, "a page is served at its route with the page layout",
              st == 200 and b"ABOUT-BODY" in body and b'<article class="page">' in body,
              (st, body[:200]))
        check(S, "a page shows no date, tags or neighbours",
              b'class="tag"' not in body and b'class="post-nav"' not in body, "")
        st, _, body = site.get("/cv")
        check(S, "a page without a route is at /NAME, not dated by the permalink",
              st == 200 and b"CV-BODY" in body, st)
        _, _, index = site.get("/")
        for what in ("About me", "Now", "CV"):
            check(S, f"the index does not list the page {what}",
                  f">{what}</a></h2>".encode() not in index and
                  f'href="/{what.lower().split()[0]}"'.encode() not in
                  index.split(b"</nav>", 1)[-1], "")
        for feed in ("/feed.xml", "/rss.xml", "/feed.json"):
            _, _, body = site.get(feed)
            check(S, f"{feed} leaves pages out", b"ABOUT-BODY" not in body and
                  b"About me" not in body and b"/about" not in body, "")
        _, _, body = site.get("/tags/rust/")
        check(S, "a page's tags do not put it in the tag's list",
              b"About me" not in body.split(b"</nav>", 1)[-1] and b"A menu post" in body, "")
        _, _, body = site.get("/sitemap.xml")
        check(S, "the sitemap has the pages, not the draft",
              b"/about</loc>" in body and b"/cv</loc>" in body and b"/now</loc>" in body and
              b"secret" not in body, body[-400:])
        check(S, "a draft page is not served", site.get("/secret")[0] == 404, "")

        got = links(site.get("/about")[2])
        titles = [t for _, _, t in got]
        check(S, "the menu: by weight, the configuration's place for its own, unweighted last",
              titles == ["Home", "Now", "About me", "Code", "A menu post"], got)
        check(S, "the page's own entry is marked aria-current, and only it",
              [t for _, cur, t in got if cur] == ["About me"], got)
        check(S, "an external entry links where it says",
              ("https://example.org/code", "", "Code") in got, got)
        check(S, "on the index, Home is current",
              [t for _, cur, t in links(site.get("/")[2]) if cur] == ["Home"], "")
        check(S, "a post in the menu is current on itself",
              [t for _, cur, t in links(site.get("/menu-post")[2]) if cur] == ["A menu post"],
              "")
        check(S, "a page not in the menu marks nothing",
              [t for _, cur, t in links(site.get("/cv")[2]) if cur] == [], "")


def hugo_menu():
    cfg = ("menu:\n  main:\n    - name: Blog\n      pageRef: /\n"
           "    - name: Mail\n      url: mailto:me@example.org\n  footer:\n"
           "    - name: Ignored\n      url: /x\n")
    with Site(config_extra=cfg) as site:
        site.start()
        got = links(site.get("/")[2])
        check(S, "Hugo's menu shape: main's entries, name and pageRef/url",
              [(u, t) for u, _, t in got] == [("/", "Blog"), ("mailto:me@example.org", "Mail")],
              got)
    with Site() as site:
        site.write_post("about.md", ABOUT)
        site.start()
        got = links(site.get("/")[2])
        check(S, "without menu: the posts' index comes first, then who adds themselves",
              [t for _, _, t in got] == ["Posts", "About me"], got)


def bad_menus():
    cases = {
        "a menu that is not a list": "menu: yes\n",
        "an entry without a title": "menu:\n  - route: /x\n",
        "an entry without a link": "menu:\n  - title: X\n",
        "a javascript: url": "menu:\n  - title: X\n    url: javascript:alert(1)\n",
        "a route with a query": "menu:\n  - title: X\n    route: /x?y\n",
        "a weight that is not a number": "menu:\n  - title: X\n    route: /x\n    weight: heavy\n",
        "a control character": 'menu:\n  - title: "X\\u0007"\n    route: /x\n',
    }
    for what, text in cases.items():
        with Site(config_extra=text) as site:
            p = subprocess.run([QUIRE, "-t", "-c", site.config], capture_output=True,
                               timeout=10)
            err = p.stderr.decode(errors="replace")
            check(S, f"refused at load: {what}, naming file and line",
                  p.returncode != 0 and re.search(r"test\.yaml:\d+: ", err), (p.returncode, err))


TOC = ("---\ntitle: Contents\nroute: /contents\ntoc: true\n---\n## Two\n\ntext\n\n"
       "### Three\n\ntext\n\n#### Four\n\ntext\n")


def toc_levels():
    """toc: true shows page.toc in the default theme: levels 2 and 3, or
    markdown.toc_levels'."""
    for levels, want in (("", ["two", "three"]), ("2-4", ["two", "three", "four"]),
                         ("3", ["three"])):
        extra = f"markdown:\n  toc_levels: {levels}\n" if levels else ""
        with Site(copy_posts=False, config_extra=extra) as site:
            site.write_post("contents.md", TOC)
            site.start()
            st, _, body = site.get("/contents")
            m = re.search(rb'<nav class="toc"[^>]*>(.*?)</nav>', body, re.S)
            got = re.findall(rb'href="#([^"]*)"', m.group(1)) if m else None
            check(S, f"toc: true lists the headings of levels {levels or '2-3 (the default)'}",
                  st == 200 and got == [w.encode() for w in want], (st, got))


def footnote_summaries():
    """A summary on a list or in a feed leaves out the footnote references of its first
    paragraph: their notes are on the post's page alone."""
    with Site(copy_posts=False, config_extra="feed:\n  content: summary\n") as site:
        site.write_post("noted.md", "---\ntitle: Noted\nroute: /noted\ndate: 2024-01-02\n---\n"
                        "First words.[^a] More.\n\n[^a]: The note.\n")
        site.start()
        _, _, post = site.get("/noted")
        _, _, index = site.get("/")
        _, _, feed = site.get("/feed.xml")
        check(S, "the post keeps its reference and note", b'href="#fn-1"' in post and
              b'class="footnotes"' in post, post[-400:])
        check(S, "a list's summary and a feed's leave the references out",
              b"First words. More." in index and b"#fn-1" not in index and
              b"First words. More." in feed and b"fn-1" not in feed, (index[-600:], feed[-400:]))


def main():
    footnote_summaries()
    toc_levels()
    pages_and_menu()
    hugo_menu()
    bad_menus()
    finish()


if __name__ == "__main__":
    main()
