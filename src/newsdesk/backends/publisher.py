"""The publisher interface: turns written articles into something readers can open."""

from __future__ import annotations

import abc
from pathlib import Path

from newsdesk.backends import Backend
from newsdesk.records import Article


class Publisher(Backend, abc.ABC):
    """Writes articles out (a static site, a feed, an index)."""

    @abc.abstractmethod
    def publish(self, articles: list[Article], out_dir: Path) -> list[Path]:
        """Write every article to ``out_dir``; return the files written.

        Articles come newest first and carry their related stories and sources.
        Raises:
            PublishError: the output directory cannot be written.
        """
