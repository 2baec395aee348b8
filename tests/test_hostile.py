"""The hostile corpus: feeds and pages an attacker (or a broken server) would serve,
from a real HTTP server on 127.0.0.1, through the whole ingest stage.

Each case asserts the reason recorded against the bad input, that time and memory stay
bounded (a deadline recorded as ``timeout``; bytes read under the cap, measured with
tracemalloc), that the good article served beside it is still stored, and that what
was stored before stays as it was. The server's own port is the only loopback address
the fetcher may reach.
"""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk.pipeline import Context
from newsdesk.stages.discover import discover
from newsdesk.stages.ingest import ingest

from conftest import DATA, close_context, make_context
from hostile_server import Answer, HostileServer, forever, repeat

ARTICLE = (DATA / "pages" / "port-talks.html").read_bytes()
GOOD_PATH = "/news/good-story"
HTML = {"Content-Type": "text/html; charset=utf-8"}
MB = 1_000_000


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    server.routes[GOOD_PATH] = Answer(body=ARTICLE, headers=HTML)
    yield server
    server.stop()


def context(tmp_path: Path, server: HostileServer, **settings: Any) -> Context:
    """A context that may reach only ``server`` on the machine, with short limits."""
    overrides = {"fetch.allow_networks": [f"127.0.0.1:{server.port}"], "fetch.retries": 0,
                 "fetch.host_delay": 0.0, "fetch.deadline": 20.0, **settings}
    return make_context(tmp_path, **overrides)


@pytest.fixture
def ctx_for(tmp_path: Path) -> Iterator[Any]:
    made: list[Context] = []

    def build(server: HostileServer, **settings: Any) -> Context:
        made.append(context(tmp_path / str(len(made)), server, **settings))
        return made[-1]

    yield build
    for ctx in made:
        close_context(ctx)


def rss(*links: str, extra: str = "") -> bytes:
    items = "".join(f"<item><title>Item {i}</title><link>{link}</link>"
                    f"<description>Teaser {i}</description></item>"
                    for i, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Hostile</title>{extra}{items}</channel></rss>").encode()


def reasons_for(ctx: Context) -> dict[str, str]:
    """item -> reason of every problem recorded in the run."""
    return {p.item: p.reason for p in ctx.problems}


def stored(ctx: Context) -> list[str]:
    return [d.url for d in ctx.store.documents_at_stage("extracted")]


def good_stored(ctx: Context, server: HostileServer) -> bool:
    return server.url(GOOD_PATH) in stored(ctx)


def feed_run(ctx: Context, server: HostileServer, links: list[str], **kw: Any) -> dict[str, int]:
    server.routes["/feed.xml"] = Answer(body=rss(*links, server.url(GOOD_PATH), **kw),
                                        headers={"Content-Type": "application/rss+xml"})
    return ingest([server.url("/feed.xml")], ctx)


# -- local files, other schemes, other services ------------------------------------------------

FILE_LINKS = ["file:///etc/passwd", "file:/etc/passwd", "file://localhost/etc/passwd",
              "file://anyhost/etc/passwd", "FILE:///etc/hostname", "file:///proc/self/environ",
              "file:/proc/self/mem", "fi&#9;le:///etc/passwd", "file:///dev/zero"]


def test_remote_feed_links_to_local_files_are_refused(hostile: HostileServer,
                                                      ctx_for: Any) -> None:
    ctx = ctx_for(hostile)
    feed_run(ctx, hostile, FILE_LINKS)
    refused = [p for p in ctx.problems if p.reason == "local_file_refused"]
    assert len(refused) == len(FILE_LINKS)
    assert stored(ctx) == [hostile.url(GOOD_PATH)]  # and nothing else, ever
    with ctx.store.session() as s:
        from sqlalchemy import select

        from newsdesk.builtin.store_models import EntryRow
        queued = list(s.scalars(select(EntryRow.url)))
    assert queued == [hostile.url(GOOD_PATH)]


def test_other_schemes_are_refused(hostile: HostileServer, ctx_for: Any) -> None:
    ctx = ctx_for(hostile)
    links = ["javascript:alert(document.domain)", "JAVASCRIPT:alert(1)",
             "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
             "vbscript:msgbox(1)", "ftp://files.example/a.html"]
    feed_run(ctx, hostile, links)
    assert sorted(reasons_for(ctx).values()) == ["unsupported_scheme"] * len(links)
    assert good_stored(ctx, hostile)


def test_loopback_services_are_refused_directly_and_through_a_redirect(
        hostile: HostileServer, ctx_for: Any) -> None:
    other = HostileServer()
    other.routes["/admin"] = Answer(body=b"<html><p>" + b"internal admin page " * 50 + b"</p>",
                                    headers=HTML)
    hostile.routes["/go"] = Answer(302, headers={"Location": other.url("/admin")})
    hostile.routes["/go-file"] = Answer(302, headers={"Location": "file:///etc/passwd"})
    try:
        ctx = ctx_for(hostile)
        feed_run(ctx, hostile, [other.url("/admin"), hostile.url("/go"),
                                f"http://localhost:{other.port}/admin", hostile.url("/go-file")])
        got = reasons_for(ctx)
        assert got[other.url("/admin")] == "private_address"
        assert got[hostile.url("/go")] == "private_address"
        assert got[f"http://localhost:{other.port}/admin"] == "private_address"
        assert got[hostile.url("/go-file")] == "local_file_refused"
        assert other.hits == {}
        assert good_stored(ctx, hostile)
    finally:
        other.stop()


def test_opml_and_json_feed_links_pass_the_same_policy(hostile: HostileServer,
                                                       ctx_for: Any) -> None:
    hostile.routes["/list.opml"] = Answer(body=(
        b'<opml version="2.0"><body>'
        b'<outline text="a" xmlUrl="file:///etc/passwd"/>'
        b'<outline text="b" xmlUrl="javascript:alert(1)"/>'
        b'<outline text="c" xmlUrl="/feed.json"/></body></opml>'))
    hostile.routes["/feed.json"] = Answer(body=json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "J",
        "items": [{"id": "1", "url": "file:///etc/passwd", "content_text": "x"},
                  {"id": "2", "external_url": "javascript:alert(1)", "content_text": "x"},
                  {"id": "3", "url": GOOD_PATH, "content_text": "x"}]}).encode())
    ctx = ctx_for(hostile)
    ingest([hostile.url("/list.opml")], ctx)
    assert sorted(reasons_for(ctx).values()) == sorted(
        ["local_file_refused", "unsupported_scheme"] * 2)
    assert stored(ctx) == [hostile.url(GOOD_PATH)]


# -- time and memory ---------------------------------------------------------------------------


def test_a_dripping_page_is_cut_off_at_the_deadline(hostile: HostileServer,
                                                    ctx_for: Any) -> None:
    # One byte every 0.3 s never trips the per-read timeout; only the deadline stops it.
    hostile.routes["/drip"] = Answer(headers=HTML, chunks=forever(b"<"), drip=0.3)
    hostile.routes["/drip-headers"] = Answer(body=ARTICLE, headers={
        f"X-Slow-{i}": "x" for i in range(1000)}, header_drip=0.3)
    ctx = ctx_for(hostile, **{"fetch.deadline": 1.5, "fetch.timeout": 5.0})
    feed_run(ctx, hostile, [hostile.url("/drip"), hostile.url("/drip-headers")])
    got = reasons_for(ctx)
    assert got[hostile.url("/drip")] == "timeout"
    assert got[hostile.url("/drip-headers")] == "timeout"
    assert hostile.sent.get("/drip", 0) < 100  # seconds, not minutes, of dripping
    assert good_stored(ctx, hostile)


def peak_while(run: Any) -> int:
    """Peak traced memory (bytes) while ``run()`` runs."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_huge_page_and_a_compressed_bomb_stay_under_the_byte_cap(
        hostile: HostileServer, ctx_for: Any) -> None:
    hostile.routes["/huge"] = Answer(headers=HTML, chunks=repeat(b"<p>word</p>" * 6000, 300 * MB))
    bomb = gzip.compress(b"<p>" + b"a" * 200 * MB, compresslevel=9)
    hostile.routes["/bomb"] = Answer(body=bomb, headers={**HTML, "Content-Encoding": "gzip"})
    ctx = ctx_for(hostile, **{"fetch.max_bytes": 2 * MB})
    peak = peak_while(lambda: feed_run(ctx, hostile, [hostile.url("/huge"),
                                                      hostile.url("/bomb")]))
    got = reasons_for(ctx)
    assert got[hostile.url("/huge")] == "too_large"
    assert got[hostile.url("/bomb")] == "too_large"
    assert peak < 40 * MB  # 2 MB cap; 300 MB and 200 MB on offer
    assert good_stored(ctx, hostile)


ROBOTS_HEAD = b"User-agent: *\nDisallow: /private/\n"


@pytest.mark.parametrize("kind", ["huge", "gzip-bomb", "endless"])
def test_a_hostile_robots_txt_is_read_within_its_cap(hostile: HostileServer, ctx_for: Any,
                                                     kind: str) -> None:
    if kind == "huge":
        robots = Answer(chunks=repeat(b"# padding line\n" * 4000, 200 * MB, first=ROBOTS_HEAD))
    elif kind == "gzip-bomb":
        packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        body = packer.compress(ROBOTS_HEAD) + packer.compress(b"#" * 300 * MB) + packer.flush()
        robots = Answer(body=body, headers={"Content-Encoding": "gzip"})
    else:
        robots = Answer(chunks=forever(ROBOTS_HEAD + b"Disallow: /x\n" * 1000))
    hostile.routes["/robots.txt"] = robots
    hostile.routes["/private/memo"] = Answer(body=ARTICLE, headers=HTML)
    ctx = ctx_for(hostile, **{"fetch.respect_robots": True})
    peak = peak_while(lambda: feed_run(ctx, hostile, [hostile.url("/private/memo")]))
    assert reasons_for(ctx)[hostile.url("/private/memo")] == "robots_disallowed"
    assert "/private/memo" not in hostile.hits
    assert good_stored(ctx, hostile)  # the rules past the cap are ignored, the rest holds
    assert peak < 30 * MB  # 512 kB cap; hundreds of MB on offer


def test_endless_redirects_end(hostile: HostileServer, ctx_for: Any) -> None:
    hostile.routes["/loop"] = Answer(302, headers={"Location": "/loop"})
    for i in range(30):
        hostile.routes[f"/chain/{i}"] = Answer(301, headers={"Location": f"/chain/{i + 1}"})
    ctx = ctx_for(hostile)
    feed_run(ctx, hostile, [hostile.url("/loop"), hostile.url("/chain/0")])
    got = reasons_for(ctx)
    assert got[hostile.url("/loop")] == got[hostile.url("/chain/0")] == "too_many_redirects"
    assert hostile.hits["/loop"] == 11  # the first request and 10 redirects
    assert good_stored(ctx, hostile)


# -- what is not text ------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(200)


def test_pdf_png_and_binary_are_never_stored_as_text(hostile: HostileServer,
                                                     ctx_for: Any) -> None:
    hostile.routes["/paper.pdf"] = Answer(body=PDF, headers={"Content-Type": "application/pdf"})
    hostile.routes["/photo"] = Answer(body=PNG, headers=HTML)  # a PNG that says it is HTML
    hostile.routes["/blob"] = Answer(body=bytes(range(256)) * 64, headers=HTML)
    hostile.routes["/image-typed"] = Answer(body=ARTICLE, headers={"Content-Type": "image/png"})
    ctx = ctx_for(hostile)
    feed_run(ctx, hostile, [hostile.url(p) for p in ("/paper.pdf", "/photo", "/blob",
                                                     "/image-typed")])
    got = reasons_for(ctx)
    for path in ("/paper.pdf", "/photo", "/blob", "/image-typed"):
        assert got[hostile.url(path)] == "unsupported_content_type", path
    assert stored(ctx) == [hostile.url(GOOD_PATH)]
    hostile.routes["/feed.png"] = Answer(body=PNG, headers={"Content-Type": "application/xml"})
    discover([hostile.url("/feed.png")], ctx)
    assert reasons_for(ctx)[hostile.url("/feed.png")] == "unsupported_content_type"


# -- odd encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["rot13", "undefined", "base64", "hex", "zlib", "uu",
                                   "unicode_escape", "utf-7", "idna", "no-such-charset"])
def test_charset_labels_that_are_not_text_encodings_fall_back(
        hostile: HostileServer, ctx_for: Any, label: str) -> None:
    page = ARTICLE.replace(b'<meta charset="utf-8">', b"").replace(
        b"<head>", f"<head><meta charset={label}>".encode(), 1)
    hostile.routes["/odd"] = Answer(body=page, headers={"Content-Type": f"text/html; "
                                                        f"charset={label}"})
    hostile.routes["/feed.json"] = Answer(body=json.dumps({
        "version": "https://jsonfeed.org/version/1", "title": f"<meta charset={label}>",
        "items": [{"id": "1", "url": "/odd", "content_html": f"<meta charset={label}>"}]
    }).encode(), headers={"Content-Type": f"application/feed+json; charset={label}"})
    ctx = ctx_for(hostile)
    ingest([hostile.url("/feed.json")], ctx)
    [doc] = ctx.store.documents_at_stage("extracted")
    assert "Dockworkers" in doc.title
    assert ctx.problems == []


def test_wrong_and_mixed_encodings_are_read(hostile: HostileServer, ctx_for: Any) -> None:
    text = ("The café on the harbour front reopened on Monday after the winter closure, and "
            "its owner, Renée Åkesson, said the new ferry timetable would bring more visitors. "
            "“We have waited a long time for this,” she said. The council’s grant of €5,000 "
            "paid for a new kitchen and repairs to the terrace damaged in the February storms.")
    body = f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    hostile.routes["/says-utf8-is-cp1252"] = Answer(body=body.encode("cp1252"), headers=HTML)
    mixed = body.encode("utf-8").replace("’".encode(), "’".encode("cp1252"))
    hostile.routes["/mixed"] = Answer(body=mixed, headers=HTML)
    hostile.routes["/utf16-no-bom"] = Answer(body=body.encode("utf-16-le"), headers=HTML)
    ctx = ctx_for(hostile)
    feed_run(ctx, hostile, [hostile.url("/says-utf8-is-cp1252"), hostile.url("/mixed"),
                            hostile.url("/utf16-no-bom")])
    docs = {d.url: d.text for d in ctx.store.documents_at_stage("extracted")}
    assert "Renée Åkesson" in docs[hostile.url("/says-utf8-is-cp1252")]
    assert "council’s grant of €5,000" in docs[hostile.url("/says-utf8-is-cp1252")]
    assert "council’s grant of €5,000" in docs[hostile.url("/mixed")]
    assert "\ufffd" not in "".join(docs.values())
    assert hostile.url("/utf16-no-bom") in docs or reasons_for(ctx)[
        hostile.url("/utf16-no-bom")] in {"no_article_text", "unsupported_content_type"}


# -- malformed structure -----------------------------------------------------------------------


def test_malformed_and_truncated_xml(hostile: HostileServer, ctx_for: Any) -> None:
    whole = rss(hostile.url(GOOD_PATH), hostile.url("/second"))
    hostile.routes["/truncated.xml"] = Answer(body=whole[: whole.index(b"/second") + 3])
    hostile.routes["/garbage.xml"] = Answer(body=b"<rss><channel><item><<<>>>&&&\x00\x01")
    hostile.routes["/entity.xml"] = Answer(body=(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;">'
        b'<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&e;&x;</title><item><link>/news/good-story</link>"
        b"</item></channel></rss>"))
    ctx = ctx_for(hostile)
    ingest([hostile.url("/truncated.xml"), hostile.url("/garbage.xml"),
            hostile.url("/entity.xml")], ctx)
    got = reasons_for(ctx)
    assert got[hostile.url("/truncated.xml")] == "feed_not_well_formed"
    assert got[hostile.url("/garbage.xml")] == "unsupported_content_type"  # NUL bytes
    assert good_stored(ctx, hostile)
    with ctx.store.session() as s:
        from sqlalchemy import select

        from newsdesk.builtin.store_models import SourceRow
        titles = " ".join(s.scalars(select(SourceRow.title)))
    assert "root:" not in titles


def test_deeply_nested_json_and_jsonl(hostile: HostileServer, ctx_for: Any,
                                      tmp_path: Path) -> None:
    hostile.routes["/deep.json"] = Answer(body=b'{"version": "https://jsonfeed.org/version/1",'
                                          b' "items": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    wire = tmp_path / "wire"
    wire.mkdir()
    good = {"url": "https://wire.example/a", "title": "A", "text": "Plain wire text. " * 30}
    (wire / "wire.jsonl").write_text("\n".join([
        '{"url": "https://wire.example/deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps(good)]), encoding="utf-8")
    ctx = ctx_for(hostile)
    ingest([hostile.url("/deep.json"), str(wire)], ctx)
    got = reasons_for(ctx)
    assert got[hostile.url("/deep.json")] == "too_deep"
    assert got[(wire / "wire.jsonl").as_uri() + ":1"] == "too_deep"
    assert stored(ctx) == ["https://wire.example/a"]


def test_an_opml_chain_stops_at_the_depth_cap(hostile: HostileServer, ctx_for: Any) -> None:
    for i in range(50):
        hostile.routes[f"/list{i}.opml"] = Answer(body=(
            f'<opml version="2.0"><body><outline xmlUrl="/list{i + 1}.opml"/>'
            f'<outline xmlUrl="/feed{i}.xml"/></body></opml>').encode())
        hostile.routes[f"/feed{i}.xml"] = Answer(body=rss(f"/news/item-{i}"))
    nested = "".join('<outline text="x">' for _ in range(20_000))
    hostile.routes["/nested.opml"] = Answer(body=(
        f'<opml version="2.0"><body>{nested}<outline xmlUrl="/feed0.xml"/>'
        f'{"</outline>" * 20_000}</body></opml>').encode())
    ctx = ctx_for(hostile, **{"ingest.max_opml_depth": 3})
    entries = discover([hostile.url("/list0.opml"), hostile.url("/nested.opml")], ctx)
    assert {e.url for e in entries} == {hostile.url(f"/news/item-{i}") for i in range(3)}
    assert reasons_for(ctx)[hostile.url("/list3.opml")] == "too_deep"
    assert "/list4.opml" not in hostile.hits


def test_a_feed_of_100000_items_is_cut_at_the_cap(hostile: HostileServer, ctx_for: Any) -> None:
    items = b"".join(b"<item><link>/n/%d</link></item>" % i for i in range(100_000))
    hostile.routes["/big.xml"] = Answer(
        body=b"<rss><channel><title>Big</title>" + items + b"</channel></rss>")
    ctx = ctx_for(hostile, **{"fetch.max_bytes": 8 * MB})
    found: list[Any] = []
    peak = peak_while(lambda: found.extend(discover([hostile.url("/big.xml")], ctx)))
    assert len(found) == 1000  # ingest.max_items_per_feed
    assert reasons_for(ctx)[hostile.url("/big.xml")] == "too_many_items"
    assert "100000 items" in ctx.problems[0].detail
    assert peak < 120 * MB


def test_duplicate_guids_and_far_dates(hostile: HostileServer, ctx_for: Any) -> None:
    hostile.routes["/dates.xml"] = Answer(body=(
        "<rss><channel><title>D</title>"
        f"<item><guid>same</guid><link>{GOOD_PATH}</link>"
        "<pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate></item>"
        f"<item><guid>same</guid><link>{GOOD_PATH}</link>"
        "<pubDate>Mon, 01 Jan 0001 00:00:00 GMT</pubDate></item>"
        "<item><guid>same</guid><link>/news/other</link>"
        "<pubDate>Sat, 01 Jan 1000 00:00:00 GMT</pubDate></item>"
        "</channel></rss>").encode())
    hostile.routes["/news/other"] = Answer(body=ARTICLE.replace(
        b"2026-11-18T08:30:00", b"9999-12-31T23:59:59").replace(b"port-talks", b"other"),
        headers=HTML)
    ctx = ctx_for(hostile)
    counts = ingest([hostile.url("/dates.xml")], ctx)
    assert counts["entries_new"] == 2  # one entry per article URL
    docs = ctx.store.documents_at_stage("extracted")
    assert len(docs) == 2
    for doc in docs:
        assert doc.published_at is None or 2000 < doc.published_at.year < 2100
    assert ctx.counts["dates_implausible"] >= 3


# -- one failure never stops the run, and never twice forever -----------------------------------


def test_earlier_data_stays_when_a_hostile_run_follows(hostile: HostileServer,
                                                       ctx_for: Any) -> None:
    ctx = ctx_for(hostile)
    ingest([hostile.url(GOOD_PATH)], ctx)
    [before] = ctx.store.documents_at_stage("extracted")
    hostile.routes["/evil"] = Answer(body=b"<html><head><link rel=canonical href="
                                     b"'" + before.canonical_url.encode() + b"'></head><body>"
                                     + b"<p>Forged words put in another outlet's mouth. " * 40
                                     + b"</p></body></html>", headers=HTML)
    hostile.routes["/feed.xml"] = Answer(body=rss(*FILE_LINKS, hostile.url("/drip"),
                                                  "/paper.pdf", "/evil"))
    hostile.routes["/paper.pdf"] = Answer(body=PDF)
    strict = ctx_for(hostile, **{"fetch.allow_networks": [], "fetch.allow_private": True})
    strict.store.close()
    strict.store = ctx.store  # the same archive, reached without vouching for the server
    ingest([hostile.url("/feed.xml")], strict)
    after = {d.canonical_url: d for d in ctx.store.documents_at_stage("extracted")}
    assert after[before.canonical_url].text == before.text  # never overwritten
    assert strict.counts["canonical_other_site"] == 1
    assert "Forged words" in after[hostile.url("/evil")].text  # kept under its own URL


# -- what the fuzz run found ---------------------------------------------------------------------


def test_character_references_to_no_character_do_not_lose_the_feed(
        hostile: HostileServer, ctx_for: Any) -> None:
    hostile.routes["/refs.xml"] = Answer(body=rss(
        GOOD_PATH, extra="<description>&#2000000; &#xD800; &#0; &#99999999999;</description>"))
    ctx = ctx_for(hostile)
    ingest([hostile.url("/refs.xml")], ctx)
    assert good_stored(ctx, hostile)
    assert not any(p.reason in {"internal_error", "malformed_feed"} for p in ctx.problems)


def test_a_page_with_deeply_nested_json_ld_is_stored(hostile: HostileServer,
                                                     ctx_for: Any) -> None:
    deep = b'<script type="application/ld+json">' + b"[" * 50_000 + b"]" * 50_000 + b"</script>"
    page = ARTICLE.replace(b"port-talks", b"deep-ld")
    hostile.routes["/deep-ld"] = Answer(body=page.replace(b"</head>", deep + b"</head>"),
                                        headers=HTML)
    ctx = ctx_for(hostile)
    feed_run(ctx, hostile, ["/deep-ld"])
    assert hostile.url("/deep-ld") in stored(ctx)
