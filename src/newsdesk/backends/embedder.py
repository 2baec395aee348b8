"""The embedder interface: texts to unit-length vectors."""

from __future__ import annotations

import abc
from collections.abc import Sequence

import numpy as np

from newsdesk.backends import Backend


class Embedder(Backend, abc.ABC):
    """Turns texts into L2-normalised float32 vectors (cosine = dot product)."""

    dimensions: int = 0
    model_id: str = ""

    @abc.abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """An array of shape ``(len(texts), dimensions)``, each row of unit length.

        Raises:
            ModelError: the model cannot be loaded or returned unusable output.
        """
