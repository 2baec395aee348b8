"""Operations: /healthz and /metrics of the web app (checked with Prometheus's own
parser of the text format), and JSON log lines."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from newsdesk.builtin.store_schedule import ScheduleStore
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.logjson import JsonFormatter
from newsdesk.records import Article, Entry
from newsdesk.store_lock import StoreLock
from newsdesk.web.app import create_app
from newsdesk.web.render import SiteSettings

from reader_store import store_with

SITE = SiteSettings(base_url="http://news.example")


def families(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """Metric name -> {sorted labels: value}, every sample of every family."""
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_metrics_parse_and_report_the_store_and_requests(tmp_path: Path,
                                                         articles: list[Article]) -> None:
    store = store_with(tmp_path, articles)
    schedule = ScheduleStore(store)
    schedule.ensure(["http://a.example/feed", "http://b.example/feed"], 1_800_000_000, 900)
    schedule.record_poll("http://a.example/feed", polled=1_800_000_000, interval=900, ok=True,
                         status="ok", reason="", new_entries=3)
    schedule.record_poll("http://b.example/feed", polled=1_800_000_000, interval=1800,
                         ok=False, status="http_500", reason="", new_entries=0)
    store.add_entries([Entry(url=f"http://a.example/{i}", source_url="http://a.example/feed")
                       for i in range(4)])
    client = TestClient(create_app(store, None, site=SITE, operations=store))
    assert client.get("/").status_code == 200
    assert client.get("/stories/no-such-story.html").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    got = families(response.text)
    assert got["newsdesk_feeds_scheduled"][()] == 2
    assert got["newsdesk_feeds_failing"][()] == 1
    assert got["newsdesk_feed_polls_total"][()] == 2
    assert got["newsdesk_feed_poll_failures_total"][()] == 1
    assert got["newsdesk_feed_new_entries_total"][()] == 3
    assert got["newsdesk_entries"][(("status", "pending"),)] == 4
    assert got["newsdesk_queue_depth"][(("queue", "entries_to_fetch"),)] == 4
    assert got["newsdesk_oldest_pending_seconds"][(("queue", "entries_to_fetch"),)] >= 0
    assert got["newsdesk_stories_published"][()] == len(articles)
    checked = got["newsdesk_sentences"][(("outcome", "checked"),)]
    assert checked > 0 and checked == sum(a.verification.get("checked", 0) for a in articles)
    assert got["newsdesk_store_lock_held"][()] == 0
    requests = got["newsdesk_http_requests_total"]
    assert requests[(("method", "GET"), ("route", "/"), ("status", "200"))] == 1
    assert requests[(("method", "GET"), ("route", "/stories"), ("status", "404"))] == 1
    histogram = got["newsdesk_http_request_duration_seconds_count"]
    assert histogram[(("route", "/"),)] == 1
    buckets = got["newsdesk_http_request_duration_seconds_bucket"]
    assert buckets[(("le", "+Inf"), ("route", "/"))] == 1
    # a second scrape counts the first one
    again = families(client.get("/metrics").text)["newsdesk_http_requests_total"]
    assert again[(("method", "GET"), ("route", "/metrics"), ("status", "200"))] == 1
    store.close()


def test_healthz_names_the_lock_holder_and_fails_without_a_database(
        tmp_path: Path, articles: list[Article]) -> None:
    store = store_with(tmp_path, articles)
    client = TestClient(create_app(store, None, site=SITE, operations=store))
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": "ok", "feeds_failing": 0, "lock": None}
    with StoreLock(store.engine, "daemon"):
        assert "newsdesk daemon" in client.get("/healthz").json()["lock"]
        assert families(client.get("/metrics").text)["newsdesk_store_lock_held"][()] == 1
    broken = SqlStore.open(f"sqlite:///{tmp_path / 'gone' / 'x.db'}")
    broken.close()
    shutil.rmtree(tmp_path / "gone")  # the database's folder is gone: it cannot be opened
    sick = TestClient(create_app(store, None, site=SITE, operations=broken))
    response = sick.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"
    store.close()


def test_json_log_lines_carry_fields_and_mask_secrets() -> None:
    record = logging.LogRecord("newsdesk.daemon", logging.INFO, __file__, 1,
                               "poll %s: %s", ("https://u:secret@feeds.example/x", "ok"), None)
    record.feed = "https://u:secret@feeds.example/x?token=abc"
    record.new_entries = 3
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["level"] == "INFO" and data["logger"] == "newsdesk.daemon"
    assert data["new_entries"] == 3 and "feeds.example" in data["feed"]
    assert "secret" not in line and "abc" not in line


def test_log_format_json_from_the_command_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli.main", "--log-format", "json", "ingest",
         str(tmp_path / "missing-feed.xml"), "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=120, check=False)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 0, result.stderr
    parsed = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(p["level"] == "WARNING" and "missing-feed.xml" in p["message"] for p in parsed)
