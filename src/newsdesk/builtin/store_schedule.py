"""The daemon's per-feed schedule in the store (table ``feed_schedule``, migration
``0006_feed_schedule``): when each source is polled next, its current interval, its
consecutive failures and how its last poll went.

It lives beside the store rather than in it: :class:`ScheduleStore` works on any
:class:`~newsdesk.builtin.store_sql.SqlStore` through its sessions, so a poll's schedule
update joins the store's :meth:`~newsdesk.builtin.store_sql.SqlStore.transaction`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Float, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from newsdesk.builtin.store_models import URL, Base


class FeedScheduleRow(Base):
    """When a source is polled next and how its polls have gone."""

    __tablename__ = "feed_schedule"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(URL, unique=True)
    next_poll_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    interval: Mapped[float] = mapped_column(Float)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[str] = mapped_column(String(64), default="")
    last_reason: Mapped[str] = mapped_column(Text, default="")
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                            nullable=True)
    last_new_entries: Mapped[int] = mapped_column(Integer, default=0)
    polls: Mapped[int] = mapped_column(Integer, default=0)
    failed_polls: Mapped[int] = mapped_column(Integer, default=0)
    new_entries: Mapped[int] = mapped_column(Integer, default=0)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def from_epoch(seconds: float) -> datetime:
    """A UTC datetime from seconds since the epoch (the daemon's clock)."""
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class FeedSchedule:
    """One row of the schedule, as plain values (times in seconds since the epoch)."""

    url: str
    next_poll: float
    interval: float
    failures: int = 0
    last_status: str = ""
    last_reason: str = ""
    last_polled: float | None = None
    last_new_entries: int = 0
    polls: int = 0
    failed_polls: int = 0
    new_entries: int = 0

    @classmethod
    def from_row(cls, row: FeedScheduleRow) -> FeedSchedule:
        """The plain form of a table row."""
        polled = _utc(row.last_polled_at)
        next_at = _utc(row.next_poll_at)
        assert next_at is not None
        return cls(url=row.url, next_poll=next_at.timestamp(), interval=row.interval,
                   failures=row.failures, last_status=row.last_status,
                   last_reason=row.last_reason,
                   last_polled=polled.timestamp() if polled else None,
                   last_new_entries=row.last_new_entries, polls=row.polls,
                   failed_polls=row.failed_polls, new_entries=row.new_entries)


class ScheduleStore:
    """Reads and writes ``feed_schedule`` through a store's sessions."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def ensure(self, urls: list[str], first_poll: float, interval: float) -> int:
        """Schedule each of ``urls`` not yet scheduled for ``first_poll``; returns how
        many were added. Known sources keep their schedule (a restart polls nothing
        early)."""
        if not urls:
            return 0
        with self.store.session() as s:
            known = set(s.scalars(select(FeedScheduleRow.url)
                                  .where(FeedScheduleRow.url.in_(urls))))
            new = [u for u in dict.fromkeys(urls) if u not in known]
            s.add_all(FeedScheduleRow(url=u, next_poll_at=from_epoch(first_poll),
                                      interval=interval, failures=0, last_status="",
                                      last_reason="", last_new_entries=0, polls=0,
                                      failed_polls=0, new_entries=0) for u in new)
            return len(new)

    def due(self, now: float, limit: int | None = None) -> list[FeedSchedule]:
        """Sources whose next poll has come, the longest overdue first."""
        with self.store.session() as s:
            query = (select(FeedScheduleRow)
                     .where(FeedScheduleRow.next_poll_at <= from_epoch(now))
                     .order_by(FeedScheduleRow.next_poll_at, FeedScheduleRow.id))
            if limit:
                query = query.limit(limit)
            return [FeedSchedule.from_row(r) for r in s.scalars(query)]

    def get(self, url: str) -> FeedSchedule | None:
        """The schedule of one source, or ``None``."""
        with self.store.session() as s:
            row = s.scalar(select(FeedScheduleRow).where(FeedScheduleRow.url == url))
            return FeedSchedule.from_row(row) if row else None

    def all(self) -> list[FeedSchedule]:
        """Every scheduled source, soonest first."""
        with self.store.session() as s:
            rows = s.scalars(select(FeedScheduleRow).order_by(FeedScheduleRow.next_poll_at,
                                                              FeedScheduleRow.id))
            return [FeedSchedule.from_row(r) for r in rows]

    def next_due(self) -> float | None:
        """When the soonest poll is due (seconds since the epoch), or ``None``."""
        with self.store.session() as s:
            when = s.scalar(select(func.min(FeedScheduleRow.next_poll_at)))
            value = _utc(when)
            return value.timestamp() if value else None

    def record_poll(self, url: str, *, polled: float, interval: float, ok: bool,
                    status: str, reason: str, new_entries: int) -> FeedSchedule:
        """Store how a poll went and when the next one is due (``polled + interval``)."""
        with self.store.session() as s:
            row = s.scalar(select(FeedScheduleRow).where(FeedScheduleRow.url == url))
            if row is None:
                row = FeedScheduleRow(url=url, next_poll_at=from_epoch(polled), interval=interval,
                                      failures=0, polls=0, failed_polls=0, new_entries=0)
                s.add(row)
            row.failures = 0 if ok else (row.failures or 0) + 1
            row.failed_polls = (row.failed_polls or 0) + (0 if ok else 1)
            row.polls = (row.polls or 0) + 1
            row.new_entries = (row.new_entries or 0) + new_entries
            row.last_new_entries = new_entries
            row.last_status, row.last_reason = status[:64], reason[:2000]
            row.last_polled_at = from_epoch(polled)
            row.interval = interval
            row.next_poll_at = from_epoch(polled + interval)
            s.flush()
            return FeedSchedule.from_row(row)

    def failures(self, url: str) -> int:
        """Consecutive failed polls of ``url`` so far."""
        found = self.get(url)
        return found.failures if found else 0
