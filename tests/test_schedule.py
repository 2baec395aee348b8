"""The daemon's poll schedule: feed hints, update rate, bounds, backoff and jitter
(:mod:`newsdesk.schedule`), and the schedule table on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from newsdesk.builtin.store_schedule import ScheduleStore
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.schedule import (
    Bounds,
    FeedHints,
    PollOutcome,
    hints_from,
    next_interval,
    retry_after_seconds,
)

BOUNDS = Bounds(min_interval=300, max_interval=6 * 3600, initial_interval=900, growth=1.5,
                jitter=0.0)
RSS_HEAD = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
<title>Harbor</title>%s
<item><title>One</title><ttl>1</ttl><link>http://x/1</link></item></channel></rss>"""


def rng() -> random.Random:
    return random.Random(7)


def test_rss_ttl_and_syndication_hints_are_read_from_the_channel_only() -> None:
    assert hints_from(RSS_HEAD % b"<ttl>60</ttl>", {}).ttl == 3600
    hints = hints_from(RSS_HEAD % b"<sy:updatePeriod>daily</sy:updatePeriod>"
                                  b"<sy:updateFrequency>4</sy:updateFrequency>", {})
    assert hints.update_period == 86400 / 4
    # a <ttl> inside an item is not the channel's
    assert hints_from(RSS_HEAD % b"", {}).ttl is None
    assert hints_from(RSS_HEAD % b"<x:updatePeriod>hourly</x:updatePeriod>", {}
                      ).update_period == 3600


def test_http_cache_hints() -> None:
    assert hints_from(b"{}", {"Cache-Control": "public, max-age=1200"}).max_age == 1200
    assert hints_from(b"{}", {"cache-control": "s-maxage=60, max-age=30"}).max_age == 60
    assert hints_from(b"{}", {"Cache-Control": "no-cache, max-age=1200"}).max_age is None
    date = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    expires = hints_from(b"{}", {"Date": format_datetime(date, usegmt=True),
                                 "Expires": format_datetime(date + timedelta(minutes=45),
                                                            usegmt=True)})
    assert expires.expires == 45 * 60  # measured from the server's own Date
    assert retry_after_seconds("120") == 120
    now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(minutes=10), usegmt=True)
    assert retry_after_seconds(later, now) == 600
    assert retry_after_seconds("soon") is None


def test_new_entries_shorten_the_interval_and_quiet_polls_lengthen_it() -> None:
    one_new = PollOutcome(ok=True, new_entries=1, elapsed=3600)
    assert next_interval(3600, 0, one_new, BOUNDS, rng())[0] == 1800
    three_new = PollOutcome(ok=True, new_entries=3, elapsed=3600)
    assert next_interval(3600, 0, three_new, BOUNDS, rng())[0] == 900
    quiet = PollOutcome(ok=True, new_entries=0, status="not_modified", elapsed=3600)
    assert next_interval(3600, 0, quiet, BOUNDS, rng())[0] == 5400
    # never below the minimum nor above the maximum
    flood = PollOutcome(ok=True, new_entries=50, elapsed=600)
    assert next_interval(600, 0, flood, BOUNDS, rng())[0] == 300
    assert next_interval(5 * 3600, 0, quiet, BOUNDS, rng())[0] == 6 * 3600
    # a feed's first poll starts from the initial interval
    assert next_interval(None, 0, quiet, BOUNDS, rng())[0] == 900 * 1.5


def test_a_feed_hint_is_a_floor_but_the_bounds_still_hold() -> None:
    busy = PollOutcome(ok=True, new_entries=5, elapsed=900,
                       hints=FeedHints(ttl=3600.0))
    interval, why = next_interval(900, 0, busy, BOUNDS, rng())
    assert interval == 3600 and "ttl" in why
    huge = PollOutcome(ok=True, new_entries=0, hints=FeedHints(max_age=7 * 86400.0))
    assert next_interval(900, 0, huge, BOUNDS, rng())[0] == 6 * 3600


def test_failures_back_off_to_the_maximum_and_retry_after_is_honoured() -> None:
    interval = 300.0
    seen = []
    for failures in range(1, 13):
        interval, _ = next_interval(interval, failures, PollOutcome(ok=False, status="http_500"),
                                    BOUNDS, rng())
        seen.append(interval)
    assert seen[:3] == [600, 1200, 2400]
    assert seen == sorted(seen) and seen[-1] == 6 * 3600  # a dead feed settles at the max
    gone = PollOutcome(ok=False, status="http_410")
    assert next_interval(300, 1, gone, BOUNDS, rng())[0] == 6 * 3600
    limited = PollOutcome(ok=False, status="http_429", hints=FeedHints(retry_after=5000.0))
    assert next_interval(300, 1, limited, BOUNDS, rng())[0] == 5000


def test_jitter_spreads_intervals_within_its_bounds() -> None:
    bounds = Bounds(min_interval=60, max_interval=86400, initial_interval=900, jitter=0.1)
    generator = random.Random(3)
    quiet = PollOutcome(ok=True, new_entries=0)
    values = [next_interval(1000, 0, quiet, bounds, generator)[0] for _ in range(200)]
    assert min(values) >= 1350 and max(values) <= 1650
    assert len({round(v) for v in values}) > 50  # not one value for every feed


def test_schedule_table_round_trip(store_url: str) -> None:
    store = SqlStore.open(store_url)
    try:
        schedule = ScheduleStore(store)
        start = 1_800_000_000.0
        assert schedule.ensure(["http://a/feed", "http://b/feed"], start, 900) == 2
        assert schedule.ensure(["http://a/feed", "http://c/feed"], start + 5, 900) == 1
        assert [f.url for f in schedule.due(start)] == ["http://a/feed", "http://b/feed"]
        row = schedule.record_poll("http://a/feed", polled=start, interval=1200, ok=False,
                                   status="http_503", reason="down", new_entries=0)
        assert row.failures == 1 and row.next_poll == start + 1200
        row = schedule.record_poll("http://a/feed", polled=start + 1200, interval=600, ok=True,
                                   status="ok", reason="", new_entries=4)
        assert (row.failures, row.polls, row.failed_polls, row.new_entries) == (0, 2, 1, 4)
        assert [f.url for f in schedule.due(start + 10)] == ["http://b/feed", "http://c/feed"]
        assert schedule.next_due() == start
        # a restart does not move a known feed's schedule
        assert schedule.ensure(["http://a/feed"], start + 9999, 900) == 0
        assert schedule.get("http://a/feed").next_poll == start + 1800  # type: ignore[union-attr]
    finally:
        store.close()


@pytest.mark.parametrize("interval", [0.0, -5.0])
def test_bounds_from_settings_never_invert(interval: float) -> None:
    settings = {"daemon.min_interval": 600.0, "daemon.max_interval": interval,
                "daemon.initial_interval": 10.0, "daemon.growth": 0.5, "daemon.jitter": 3.0}
    bounds = Bounds.from_settings(settings)
    assert bounds.max_interval == bounds.min_interval == 600
    assert bounds.initial_interval == 600 and bounds.growth == 1.0 and bounds.jitter == 0.5
