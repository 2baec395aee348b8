"""``newsdesk eval feeds`` on a small labelled site written for these tests: three
fictional outlets, three stories (two told by 2+ outlets, one by a single outlet) and a
labelled page its feed lists but the site does not hold. The site's files carry a URL
prefix that is not the one it is served at, so the harness must read the prefix from
the files and rewrite it.

Every name, place and event here is made up.
"""

from __future__ import annotations

import html
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from newsdesk.cli.main import main
from newsdesk.evaluation.feed_site import load_site, serve_site
from newsdesk.evaluation.feeds import bcubed

PREFIX = "http://news.example:8080/offline"
OUTLETS = {"harbor-ledger": ("Harbor Ledger", "left"), "coast-times": ("Coast Times", "center"),
           "valley-sentinel": ("Valley Sentinel", "right")}

FERRY = "kelvport-ferry-fares"
BRIDGE = "dunmore-bridge"
LIBRARY = "ostvik-library"
# (outlet folder, slug, gold story, published, title, paragraphs)
PAGES: list[tuple[str, str, str, str, str, list[str]]] = [
    ("harbor-ledger", "ferry-fares-rise", FERRY, "2031-03-04T08:10:00Z",
     "Kelvport ferry fares to rise by a fifth in April",
     ["Kelvport's harbour authority will raise ferry fares by 20 percent from April 1, "
      "the authority's board decided on Monday. A single crossing to Marlow Island will "
      "cost 6 crowns instead of 5. The board said fuel costs had doubled since last year "
      "and the fleet of nine ferries needed new engines.",
      "Commuters who cross daily will pay about 40 crowns more a month. The Kelvport "
      "Riders Union called the rise unfair and asked the city council to block it. Board "
      "chair Ilse Varga said the authority had no other way to balance its budget."]),
    ("coast-times", "kelvport-ferry-board-approves-fare-rise", FERRY, "2031-03-04T09:30:00Z",
     "Ferry board approves 20 percent fare rise for Kelvport crossings",
     ["The board of the Kelvport harbour authority approved a 20 percent rise in ferry "
      "fares on Monday, to take effect on April 1. Board chair Ilse Varga said fuel costs "
      "had doubled and the nine ferries serving Marlow Island needed new engines.",
      "A single crossing will rise from 5 to 6 crowns. The Kelvport Riders Union said it "
      "would ask the city council to overturn the decision at its meeting next week."]),
    ("valley-sentinel", "ferry-riders-angry-over-fare-hike", FERRY, "2031-03-04T11:00:00Z",
     "Kelvport ferry riders angry over fare hike",
     ["Ferry riders in Kelvport reacted with anger on Monday after the harbour authority "
      "raised fares by 20 percent. The new fares start on April 1, when a crossing to "
      "Marlow Island will cost 6 crowns.",
      "The Kelvport Riders Union said commuters would pay about 40 crowns more each "
      "month. The authority blamed fuel costs, which it said had doubled in a year, and "
      "the cost of new engines for its nine ferries."]),
    ("harbor-ledger", "dunmore-bridge-reopens", BRIDGE, "2031-05-18T07:00:00Z",
     "Dunmore bridge reopens after two-year repair",
     ["The Dunmore river bridge reopened to traffic on Saturday after a repair that took "
      "two years and cost 48 million crowns. Engineers replaced all 214 steel cables and "
      "the road deck of the 1960s suspension bridge.",
      "Mayor Tomas Reyes cut a ribbon at the east end of the bridge before the first "
      "buses crossed. Drivers had faced a detour of 30 kilometres through Halden since "
      "the bridge closed in May two years ago."]),
    ("valley-sentinel", "dunmore-bridge-open-again", BRIDGE, "2031-05-18T09:45:00Z",
     "Dunmore suspension bridge open again to cars and buses",
     ["Cars and buses crossed the Dunmore suspension bridge on Saturday for the first "
      "time in two years. Mayor Tomas Reyes opened the bridge after engineers replaced "
      "its 214 steel cables and its road deck.",
      "The repair cost 48 million crowns. Drivers had used a 30 kilometre detour "
      "through Halden while the bridge was closed."]),
    ("coast-times", "dunmore-bridge-traffic-returns", BRIDGE, "2031-05-18T10:30:00Z",
     "Traffic returns to Dunmore bridge", []),  # listed in the feed, missing on the site
    ("coast-times", "ostvik-library-opens", LIBRARY, "2031-09-02T12:00:00Z",
     "Ostvik opens new public library with rooftop garden",
     ["Ostvik opened a new public library on Tuesday, with 120,000 books, a music room "
      "and a rooftop garden. The five-storey building on Canal Street replaces a library "
      "that closed after a flood in 2028.",
      "Head librarian Petra Lund said the library would stay open until 10 p.m. on "
      "weekdays. Architects used timber from forests north of the city for its frame."]),
]
REFERENCES = {
    FERRY: "Kelvport's harbour authority raised ferry fares by 20 percent from April 1, "
           "citing fuel costs and new engines; riders' groups called the rise unfair.",
    BRIDGE: "The Dunmore suspension bridge reopened after a two-year, 48 million crown "
            "repair that replaced its cables and road deck, ending a long detour.",
    LIBRARY: "Ostvik opened a new five-storey public library with a rooftop garden.",
}


def _page(folder: str, slug: str, published: str, title: str, paragraphs: list[str]) -> str:
    outlet = OUTLETS[folder][0]
    url = f"{PREFIX}/pages/{folder}/{slug}.html"
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {outlet}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{url}">
</head><body>
<header><a href="{PREFIX}/pages/{folder}/">{outlet}</a></header>
<main><article><h1>{html.escape(title)}</h1>
{body}
</article></main>
<footer><a href="{PREFIX}/feeds.opml">Feeds</a></footer>
</body></html>
"""


def _feed(folder: str) -> str:
    from email.utils import format_datetime

    from newsdesk.records import parse_iso

    outlet = OUTLETS[folder][0]
    items = []
    for page_folder, slug, _, published, title, paragraphs in reversed(PAGES):
        if page_folder != folder:
            continue
        when = parse_iso(published)
        assert when is not None
        url = f"{PREFIX}/pages/{folder}/{slug}.html"
        summary = paragraphs[0].split(". ")[0] + "." if paragraphs else title
        items.append(f"""<item><title>{html.escape(title)}</title><link>{url}</link>
<guid isPermaLink="true">{url}</guid><pubDate>{format_datetime(when)}</pubDate>
<description>{html.escape(summary)}</description></item>""")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{outlet}</title><link>{PREFIX}/pages/{folder}/</link>"
            f"<description>{outlet}: latest news</description>"
            + "\n".join(items) + "</channel></rss>\n")


def build_site(root: Path) -> Path:
    """Write the site, its feeds, OPML list and label files under ``root``."""
    outlines = []
    for folder, (outlet, _) in OUTLETS.items():
        (root / "feeds").mkdir(parents=True, exist_ok=True)
        (root / "feeds" / f"{folder}.xml").write_text(_feed(folder), encoding="utf-8")
        outlines.append(f'<outline type="rss" text="{outlet}" title="{outlet}" '
                        f'xmlUrl="{PREFIX}/feeds/{folder}.xml"/>')
    (root / "feeds.opml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>test '
        "site</title></head><body>\n" + "\n".join(outlines) + "\n</body></opml>\n",
        encoding="utf-8")
    labels = []
    for folder, slug, story, published, title, paragraphs in PAGES:
        url = f"{PREFIX}/pages/{folder}/{slug}.html"
        if paragraphs:
            page = root / "pages" / folder / f"{slug}.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(_page(folder, slug, published, title, paragraphs), "utf-8")
        outlet, side = OUTLETS[folder]
        labels.append({"url": url, "cluster": story, "title": title, "source": outlet,
                       "side": side, "time": published, "text": "\n".join(paragraphs)})
    (root / "labels.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels), "utf-8")
    (root / "references.jsonl").write_text("".join(
        json.dumps({"cluster": k, "title": k, "summary": v}) + "\n"
        for k, v in REFERENCES.items()), "utf-8")
    return root


# -- fast checks of the parts ------------------------------------------------------------


def test_bcubed_counts_missing_items_as_singletons() -> None:
    gold = {"a": "x", "b": "x", "c": "y"}
    assert bcubed(gold, {"a": "1", "b": "1", "c": "2"}) == (1.0, 1.0, 1.0)
    p, r, f1 = bcubed(gold, {"a": "1"})  # b and c were never clustered
    assert (p, round(r, 4)) == (1.0, round((0.5 + 0.5 + 1) / 3, 4))
    assert round(f1, 4) == round(2 * r / (1 + r), 4)
    p, r, _ = bcubed(gold, {"a": "1", "b": "1", "c": "1"})
    assert (round(p, 4), r) == (round((2 / 3 + 2 / 3 + 1 / 3) / 3, 4), 1.0)


def test_the_site_is_served_on_a_free_port_with_its_prefix_rewritten(tmp_path: Path) -> None:
    site = load_site(build_site(tmp_path))
    assert site.prefix == PREFIX
    assert len(site.labels) == len(PAGES)
    with serve_site(site) as base:
        assert base.startswith("http://127.0.0.1:") and not base.endswith(":8080")
        with urllib.request.urlopen(f"{base}/feeds.opml") as response:
            opml = response.read().decode()
        assert f"{base}/feeds/coast-times.xml" in opml and PREFIX not in opml
        page = site.served_url(site.labels[0].url, base)
        with urllib.request.urlopen(page) as response:
            assert f'href="{page}"' in response.read().decode()
        for hidden in ("labels.jsonl", "references.jsonl", "../labels.jsonl",
                       "pages/coast-times/dunmore-bridge-traffic-returns.html"):
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(f"{base}/{hidden}")
            assert error.value.code == 404


def test_a_folder_without_labels_is_refused(tmp_path: Path) -> None:
    build_site(tmp_path)
    (tmp_path / "labels.jsonl").unlink()
    with pytest.raises(SystemExit, match=r"labels\.jsonl"):
        load_site(tmp_path)


# -- the whole command ---------------------------------------------------------------------


@pytest.mark.slow
def test_eval_feeds_scores_the_site_as_its_labels_imply(tmp_path: Path, capsys: Any) -> None:
    pytest.importorskip("rouge_score")
    site = build_site(tmp_path / "site")
    figures_path, dump_path = tmp_path / "figures.json", tmp_path / "dump.json"
    code = main(["eval", "feeds", "--site", str(site), "--data-dir", str(tmp_path / "data"),
                 "--json", str(figures_path), "--dump", str(dump_path), "-q"])
    assert code == 0
    printed = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(figures_path.read_text("utf-8"))

    # ingest: six of the seven labelled pages exist; the seventh is recorded with its reason
    assert figures["pages"] == 7 and figures["gold_stories"] == 3
    assert figures["ingest"]["documents"] == 6
    assert figures["ingest"]["reasons"] == {"http_404": 1}
    # clustering: every page joins its own story, the missing page is a singleton
    cluster = figures["clustering"]
    recall = (3 * 1 + 2 * (2 / 3) + 1 / 3 + 1) / 7
    assert cluster["precision"] == 1.0
    assert cluster["recall"] == round(recall, 4)
    assert cluster["f1"] == round(2 * recall / (1 + recall), 4)
    assert cluster["singletons_not_ingested"] == 1 and cluster["predicted_stories"] == 3
    # stories: both stories with two outlets got an article; the one-outlet story waits
    stories = figures["stories"]
    assert (stories["gold_with_2_outlets"], stories["gold_published"], stories["articles"]) \
        == (2, 2, 2)
    assert stories["write_status"].get("waiting_for_sources") == 1
    assert figures["mixed_articles"] == []
    rouge = figures["rouge"]
    assert rouge["articles_scored"] == 2 and rouge["cut"]["mean_words"] <= 66
    assert 0 < rouge["cut"]["rouge2"] <= 100 and rouge["full"]["mean_words"] > 0

    # the dump holds both articles, every sentence with its citation, and the findings
    # the counts are made of
    articles = json.loads(dump_path.read_text("utf-8"))
    assert sorted(a["gold_story"] for a in articles) == sorted([FERRY, BRIDGE])
    outlets = {outlet for outlet, _ in OUTLETS.values()}
    counted: dict[str, int] = {}
    for article in articles:
        sentences = [article["headline"], article["summary"], *article["lead"],
                     *(s for section in article["sections"] for s in section["sentences"])]
        assert all(s["outlet"] in outlets and s["source_sentence"] for s in sentences)
        for finding in article["findings"]:
            counted[finding["defect"]] = counted.get(finding["defect"], 0) + 1
    assert {k: v for k, v in figures["audit"]["counts"].items() if v} == counted
    assert figures["audit"]["articles"] == 2

    # the report ends with the one-line summary of the same figures
    assert printed[-1].startswith("summary: ingested 6/7 | B3 F1 ")
    assert "published 2/2 | mixed 0" in printed[-1]
    # a second run into the same folder is refused; --rescore scores it again
    with pytest.raises(SystemExit, match="already holds a store"):
        main(["eval", "feeds", "--site", str(site), "--data-dir", str(tmp_path / "data")])
    assert main(["eval", "feeds", "--site", str(site), "--data-dir", str(tmp_path / "data"),
                 "--rescore", "--json", str(tmp_path / "again.json"), "-q"]) == 0
    again = json.loads((tmp_path / "again.json").read_text("utf-8"))
    assert again["clustering"] == cluster and again["audit"] == figures["audit"]
