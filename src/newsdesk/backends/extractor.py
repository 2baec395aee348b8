"""The extractor interface: main text and metadata out of an HTML page."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field

from newsdesk.backends import Backend


@dataclass
class Rejection:
    """Why one extractor's text was not used: ``reason`` is a short code
    (``no_text``, ``too_short``, ``too_little``, ``extra_text``, ``failed``), ``detail``
    says it in words."""

    extractor: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.extractor}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class Extracted:
    """What an extractor found. ``text`` is paragraphs separated by newlines.

    ``extractor`` names what produced the text (a chain sets the step that won) and
    ``rejected`` lists the extractors tried before it and why each was passed over.
    """

    text: str
    title: str = ""
    author: str = ""
    published: str = ""
    site_name: str = ""
    language: str = ""
    canonical_url: str = ""
    description: str = ""
    extractor: str = ""
    rejected: list[Rejection] = field(default_factory=list)


#: The metadata fields of :class:`Extracted`, in the order they are listed.
METADATA_FIELDS = ("title", "author", "published", "site_name", "language",
                   "canonical_url", "description")


class Extractor(Backend, abc.ABC):
    """Finds the article in a page."""

    @abc.abstractmethod
    def extract(self, html: str, url: str) -> Extracted | None:
        """The article text and metadata of ``html`` (fetched from ``url``).

        Returns ``None`` when the page holds no article text; never raises for a page
        that is merely odd (bad markup, no body). A chain of extractors instead returns
        an ``Extracted`` with empty text, the page's metadata and ``rejected`` filled in,
        so the caller can say why and fall back on other sources.
        """
