"""Small formatting helpers shared by pages, feeds and the API: times, URLs, text."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from newsdesk.records import parse_iso

# Characters XML 1.0 forbids even when escaped; scraped text occasionally carries them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SAFE_SCHEMES = frozenset({"http", "https"})


def as_datetime(value: datetime | str | None) -> datetime | None:
    """A UTC datetime from a datetime or ISO text; ``None`` when absent or unreadable."""
    if isinstance(value, str):
        try:
            value = parse_iso(value)
        except ValueError:
            # Source dates come from scraped pages; a malformed one is shown as absent.
            return None
    if value is None:
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def format_day(value: datetime | str | None) -> str:
    """A reader-friendly date such as ``12 Nov 2026`` (the text itself when unreadable)."""
    moment = as_datetime(value)
    return f"{moment.day} {moment:%b %Y}" if moment else str(value or "")


def format_time(value: datetime | str | None) -> str:
    """A reader-friendly UTC time such as ``25 Nov 2025, 14:35 UTC`` (empty for none)."""
    moment = as_datetime(value)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC" if moment else ""


def iso_time(value: datetime | str | None) -> str:
    """ISO 8601 text to the second, for ``<time datetime>``, Atom and JSON (empty for
    none). HTML allows at most three fractional digits; news times need none."""
    moment = as_datetime(value)
    return moment.replace(microsecond=0).isoformat() if moment else ""


def rfc822_time(value: datetime | str | None) -> str:
    """RFC 822 time for RSS and HTTP headers (empty for none)."""
    moment = as_datetime(value)
    return format_datetime(moment.replace(microsecond=0), usegmt=True) if moment else ""


def xml_text(value: str) -> str:
    """``value`` without the control characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", value)


def safe_url(url: str | None) -> str:
    """``url`` when it is an absolute http(s) URL a reader may follow, else ``""``.

    Source URLs come from feeds and pages anyone can write; a ``javascript:``,
    ``data:`` or ``file:`` URL is shown as text and never becomes a link.
    """
    if not url:
        return ""
    value = url.strip()
    if any(ord(c) < 0x21 or c in "\"'<>\\`" for c in value):
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return ""
    return value


def plural(count: int, one: str, many: str) -> str:
    """``"1 source"`` / ``"3 sources"``."""
    return f"{count} {one if count == 1 else many}"


def join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
