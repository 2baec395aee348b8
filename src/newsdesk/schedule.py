"""When to poll a feed next: its own hints, its observed update rate, bounds and backoff.

``newsdesk daemon`` polls every feed on a schedule of its own. After each poll the next
interval is worked out here, from

- the feed's own hints, which are a floor (a feed that asks to be cached for an hour is
  not asked again sooner): RSS ``<ttl>`` (minutes), ``sy:updatePeriod`` /
  ``sy:updateFrequency`` (RSS 1.0 syndication module), and the HTTP answer's
  ``Cache-Control: max-age`` (or ``s-maxage``) and ``Expires``; ``Retry-After`` on a
  429 or 503 answer is a floor for the next try too;
- the update rate seen: a poll that found ``n`` new entries shortens the interval to the
  time since the last poll divided by ``n + 1`` (one new entry halves it), a poll that
  found none lengthens it by ``daemon.growth`` (1.5 by default);
- bounds: never below ``daemon.min_interval`` nor above ``daemon.max_interval``;
- failures: each consecutive failure doubles the interval (from at least
  ``daemon.min_interval``), up to ``daemon.max_interval``; ``410 Gone`` goes straight
  to the maximum. A dead feed therefore settles at one poll per ``daemon.max_interval``
  and is never hammered; one good answer resets the count.

Every interval is then spread by a random factor within ``±daemon.jitter`` (10%), so
feeds that started together do not stay in lock step. The functions here are pure (the
random generator is passed in), so tests check them without a clock or a network.
"""

from __future__ import annotations

import contextlib
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

#: ``sy:updatePeriod`` values in seconds (http://purl.org/rss/1.0/modules/syndication/).
UPDATE_PERIODS = {"hourly": 3600.0, "daily": 86400.0, "weekly": 7 * 86400.0,
                  "monthly": 30 * 86400.0, "yearly": 365 * 86400.0}
#: Hints are read from the feed's head only: the channel's elements come before its items.
HEAD_BYTES = 16_384
_TTL = re.compile(rb"<ttl>\s*(\d{1,7})\s*</ttl>", re.IGNORECASE)
_PERIOD = re.compile(rb"<(?:[\w-]+:)?updatePeriod>\s*([A-Za-z]+)\s*<", re.IGNORECASE)
_FREQUENCY = re.compile(rb"<(?:[\w-]+:)?updateFrequency>\s*(\d{1,6})\s*<", re.IGNORECASE)
_ITEM = re.compile(rb"<(?:[\w-]+:)?(?:item|entry)[\s>/]", re.IGNORECASE)
_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-maxage|max-age)\s*=\s*\"?(\d{1,10})", re.IGNORECASE)


@dataclass(frozen=True)
class Bounds:
    """The ``daemon.*`` settings that bound a feed's interval (seconds)."""

    min_interval: float = 300.0
    max_interval: float = 21_600.0
    initial_interval: float = 900.0
    growth: float = 1.5
    jitter: float = 0.1

    @classmethod
    def from_settings(cls, settings: Any) -> Bounds:
        """The bounds from resolved settings (``daemon.min_interval`` and the rest)."""
        low = float(settings["daemon.min_interval"])
        high = max(low, float(settings["daemon.max_interval"]))
        return cls(min_interval=low, max_interval=high,
                   initial_interval=min(high, max(low, float(settings["daemon.initial_interval"]))),
                   growth=max(1.0, float(settings["daemon.growth"])),
                   jitter=min(0.5, max(0.0, float(settings["daemon.jitter"]))))

    def clamp(self, seconds: float) -> float:
        """``seconds`` within ``[min_interval, max_interval]``."""
        return min(self.max_interval, max(self.min_interval, seconds))


@dataclass(frozen=True)
class FeedHints:
    """What a feed and its HTTP answer say about how often to ask again (seconds)."""

    ttl: float | None = None
    update_period: float | None = None
    max_age: float | None = None
    expires: float | None = None
    retry_after: float | None = None

    def floor(self) -> tuple[float, str]:
        """The longest interval any hint asks for, and which hint it was (``(0, "")``
        when there is none)."""
        named = [(self.ttl, "ttl"), (self.update_period, "sy:updatePeriod"),
                 (self.max_age, "cache-control"), (self.expires, "expires"),
                 (self.retry_after, "retry-after")]
        present = [(value, name) for value, name in named if value is not None and value > 0]
        return max(present) if present else (0.0, "")


@dataclass(frozen=True)
class PollOutcome:
    """How one poll of a feed went."""

    ok: bool
    new_entries: int = 0
    status: str = ""  # ok, empty, not_modified, or a failure reason such as http_404
    hints: FeedHints = FeedHints()
    #: Seconds since the feed's previous poll (``None``: its first poll).
    elapsed: float | None = None


def _seconds_until(value: str, now: datetime) -> float | None:
    """Seconds from ``now`` to an HTTP date, or ``None`` when it does not parse."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    return _seconds_until(text, now or datetime.now(UTC))


def hints_from(content: bytes, headers: dict[str, str], now: datetime | None = None
               ) -> FeedHints:
    """The hints a feed's head and its HTTP headers give (see the module docstring).

    ``Expires`` is measured from the answer's own ``Date`` header when it has one (so a
    server whose clock is off still means what it says), else from ``now``.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    head = content[:HEAD_BYTES]
    first_item = _ITEM.search(head)
    if first_item:
        head = head[:first_item.start()]
    ttl = period = None
    if match := _TTL.search(head):
        ttl = float(match.group(1)) * 60.0
    if match := _PERIOD.search(head):
        base = UPDATE_PERIODS.get(match.group(1).decode("ascii").lower())
        frequency = _FREQUENCY.search(head)
        times = max(1, int(frequency.group(1))) if frequency else 1
        period = base / times if base else None
    max_age = expires = None
    control = lower.get("cache-control", "")
    cacheable = control and not re.search(r"no-store|no-cache", control, re.IGNORECASE)
    if cacheable and (found := _MAX_AGE.search(control)):
        max_age = float(found.group(1))
    if lower.get("expires") and max_age is None:
        reference = now or datetime.now(UTC)
        if lower.get("date"):
            with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
                reference = parsedate_to_datetime(lower["date"])
            if reference.tzinfo is None:
                reference = reference.replace(tzinfo=UTC)
        expires = _seconds_until(lower["expires"], reference)
    return FeedHints(ttl=ttl, update_period=period, max_age=max_age, expires=expires,
                     retry_after=retry_after_seconds(lower.get("retry-after"), now))


def next_interval(previous: float | None, failures: int, outcome: PollOutcome, bounds: Bounds,
                  rng: random.Random) -> tuple[float, str]:
    """The seconds until the next poll, and why (for the log and ``newsdesk status``).

    Args:
        previous: the interval that led to this poll (``None`` on a feed's first poll).
        failures: consecutive failures including this poll's (0 when it succeeded).
        outcome: how the poll went.
        bounds: the ``daemon.*`` bounds.
        rng: the source of jitter.
    """
    current = bounds.clamp(previous if previous else bounds.initial_interval)
    hint, hint_name = outcome.hints.floor()
    if not outcome.ok:
        if outcome.status == "http_410":
            interval, why = bounds.max_interval, "gone (410)"
        else:
            # ``current`` already carries the earlier doublings: one more per failure.
            interval = current * 2.0
            why = f"backoff after {failures} failure{'s' if failures != 1 else ''}"
    elif outcome.new_entries > 0:
        elapsed = outcome.elapsed if outcome.elapsed else current
        interval = min(current, elapsed) / (outcome.new_entries + 1)
        why = f"{outcome.new_entries} new"
    else:
        interval, why = current * bounds.growth, "nothing new"
    if hint > interval:
        interval, why = hint, f"{why}; {hint_name} asks {hint:.0f}s"
    interval = bounds.clamp(interval)
    if bounds.jitter:
        interval = bounds.clamp(interval * rng.uniform(1 - bounds.jitter, 1 + bounds.jitter))
    return interval, why
