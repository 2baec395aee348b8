"""Backend interfaces and the registry that finds implementations.

Each kind of swappable part is an abstract base class with ONE abstract method and a
pydantic ``Options`` model (``extra="forbid"``). Built-in implementations register
through the ``newsdesk.backends`` entry-point group exactly as a third-party plugin
would, under the name ``<kind>.<name>`` (for example ``embedder.onnx-minilm``).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from newsdesk.errors import BackendError, ConfigError

GROUP = "newsdesk.backends"


class BackendOptions(BaseModel):
    """Base of every backend's options: unknown keys are an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Backend:
    """Common base: holds validated options. Subclasses set ``Options`` and ``name``."""

    name: str = ""
    Options: type[BackendOptions] = BackendOptions

    def __init__(self, **options: Any) -> None:
        try:
            self.options = self.Options(**options)
        except ValidationError as exc:
            raise ConfigError(f"invalid options for backend {self.name!r}: {exc}") from exc


B = TypeVar("B", bound=Backend)


def available(kind: str) -> list[str]:
    """Names of the registered backends of one kind (``fetcher``, ``embedder``, ...)."""
    prefix = kind + "."
    return sorted(ep.name[len(prefix):] for ep in entry_points(group=GROUP)
                  if ep.name.startswith(prefix))


def load(kind: str, name: str, base: type[B], **options: Any) -> B:
    """Instantiate the backend ``<kind>.<name>`` with ``options``.

    Raises:
        BackendError: no such backend is registered, or it is not a ``base``.
        ConfigError: the options do not validate.
    """
    matches = [ep for ep in entry_points(group=GROUP) if ep.name == f"{kind}.{name}"]
    if not matches:
        choices = ", ".join(available(kind)) or "none"
        raise BackendError(
            f"no {kind} backend named {name!r} (installed: {choices}); "
            "is newsdesk installed with `pip install -e .`?"
        )
    cls = matches[0].load()
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise BackendError(f"{kind} backend {name!r} ({cls!r}) is not a {base.__name__}")
    return cls(**options)
