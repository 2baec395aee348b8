"""Entities, story threads and updates on the demo corpus, as a reader sees them: the
demo is run in two waves (first reports, then follow-ups) and the pages checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html

from newsdesk.pipeline import Context, run_all

from demo_corpus import make_context, story_of_url, wave_sources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Context, dict[str, int]]:
    """Both waves of the demo through the whole pipeline; true label -> story id."""
    ctx = make_context(tmp_path_factory.mktemp("engine"))
    run_all(ctx, wave_sources(1))
    run_all(ctx, wave_sources(2))
    truth = story_of_url()
    stories = {truth[d.canonical_url]: d.story_id for d in
               ctx.store.documents_at_stage("clustered") if d.story_id is not None}
    return ctx, stories


def page(ctx: Context, story_id: int) -> html.HtmlElement:
    article = ctx.store.current_article(story_id)
    assert article is not None, f"story {story_id} has no article"
    path = Path(ctx.settings.site_dir) / "stories" / f"{article.slug}.html"
    return html.parse(str(path)).getroot()


def test_story_entities_are_stored_normalised_and_shown(demo) -> None:
    ctx, stories = demo
    strike = stories["port-strike"]
    names = {e.name for e in ctx.store.entities_of_story(strike)}
    assert {"Port Calder", "Tomas Rehn", "Ingrid Maal"} <= names
    assert "Rehn" not in names  # the bare surname folded into the full name
    assert [s["id"] for s in ctx.store.stories_by_entity("Rehn")] == [strike]
    section = page(ctx, strike).find_class("entities")[0].text_content()
    assert "People" in section and "Tomas Rehn" in section
    assert "Places" in section and "Port Calder" in section


def test_a_later_story_links_back_to_the_earlier_one_with_citations(demo) -> None:
    ctx, stories = demo
    ostmark, brennick = stories["ostmark-factory-fire"], stories["brennick-fire"]
    assert ostmark != brennick  # linked as a thread, not merged
    assert [link[0] for link in ctx.store.story_links(ostmark)] == [brennick]
    assert brennick not in [link[0] for link in ctx.store.story_links(stories["port-strike"])]
    assert ctx.store.story_links(brennick) == []  # threads only point back in time

    root = page(ctx, ostmark)
    background = root.get_element_by_id("background")
    assert "Background" in background.text_content()
    brennick_article = ctx.store.current_article(brennick)
    assert brennick_article is not None
    links = {a.get("href") for a in background.iter("a")}
    assert f"../stories/{brennick_article.slug}.html" in links  # the earlier story's page
    brennick_urls = {d.url for d in ctx.store.story_documents(brennick)}
    # and its sources: linked when they are http(s) pages, named (URL as the title) when
    # they are local files as here, since only http(s) URLs become links
    cited = links | {span.get("title") for span in background.iter("span")}
    assert cited & brennick_urls
    assert brennick_article.headline.text in background.text_content()
    assert background.find(".//time").get("datetime").startswith("2026-11-18")


def test_follow_ups_record_what_changed_and_the_page_says_so(demo) -> None:
    ctx, stories = demo
    strike = stories["port-strike"]
    updates = [u for u in ctx.store.story_updates(strike) if u["kind"] == "sources"]
    assert len(updates) == 1
    update = updates[0]
    assert update["outlets"] == ["Coastline Times", "The Meridian Herald"]
    assert update["new_outlets"] == ["The Meridian Herald"]  # Coastline Times had reported
    assert update["new_facts"]  # the deal's figures and names no first-day report had
    versions = ctx.store.article_versions(strike)
    assert len(versions) >= 2 and versions[-1].updates
    text = page(ctx, strike).get_element_by_id("what-changed").text_content()
    assert "What changed" in text and "Reports from" in text and "Meridian Herald" in text
    assert "new: The Meridian Herald" in text

    api = json.loads((Path(ctx.settings.site_dir) / "api" / "v1" / "stories" /
                      f"{versions[-1].slug}.json").read_text())
    assert api["updates"] and api["entities"]
    assert {"name", "kind", "detail", "slug", "url"} <= api["entities"][0].keys()
