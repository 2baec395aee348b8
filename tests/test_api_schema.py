"""Schemathesis against the JSON API's own OpenAPI document, in process (ASGI): for
generated requests to every operation, no server error, every status code and content
type listed, every response body valid against its typed schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.records import Article
from newsdesk.web.app import create_app
from newsdesk.web.render import SiteSettings

from conftest import make_article
from reader_store import store_with


@pytest.fixture(scope="module")
def api_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStore]:
    articles: list[Article] = [make_article(f"story-{n}", n, f"Harbour story number {n}")
                               for n in range(1, 8)]
    store = store_with(Path(tmp_path_factory.mktemp("api")), articles)
    yield store
    store.close()


@pytest.fixture(scope="module")
def api_schema(api_store: SqlStore) -> Any:
    app = create_app(api_store, None, site=SiteSettings(base_url="https://news.example.org"))
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def test_the_api_keeps_to_its_openapi_document(api_schema: Any) -> None:
    # Each operation's strategy driven by Hypothesis inside one test: schemathesis's
    # lazy pytest fixture does not run under pytest 9.
    calls: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            case.call_and_validate()
            calls.append(f"{case.method} {case.path}")

        check()
    assert len(calls) >= 200
    assert len(set(calls)) >= 9


def test_the_document_covers_every_operation(api_schema: Any) -> None:
    paths = set(api_schema.raw_schema["paths"])
    assert {"/api/v1/stories", "/api/v1/stories/{slug}", "/api/v1/stories/{slug}/sources",
            "/api/v1/search", "/api/v1/entities", "/api/v1/entities/{slug}",
            "/api/v1/topics", "/api/v1/outlets", "/api/v1/days/{slug}", "/api/v1/stats"} <= paths
