"""What an operator asks of the store: how the feeds are doing, how much came in each
day, what was written, and which sentences the verifier rejected and why.
:class:`~newsdesk.builtin.store_sql.SqlStore` mixes this in; ``newsdesk status`` prints it."""

from __future__ import annotations

from collections import Counter
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsdesk.builtin.store_models import ArticleRow, DocumentRow, RunRow, SourceRow, StoryRow


def redact(url: str) -> str:
    """``url`` without a user name or password (feed URLs may carry credentials)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)[:10]


class StatusStore:
    """Operator queries; needs ``self.session()`` from the store."""

    def session(self) -> AbstractContextManager[Session]:  # pragma: no cover - SqlStore's
        raise NotImplementedError

    def feed_status(self, limit: int = 500) -> list[dict[str, Any]]:
        """Each source with its last fetch: status, error, when, entries found; failing
        sources first."""
        with self.session() as s:
            rows = s.scalars(select(SourceRow).order_by(
                (SourceRow.last_error == "").asc(), SourceRow.last_fetched_at.desc(),
                SourceRow.id).limit(limit))
            return [{"url": redact(r.url), "kind": r.kind, "title": r.title,
                     "status": r.last_status, "error": r.last_error,
                     "fetched_at": r.last_fetched_at.isoformat() if r.last_fetched_at else None,
                     "entries_found": r.entries_found} for r in rows]

    def documents_per_day(self, days: int = 14) -> list[tuple[str, int]]:
        """Documents stored on each of the last ``days`` days that had any, newest first
        (by the day they were fetched)."""
        since = datetime.now(UTC) - timedelta(days=days)
        with self.session() as s:
            day = func.date(DocumentRow.fetched_at)
            rows = s.execute(select(day, func.count()).where(DocumentRow.fetched_at >= since)
                             .group_by(day).order_by(day.desc())).all()
            return [(_day(d), int(n)) for d, n in rows]

    def stories_by_status(self) -> dict[str, int]:
        """Stories by what the writer last did with them (``written``,
        ``waiting_for_sources``, ``failed_verification`` ...)."""
        with self.session() as s:
            rows = s.execute(select(StoryRow.write_status, func.count())
                             .where(StoryRow.merged_into.is_(None))
                             .group_by(StoryRow.write_status)).all()
            return {str(k or "not yet written"): int(n) for k, n in rows}

    def rejected_sentences(self) -> dict[str, Any]:
        """Sentences the verifier kept out of the current articles, by verdict and by
        the check that failed, with a few examples."""
        by_status: Counter[str] = Counter()
        by_check: Counter[str] = Counter()
        examples: list[dict[str, Any]] = []
        checked = 0
        with self.session() as s:
            for data in s.scalars(select(ArticleRow.data).where(ArticleRow.is_current.is_(True))
                                  .execution_options(yield_per=200)):
                checked += int((data.get("verification") or {}).get("checked", 0))
                for sentence in data.get("dropped") or []:
                    verdict = sentence.get("verdict") or {}
                    by_status[verdict.get("status", "unchecked")] += 1
                    failed = [k for k, ok in (verdict.get("checks") or {}).items() if not ok]
                    by_check.update(failed or ["none recorded"])
                    if len(examples) < 5:
                        examples.append({"text": sentence.get("text", ""),
                                         "status": verdict.get("status", "unchecked"),
                                         "failed": failed, "missing": verdict.get("missing", []),
                                         "story": data.get("slug", "")})
        return {"checked": checked, "rejected": sum(by_status.values()),
                "by_verdict": dict(by_status.most_common()),
                "by_check": dict(by_check.most_common()), "examples": examples}

    def recent_runs(self, limit: int = 5) -> list[dict[str, Any]]:
        """The latest runs: command, status, start and end."""
        with self.session() as s:
            rows = s.scalars(select(RunRow).order_by(RunRow.id.desc()).limit(limit))
            return [{"id": r.id, "command": r.command, "status": r.status,
                     "started_at": r.started_at.isoformat() if r.started_at else None,
                     "finished_at": r.finished_at.isoformat() if r.finished_at else None}
                    for r in rows]

    def status_report(self) -> dict[str, Any]:
        """Everything ``newsdesk status`` shows."""
        with self.session() as s:
            articles = int(s.scalar(select(func.count()).select_from(ArticleRow)
                                    .where(ArticleRow.is_current.is_(True))) or 0)
        return {"feeds": self.feed_status(), "documents_per_day": self.documents_per_day(),
                "stories": self.stories_by_status(), "articles": articles,
                "sentences": self.rejected_sentences(), "runs": self.recent_runs()}
