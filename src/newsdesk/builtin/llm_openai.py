"""Any OpenAI-compatible chat endpoint over httpx: Ollama, vLLM, llama.cpp's server,
hosted APIs.

Configured by a base URL (``.../v1``), a model name and the *name* of an environment
variable holding the API key. The key is read from that variable when a request is
made; it is never part of the options, the settings or any record.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

import httpx

from newsdesk.backends import BackendOptions
from newsdesk.backends.llm import LLM, Message
from newsdesk.errors import ConfigError, LLMError

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}
RETRY_PAUSE = 1.0  # seconds before the one retry of an overloaded or restarting server


class OpenAICompatibleLLM(LLM):
    """``POST {base_url}/chat/completions`` with the OpenAI request and response shape."""

    name = "openai"

    class Options(BackendOptions):
        """Where the endpoint is and how long to wait (see the ``llm.*`` settings)."""

        base_url: str = "http://127.0.0.1:8080/v1"
        model: str = ""  # empty: the server's default model (llama.cpp, single-model servers)
        api_key_env: str = ""  # name of the environment variable with the key; empty: no key
        timeout: float = 120.0  # seconds for the whole reply; generation is slow on CPUs
        connect_timeout: float = 5.0
        retries: int = 1  # further attempts after a connection error or a 429/5xx answer

    options: Options

    def __init__(self, transport: httpx.BaseTransport | None = None, **options: Any) -> None:
        super().__init__(**options)
        env = self.options.api_key_env
        if env and not os.environ.get(env):
            raise ConfigError(
                f"llm backend {self.name!r}: the environment variable {env} named by "
                "llm.api_key_env is not set; export the API key there or clear llm.api_key_env")
        timeout = httpx.Timeout(self.options.timeout, connect=self.options.connect_timeout)
        self._client = httpx.Client(base_url=self.options.base_url.rstrip("/") + "/",
                                    timeout=timeout, transport=transport)

    @property
    def model_name(self) -> str:
        """The configured model, or the endpoint's host when the server picks the model."""
        return self.options.model or httpx.URL(self.options.base_url).host or self.name

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.options.api_key_env:
            key = os.environ.get(self.options.api_key_env, "")
            if not key:
                raise ConfigError(f"llm backend {self.name!r}: environment variable "
                                  f"{self.options.api_key_env} is empty")
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def generate(self, messages: list[Message], *, max_tokens: int, temperature: float,
                 stop: list[str] | None = None) -> str:
        """See :meth:`LLM.generate`."""
        payload: dict[str, Any] = {"messages": messages, "max_tokens": max_tokens,
                                   "temperature": temperature, "stream": False}
        if self.options.model:
            payload["model"] = self.options.model
        if stop:
            payload["stop"] = stop
        url = f"{self.options.base_url.rstrip('/')}/chat/completions"
        attempts = 1 + max(self.options.retries, 0)
        for attempt in range(1, attempts + 1):
            try:
                response = self._client.post("chat/completions", json=payload,
                                             headers=self._headers())
            except httpx.TimeoutException as exc:
                # A timed-out generation is not retried: it would most likely time out again.
                raise LLMError(f"llm.{self.name}", "timeout",
                               f"{url} gave no complete reply within "
                               f"{self.options.timeout:g} s; raise llm.timeout or use a "
                               "smaller model") from exc
            except httpx.TransportError as exc:
                if attempt < attempts:
                    time.sleep(RETRY_PAUSE)
                    continue
                raise LLMError(f"llm.{self.name}", "connection",
                               f"cannot reach {url}: {exc!r}; is the server running and "
                               "llm.base_url right?") from exc
            if response.status_code in RETRY_STATUSES and attempt < attempts:
                log.info("llm %s answered %s; retrying", url, response.status_code)
                time.sleep(RETRY_PAUSE)
                continue
            return self._reply_text(response, url)
        raise AssertionError("unreachable: the loop returns or raises")

    def _reply_text(self, response: httpx.Response, url: str) -> str:
        backend = f"llm.{self.name}"
        if response.status_code != 200:
            raise LLMError(backend, "http_status",
                           f"{url} answered HTTP {response.status_code}: "
                           f"{response.text[:300]!r}")
        try:
            data = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise LLMError(backend, "bad_response",
                           f"{url} sent something that is not JSON: {response.text[:200]!r}"
                           ) from exc
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(backend, "bad_response",
                           f"{url} sent JSON without choices[0].message.content: "
                           f"{str(data)[:200]!r}") from exc
        if content is None:  # a refusal or a tool call: no text to use
            return ""
        if not isinstance(content, str):
            raise LLMError(backend, "bad_response",
                           f"{url} sent a non-text message content: {str(content)[:200]!r}")
        return content
