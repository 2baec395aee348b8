"""The judged verifier's own logic: which sentences go to the judge and how its margin
decides. The judge here is a stand-in with fixed margins (the real model's judgment is
exercised in tests/test_llm_writer_local.py)."""

from __future__ import annotations

import pytest

from newsdesk.backends.llm import LLM, Message
from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder
from newsdesk.builtin.verify_judge import JudgedVerifier, overrulable
from newsdesk.errors import BackendError, LLMError
from newsdesk.records import Citation, Sentence
from newsdesk.settings import load_settings

SOURCE = ("The new flood barrier on the Ems river held on Tuesday after 140 millimetres of "
          "rain fell on the town of Wendmoor in 24 hours.")


class FixedJudge(LLM):
    """Answers every question with one margin and records the questions."""

    name = "fixed"

    def __init__(self, margin: float | None) -> None:
        super().__init__()
        self.margin = margin
        self.asked: list[str] = []

    def generate(self, messages: list[Message], *, max_tokens: int, temperature: float,
                 stop: list[str] | None = None) -> str:
        return ""

    def yes_no_margin(self, messages: list[Message]) -> float:
        self.asked.append(messages[-1]["content"])
        if self.margin is None:
            raise LLMError("llm.fixed", "runtime", "broken")
        return self.margin


def strict() -> dict[str, object]:
    """The write stage's floors (stricter than the verifier's own defaults)."""
    return load_settings(environ={}).section("verify")


def cite(text: str) -> Sentence:
    return Sentence(text=text, citation=Citation(doc_id=1, sentence_index=0,
                                                 source_text=SOURCE, outlet="Harbour Gazette"))


@pytest.fixture(scope="module")
def embedder() -> OnnxMiniLMEmbedder:
    return OnnxMiniLMEmbedder()


PARAPHRASE = "Wendmoor's flood wall held on Tuesday when a day of record rain hit the town."
INVENTED = "Wendmoor's flood wall held on Tuesday after 300 millimetres of rain."
COPY = ("The new flood barrier on the Ems river held on Tuesday after 140 millimetres of "
        "rain fell on the town of Wendmoor in 24 hours, Harbour Gazette reported.")


def test_only_sentences_failing_on_wording_alone_are_judged(embedder: OnnxMiniLMEmbedder
                                                            ) -> None:
    judge = FixedJudge(3.0)
    verifier = JudgedVerifier(llm=judge, alignment=strict(), judge_threshold=1.0)
    alone = verifier.alignment.verify([cite(PARAPHRASE), cite(INVENTED), cite(COPY)], embedder)
    assert overrulable(alone[0]) and not overrulable(alone[1])
    assert alone[2].status == "supported"
    verdicts = verifier.verify([cite(PARAPHRASE), cite(INVENTED), cite(COPY)], embedder)
    # The copy passes without a question; the invented number is never put to the judge.
    assert len(judge.asked) == 1 and PARAPHRASE in judge.asked[0] and SOURCE in judge.asked[0]
    assert [v.status for v in verdicts] == ["supported", "contradicted", "supported"]
    assert verdicts[0].checks["judge"] and "judge margin 3.00" in verdicts[0].missing
    assert not verdicts[1].checks["numbers"] and "judge" not in verdicts[1].checks


def test_a_low_margin_or_a_failed_judge_leaves_the_sentence_unsupported(
        embedder: OnnxMiniLMEmbedder) -> None:
    low = JudgedVerifier(llm=FixedJudge(0.5), alignment=strict(), judge_threshold=1.0)
    verdict = low.verify([cite(PARAPHRASE)], embedder)[0]
    assert verdict.status == "unsupported" and verdict.checks["judge"] is False
    broken = JudgedVerifier(llm=FixedJudge(None), alignment=strict(),
                            judge_threshold=1.0)
    verdict = broken.verify([cite(PARAPHRASE)], embedder)[0]
    assert verdict.status == "unsupported" and "judge" not in verdict.checks


def test_a_model_without_log_probabilities_cannot_judge() -> None:
    class Plain(LLM):
        name = "plain"

        def generate(self, messages: list[Message], *, max_tokens: int, temperature: float,
                     stop: list[str] | None = None) -> str:
            return "Yes"

    with pytest.raises(BackendError, match="log-probabilities"):
        JudgedVerifier(llm=Plain())
