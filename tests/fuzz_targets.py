"""Fuzz targets over the paths hostile bytes take: decoding, the content check, feed,
OPML and JSONL parsing, page metadata, text extraction and the link policy.

Each target states what must hold for any input: no exception escapes (bad input is a
recorded problem, not a crash), and no link a remote document gives becomes anything but
an http(s) URL. ``tests/test_fuzz.py`` runs a short, deterministic round of each in the
suite; ``bench/fuzz.py`` runs long random rounds and prints how many inputs ran.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from newsdesk.builtin.page_metadata import read_page_metadata
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.content_types import unsupported_reason
from newsdesk.decode import decode_document
from newsdesk.errors import FetchError
from newsdesk.fetch_policy import check_link, scheme_of
from newsdesk.pipeline import Context
from newsdesk.safe_json import json_depth, loads_bounded
from newsdesk.settings import load_settings
from newsdesk.stages.discover import parse_feed, parse_jsonl, parse_opml

BASE = "https://feeds.example/news/feed.xml"
LABELS = ["utf-8", "utf-16", "utf-32", "latin-1", "cp1252", "shift_jis", "gb18030", "koi8-r",
          "iso-2022-jp", "rot13", "hex", "base64", "undefined", "utf-7", "zlib", "idna",
          "unicode_escape", "x-user-defined", "no-such", "", "utf-8\x00", "  UTF8  "]
LINKS = ["file:///etc/passwd", "file:/etc/passwd", "file://localhost/etc/shadow",
         "FILE://host/x", "javascript:alert(1)", "java\tscript:alert(1)", " data:,x",
         "/relative/path", "../up", "//other.example/x", "http://127.0.0.1:9/x",
         "https://ok.example/a?b=c#d", "http://[::1]/", "\\\\server\\share", "c:\\x",
         "http://a:99999/", "http://[bad/", "http://xn--n3h.example/", "%00", "file:%2F%2Fx"]

links = st.one_of(st.sampled_from(LINKS), st.text(max_size=40),
                  st.builds(lambda a, b: a + b, st.sampled_from(LINKS), st.text(max_size=10)))
_text_piece = st.one_of(st.text(max_size=30), st.sampled_from(
    ["<", ">", "&", "&amp;", "&#0;", "&#x110000;", "]]>", "<![CDATA[", "<!--", "\x00", "\ufeff",
     "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"), "é", "€", "’"]))
xml_text = st.lists(_text_piece, max_size=6).map("".join)


@st.composite
def feed_documents(draw: Any) -> bytes:
    """RSS, Atom or RDF made of real pieces, hostile links and broken fragments."""
    kind = draw(st.sampled_from(["rss", "atom", "rdf"]))
    items = []
    for _ in range(draw(st.integers(0, 6))):
        link, title, body = draw(links), draw(xml_text), draw(xml_text)
        date = draw(st.sampled_from(["Fri, 31 Dec 9999 23:59:59 GMT", "0000-00-00", "",
                                     "Mon, 01 Jan 0001 00:00:00 GMT", "2026-11-18T08:30:00Z",
                                     "yesterday", "9" * 30]))
        if kind == "atom":
            items.append(f'<entry><title>{title}</title><link href="{link}"/>'
                         f"<updated>{date}</updated><content type='html'>{body}</content>"
                         "</entry>")
        else:
            items.append(f"<item><title>{title}</title><link>{link}</link>"
                         f"<pubDate>{date}</pubDate><description>{body}</description></item>")
    head = draw(st.sampled_from(['<?xml version="1.0" encoding="utf-8"?>',
                                 '<?xml version="1.0" encoding="rot13"?>',
                                 '<?xml version="1.0" encoding="hex"?>', "", "\ufeff",
                                 '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>']))
    if kind == "atom":
        text = f'{head}<feed xmlns="http://www.w3.org/2005/Atom">{"".join(items)}</feed>'
    elif kind == "rdf":
        text = (f'{head}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                f'xmlns="http://purl.org/rss/1.0/">{"".join(items)}</rdf:RDF>')
    else:
        text = f'{head}<rss version="2.0"><channel>{"".join(items)}</channel></rss>'
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-16", "cp1252"])), "replace")
    cut = draw(st.integers(0, len(data)))
    noise = draw(st.binary(max_size=20))
    return data[:cut] + noise if draw(st.booleans()) else data


@st.composite
def json_feeds(draw: Any) -> bytes:
    """JSON Feeds with hostile URLs, odd types and deep nesting."""
    value = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                         lambda children: st.lists(children, max_size=3)
                         | st.dictionaries(st.text(max_size=8), children, max_size=3),
                         max_leaves=10)
    items = draw(st.lists(st.fixed_dictionaries({
        "url": st.one_of(links, value), "external_url": st.one_of(links, value),
        "title": value, "content_html": st.one_of(xml_text, value),
        "date_published": st.one_of(st.text(max_size=30), value), "authors": value}),
        max_size=5))
    feed = {"version": "https://jsonfeed.org/version/1.1",
            "title": draw(st.text(max_size=20)), "items": draw(st.one_of(st.just(items), value))}
    text = json.dumps(feed)
    depth = draw(st.integers(0, 3000))
    return (text[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}").encode()


html_pages = st.builds(
    lambda head, body, label, canonical: (
        f"<html><head><meta charset={label}><link rel=canonical href='{canonical}'>"
        f"<meta property='og:url' content='{canonical}'>{head}</head>"
        f"<body><article><p>{body}</p></article></body></html>"),
    st.one_of(xml_text, st.sampled_from([
        '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script>",
        '<script type="application/ld+json">{"@graph": [{"headline": "x", "author": '
        + "[" * 300 + '"n"' + "]" * 300 + "}]}</script>",
        "<title>" + "t" * 5000 + "</title>", "<meta name=date content='99999-99-99'>"])),
    st.text(max_size=400), st.sampled_from(LABELS), links)


class Targets:
    """The targets, sharing one throwaway store for the parsers' problem records."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="newsdesk-fuzz-")
        settings = load_settings(overrides={"data_dir": self._tmp.name}, environ={})
        self.ctx = Context(settings=settings, store=SqlStore.open(settings.database_url),
                           show_progress=False)
        self.ctx.fetcher.allow_local(Path(self._tmp.name))

    def close(self) -> None:
        """Release the store and the temporary folder."""
        self.ctx.store.close()
        self._tmp.cleanup()

    def _reset(self) -> None:
        self.ctx.problems.clear()
        self.ctx.counts.clear()

    def decode(self, data: bytes, label: str) -> None:
        """Any bytes under any charset label decode to text."""
        assert isinstance(decode_document(data, label).text, str)

    def content_check(self, data: bytes, content_type: str) -> None:
        """The content check answers for any bytes."""
        assert unsupported_reason(data, content_type) in (None,) or isinstance(
            unsupported_reason(data, content_type), str)

    def feed(self, data: bytes) -> None:
        """A remote feed yields only http(s) entries, whatever it holds."""
        self._reset()
        entries, _ = parse_feed(data, BASE, BASE, {}, self.ctx)
        for entry in entries:
            assert scheme_of(entry.url) in {"http", "https"}, entry.url

    def opml(self, data: bytes) -> None:
        """A remote OPML list yields only http(s) sources."""
        self._reset()
        for url in parse_opml(data, BASE, BASE, self.ctx):
            assert scheme_of(url) in {"http", "https"}, url

    def jsonl(self, data: bytes) -> None:
        """A remote JSONL file yields only http(s) article URLs."""
        self._reset()
        for entry in parse_jsonl(data, BASE, self.ctx, base_url=BASE):
            assert scheme_of(entry.url) in {"http", "https"}, entry.url

    def page(self, html: str) -> None:
        """Page metadata reads any page; a canonical URL is only ever http(s)."""
        found = read_page_metadata(html)
        assert found.canonical_url == "" or scheme_of(found.canonical_url) in {"http", "https"}

    def extract(self, html: str) -> None:
        """The configured extractor chain takes any page."""
        self.ctx.extractor.extract(html, "https://news.example/a")

    def link(self, link: str) -> None:
        """A link from a remote document is http(s) or refused with a reason."""
        try:
            url = check_link(link, BASE, self.ctx.fetcher.local_root)
        except FetchError as exc:
            assert exc.reason in {"unsupported_scheme", "local_file_refused", "invalid_url"}
            return
        assert scheme_of(url) in {"http", "https"}, url

    def json_bounded(self, text: str) -> None:
        """The depth check agrees with the parser: what it lets through, json parses."""
        try:
            loads_bounded(text, 64)
        except ValueError:
            return
        assert json_depth(text) <= 64


#: name -> (strategy of arguments, target method name)
TARGETS: dict[str, tuple[Any, str]] = {
    "decode": (st.tuples(st.binary(max_size=3000), st.sampled_from(LABELS)), "decode"),
    "content_check": (st.tuples(st.binary(max_size=600), st.sampled_from(
        ["text/html", "application/pdf", "image/png", "", "application/octet-stream"])),
        "content_check"),
    "feed": (st.tuples(feed_documents()), "feed"),
    "json_feed": (st.tuples(json_feeds()), "feed"),
    "opml": (st.tuples(st.builds(lambda ls, nest: (
        "<opml><body>" + "<outline>" * nest + "".join(
            f'<outline xmlUrl="{x}"/>' for x in ls) + "</outline>" * nest + "</body></opml>"
    ).encode("utf-8", "replace"), st.lists(links, max_size=5), st.integers(0, 2000))), "opml"),
    "jsonl": (st.tuples(st.lists(st.one_of(
        st.builds(lambda u, t: json.dumps({"url": u, "text": t}), links, st.text(max_size=50)),
        st.text(max_size=60)), max_size=5).map(lambda ls: "\n".join(ls).encode())), "jsonl"),
    "page_metadata": (st.tuples(html_pages), "page"),
    "extract": (st.tuples(html_pages), "extract"),
    "link": (st.tuples(links), "link"),
    "json_depth": (st.tuples(st.text(alphabet="[]{}\"\\:,0 a", max_size=60)), "json_bounded"),
}


def runner(targets: Targets, name: str) -> Callable[..., None]:
    """The bound target method for ``name``."""
    method: Callable[..., None] = getattr(targets, TARGETS[name][1])
    return method
