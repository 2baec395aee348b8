"""The grounded writer on real demo stories: structure, attribution and citations."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.backends.writer import WriteRequest
from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder
from newsdesk.builtin.write_grounded import GroundedWriter, attribute, strip_dateline
from newsdesk.records import Document
from newsdesk.stages.ingest import ingest
from newsdesk.text import split_sentences

from demo_corpus import make_context, story_of_url, wave_sources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder() -> OnnxMiniLMEmbedder:
    return OnnxMiniLMEmbedder()


@pytest.fixture(scope="module")
def demo_documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Document]]:
    """Every stored demo document, grouped by its ground-truth story."""
    ctx = make_context(tmp_path_factory.mktemp("write"))
    ingest(wave_sources(1) + wave_sources(2), ctx)
    truth = story_of_url()
    grouped: dict[str, list[Document]] = {}
    for doc in ctx.store.documents_at_stage("extracted"):
        grouped.setdefault(truth[doc.canonical_url], []).append(doc)
    return grouped


def write(docs: list[Document], embedder: OnnxMiniLMEmbedder):
    article = GroundedWriter().write(WriteRequest(story_id=1, documents=docs, embedder=embedder))
    assert article is not None
    return article


@pytest.mark.parametrize("story", ["port-strike", "vantacor-breach", "aster-rescue"])
def test_article_has_the_parts_of_a_news_page(demo_documents, embedder, story: str) -> None:
    docs = demo_documents[story]
    article = write(docs, embedder)
    assert article.headline.text in {d.title for d in docs}
    assert not article.headline.text.endswith("?")
    assert article.summary.text and len(article.summary.text.split()) <= 45
    assert article.lead
    assert 2 <= len(article.sections) <= 4
    assert all(section.heading and section.sentences for section in article.sections)
    assert len({s.heading for s in article.sections}) == len(article.sections)
    texts = [s.text for s in article.body_sentences()]
    assert len(texts) == len(set(texts)), "a sentence is repeated"
    assert article.slug and article.meta_description and article.keywords


@pytest.mark.parametrize("story", ["port-strike", "halden-varsk-rail", "westmoor-recount"])
def test_every_sentence_cites_the_exact_source_sentence(demo_documents, embedder,
                                                        story: str) -> None:
    docs = demo_documents[story]
    by_id = {d.id: d for d in docs}
    article = write(docs, embedder)
    numbers = {ref.doc_id: ref.number for ref in article.sources}
    for sentence in article.body_sentences():
        citation = sentence.citation
        doc = by_id[citation.doc_id]
        if citation.sentence_index == -1:
            assert citation.source_text == doc.title
        else:
            assert split_sentences(doc.text)[citation.sentence_index] == citation.source_text
        assert citation.number == numbers[citation.doc_id]
        assert citation.outlet == doc.site_name


def test_facts_are_attributed_to_outlets(demo_documents, embedder) -> None:
    article = write(demo_documents["port-strike"], embedder)
    body = [s.text for s in article.lead] + [s.text for sec in article.sections
                                             for s in sec.sentences]
    attributed = [t for t in body if t.startswith("According to ") or t.endswith(" reported.")]
    assert len(attributed) >= 2
    outlets = {s.outlet for s in article.sources}
    for text in attributed:
        assert any(outlet in text for outlet in outlets)


def test_story_with_follow_ups_leads_with_the_latest_news(demo_documents, embedder) -> None:
    docs = demo_documents["port-strike"]
    article = write(docs, embedder)
    newest = max(d.published_at for d in docs)
    lead_doc = next(d for d in docs if d.id == article.lead[0].citation.doc_id)
    assert (newest - lead_doc.published_at).total_seconds() <= 30 * 3600
    assert "How it unfolded" in [s.heading for s in article.sections]


def test_too_little_text_gives_no_article(embedder) -> None:
    doc = Document(id=1, url="https://x.example/a", canonical_url="https://x.example/a",
                   title="Short", text="Too short to write from.", content_hash="x",
                   site_name="X")
    assert GroundedWriter().write(WriteRequest(story_id=1, documents=[doc],
                                               embedder=embedder)) is None


def test_attribution_forms_keep_names_capitalised() -> None:
    proper = {"Ostmark"}
    assert attribute("Ostmark police closed the road.", "The Post", 1, proper) == \
        "According to The Post, Ostmark police closed the road."
    assert attribute("Retailers warned of delays.", "The Post", 1, proper) == \
        "According to The Post, retailers warned of delays."
    assert attribute("A fire broke out.", "The Post", 1, proper) == \
        "According to The Post, a fire broke out."
    assert attribute("Retailers warned of delays.", "The Post", 2, proper) == \
        "Retailers warned of delays, The Post reported."
    assert attribute("DHWU members walked out.", "The Post", 1, proper).startswith(
        "According to The Post, DHWU")


def test_wire_datelines_are_removed() -> None:
    assert strip_dateline("HALDEN, Nov 19 (Allied Wire) — The assembly voted.") == \
        "The assembly voted."
    assert strip_dateline("PORT CALDER, Nov 16 (Allied Wire) - About 1,850 walked out.") == \
        "About 1,850 walked out."
    assert strip_dateline("The assembly voted — narrowly.") == "The assembly voted — narrowly."


def test_written_article_passes_its_own_verification(demo_documents, embedder,
                                                     tmp_path: Path) -> None:
    from newsdesk.builtin.verify_alignment import AlignmentVerifier

    article = write(demo_documents["cup-final"], embedder)
    verdicts = AlignmentVerifier().verify(article.body_sentences(), embedder)
    supported = sum(v.status == "supported" for v in verdicts)
    assert supported / len(verdicts) >= 0.9
