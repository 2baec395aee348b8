"""The verifier: a written sentence passes only when its cited source supports it."""

from __future__ import annotations

import pytest

from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder
from newsdesk.builtin.verify_alignment import AlignmentVerifier, strip_attribution
from newsdesk.records import Citation, Sentence

SOURCE = ("About 1,850 dockworkers walked off the job at Port Calder at 6 a.m. on Monday, "
          "starting a 72-hour strike that halted container traffic at the country's busiest port.")
QUOTE_SOURCE = ("“It is not everything we asked for, but it is a deal our members can be proud "
                "of,” said Tomas Rehn, DHWU general secretary.")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder() -> OnnxMiniLMEmbedder:
    return OnnxMiniLMEmbedder()


def sentence(text: str, source: str = SOURCE, outlet: str = "Allied Wire Service") -> Sentence:
    return Sentence(text=text, citation=Citation(doc_id=1, sentence_index=0, source_text=source,
                                                 outlet=outlet))


def verdict_of(text: str, embedder: OnnxMiniLMEmbedder, source: str = SOURCE):
    return AlignmentVerifier().verify([sentence(text, source)], embedder)[0]


def test_strip_attribution_removes_only_the_outlet_frame() -> None:
    assert strip_attribution("According to The Herald, the port closed.", "The Herald") == \
        "The port closed."
    assert strip_attribution("The port closed, The Herald reported.", "The Herald") == \
        "The port closed."
    assert strip_attribution("According to police, the port closed.", "The Herald") == \
        "According to police, the port closed."


def test_faithful_attributed_sentence_is_supported(embedder: OnnxMiniLMEmbedder) -> None:
    text = "According to Allied Wire Service, a" + SOURCE[1:]
    verdict = verdict_of(text, embedder)
    assert verdict.status == "supported", verdict.missing
    assert verdict.similarity > 0.9
    assert all(verdict.checks.values())


@pytest.mark.parametrize(("altered", "failed_check", "missing"), [
    (SOURCE.replace("1,850", "18,500"), "numbers", "number 18500"),
    (SOURCE.replace("72-hour", "48-hour"), "numbers", "number 48"),
    (SOURCE.replace("Monday", "Tuesday"), "dates", "date tuesday"),
    (SOURCE.replace("Port Calder", "Port Meridian"), "names", "name Port Meridian"),
])
def test_changed_fact_is_unsupported(embedder: OnnxMiniLMEmbedder, altered: str,
                                     failed_check: str, missing: str) -> None:
    verdict = verdict_of(altered, embedder)
    assert verdict.status == "unsupported"
    assert verdict.checks[failed_check] is False
    assert missing in verdict.missing


def test_altered_quote_is_unsupported(embedder: OnnxMiniLMEmbedder) -> None:
    altered = QUOTE_SOURCE.replace("proud of", "ashamed of")
    verdict = verdict_of(altered, embedder, QUOTE_SOURCE)
    assert verdict.status == "unsupported"
    assert verdict.checks["quotes"] is False
    assert verdict_of(QUOTE_SOURCE, embedder, QUOTE_SOURCE).status == "supported"


def test_unrelated_sentence_is_unsupported(embedder: OnnxMiniLMEmbedder) -> None:
    verdict = verdict_of("The museum reopened its east wing after a two-year renovation.",
                         embedder)
    assert verdict.status == "unsupported"
    assert verdict.checks["similarity"] is False
    assert verdict.checks["wording"] is False


def test_one_verdict_per_sentence_in_order(embedder: OnnxMiniLMEmbedder) -> None:
    good = sentence(SOURCE)
    bad = sentence(SOURCE.replace("1,850", "2,000"))
    verdicts = AlignmentVerifier().verify([good, bad, good], embedder)
    assert [v.status for v in verdicts] == ["supported", "unsupported", "supported"]
