"""The verifier: a written sentence passes only when its source supports it, a changed
fact in the same slot is reported as contradicted, and the evidence is recorded."""

from __future__ import annotations

import pytest

from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder
from newsdesk.builtin.verify_alignment import AlignmentVerifier, conflicts, strip_attribution
from newsdesk.records import Citation, Sentence, Verdict
from newsdesk.text import quantities

SOURCE = ("About 1,850 dockworkers walked off the job at Port Calder at 6 a.m. on Monday, "
          "starting a 72-hour strike that halted container traffic at the country's busiest port.")
QUOTE_SOURCE = ("“It is not everything we asked for, but it is a deal our members can be proud "
                "of,” said Tomas Rehn, DHWU general secretary.")
DOCUMENT = (
    "PORT CALDER — About 1,850 dockworkers walked off the job at Port Calder at 6 a.m. on "
    "Monday, starting a 72-hour strike that halted container traffic at the country's "
    "busiest port.\n"
    "The Dock and Harbour Workers' Union is demanding a 6% pay rise over two years, while "
    "the port authority has offered 3.5%.\n"
    "Shipping lines diverted at least 14 vessels to Halden, the authority said.\n"
    "The authority put the cost of the stoppage at €1.2bn in lost trade.\n"
    "“It is not everything we asked for, but it is a deal our members can be proud of,” "
    "said Tomas Rehn, DHWU general secretary, after talks resumed on Wednesday."
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder() -> OnnxMiniLMEmbedder:
    return OnnxMiniLMEmbedder()


def sentence(text: str, source: str = SOURCE, outlet: str = "Allied Wire Service",
             doc_id: int = 1) -> Sentence:
    return Sentence(text=text, citation=Citation(doc_id=doc_id, sentence_index=0,
                                                 source_text=source, outlet=outlet))


def verdict_of(text: str, embedder: OnnxMiniLMEmbedder, source: str = SOURCE,
               documents: dict[int, str] | None = None) -> Verdict:
    return AlignmentVerifier().verify([sentence(text, source)], embedder, documents)[0]


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
    assert verdict.evidence == [SOURCE]


@pytest.mark.parametrize(("altered", "failed_check", "missing"), [
    (SOURCE.replace("1,850", "18,500"), "numbers",
     "number 18,500 where the source says 1,850"),
    (SOURCE.replace("72-hour", "48-hour"), "numbers", "number 48 where the source says 72"),
    (SOURCE.replace("Monday", "Tuesday"), "dates", "date tuesday where the source says monday"),
    (SOURCE.replace("Port Calder", "Port Meridian"), "names",
     "name Port Meridian where the source says Port Calder"),
])
def test_changed_fact_in_the_same_slot_is_contradicted(
        embedder: OnnxMiniLMEmbedder, altered: str, failed_check: str, missing: str) -> None:
    verdict = verdict_of(altered, embedder)
    assert verdict.status == "contradicted"
    assert verdict.checks[failed_check] is False
    assert missing in verdict.missing


def test_added_fact_without_a_counterpart_is_unsupported_not_contradicted(
        embedder: OnnxMiniLMEmbedder) -> None:
    verdict = verdict_of(SOURCE.replace("busiest port.", "busiest port, stranding 40 ships."),
                         embedder)
    assert verdict.status == "unsupported"
    assert "number 40" in verdict.missing


def test_money_and_percentages_match_however_they_are_written(
        embedder: OnnxMiniLMEmbedder) -> None:
    source = "The authority put the cost of the stoppage at €1.2bn, 13% of its annual trade."
    same = "The authority put the cost of the stoppage at 1.2 billion euros, 13 per cent of " \
           "its annual trade."
    verdict = verdict_of(same, embedder, source)
    assert verdict.status == "supported", verdict.missing
    wrong = verdict_of(same.replace("1.2 billion", "2.1 billion"), embedder, source)
    assert wrong.status == "contradicted"
    assert "number 2.1 billion euros where the source says €1.2bn" in wrong.missing


def test_quantities_are_normalised() -> None:
    def keys(text: str) -> list[tuple[float, str]]:
        return [(q.value, q.unit) for q in quantities(text)]

    assert keys("€1.2bn") == keys("1.2 billion euros") == [(1.2e9, "EUR")]
    assert keys("$10m") == keys("10 million dollars") == [(1e7, "USD")]
    assert keys("13 per cent") == keys("13%") == [(13.0, "%")]
    assert keys("1,850 workers") == [(1850.0, "")]
    assert keys("three ships") == [(3.0, "")]
    assert keys("a 5 m wall") == [(5.0, "")]  # a lone "m" after a space is not "million"
    [six_percent], [six_am], [plain_bn], [euro_bn] = (
        quantities("6%"), quantities("6 a.m."), quantities("1.2bn"), quantities("€1.2bn"))
    assert not six_percent.matches(six_am)
    assert plain_bn.matches(euro_bn)
    assert not euro_bn.matches(quantities("$1.2bn")[0])


def test_conflict_rule_needs_the_same_slot() -> None:
    evidence = "About 1,850 dockworkers walked off on Monday."
    claim = "About 1,850 dockworkers walked off, and 40 ships waited on Monday."
    missing = [q for q in quantities(claim) if q.value == 40]
    assert conflicts(claim, evidence, missing, set(), []) == []
    claim = "About 2,000 dockworkers walked off on Monday."
    missing = [q for q in quantities(claim) if q.value == 2000]
    assert conflicts(claim, evidence, missing, set(), []) == [
        "number 2,000 where the source says 1,850"]


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


def test_best_evidence_comes_from_the_cited_document(embedder: OnnxMiniLMEmbedder) -> None:
    # Cites the first sentence but states a fact of the fourth.
    claim = "The stoppage cost €1.2bn in lost trade, the port authority said."
    assert verdict_of(claim, embedder).status != "supported"
    verdict = verdict_of(claim, embedder, documents={1: DOCUMENT})
    assert verdict.status == "supported", verdict.missing
    assert verdict.evidence[0] == "The authority put the cost of the stoppage at €1.2bn in " \
                                  "lost trade."
    # The document of another citation is no evidence for this sentence.
    assert verdict_of(claim, embedder, documents={2: DOCUMENT}).status != "supported"


def test_support_may_combine_two_source_sentences(embedder: OnnxMiniLMEmbedder) -> None:
    claim = ("About 1,850 dockworkers began a 72-hour strike at Port Calder on Monday, and "
             "their union is demanding a 6% pay rise.")
    verdict = verdict_of(claim, embedder, documents={1: DOCUMENT})
    assert verdict.status == "supported", verdict.missing
    assert len(verdict.evidence) == 2
    assert any("6% pay rise" in e for e in verdict.evidence)


def test_contradiction_against_the_best_evidence_in_the_document(
        embedder: OnnxMiniLMEmbedder) -> None:
    claim = "Shipping lines diverted at least 41 vessels to Halden, the authority said."
    verdict = verdict_of(claim, embedder, documents={1: DOCUMENT})
    assert verdict.status == "contradicted"
    assert "number 41 where the source says 14" in verdict.missing


def test_each_sentence_of_a_longer_claim_is_checked(embedder: OnnxMiniLMEmbedder) -> None:
    good = "About 1,850 dockworkers walked off the job at Port Calder on Monday."
    bad = "The port authority has offered a 5% pay rise."
    verifier = AlignmentVerifier()
    supported = verifier.assess([sentence(good, "")], embedder, {1: DOCUMENT})[0]
    mixed = verifier.assess([sentence(f"{good} {bad}", "")], embedder, {1: DOCUMENT})[0]
    assert supported.verdict.status == "supported"
    assert mixed.verdict.status == "contradicted"
    assert any(m.startswith("number 5% where the source says ") for m in mixed.verdict.missing)
    assert mixed.score <= supported.score
    assert 0.0 <= mixed.score <= 1.0


def test_one_verdict_per_sentence_in_order(embedder: OnnxMiniLMEmbedder) -> None:
    good = sentence(SOURCE)
    bad = sentence(SOURCE.replace("1,850", "2,000"))
    verdicts = AlignmentVerifier().verify([good, bad, good], embedder)
    assert [v.status for v in verdicts] == ["supported", "contradicted", "supported"]


def test_verdict_with_evidence_round_trips_through_a_dict(embedder: OnnxMiniLMEmbedder) -> None:
    checked = sentence(SOURCE.replace("1,850", "2,000"))
    checked.verdict = AlignmentVerifier().verify([checked], embedder)[0]
    restored = Sentence.from_dict(checked.to_dict())
    assert restored.verdict == checked.verdict
    assert restored.verdict is not None and restored.verdict.evidence == [SOURCE]
    old = {"text": "x", "citation": checked.citation.to_dict(),
           "verdict": {"status": "supported", "similarity": 1.0}}
    assert Sentence.from_dict(old).verdict == Verdict(status="supported", similarity=1.0)


def test_a_main_clause_copied_without_what_only_adds_to_it_is_supported(
        embedder: OnnxMiniLMEmbedder) -> None:
    # an excerpt cut off mid-sentence: the writer gives its main clause; the clause is
    # compared with the same words of the source, not with the whole cut sentence
    source = ("Obstacles to a final settlement remain, including the union's refusal to "
              "drop its demand for back pay for every day of the stoppage at the")
    verifier = AlignmentVerifier(min_similarity=0.72)
    claim = sentence("Obstacles to a final settlement remain, one report said.", source,
                     outlet="")
    verdict = verifier.verify([claim], embedder)[0]
    assert verdict.status == "supported", verdict.missing
    # a shorter claim that is not the clause the source gives is judged as before
    shorter = verifier.verify([sentence("Obstacles remain.", source, outlet="")], embedder)[0]
    assert shorter.status == "unsupported"


@pytest.mark.parametrize(("source", "claim"), [
    ("The harbour board will approve the fare freeze, unless the mayor vetoes it.",
     "The harbour board will approve the fare freeze."),
    ("The mayor said she would back the fare freeze -- but only if the harbour board "
     "agreed to it.", "The mayor said she would back the fare freeze."),
    ("The night ferry will run on Sunday if the weather holds.",
     "The night ferry will run on Sunday."),
])
def test_a_claim_that_leaves_off_the_sources_condition_is_unsupported(
        embedder: OnnxMiniLMEmbedder, source: str, claim: str) -> None:
    verdict = verdict_of(claim, embedder, source)
    assert verdict.status == "unsupported"
    assert verdict.checks["qualification"] is False
    assert any(m.startswith("leaves off the source's qualification") for m in verdict.missing)
    # what only adds to the clause may be left off
    added = verdict_of("The night ferry will run on Sunday.", embedder,
                       "The night ferry will run on Sunday, as a storm passes to the north.")
    assert added.checks["qualification"] is True
