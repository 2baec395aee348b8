"""The extractor chain on real-world-like pages: which step produces the text and why the
earlier ones were passed over; decoding repairs on the way in; metadata fallbacks; site
boilerplate learned from stored pages; and the demo corpus extracting to exactly its
paragraphs."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsdesk.backends.extractor import Extracted
from newsdesk.boilerplate import SiteBoilerplate, line_key, site_of
from newsdesk.builtin.extract_chain import ChainExtractor, containment, repair_markup
from newsdesk.decode import decode_document
from newsdesk.demo_server import demo_dir
from newsdesk.pipeline import Context
from newsdesk.records import Document, Entry
from newsdesk.stages.ingest import fetch_entry

from conftest import DATA

PAGES = DATA / "pages"
MOJIBAKE = ("â€", "Ã©", "Ã¢", "Â", "\ufffd")
QUAY_SNIPPETS = ("can’t happen again", "“We were lucky last Tuesday,”", "Siân Prys",
                 "The café on the quay", "£400,000", "The shipping companies’ association")


@pytest.fixture(scope="module")
def chain() -> ChainExtractor:
    return ChainExtractor()


def extract(chain: ChainExtractor, name: str, url: str = "https://example.org/a") -> Extracted:
    decoded = decode_document((PAGES / name).read_bytes())
    found = chain.extract(decoded.text, url)
    assert found is not None
    return found


def reasons(found: Extracted) -> list[tuple[str, str]]:
    return [(r.extractor, r.reason) for r in found.rejected]


# -- each step of the chain ------------------------------------------------------------


def test_trafilatura_wins_on_a_clean_modern_page(chain: ChainExtractor) -> None:
    found = extract(chain, "port-talks.html")
    assert found.extractor == "trafilatura"
    assert found.rejected == []
    assert "agreed to return to the negotiating table" in found.text
    assert "Share on social" not in found.text


def test_table_layout_falls_back_to_trafilatura_without_precision(
        chain: ChainExtractor) -> None:
    found = extract(chain, "lighthouse-table-layout.html")
    assert found.extractor == "trafilatura-balanced"
    assert reasons(found) == [("trafilatura", "no_text")]
    assert "The last keeper's cottage on Saltney Head is to be turned into a museum" in found.text
    assert "a part-time curator." in found.text


def test_a_slideshow_kept_by_trafilatura_is_trimmed_by_readability(
        chain: ChainExtractor) -> None:
    found = extract(chain, "dredging-slideshow.html")
    assert found.extractor == "readability"
    [rejection] = found.rejected
    assert (rejection.extractor, rejection.reason) == ("trafilatura", "extra_text")
    assert "outside the article readability found" in rejection.detail
    assert found.text.startswith("The harbour board approved a plan on Friday")
    assert found.text.endswith("the national ports fund will pay half.")
    for teaser in ("Also on Harbour Post", "Port talks resume", "Lifeboat crew honoured"):
        assert teaser not in found.text
    # metadata still comes from the page, whichever extractor gave the text
    assert (found.title, found.author, found.site_name) == (
        "Harbour dredging plan approved after two-year wait", "Mara Lindqvist", "Harbour Post")
    assert found.canonical_url == "https://harbourpost.example/2026/11/21/dredging-approved"


def test_markup_that_hides_the_article_from_every_dom_falls_back_to_paragraphs(
        chain: ChainExtractor) -> None:
    found = extract(chain, "ferry-broken-script.html")
    assert found.extractor == "paragraphs"
    assert reasons(found) == [("trafilatura", "no_text"), ("trafilatura-balanced", "no_text"),
                              ("readability", "no_text")]
    assert found.text.startswith("The island ferry will run four crossings a day")
    assert found.text.endswith("until the summer timetable starts in April.")
    assert "pageTracker" not in found.text


def test_an_unclosed_title_is_repaired_before_extraction(chain: ChainExtractor) -> None:
    found = extract(chain, "marina-unclosed-title.html")
    assert found.extractor == "trafilatura"
    assert found.title == "Marina berths plan goes on show"
    assert "Plans for forty new berths at the east marina" in found.text
    assert "openWindow" not in found.text + found.title


def test_a_malformed_html_tag_is_dropped_when_nothing_else_gave_text(
        chain: ChainExtractor) -> None:
    found = extract(chain, "quay-broken-html-tag.html")
    assert found.extractor == "trafilatura"
    assert ("markup", "repaired") in reasons(found)
    assert "Harbour pilots will be on duty around the clock" in found.text


def test_a_gallery_page_gives_no_text_and_says_why(chain: ChainExtractor) -> None:
    found = extract(chain, "gallery-no-text.html")
    assert found.text == ""
    assert found.extractor == ""
    assert {r for r, _ in reasons(found)} >= {"trafilatura", "trafilatura-balanced"}
    # the page's own metadata is still there for the feed fallback
    assert found.title == "In pictures: the first frost on the Ashwater marshes"


def test_a_video_caption_is_not_an_article(chain: ChainExtractor) -> None:
    # The demo's video page: precise trafilatura finds the newsletter box, readability
    # and the paragraph reader the caption under the player. Both are short, and neither
    # is what the page's description says it holds, so no step's text is taken.
    page = next(demo_dir().glob("pages/daily-signal/*/*/*/*video*.html"))
    decoded = decode_document(page.read_bytes())
    found = chain.extract(decoded.text, "https://signaldaily.example/video")
    assert found is not None and found.text == ""
    assert ("trafilatura", "too_short") in reasons(found)
    assert ("readability", "too_short") in reasons(found)
    assert all("not what the page's own description says" in r.detail
               for r in found.rejected if r.reason == "too_short")


def test_a_short_article_is_taken_when_its_description_vouches_for_it(
        chain: ChainExtractor) -> None:
    found = extract(chain, "wire-brief.html")
    assert found.extractor == "trafilatura" and found.rejected == []
    assert found.text.startswith("The ferry link to Vänö was suspended on Sunday")
    assert found.text.endswith("the operator said.")
    # the same text without the description that vouches for it is not taken
    html = (PAGES / "wire-brief.html").read_text("utf-8")
    bare = "\n".join(line for line in html.splitlines() if 'name="description"' not in line)
    found = chain.extract(bare, "https://gazette.example/2026/11/22/ferry-ramp")
    assert found is not None and found.text == ""
    assert ("trafilatura", "too_short") in reasons(found)


def test_loose_extractors_need_another_to_agree(chain: ChainExtractor) -> None:
    # The demo's photo galleries: the balanced mode returns a page of menus and
    # captions that no other extractor finds, so it is not taken for an article.
    page = next(demo_dir().glob("pages/northbridge-post/*/*/*/*gallery*.html"))
    decoded = decode_document(page.read_bytes())
    found = chain.extract(decoded.text, "https://northbridge.example/gallery")
    assert found is not None and found.text == ""
    assert ("trafilatura-balanced", "unsupported") in reasons(found)


# -- what the chain runs, and what it leaves out ---------------------------------------


class Counting:
    """An extractor that counts its calls and hands them on."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.calls = inner, 0

    def extract(self, html: str, url: str) -> Extracted | None:
        self.calls += 1
        return self.inner.extract(html, url)


def counted(chain: ChainExtractor, *names: str) -> dict[str, Counting]:
    """Wrap the chain's steps ``names`` in counters."""
    found = {}
    for step in chain.options.steps:
        if step.name in names:
            found[step.name] = Counting(chain._extractor(step))
            chain._extractors[step.name] = found[step.name]  # type: ignore[assignment]
    return found


def test_text_bound_holds_every_text_node_and_json_ld_but_no_script() -> None:
    from newsdesk.builtin.extract_chain import text_bound
    from newsdesk.builtin.page_metadata import parse_html

    page = ("<html><head><title>Quay</title><style>p { color: red }</style>"
            '<script>var tracking = "a long string of code";</script>'
            '<script type="application/ld+json">{"articleBody": "Body"}</script></head>'
            "<body><p>One   two</p><p>three <b>four</b> five</p></body></html>")
    visible = len("Quay One two three four five")
    assert text_bound(parse_html(page)) == pytest.approx(
        1.05 * (visible + len(' {"articleBody": "Body"}')))


def steps_run(chain: ChainExtractor, step: str, pages: list[str]) -> list[tuple[str, int]]:
    """For each page in turn: the step that gave its text, and how many times ``step`` has
    run so far."""
    calls = counted(chain, step)[step]
    return [(extract(chain, page).extractor, calls.calls) for page in pages]


def test_the_second_step_runs_only_when_the_first_text_may_be_too_little() -> None:
    fresh = ChainExtractor()
    # the article is most of the page: the balanced step cannot find 3x more; where the
    # precise step finds nothing, the balanced one is the next to try
    assert steps_run(fresh, "trafilatura-balanced", [
        "port-talks.html", "lighthouse-table-layout.html"]) == [
        ("trafilatura", 0), ("trafilatura-balanced", 1)]
    # a page around a short text can hold more than 3x as much: the rule is checked
    calls = counted(fresh, "trafilatura-balanced")["trafilatura-balanced"]
    padded = decode_document((PAGES / "port-talks.html").read_bytes()).text.replace(
        "</body>", "<nav>" + "".join(f"<p>Site index entry number {i}</p>" for i in range(300))
        + "</nav></body>")
    assert fresh.extract(padded, "https://example.org/a").text
    assert calls.calls == 1


def test_readability_runs_only_where_the_quick_screen_sees_a_tighter_text() -> None:
    assert steps_run(ChainExtractor(), "readability", [
        "port-talks.html", "dredging-slideshow.html"]) == [
        ("trafilatura", 0), ("readability", 1)]
    assert steps_run(ChainExtractor(screen_trim=False), "readability", [
        "port-talks.html"]) == [("trafilatura", 1)]


def test_quick_readability_reads_the_article_of_a_plain_page() -> None:
    from newsdesk.builtin.extract_readability import quick_readability_text

    text = quick_readability_text(decode_document(
        (PAGES / "dredging-slideshow.html").read_bytes()).text)
    assert text is not None
    assert "The harbour board approved a plan on Friday" in text
    assert quick_readability_text("<html><body></body></html>") in ("", None)


ALL_PAGES = sorted(p.name for p in PAGES.glob("*.html"))


@pytest.mark.parametrize("name", ALL_PAGES)
def test_readability_parsed_once_reads_as_readability_does(name: str) -> None:
    """The readability step parses the page once and copies that tree where
    readability-lxml would parse it again: the text and title stay readability's own."""
    from readability import Document

    from newsdesk.builtin.extract_readability import _parsed_once_document

    html = decode_document((PAGES / name).read_bytes()).text
    url = "https://example.org/a"
    stock = Document(html, url=url)
    once = _parsed_once_document()(html, url=url)
    assert once.summary(html_partial=True) == stock.summary(html_partial=True)
    assert once.short_title() == stock.short_title()


def test_readability_parses_a_page_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import readability.readability as readability_module

    from newsdesk.builtin.extract_readability import ReadabilityExtractor

    calls = []
    build_doc = readability_module.build_doc
    monkeypatch.setattr(readability_module, "build_doc",
                        lambda page: calls.append(1) or build_doc(page))
    html = decode_document((PAGES / "dredging-slideshow.html").read_bytes()).text
    found = ReadabilityExtractor().extract(html, "https://example.org/a")
    assert found is not None and "The harbour board approved a plan on Friday" in found.text
    assert len(calls) == 1


@pytest.mark.parametrize("name", ALL_PAGES)
def test_trafilatura_steps_sharing_a_read_page_find_what_each_finds_alone(name: str) -> None:
    from newsdesk.builtin.extract_trafilatura import TrafilaturaExtractor, TrafilaturaPage

    html = repair_markup(decode_document((PAGES / name).read_bytes()).text)
    url = "https://example.org/a"
    precise, balanced = TrafilaturaExtractor(), TrafilaturaExtractor(favor_precision=False)
    shared = TrafilaturaPage(html, url)
    assert precise.extract_page(shared) == precise.extract(html, url)
    assert balanced.extract_page(shared) == balanced.extract(html, url)


def test_the_chain_parses_a_page_once_for_both_trafilatura_steps(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdesk.builtin.extract_trafilatura as module

    calls = []
    load_html = module.load_html
    monkeypatch.setattr(module, "load_html", lambda html: calls.append(1) or load_html(html))
    found = extract(ChainExtractor(), "lighthouse-table-layout.html")
    assert found.extractor == "trafilatura-balanced"  # both trafilatura steps ran
    assert len(calls) == 1


def test_a_page_trafilatura_cannot_read_fails_the_same_for_every_step(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdesk.builtin.extract_trafilatura as module

    calls = []

    def broken(html: str) -> None:
        calls.append(1)
        raise ValueError("junk")

    monkeypatch.setattr(module, "load_html", broken)
    page = module.TrafilaturaPage("<html><body><p>x</p></body></html>", "")
    for _ in range(2):
        with pytest.raises(ValueError, match="junk"):
            page.read()
    assert calls == [1]
    assert module.TrafilaturaExtractor().extract_page(page) is None


def test_repair_markup_leaves_wellformed_pages_alone() -> None:
    html = (PAGES / "port-talks.html").read_text("utf-8")
    assert repair_markup(html) == html
    assert repair_markup("<html><title>A</title><body>x</body></html>", bare_html_tag=True) == (
        "<html><title>A</title><body>x</body></html>")
    joined = "<html><head><title>a</title></head><body>x</body></html>\n<html><body>y</body></html>"
    assert "<html" not in repair_markup(joined) and "x" in repair_markup(joined)


def test_containment_measures_shared_text() -> None:
    article = "The harbour board approved a plan on Friday to dredge the main channel."
    assert containment(article, article + " Also on the site: more stories.") == 1.0
    assert containment("Entirely different words in this sentence here.", article) == 0.0


# -- decoding, all the way to the text -------------------------------------------------


@pytest.mark.parametrize(("name", "how", "repair"), [
    ("quay-utf8-stray-cp1252.html", "document", "stray_bytes"),
    ("quay-split-entity.html", "document", "split_sequences"),
    ("quay-double-encoded.html", "document", "mojibake_lines"),
    ("quay-latin1-label-utf8-bytes.html", "valid-utf-8", None),
])
def test_damaged_characters_come_out_clean(chain: ChainExtractor, name: str, how: str,
                                           repair: str | None) -> None:
    decoded = decode_document((PAGES / name).read_bytes())
    assert (decoded.charset, decoded.how) == ("utf-8", how)
    if repair:
        assert decoded.repairs.get(repair, 0) > 0
    else:
        assert decoded.repairs == {}
    found = chain.extract(decoded.text, "https://quayside.example/2026/11/22/pilots")
    assert found is not None
    for snippet in QUAY_SNIPPETS:
        assert snippet in found.text, snippet
    for broken in MOJIBAKE:
        assert broken not in found.text


def test_the_raw_bytes_really_are_damaged() -> None:
    # The golden files must keep their damage, or the test above proves nothing.
    assert b"can\x92t" in (PAGES / "quay-utf8-stray-cp1252.html").read_bytes()
    assert b"&acirc;\x80\x99" in (PAGES / "quay-split-entity.html").read_bytes()
    assert "canâ€™t".encode() in (PAGES / "quay-double-encoded.html").read_bytes()
    assert b"charset=iso-8859-1" in (PAGES / "quay-latin1-label-utf8-bytes.html").read_bytes()


def test_windows_1252_page_declared_as_such_is_not_touched() -> None:
    decoded = decode_document((PAGES / "ferry-cp1252.html").read_bytes())
    assert decoded.charset == "cp1252"
    assert decoded.repairs == {}
    assert "Skärgårdslinjen" in decoded.text


# -- the ingest stage: chain, feed fallbacks, metadata order ------------------------------


def test_fetch_entry_records_the_extractor_and_the_rejections(ctx: Context) -> None:
    doc = fetch_entry(Entry(url=(PAGES / "lighthouse-table-layout.html").as_uri(),
                            source_url="feed"), ctx)
    assert doc is not None
    assert doc.extractor == "trafilatura-balanced"
    assert ctx.counts["extracted_by_trafilatura-balanced"] == 1
    assert ctx.counts["rejected_trafilatura_no_text"] == 1


def test_feed_summary_is_the_last_fallback(ctx: Context) -> None:
    summary = ("<p>Frost covered the Ashwater marshes on Wednesday morning, with the "
               "temperature at Millbank falling to minus four degrees, the lowest reading "
               "there for November in eleven years. Reed beds at the nature reserve froze "
               "over and ice formed on the lock gates of the old canal, the reserve's "
               "warden said, adding that the herons had moved to the open water.</p>")
    entry = Entry(url=(PAGES / "gallery-no-text.html").as_uri(), source_url="feed",
                  title="Feed title", summary=summary, site_name="Harbour Gazette")
    doc = fetch_entry(entry, ctx)
    assert doc is not None
    assert doc.extractor == "feed-summary"
    assert doc.text.startswith("Frost covered the Ashwater marshes")
    assert ctx.counts["fell_back_to_feed_summary"] == 1
    assert ctx.counts["rejected_page_no_article_text"] == 1
    assert doc.title == "In pictures: the first frost on the Ashwater marshes"  # page first


def test_page_metadata_wins_and_the_feed_fills_gaps(ctx: Context) -> None:
    entry = Entry(url=(PAGES / "lighthouse-table-layout.html").as_uri(), source_url="feed",
                  title="Feed headline", author="Feed Author", site_name="Evening Star",
                  language="en", published_at=datetime(2008, 1, 15, 7, 52, tzinfo=UTC))
    doc = fetch_entry(entry, ctx)
    assert doc is not None
    assert doc.title == "Lighthouse keeper's cottage to become museum"  # the page's
    assert doc.author == "Feed Author"  # the page names none
    assert doc.site_name == "Evening Star"
    assert doc.language == "en"
    assert doc.published_at == datetime(2008, 1, 15, 7, 52, tzinfo=UTC)


# -- site boilerplate --------------------------------------------------------------------


SIGN_UP = "Sign up for the Harbour Post morning briefing, free every weekday."
RELATED = "Related Photos"


def article(n: int, *extra: str) -> str:
    body = [f"Paragraph one of story {n} about the harbour, long enough to be a real line.",
            f"Paragraph two of story {n}: the board met on day {n} and agreed a plan."]
    return "\n".join([body[0], *extra, body[1]])


def test_lines_on_many_pages_of_a_site_are_stripped_and_rare_lines_kept() -> None:
    boiler = SiteBoilerplate(min_pages=3)
    url = "https://www.harbourpost.example/2026/11/{}/story"
    quote = "“We will not give up,” said the union’s secretary, Ana Ruiz."
    boiler.learn(url.format(1), article(1, SIGN_UP, RELATED, quote))
    boiler.learn(url.format(2), article(2, SIGN_UP, "Related photos"))
    boiler.learn(url.format(3), article(3, SIGN_UP, RELATED, quote))
    text, removed = boiler.strip(url.format(4), article(4, SIGN_UP, RELATED, quote))
    assert removed == [SIGN_UP, RELATED]
    assert quote in text  # on two pages only: kept
    assert "story 4" in text
    # another site has not learned anything
    other, none = boiler.strip("https://other.example/x", article(5, SIGN_UP))
    assert none == [] and SIGN_UP in other


def test_the_same_page_seen_twice_counts_once() -> None:
    boiler = SiteBoilerplate(min_pages=2)
    for _ in range(3):
        boiler.learn("https://a.example/1", article(1, SIGN_UP), key="https://a.example/1")
    assert boiler.strip("https://a.example/2", article(2, SIGN_UP))[1] == []


def test_lines_compare_with_case_and_space_folded_but_not_digits() -> None:
    assert line_key("Related  Photos ") == line_key("related photos")
    assert line_key("The index closed at 7,512") != line_key("The index closed at 7,498")
    assert site_of("https://WWW.Example.org:8080/a") == "example.org"
    assert site_of("file:///tmp/page.html") == ""


def _stored(url: str, text: str) -> Document:
    return Document(url=url, canonical_url=url, title="t", text=text, content_hash=url)


def test_fetch_entry_strips_lines_learned_from_the_archive(ctx: Context,
                                                           tmp_path: Path) -> None:
    for n in range(1, 6):
        ctx.store.save_document(_stored(f"https://gazette.example/2026/11/{n}/story",
                                        article(n, "Share on social", "Subscribe from £1")))
    page = tmp_path / "story.html"
    page.write_text((PAGES / "port-talks.html").read_text("utf-8").replace(
        "</article>", "<p>Read more: Harbour Gazette newsletters, every morning.</p></article>"),
        "utf-8")
    # The page's canonical URL is on gazette.example: that is the site it belongs to.
    ctx.store.save_document(_stored("https://gazette.example/2026/11/9/a",
                                     "Read more: Harbour Gazette newsletters, every morning."))
    for n in (10, 11, 12, 13):
        ctx.store.save_document(_stored(
            f"https://gazette.example/2026/11/{n}/b",
            article(n, "Read more: Harbour Gazette newsletters, every morning.")))
    ctx.fetcher.allow_local(tmp_path)  # as for a folder named as a source
    doc = fetch_entry(Entry(url=page.as_uri(), source_url="feed"), ctx)
    assert doc is not None
    assert "Read more: Harbour Gazette newsletters" not in doc.text
    assert "agreed to return to the negotiating table" in doc.text
    assert ctx.counts["boilerplate_lines_stripped"] == 1
    assert ctx.counts["documents_with_boilerplate_stripped"] == 1


def test_boilerplate_stripping_can_be_turned_off(tmp_path: Path) -> None:
    from conftest import close_context, make_context

    ctx = make_context(tmp_path, **{"extract.boilerplate_min_pages": 0})
    try:
        for n in range(1, 8):
            ctx.store.save_document(_stored(f"https://gazette.example/x/{n}",
                                            article(n, "Read more: newsletters.")))
        assert not ctx.boilerplate.enabled
        assert ctx.boilerplate.strip("https://gazette.example/x/9",
                                     article(9, "Read more: newsletters."))[1] == []
    finally:
        close_context(ctx)


# -- the demo corpus ----------------------------------------------------------------------


def _demo_articles() -> list[Any]:
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("build_demo", root / "scripts" / "build_demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_demo", module)
    spec.loader.exec_module(module)
    outlets = module.load_outlets(root / "demo_src" / "outlets.yaml")
    return [a for a in module.load_stories(root / "demo_src" / "stories", outlets)
            if a.kind == "article" and (demo_dir() / a.page).is_file()]


@pytest.mark.slow
def test_demo_pages_extract_to_exactly_their_paragraphs(chain: ChainExtractor) -> None:
    articles = _demo_articles()
    assert len(articles) >= 40
    for art in articles:
        decoded = decode_document((demo_dir() / art.page).read_bytes())
        found = chain.extract(decoded.text, art.url)
        assert found is not None, art.id
        assert found.text == "\n".join(art.paragraphs), art.id
        assert found.title == art.title, art.id


@pytest.mark.parametrize(("title", "page", "expected"), [
    ("Ferry fares to rise by a third from January - Business - Island News", "",
     "Ferry fares to rise by a third from January"),
    ("Ferry fares to rise by a third_English_Island", "", "Ferry fares to rise by a third"),
    ("Island News : Ferry fares to rise by a third", "<h1>Ferry fares to rise by a third</h1>",
     "Ferry fares to rise by a third"),
    ("Algeria: ministers resign over budget", "", "Algeria: ministers resign over budget"),
    ("", "<h1>Ferry fares to rise</h1><h2>Related</h2>", "Ferry fares to rise"),
    ("Port talks resume", "<h1>Port talks resume</h1>", "Port talks resume"),
])
def test_titles_lose_site_and_section_names(title: str, page: str, expected: str) -> None:
    from newsdesk.builtin.page_metadata import parse_html, refine_title

    tree = parse_html(f"<html><body>{page}<p>text</p></body></html>")
    assert refine_title(title, tree) == expected


def test_headings_are_the_first_h1_then_h2_texts_up_to_the_limit() -> None:
    from newsdesk.builtin.page_metadata import headings, parse_html

    page = "".join(f"<h2>Teaser {i}</h2>" for i in range(12)) + "<h1> </h1><h1>Lead</h1>"
    tree = parse_html(f"<html><body>{page}</body></html>")
    assert headings(tree) == ["Lead"] + [f"Teaser {i}" for i in range(7)]
    assert headings(tree, limit=2) == ["Lead", "Teaser 0"]
    assert headings(tree, limit=0) == []


def test_quick_readability_in_place_reads_what_it_reads_on_a_copy() -> None:
    from newsdesk.builtin.extract_readability import quick_readability_text
    from newsdesk.builtin.page_metadata import parse_html

    html = decode_document((PAGES / "dredging-slideshow.html").read_bytes()).text
    tree = parse_html(html)
    on_copy = quick_readability_text(html, tree)
    assert on_copy and quick_readability_text(html, tree) == on_copy  # tree untouched
    assert quick_readability_text(html, tree, in_place=True) == on_copy


@pytest.mark.parametrize("with_metadata", [True, False])
def test_a_page_whose_tree_was_handed_over_reads_as_before(with_metadata: bool) -> None:
    from newsdesk.builtin.extract_chain import _Page
    from newsdesk.builtin.page_metadata import headings, parse_html, read_page_metadata

    html = decode_document((PAGES / "port-talks.html").read_bytes()).text
    page = _Page(html, "https://example.org/a")
    tree = page.hand_over_tree(with_metadata)
    assert tree is not None
    for node in list(tree):  # the reader may change it as it likes
        tree.remove(node)
    assert page.metadata() == read_page_metadata(parse_html(html))
    assert page.headings() == headings(parse_html(html)) != []
    assert page.tree is not None and len(page.tree)  # a fresh parse


def test_trafilatura_metadata_fills_only_what_the_page_tags_leave_out() -> None:
    from newsdesk.builtin.extract_trafilatura import TrafilaturaExtractor

    body = "".join(f"<p>The Kelvport harbour board met on Monday to discuss fares, "
                   f"paragraph {i} of the report on the ferry strike and its costs.</p>"
                   for i in range(8))
    tagged = ("<html><head><title>Ferry fares rise - Kelvport Ledger</title>"
              '<meta name="author" content="Ada Moss">'
              '<meta property="article:published_time" content="2026-03-03T08:00:00Z">'
              '<meta property="og:site_name" content="Kelvport Ledger"></head><body>'
              '<article><h1>Ferry fares rise</h1><p class="byline">By Rand Okafor</p>'
              "<time>2026-01-09</time>" + body + "</article></body></html>")
    found = TrafilaturaExtractor().extract(tagged, "https://ledger.example/fares")
    assert found is not None
    # the page's own tags come first
    assert (found.author, found.site_name) == ("Ada Moss", "Kelvport Ledger")
    assert found.published.startswith("2026-03-03")
    assert found.title == "Ferry fares rise"
    # without them, trafilatura's own reading of the page fills the fields
    bare = ("<html><head><title>Ferry fares rise</title></head><body><article>"
            "<h1>Ferry fares rise</h1><p>Published January 9, 2026</p>" + body
            + "</article></body></html>")
    found = TrafilaturaExtractor().extract(bare, "https://ledger.example/fares")
    assert found is not None and found.text
    assert found.published.startswith("2026-01-09"), found.published
    assert found.site_name  # from the URL when nothing else gives it
