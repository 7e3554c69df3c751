"""images_test.py — images in posts as quire serves them: a static folder's image
(/images/x.png) and a page bundle's (relative) get width and height from their headers, a
missing image gets none but renders, every image is lazy and async, an image alone with a
title is a figure, and kramdown block attributes land on their block; at the root and
under a mount."""
import os
import struct

from harness import Site, check, finish

S = "images"


def png(w, h):
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", w, h)
            + b"\x08\x06\x00\x00\x00" + b"\0\0\0\0")


def gif(w, h):
    return b"GIF89a" + struct.pack("<HH", w, h) + b"\xf7\x00\x00"


def put(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def run(mount):
    m = mount.rstrip("/")
    with Site(copy_posts=False, mount=mount) as site:
        static = os.path.join(site.dir, "static")
        put(os.path.join(static, "images", "x.png"), png(120, 80))
        put(os.path.join(static, "images", "big.png"), png(100000, 100000))
        os.symlink("x.png", os.path.join(static, "images", "link.png"))
        site.write_post("pics.md",
                        "---\ntitle: Pics\n---\n"
                        f"![a]({m}/images/x.png) ![m]({m}/images/missing.png) "
                        f"![b]({m}/images/big.png) ![l]({m}/images/link.png)\n\n"
                        f"![Cap]({m}/images/x.png \"A caption\")\n\n"
                        "Styled.\n{: .note #n onclick=\"x\"}\n")
        os.makedirs(os.path.join(site.posts, "trip"))
        site.write_post("trip/index.md",
                        "---\ntitle: Trip\n---\n![The view](photo.gif)\n")
        put(os.path.join(site.posts, "trip", "photo.gif"), gif(30, 20))
        site.start()
        st, _, body = site.get(f"{m}/pics")
        text = body.decode("utf-8", "replace")
        where = f" (mount {mount})"
        check(S, "a static image gets its size" + where,
              st == 200 and f'<img src="{m}/images/x.png" alt="a" width="120" height="80" '
              'loading="lazy" decoding="async">' in text, text[-1500:])
        check(S, "a missing image gets none but renders" + where,
              f'<img src="{m}/images/missing.png" alt="m" loading="lazy" decoding="async">'
              in text, "")
        check(S, "a 100000x100000 header and a symbolic link give no size" + where,
              f'<img src="{m}/images/big.png" alt="b" loading="lazy"' in text and
              f'<img src="{m}/images/link.png" alt="l" loading="lazy"' in text, "")
        check(S, "an image alone with a title is a figure" + where,
              f'<figure><img src="{m}/images/x.png" alt="Cap" width="120" height="80" '
              'loading="lazy" decoding="async"><figcaption>A caption</figcaption></figure>'
              in text, "")
        check(S, "block attributes on their paragraph, the handler dropped" + where,
              '<p id="n" class="note">Styled.</p>' in text and "{:" not in text and
              "onclick" not in text, "")
        st, _, body = site.get(f"{m}/trip")
        text = body.decode("utf-8", "replace")
        check(S, "a bundle's relative image gets its size" + where,
              st == 200 and f'<img src="{m}/trip/photo.gif" alt="The view" width="30" '
              'height="20" loading="lazy" decoding="async">' in text, text[-1500:])
        log = site.read_log()
        check(S, "nothing said of the images" + where,
              "big.png" not in log and "missing" not in log, log[-1500:])


def main():
    for mount in ("/", "/blog/"):
        try:
            run(mount)
        except Exception as e:
            import traceback
            traceback.print_exc()
            check(S, f"mount {mount}: harness", False, repr(e))
    finish()


if __name__ == "__main__":
    main()
