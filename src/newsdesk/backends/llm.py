"""The language-model interface: chat messages in, the model's reply text out.

A language model never writes an article on its own in newsdesk: the ``writer.llm``
backend (:mod:`newsdesk.builtin.write_llm`) gives it numbered source sentences, keeps
only the sentences of its reply that cite one of them and pass verification, and fills
everything else from the grounded writer.
"""

from __future__ import annotations

import abc
from typing import ClassVar, Literal, TypedDict

from newsdesk.backends import Backend

Role = Literal["system", "user", "assistant"]


class Message(TypedDict):
    """One chat message, as the OpenAI chat API and llama.cpp both take it."""

    role: Role
    content: str


class LLM(Backend, abc.ABC):
    """A chat model reached over HTTP or run in process.

    Capability flags say what the caller may rely on:

    - ``local``: the model runs inside this process (no endpoint, no network).
    - ``supports_stop``: stop sequences end the reply early.
    - ``deterministic_at_zero``: temperature 0 gives the same reply for the same prompt.
    """

    local: ClassVar[bool] = False
    supports_stop: ClassVar[bool] = True
    deterministic_at_zero: ClassVar[bool] = True

    @property
    def model_name(self) -> str:
        """A short name of the model for records and logs (``writer`` of an article)."""
        return self.name

    @abc.abstractmethod
    def generate(self, messages: list[Message], *, max_tokens: int, temperature: float,
                 stop: list[str] | None = None) -> str:
        """The model's reply to ``messages``: plain text, possibly empty.

        Raises:
            LLMError: the model could not be reached or run, or its answer was not a
                chat completion (the reply text itself is never judged here).
        """
