"""Errors raised by newsdesk.

The tree::

    NewsdeskError                 base of everything newsdesk raises on purpose
    ├── ConfigError               a setting is missing, malformed or contradicts another
    ├── BackendError              a backend is unknown or its optional dependency is missing
    ├── FetchError                a source could not be fetched (network, HTTP status, size, robots)
    ├── ParseError                a feed, OPML or JSONL file could not be read
    ├── ExtractionError           a page held no usable article text
    ├── ModelError                a model file is missing or returned unusable output
    │   └── LLMError              a language model endpoint or runtime failed or answered badly
    ├── StoreError                the database could not be opened, migrated or written
    │   └── StoreLockedError      another live pipeline run holds the store's lock
    └── PublishError              the site, feeds or API output could not be written

Item-level failures (one feed, one page) are not raised out of a stage: the stage
records them as a :class:`newsdesk.records.Problem` and goes on with the batch.
Every message names the URL, item or backend it is about and what to do.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class for every error newsdesk raises on purpose."""


class ConfigError(NewsdeskError):
    """A setting is missing, malformed or contradicts another."""


class BackendError(NewsdeskError):
    """A backend name is unknown, or the package it needs is not installed."""


class FetchError(NewsdeskError):
    """A URL could not be fetched. ``reason`` is a short machine-readable code;
    ``retry_after`` is the answer's ``Retry-After`` header (a 429 or 503), if any."""

    def __init__(self, url: str, reason: str, detail: str = "", *,
                 retry_after: str | None = None) -> None:
        self.url = url
        self.reason = reason
        self.detail = detail
        self.retry_after = retry_after
        super().__init__(f"{url}: {reason}" + (f" ({detail})" if detail else ""))


class ParseError(NewsdeskError):
    """A feed, OPML list or JSONL file could not be parsed."""


class ExtractionError(NewsdeskError):
    """A fetched page held no usable article text."""


class ModelError(NewsdeskError):
    """A model file is missing, or a model returned output that cannot be used."""


class LLMError(ModelError):
    """A language model could not be reached, failed, or sent an unusable answer.

    ``backend`` names the LLM backend (``llm.openai``), ``reason`` is a short
    machine-readable code (``timeout``, ``connection``, ``http_status``,
    ``bad_response``, ``runtime``) and ``detail`` says what happened.
    """

    def __init__(self, backend: str, reason: str, detail: str = "") -> None:
        self.backend = backend
        self.reason = reason
        self.detail = detail
        super().__init__(f"{backend}: {reason}" + (f" ({detail})" if detail else ""))


class StoreError(NewsdeskError):
    """The database could not be opened, migrated or written."""


class StoreLockedError(StoreError):
    """Another pipeline run, still alive, holds the store's lock (see
    :mod:`newsdesk.store_lock`). ``holder`` describes it (pid, host, command, since)."""

    def __init__(self, message: str, holder: str = "") -> None:
        self.holder = holder
        super().__init__(message)


class PublishError(NewsdeskError):
    """The static site, feeds or API output could not be written."""
