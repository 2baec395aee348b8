"""The extractor interface: main text and metadata out of an HTML page."""

from __future__ import annotations

import abc
from dataclasses import dataclass

from newsdesk.backends import Backend


@dataclass
class Extracted:
    """What an extractor found. ``text`` is paragraphs separated by newlines."""

    text: str
    title: str = ""
    author: str = ""
    published: str = ""
    site_name: str = ""
    language: str = ""
    canonical_url: str = ""
    description: str = ""


class Extractor(Backend, abc.ABC):
    """Finds the article in a page."""

    @abc.abstractmethod
    def extract(self, html: str, url: str) -> Extracted | None:
        """The article text and metadata of ``html`` (fetched from ``url``).

        Returns ``None`` when the page holds no article text; never raises for a page
        that is merely odd (bad markup, no body).
        """
