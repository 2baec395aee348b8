"""Structured logs: one JSON object per log line (setting ``log_format = "json"`` or
``--log-format json``), for log shippers that index fields rather than parse text.

Each line has ``time`` (ISO 8601, UTC), ``level``, ``logger`` and ``message``, any
fields the call passed with ``extra={...}`` (the daemon's per-feed lines carry ``feed``,
``status``, ``new_entries`` and ``interval``), and ``exception`` with the traceback when
there is one. Secrets in URLs are masked exactly as in text logs.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from newsdesk.redact import redact_text

#: Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName"}


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return redact_text(str(value))


class JsonFormatter(logging.Formatter):
    """Formats each record as one line of JSON, secrets masked."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object on one line."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_text(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = _plain(value)
        if record.exc_info:
            line["exception"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)
