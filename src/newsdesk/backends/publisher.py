"""The publisher interface: turns the published stories into something readers can open."""

from __future__ import annotations

import abc
from pathlib import Path

from newsdesk.backends import Backend
from newsdesk.reader import ReaderSource


class Publisher(Backend, abc.ABC):
    """Writes the published stories out (a static site, a feed, an index)."""

    @abc.abstractmethod
    def publish(self, source: ReaderSource, out_dir: Path) -> list[Path]:
        """Write every published story in ``source`` (the reader index over the store)
        to ``out_dir``; return the files written.

        Raises:
            PublishError: the output directory cannot be written.
        """
