"""``newsdesk status``: feeds with their last fetch, intake per day, stories, and the
sentences the verifier rejected and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.cli.main import main
from newsdesk.records import Document

from conftest import make_article
from reader_store import add_articles


def test_status_reports_feeds_intake_stories_and_rejections(
        tmp_path: Path, store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    store = SqlStore.open(store_url)
    store.update_source("https://user:secret@feeds.example/a.xml", "feed", status="http_500",
                        error="server error 500 after 3 tries")
    store.update_source("https://feeds.example/b.xml", "feed", status="ok", entries_found=4)
    store.save_document(Document(url="https://a.example/1", canonical_url="https://a.example/1",
                                 title="One", text="Some text.", content_hash="h1"))
    add_articles(store, [make_article()])
    store.close()

    assert main(["status", "--data-dir", str(tmp_path), "--database-url", store_url, "--json",
                 "-q"]) == 0
    report = json.loads(capsys.readouterr().out)
    feeds = report["feeds"]
    assert feeds[0]["status"] == "http_500" and "500" in feeds[0]["error"]  # failing first
    assert "secret" not in json.dumps(feeds) and feeds[0]["url"].startswith("https://***@")
    assert feeds[1]["entries_found"] == 4
    assert sum(n for _, n in report["documents_per_day"]) == 1
    assert report["stories"] == {"written": 1} and report["articles"] == 1
    sentences = report["sentences"]
    assert sentences["checked"] == 8 and sentences["rejected"] == 1
    assert sentences["by_verdict"] == {"unsupported": 1}
    assert "Officials privately expect" in sentences["examples"][0]["text"]

    assert main(["status", "--data-dir", str(tmp_path), "--database-url", store_url, "-q"]) == 0
    text = capsys.readouterr().out
    assert "failing first" in text and "rejected: 1" in text and "[unsupported]" in text
