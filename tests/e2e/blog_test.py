"""blog_test.py — what blog readers and people moving from Jekyll or Hugo expect: dates,
drafts, scheduling, tags, aliases, summaries, pagination, permalinks, renames."""
import glob
import os
import re
import shutil
import time

from harness import TOP, Site, check, finish, wait_for

S = "blog"
CORPUS = os.path.join(TOP, "tests", "data", "rust-blog", "posts")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def fields_and_dates():
    with Site(copy_posts=False) as site:
        site.write_post("2021-03-04-jekyll-name.md", "---\ntitle: Named by date\n---\nA\n")
        site.write_post("dated.md", "---\ntitle: Dated\ndate: 2022-05-06T07:08:09+02:00\n"
                        "lastmod: 2022-06-01\nauthor: Ada\ncanonical: https://elsewhere.example/x\n"
                        "robots: noindex, nofollow\ntags: [Rust, Web Dev]\n---\nB\n")
        site.write_post("bad-date.md", "---\ntitle: Bad\ndate: 2023-02-30\n---\nC\n")
        site.write_post("draft.md", "---\ntitle: A draft\ndraft: true\n---\nD\n")
        site.write_post("unpublished.md", "---\ntitle: Unpublished\npublished: false\n---\nE\n")
        site.write_post("hugo.md", "---\ntitle: Hugo names\nurl: /hugo/here/\nweight: 1\n---\nF\n")
        site.write_post("jekyll.md", "---\ntitle: Jekyll names\npermalink: /jekyll/there.html\n"
                        "redirect_from: [/old/jekyll, /older/jekyll/]\n---\nG\n")
        site.write_post("zola.md", "---\ntitle: Zola names\npath: zola/path\naliases: /z\n---\nH\n")
        site.write_post("slugged.md", "---\ntitle: Slugged\nslug: my-slug\n---\nI\n")
        site.start()
        log = site.read_log()
        st, _, body = site.get("/2021-03-04-jekyll-name")
        check(S, "a Jekyll file name gives the date",
              st == 200 and b'datetime="2021-03-04T00:00:00Z"' in body, (st, body[-400:]))
        st, h, body = site.get("/dated")
        text = body.decode()
        check(S, "a date-time with a zone is read and shown",
              'datetime="2022-05-06T05:08:09Z"' in text and "6 May 2022" in text, text[:200])
        check(S, "canonical overrides the canonical link",
              '<link rel="canonical" href="https://elsewhere.example/x">' in text, "")
        check(S, "robots becomes X-Robots-Tag and the meta tag",
              h.get("x-robots-tag") == "noindex, nofollow" and
              '<meta name="robots" content="noindex, nofollow">' in text, h.get("x-robots-tag"))
        check(S, "tags link to their pages", 'href="/tags/web-dev/"' in text and ">Web Dev<" in text,
              "")
        check(S, "an impossible date leaves the post out with its line",
              re.search(r"bad-date\.md:3: \"date\" must be a date", log) and
              site.get("/bad-date")[0] == 404, log)
        for name in ("/draft", "/unpublished"):
            check(S, f"{name} is not served", site.get(name)[0] == 404, "")
        _, _, index = site.get("/")
        check(S, "drafts are not listed", b"A draft" not in index and b"Unpublished" not in index,
              "")
        check(S, "Hugo's url and weight", site.get("/hugo/here")[0] == 200, "")
        check(S, "Jekyll's permalink", site.get("/jekyll/there.html")[0] == 200, "")
        check(S, "Zola's path", site.get("/zola/path")[0] == 200, "")
        check(S, "slug names the route", site.get("/my-slug")[0] == 200, "")
        for old, new in (("/old/jekyll", "/jekyll/there.html"), ("/older/jekyll/", "/jekyll/there.html"),
                         ("/z", "/zola/path")):
            st, h, _ = site.get(old)
            check(S, f"old address {old} is 301 to the post",
                  st == 301 and h.get("location") == new, (st, h.get("location")))
        # Listing order: by date, newest first; undated after, by weight/order.
        order = [m.group(1) for m in re.finditer(rb'<h2><a href="([^"]+)"', index)]
        check(S, "the index is newest first, undated after",
              order[:2] == [b"/dated", b"/2021-03-04-jekyll-name"] and order[2] == b"/hugo/here",
              order)


def scheduling():
    now = time.time()
    extra = "http:\n  cache_control: public, max-age=3600\n"
    with Site(copy_posts=False, config_extra=extra) as site:
        site.write_post("now.md", "---\ntitle: Here now\n---\nx\n")
        site.write_post("soon.md", f"---\ntitle: Coming soon\npublishDate: {iso(now + 3)}\n---\nx\n")
        site.write_post("gone.md", f"---\ntitle: Long gone\nexpiryDate: {iso(now - 60)}\n---\nx\n")
        site.write_post("going.md", f"---\ntitle: Going away\nexpiryDate: {iso(now + 3)}\n---\nx\n")
        site.start()
        check(S, "a post before its publish time is 404", site.get("/soon")[0] == 404, "")
        check(S, "a post after its expiry is 410", site.get("/gone")[0] == 410, "")
        check(S, "a post before its expiry is 200", site.get("/going")[0] == 200, "")
        st, h, index = site.get("/")
        check(S, "listings agree: neither the scheduled nor the expired post",
              b"Coming soon" not in index and b"Long gone" not in index and b"Going away" in index,
              "")
        m = re.search(r"max-age=(\d+)", h.get("cache-control", ""))
        check(S, "max-age never reaches past the next scheduled change",
              m and int(m.group(1)) <= 4, h.get("cache-control"))
        ok = wait_for(lambda: site.get("/soon")[0] == 200 and site.get("/going")[0] == 410, 6)
        check(S, "at its time the post appears and the other expires, with no restart", ok, "")
        # A post's own address is decided at each request; the lists change when the
        # snapshot is remade at that second: poll for it.
        def index_says_so():
            _, _, index = site.get("/")
            return b"Coming soon" in index and b"Going away" not in index
        check(S, "and the index says so", wait_for(index_says_so, 3), "")
        _, h, index = site.get("/")
        check(S, "with no change left, max-age is the configured one",
              "max-age=3600" in h.get("cache-control", ""), h.get("cache-control"))


def tags_and_pages():
    with Site(copy_posts=False, config_extra="paginate: 2\n") as site:
        for i in range(5):
            tags = "[rust]" if i % 2 == 0 else "[go, rust]"
            site.write_post(f"2020-01-0{i + 1}-p{i}.md",
                            f"---\ntitle: Post {i}\ntags: {tags}\n---\nFirst paragraph {i}.\n\n"
                            f"Second paragraph {i}.\n")
        site.write_post("2020-02-01-more.md", "---\ntitle: With more\n---\nBefore the fold.\n\n"
                        "Still before.\n\n<!--more-->\n\nAfter the fold.\n")
        site.start()
        st, _, p1 = site.get("/")
        check(S, "page 1 has the two newest posts",
              st == 200 and p1.count(b'class="entry"') == 2 and b"With more" in p1 and
              b"Post 4" in p1, p1.count(b'class="entry"'))
        check(S, "a summary runs to <!--more-->",
              b"Still before." in p1 and b"After the fold." not in p1, "")
        check(S, "a summary is otherwise the first paragraph",
              b"First paragraph 4." in p1 and b"Second paragraph 4." not in p1, "")
        check(S, "page 1 links to page 2", b'href="/page/2/"' in p1, "")
        st, _, p3 = site.get("/page/3/")
        check(S, "the last page has what is left and links back",
              st == 200 and p3.count(b'class="entry"') == 2 and b'href="/page/2/"' in p3, st)
        check(S, "a page past the end is 404", site.get("/page/4/")[0] == 404, "")
        st, h, _ = site.get("/page/2")
        check(S, "/page/2 is 301 to /page/2/", st == 301 and h.get("location") == "/page/2/", st)
        st, h, _ = site.get("/page/1/")
        check(S, "/page/1/ is 301 to /", st == 301 and h.get("location") == "/", st)
        st, _, tags = site.get("/tags/")
        check(S, "the tag index lists each tag with its count",
              st == 200 and b'href="/tags/go/"' in tags and b'href="/tags/rust/"' in tags, st)
        st, _, go = site.get("/tags/go/")
        check(S, "a tag's page lists its posts, newest first",
              st == 200 and go.find(b"Post 3") < go.find(b"Post 1") and b"Post 0" not in go, st)
        st, h, _ = site.get("/tags/go")
        check(S, "/tags/go is 301 to /tags/go/", st == 301 and h.get("location") == "/tags/go/", st)
        check(S, "an unknown tag is 404", site.get("/tags/nope/")[0] == 404, "")
        st, _, rust2 = site.get("/tags/rust/page/2/")
        check(S, "tag pages are paginated too", st == 200 and rust2.count(b'class="entry"') >= 1, st)


def latest_owner(site):
    """A moved /r1 -> /r2 -> /r3; B later took /r1 and moved to /r4: /r1 is B's now."""
    def move(name, title, route):
        site.write_post(name, f"---\ntitle: {title}\nroute: {route}\n---\nx\n")
        return wait_for(lambda: site.get(route)[0] == 200, 3)
    ok = all([move("a.md", "A", "/r1"), move("a.md", "A", "/r2"), move("a.md", "A", "/r3"),
              move("b.md", "B", "/r1"), move("b.md", "B", "/r4")])
    for old, new in (("/r1", "/r4"), ("/r2", "/r3")):
        st, h, _ = site.get(old)
        check(S, f"an old route follows its last owner: {old} is 301 to {new}",
              ok and st == 301 and h.get("location") == new, (ok, st, h.get("location")))
    ok = move("a.md", "A", "/r1") and move("a.md", "A", "/r5")
    st, h, _ = site.get("/r1")
    check(S, "a post that took back its old route and left again takes it along",
          ok and st == 301 and h.get("location") == "/r5", (ok, st, h.get("location")))
    site.restart_quire()
    st, h, _ = site.get("/r2")
    check(S, "after a restart too", st == 301 and h.get("location") == "/r5",
          (st, h.get("location")))


def renames():
    with Site(copy_posts=False, config_extra="state: ../state\n") as site:
        os.mkdir(os.path.join(site.dir, "state"))
        path = site.write_post("moving.md", "---\ntitle: Moving\nroute: /first-home\n---\nx\n")
        site.start()
        check(S, "a post at its first route", site.get("/first-home")[0] == 200, "")
        with open(path, "w") as f:
            f.write("---\ntitle: Moving\nroute: /second-home\n---\nx\n")
        ok = wait_for(lambda: site.get("/second-home")[0] == 200, 2)
        st, h, _ = site.get("/first-home")
        check(S, "after a route change the old route is 301 to the new",
              ok and st == 301 and h.get("location") == "/second-home", (ok, st, h.get("location")))
        site.restart_quire()
        st, h, _ = site.get("/first-home")
        check(S, "and it still is after a restart",
              st == 301 and h.get("location") == "/second-home", (st, h.get("location")))
        latest_owner(site)
    with Site(copy_posts=False, config_extra="state: /proc/quire-cannot-write\n") as site:
        site.write_post("a.md", "---\ntitle: A\n---\nx\n")
        site.start()
        log = site.read_log()
        check(S, "an unwritable state folder is said once and quire goes on",
              site.get("/a")[0] == 200 and log.count("state") >= 1 and
              log.count("cannot write the state folder") + log.count("cannot read") == 1, log)


def corpus():
    if not os.path.isdir(CORPUS):
        check(S, "the rust-blog corpus is beside the checkout", False, CORPUS)
        return
    with Site(copy_posts=False, config_extra="permalink: /:year/:month/:day/:slug.html\n") as site:
        files = sorted(glob.glob(os.path.join(CORPUS, "*.md")))
        for f in files:
            shutil.copy(f, site.posts)
        site.start()
        bad = []
        for f in files:
            name = os.path.basename(f)[:-3]
            y, m, d, slug = name[:4], name[5:7], name[8:10], name[11:]
            with open(f, encoding="utf-8") as fh:
                head = fh.read(2000)
            title = re.search(r'^title:\s*"?(.*?)"?\s*$', head, re.M).group(1)
            st, _, body = site.get(f"/{y}/{m}/{d}/{slug}.html")
            text = body.decode("utf-8", "replace")
            shown = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
                .replace('\\"', '"').replace('"', "&quot;").replace("'", "&#39;")
            if st != 200 or shown not in text:
                bad.append((name, st, title))
        check(S, f"all {len(files)} rust-blog posts answer 200 at their old address with their title",
              len(files) == 274 and not bad, (len(files), bad[:5]))


def main():
    for t in (fields_and_dates, scheduling, tags_and_pages, renames, corpus):
        try:
            t()
        except Exception as e:
            check(S, f"{t.__name__}: harness", False, repr(e))
    finish()


if __name__ == "__main__":
    main()
