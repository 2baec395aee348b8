"""A verifier for sentences in other words: the alignment checks, then a model's judgment.

The alignment verifier (:mod:`newsdesk.builtin.verify_alignment`) decides by exact facts
and by how much of the claim's wording its evidence holds. That suits sentences taken
from the sources, but it turns down a faithful paraphrase for using other words. This
verifier keeps every exact check of the alignment verifier as a hard gate (numbers,
dates, names, quotations and their speakers, the credit frame, contradictions), and
asks a language model only about a claim that passes all of them but fails on the soft
checks (similarity, word support, consistency score): "does the source support every
fact of this sentence?", read as the log-probability of "Yes" minus that of "No" for
the first token of the reply (no sampling). A margin of at least ``judge_threshold``
makes the claim supported. A sentence that passes the alignment checks costs no model
call (the cheap path for sentences taken from the sources).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from pydantic import Field

from newsdesk import backends
from newsdesk.attribution import unframe
from newsdesk.backends import BackendOptions
from newsdesk.backends.embedder import Embedder
from newsdesk.backends.llm import LLM, Message
from newsdesk.backends.verifier import Verifier
from newsdesk.builtin.verify_alignment import AlignmentVerifier, Assessment
from newsdesk.errors import BackendError, LLMError
from newsdesk.records import Sentence, Verdict

log = logging.getLogger(__name__)

#: Checks a judgment may overrule: how a claim is worded, not what it states.
SOFT_CHECKS = frozenset({"similarity", "wording", "score"})
SYSTEM = ("You check sentences written by a newsroom against the source text they cite. "
          "Answer with one word: Yes or No.")
QUESTION = ("Source: {evidence}\nSentence: {claim}\n"
            "Does the source support every fact in the sentence? Answer Yes or No.")


class Judge(Protocol):
    """A model that can score a yes/no question (see ``LlamaCppLLM.yes_no_margin``)."""

    def yes_no_margin(self, messages: list[Message]) -> float:
        """log P(Yes) - log P(No) for the reply's first token."""


def judge_messages(claim: str, evidence: str) -> list[Message]:
    """The question put to the model for one claim and its evidence."""
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": QUESTION.format(evidence=" ".join(evidence.split()),
                                                        claim=" ".join(claim.split()))}]


def overrulable(verdict: Verdict) -> bool:
    """Unsupported on the soft checks alone: every exact check passed, no contradiction."""
    failed = {k for k, v in verdict.checks.items() if not v}
    return verdict.status == "unsupported" and bool(failed) and failed <= SOFT_CHECKS


class JudgedVerifier(Verifier):
    """Alignment checks as hard gates, a language model's yes/no on the rest."""

    name = "judged"

    class Options(BackendOptions):
        """The alignment verifier's options, the model and the judgment's threshold."""

        alignment: dict[str, Any] = Field(default_factory=dict)
        llm_backend: str = "llamacpp"
        llm_options: dict[str, Any] = Field(default_factory=dict)
        #: log P(Yes) - log P(No) from which a claim counts as supported.
        judge_threshold: float = -0.34  # see the llm.judge_threshold setting

    options: Options

    def __init__(self, llm: LLM | Any | None = None, **options: Any) -> None:
        """``llm``, when given, is the judge (it needs ``yes_no_margin``)."""
        super().__init__(**options)
        self.alignment = AlignmentVerifier(**self.options.alignment)
        self.llm = llm or backends.load("llm", self.options.llm_backend, LLM,
                                        **self.options.llm_options)
        if not hasattr(self.llm, "yes_no_margin"):
            raise BackendError(f"verifier {self.name!r} needs a model that gives "
                               f"log-probabilities (llm.llamacpp); {self.llm.name!r} does not")
        self.calls = 0

    def verify(self, sentences: list[Sentence], embedder: Embedder,
               documents: dict[int, str] | None = None) -> list[Verdict]:
        """See :meth:`Verifier.verify`."""
        return [a.verdict for a in self.assess(sentences, embedder, documents)]

    def margin(self, claim: str, evidence: str) -> float:
        """The model's yes-minus-no margin for ``claim`` against ``evidence``.

        Raises:
            LLMError: the model failed.
        """
        self.calls += 1
        judge: Judge = self.llm  # type: ignore[assignment]
        return judge.yes_no_margin(judge_messages(claim, evidence))

    def assess(self, sentences: list[Sentence], embedder: Embedder,
               documents: dict[int, str] | None = None) -> list[Assessment]:
        """The alignment assessments, with the judgment applied where it may decide."""
        assessments = self.alignment.assess(sentences, embedder, documents)
        for sentence, assessment in zip(sentences, assessments, strict=True):
            verdict = assessment.verdict
            verdict.verifier = f"alignment+{self.name}"
            if not overrulable(verdict):
                continue
            claim = sentence.text if sentence.headline else unframe(sentence.text).claim
            evidence = " ".join(verdict.evidence) or sentence.citation.source_text
            try:
                margin = self.margin(claim, evidence)
            except LLMError as exc:  # no judgment: the alignment verdict stands
                log.warning("judge failed: %s", exc)
                continue
            passed = margin >= self.options.judge_threshold
            verdict.checks["judge"] = passed
            verdict.missing.append(f"judge margin {margin:.2f}"
                                   + ("" if passed else f" < {self.options.judge_threshold}"))
            if passed:
                verdict.status = "supported"
        return assessments
