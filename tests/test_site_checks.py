"""The published demo site checked as validators and crawlers see it: no broken
internal link in the static export, every story within three clicks of home, every
absolute URL on the configured base, the Nu HTML checker and axe-core with no error.

The demo is also exported with three stories per page, so the checks cover paginated
lists and the archive the way a large archive has them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk.builtin.publish_site import SitePublisher
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.web.sitecheck import crawl, folder_fetch, http_fetch

from browser import WIDTHS, chromium, serve_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BASE = "https://news.example.org"
LOCAL = "http://site.invalid"


@pytest.fixture(scope="module")
def store(demo_site: Path) -> Iterator[SqlStore]:
    opened = SqlStore.open(f"sqlite:///{demo_site / 'newsdesk.db'}")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def paged_site(store: SqlStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo exported with three stories per list page."""
    out = tmp_path_factory.mktemp("paged")
    SitePublisher(base_url=BASE, home_limit=3, page_size=3).publish(store, out)
    return out


def needs(tool: Path, what: str) -> None:
    if not tool.is_file():
        pytest.fail(f"{tool} is missing: `make test` installs {what} (npm ci)")


@pytest.mark.parametrize("layout", ["default", "paged"])
def test_the_static_export_has_no_broken_internal_link(
        demo_site: Path, paged_site: Path, layout: str) -> None:
    folder = demo_site / "site" if layout == "default" else paged_site
    base = "http://127.0.0.1:8000" if layout == "default" else BASE
    report = crawl(f"{LOCAL}/", folder_fetch(folder, LOCAL), base)
    assert report.broken == []
    assert report.off_base == []
    html_files = {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}
    reached = {url.removeprefix(f"{LOCAL}/") for url in report.depth}
    assert html_files - {"search.html"} <= reached | {"search.html"}, html_files - reached


def test_every_story_is_within_three_clicks_of_home(paged_site: Path) -> None:
    report = crawl(f"{LOCAL}/", folder_fetch(paged_site, LOCAL), BASE, max_clicks=3)
    assert len(report.stories) == len(list((paged_site / "stories").glob("*.html"))) >= 8
    assert report.unreachable == [] and report.too_deep == []
    assert report.max_story_clicks() <= 3


def test_the_served_site_uses_its_configured_base_everywhere(store: SqlStore) -> None:
    with serve_app(store, home_limit=3, page_size=3) as base:
        report = crawl(f"{base}/", http_fetch(), base)
    assert report.ok, (report.broken, report.off_base, report.unreachable, report.too_deep)
    assert report.max_story_clicks() <= 3


def test_the_nu_html_checker_finds_no_error(demo_site: Path, paged_site: Path) -> None:
    needs(VNU, "the Nu HTML checker (npm vnu-jar)")
    java = shutil.which("java")
    assert java, "no java: `make test` installs a Java runtime for the Nu HTML checker"
    site = demo_site / "site"
    story = sorted((site / "stories").glob("*.html"))[0]
    entity = sorted((site / "entities").glob("*.html"))[0]
    pages = [site / "index.html", story, entity, site / "search.html",
             site / "topics" / "index.html", site / "archive" / "index.html",
             site / "about.html", paged_site / "latest" / "2.html",
             *sorted((site / "outlets").glob("*.html"))[:1],
             *sorted((site / "archive").glob("2026-*.html"))[:1]]
    result = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--errors-only",
                             *map(str, pages)], capture_output=True, text=True, timeout=300,
                            check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m.get("type") == "error"]
    assert errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_accessibility_violation(store: SqlStore, scheme: str) -> None:
    needs(AXE, "axe-core (npm)")
    script = AXE.read_text("utf-8")
    violations: list[str] = []
    with serve_app(store, home_limit=3, page_size=3) as base, chromium() as browser:
        slug = store.list_stories(1).items[0].slug
        entity = store.list_facets("entity", 1)[0][0].slug
        paths = ["/", f"/stories/{slug}.html", f"/entities/{entity}.html",
                 "/search.html?q=fire"]
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900},
                                          color_scheme=scheme)
            page = context.new_page()
            for path in paths:
                page.goto(base + path)
                # The page's CSP forbids inline script; axe goes in through the browser's
                # own evaluation, which CSP does not govern.
                page.evaluate(script)
                found: list[dict[str, Any]] = page.evaluate(
                    "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
                violations += [f"{path} {width}px {scheme}: {v['id']} ({v['help']}) "
                               f"{[n['target'] for n in v['nodes']][:3]}" for v in found]
            context.close()
    assert violations == []
