"""The grounded writer on real demo stories: structure, attribution and citations."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from newsdesk.attribution import WordCase, frame, unframe
from newsdesk.backends.writer import WriteRequest
from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder
from newsdesk.builtin.write_grounded import ROLE_HEADINGS, Candidate, GroundedWriter
from newsdesk.entities import names_of_kind
from newsdesk.records import Document
from newsdesk.stages.ingest import ingest
from newsdesk.standalone import speaker_names
from newsdesk.text import split_sentences
from newsdesk.writing.candidates import compress, has_own_attribution, rejection, strip_dateline
from newsdesk.writing.headlines import headline_options, plain_title

from demo_corpus import make_context, story_of_url, wave_sources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder() -> OnnxMiniLMEmbedder:
    return OnnxMiniLMEmbedder()


NAMES: dict[int, dict[str, list[str]]] = {}  # document id -> kind -> names, for write()


@pytest.fixture(scope="module")
def demo_documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Document]]:
    """Every stored demo document, grouped by its ground-truth story; the names the
    real recogniser finds in each go to NAMES, as the write stage gets them."""
    from newsdesk.builtin.entities_spacy import SpacyEntityRecognizer
    from newsdesk.entities import normalise

    ctx = make_context(tmp_path_factory.mktemp("write"))
    ingest(wave_sources(1) + wave_sources(2), ctx)
    truth = story_of_url()
    grouped: dict[str, list[Document]] = {}
    docs = ctx.store.documents_at_stage("extracted")
    found = SpacyEntityRecognizer().recognize([f"{d.title}\n{d.text}" for d in docs])
    for doc, mentions in zip(docs, found, strict=True):
        grouped.setdefault(truth[doc.canonical_url], []).append(doc)
        entities = normalise(mentions, doc.published_at)
        NAMES[doc.id or 0] = {kind: names_of_kind(entities, kind) for kind in ("person", "place")}
    return grouped


def request(docs: list[Document], embedder: OnnxMiniLMEmbedder) -> WriteRequest:
    """The write request the write stage would make for these documents."""
    return WriteRequest(story_id=1, documents=docs, embedder=embedder,
                        people={d.id or 0: NAMES.get(d.id or 0, {}).get("person", [])
                                for d in docs},
                        places={d.id or 0: NAMES.get(d.id or 0, {}).get("place", [])
                                for d in docs})


def write(docs: list[Document], embedder: OnnxMiniLMEmbedder):
    article = GroundedWriter().write(request(docs, embedder))
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


def test_an_outlet_is_named_again_when_the_article_comes_back_to_it(demo_documents,
                                                                   embedder) -> None:
    """A sentence after another outlet's sentence names whose it is (or its own speaker):
    left bare, a reader takes it for the other outlet's reporting."""
    switches = 0
    for docs in demo_documents.values():
        article = write(docs, embedder)
        body = [*article.lead, *(s for sec in article.sections for s in sec.sentences)]
        for before, sentence in itertools.pairwise(body):
            if before.citation.doc_id == sentence.citation.doc_id:
                continue
            switches += 1
            credited = unframe(sentence.text).credited
            assert credited in (sentence.citation.outlet, "one report", "another report") \
                or has_own_attribution(sentence.text) or \
                sentence.text.startswith(("“", '"')), sentence.text
            others = {s.outlet for s in article.sources} - {sentence.citation.outlet}
            assert credited not in others, (sentence.text, sentence.citation.outlet)
    assert switches >= 5


def test_an_outlet_is_named_again_under_a_heading(demo_documents, embedder) -> None:
    """The first sentence under a heading names whose it is (or its own speaker), even
    when the sentence before the heading came from the same source: a credit does not
    carry past a heading."""
    continued = 0
    for docs in demo_documents.values():
        article = write(docs, embedder)
        before = article.lead[-1] if article.lead else None
        for section in article.sections:
            first = section.sentences[0]
            if before is not None and before.citation.doc_id == first.citation.doc_id:
                continued += 1
            credited = unframe(first.text).credited
            assert credited in (first.citation.outlet, "one report", "another report") \
                or has_own_attribution(first.text) or \
                first.text.startswith(("“", '"')), first.text
            before = section.sentences[-1]
    assert continued >= 1


def test_story_with_follow_ups_leads_with_the_latest_news(demo_documents, embedder) -> None:
    docs = demo_documents["port-strike"]
    article = write(docs, embedder)
    newest = max(d.published_at for d in docs)
    lead_doc = next(d for d in docs if d.id == article.lead[0].citation.doc_id)
    assert (newest - lead_doc.published_at).total_seconds() <= 30 * 3600
    headings = [s.heading.lower() for s in article.sections]
    assert any(h.endswith("how it unfolded") for h in headings), headings
    # the latest developments come before how it unfolded
    latest = next(i for i, h in enumerate(headings) if h.startswith("the latest"))
    earlier = next(i for i, h in enumerate(headings) if h.endswith("how it unfolded"))
    assert latest < earlier


def test_too_little_text_gives_no_article(embedder) -> None:
    doc = Document(id=1, url="https://x.example/a", canonical_url="https://x.example/a",
                   title="Short", text="Too short to write from.", content_hash="x",
                   site_name="X")
    assert GroundedWriter().write(WriteRequest(story_id=1, documents=[doc],
                                               embedder=embedder)) is None


def _select_after_first(texts: list[str], vectors: np.ndarray, budget: int
                        ) -> list[Candidate]:
    """The writer's body selection over ``texts`` (one outlet's sentences, best first,
    with ``vectors`` as their meaning) after the first of them, already chosen."""
    doc = Document(id=1, url="https://a.example/", canonical_url="https://a.example/",
                   title="Ferry news", text="", content_hash="a", site_name="A")
    cands = [Candidate(doc=doc, index=i, text=t, outlet="A", vector=vectors[i],
                       score=1.0 - i / 10, written=t) for i, t in enumerate(texts)]
    return GroundedWriter()._select(cands[1:], [cands[0]], budget=budget, weights={})


def test_one_quotation_is_given_once_not_in_two_outlets_versions() -> None:
    """Two outlets' versions of one quotation ("with all urgency" / "with every boat we
    have") side by side read as a misquote: once one is chosen, the other is not, however
    different the rest of the sentences."""
    texts = [
        "At least 12 people died when a ferry capsized off Kelvport on Tuesday.",
        "“The search goes on with every boat we have and with all urgency,” harbour master "
        "Ines Carrow said.",
        "“The search goes on with every boat we have,” said harbour master Ines Carrow, "
        "who flew back from Ashgrove to take charge of 40 divers.",
        "An inquiry into the ferry's loading will open next month.",
    ]
    chosen = _select_after_first(texts, np.eye(4, dtype=np.float32), budget=3)  # no two alike
    quoting = [c.text for c in chosen if "The search goes on" in c.text]
    assert len(quoting) == 1 and chosen[-1].text == texts[3], [c.text for c in chosen]


def test_one_short_phrase_quoted_twice_in_similar_sentences_is_told_once() -> None:
    """Two outlets quoting one short phrase ("final sailing" / "final sailing of the
    season") in sentences alike in meaning tell one thing twice; a phrase quoted again in
    a sentence that tells something else, a quoted title or a one-word quotation does
    not keep a sentence out."""
    from newsdesk.standalone import quotations

    assert quotations("The board called it the “final sailing of the season.”").shares_phrase(
        quotations("The board said this would be the “final sailing” for now."))
    assert not quotations("The board called it “final.”").shares_phrase(
        quotations("The board said this would be the “final sailing” for now."))
    assert not quotations("Carrow called the fare “fair and square.”").shares_phrase(
        quotations("Moss said the fare was “square” with the law and “fair.”"))
    assert not quotations("Carrow told “Harbour Watch” that the fare is fair.").shares_phrase(
        quotations("Moss said on “Harbour Watch” that the ferries are late."))
    assert not quotations("The fare is “non-sense,” Moss said.").shares_phrase(
        quotations("“This fare non-sense is merely an attempt to cover up,” Moss said."))

    texts = [
        "The Kelvport ferry will stop running on Sunday until the spring.",
        "The harbour board said Sunday's crossing would be the “final sailing” of the "
        "year and that riders should take the bus from Monday.",
        "The board described it as the “final sailing of the season” in a notice on "
        "Friday, The Ledger reported.",
        "An inquiry into the ferry's loading will open next month.",
        "Riders held a “final sailing” party on the North Quay with a brass band.",
    ]
    vectors = np.eye(5, dtype=np.float32)
    vectors[2] = np.array([0, 0.7, 0.7141, 0, 0], dtype=np.float32)  # fairly alike to 1
    chosen = _select_after_first(texts, vectors, budget=4)
    assert [c.text for c in chosen] == [texts[1], texts[3], texts[4]]


def test_a_round_version_of_a_figure_given_is_no_new_figure() -> None:
    from newsdesk.builtin.write_grounded import figures_given

    assert figures_given({"2700"}, {"2702", "3"})
    assert figures_given({"2702"}, {"2702"})
    assert not figures_given({"2700", "12"}, {"2702"})
    assert figures_given({"9.2"}, {"9.21", "9.19"})
    assert not figures_given({"1.5"}, {"1.565"})  # a forecast beside the figure
    assert not figures_given({"3.5"}, {"3.6"})
    assert not figures_given({"2024"}, {"2017"})  # two years
    assert not figures_given({"95"}, {"96"})  # small counts differ


def test_the_headline_says_what_the_article_tells(embedder) -> None:
    """A source whose text gave the article nothing (here: a columnist's "we" and "I")
    does not give it a headline that promises something else (fact-checks), however
    central its title's words."""
    spec = [("ledger", "Kelvport ferry fares to fall 20% from June, harbour board says",
             "The Kelvport harbour board voted on Monday to cut ferry fares by 20% from "
             "June. The cut follows three weeks of protests by riders at the North Quay "
             "terminal. Board chair Ines Carrow said the cut would cost the port 4 million "
             "a year."),
            ("courier", "Riders win: Kelvport ferry fares cut after weeks of protest",
             "Ferry riders in Kelvport won a 20% fare cut on Monday after weeks of protests. "
             "The harbour board approved the cut by a vote of 7-2. Councillor Ada Moss, who "
             "led the protests, called the vote a victory for commuters."),
            ("globe", "Kelvport ferry fares: five claims fact-checked",
             "We looked at what the board said. I think it got the numbers wrong. You should "
             "read the minutes yourself.")]
    docs = [Document(id=i, url=f"https://{n}.example/a", canonical_url=f"https://{n}.example/a",
                     title=t, text=x, content_hash=n, site_name=n.title())
            for i, (n, t, x) in enumerate(spec, 1)]
    article = write(docs, embedder)
    told = {s.citation.doc_id for s in article.body_sentences() if not s.headline}
    assert 3 not in told
    assert article.headline.citation.doc_id in told, article.headline.text


def test_excerpts_cut_off_mid_sentence_still_make_a_brief(embedder) -> None:
    from newsdesk.builtin.verify_alignment import AlignmentVerifier

    texts = ["The harbour board on Monday said it would cut ferry fares for Kelvport, "
             "Halden and Ashgrove, as a queue of thousands of riders formed outside",
             "Councillor Ada Moss tore into the harbour board on Thursday over the ferry "
             "fare cut -- telling the council at a public"]
    docs = [Document(id=i, url=f"https://{n}.example/a", canonical_url=f"https://{n}.example/a",
                     title="Harbour board cuts ferry fares", text=t, content_hash=n,
                     site_name=n.title())
            for i, (n, t) in enumerate(zip(("ledger", "courier"), texts, strict=True), 1)]
    article = write(docs, embedder)
    body = [s for s in article.body_sentences() if not s.headline]
    published = [s.text for s in body]
    assert any(t.endswith("for Kelvport, Halden and Ashgrove.") for t in published), published
    assert any("over the ferry fare cut" in t for t in published), published
    assert not any("queue" in t or "telling" in t for t in published)
    # the citation is the source's own (cut-off) sentence, and the verifier accepts the
    # clause it opens with
    assert {s.citation.source_text for s in body} <= set(texts)
    verdicts = AlignmentVerifier().verify(article.body_sentences(), embedder,
                                          {d.id or 0: d.text for d in docs})
    assert all(v.status == "supported" for v in verdicts), verdicts


def test_attribution_forms_keep_names_capitalised() -> None:
    case = WordCase(lower=frozenset({"retailers"}), proper=frozenset({"ostmark"}))
    assert frame("Ostmark police closed the road.", "The Post", False, case) == \
        "According to The Post, Ostmark police closed the road."
    assert frame("Retailers warned of delays.", "The Post", False, case) == \
        "According to The Post, retailers warned of delays."
    assert frame("A fire broke out.", "The Post", False, case) == \
        "According to The Post, a fire broke out."
    assert frame("Retailers warned of delays.", "The Post", True, case) == \
        "Retailers warned of delays, The Post reported."
    assert frame("DHWU members walked out.", "The Post", False, case).startswith(
        "According to The Post, DHWU")
    # a title before a name is not part of it
    assert frame("Former Secretary of State Ada Moss spoke on Sunday.", "The Post", False,
                 case) == ("According to The Post, former Secretary of State Ada Moss "
                           "spoke on Sunday.")
    # a sentence that ends on its own credit takes the frame at its head, not a second
    # credit after the first
    assert frame("Mayor Ada Moss will close the pier, according to several reports.",
                 "one report", False, case) == ("According to one report, Mayor Ada Moss "
                                                "will close the pier, according to several "
                                                "reports.")


def test_wire_datelines_are_removed() -> None:
    assert strip_dateline("HALDEN, Nov 19 (Allied Wire) — The assembly voted.") == \
        "The assembly voted."
    assert strip_dateline("PORT CALDER, Nov 16 (Allied Wire) - About 1,850 walked out.") == \
        "About 1,850 walked out."
    assert strip_dateline("The assembly voted — narrowly.") == "The assembly voted — narrowly."
    assert strip_dateline("CAIRO—The envoy met Morsi.") == "The envoy met Morsi."
    assert strip_dateline("SYCAMORE, Ill. --A judge ruled.") == "A judge ruled."
    assert strip_dateline("(CNN) - Sanders ended his campaign.") == "Sanders ended his campaign."
    assert strip_dateline("KELVPORT HILLS >> Detectives are looking for the ferry.") == \
        "Detectives are looking for the ferry."
    assert strip_dateline("(Allied Wire) Update: The board said the ferry was a test.") == \
        "The board said the ferry was a test."
    assert rejection("(Allied Wire) Update: The board said late Wednesday that the ferry "
                     "it had feared lost was, in fact, on a test run.") is None
    assert strip_dateline("(Allied Wire) Ada Moss, the mayor-elect, pleaded guilty.") == \
        "Ada Moss, the mayor-elect, pleaded guilty."
    # a sentence in brackets, or one that opens on one, keeps it
    assert strip_dateline("(Nifty harbour scene, though, and points for the music.)") == \
        "(Nifty harbour scene, though, and points for the music.)"
    assert strip_dateline("(The vote was 7-2.) The board left.") == \
        "(The vote was 7-2.) The board left."
    assert strip_dateline("KELVPORT, New Vellia - The envoy met the mayor.") == \
        "The envoy met the mayor."
    assert strip_dateline("Kelvport, VA - Monday, a judge heard the case.") == \
        "Monday, a judge heard the case."
    assert strip_dateline("Kelvport, Vellia (Wire) The man was freed on Friday.") == \
        "The man was freed on Friday."
    # a senator's state in brackets is no dateline
    assert strip_dateline("Sen. Ada Moss (NY) Monday said fares would fall.") == \
        "Sen. Ada Moss (NY) Monday said fares would fall."
    # capitals followed by a hyphenated word or an aside are no dateline
    assert strip_dateline("US-led forces struck.") == "US-led forces struck."
    assert strip_dateline("NASA — the agency — said.") == "NASA — the agency — said."


def test_written_article_passes_its_own_verification(demo_documents, embedder,
                                                     tmp_path: Path) -> None:
    from newsdesk.builtin.verify_alignment import AlignmentVerifier

    docs = demo_documents["cup-final"]
    article = write(docs, embedder)
    texts = {d.id or 0: d.text for d in docs}  # as the write stage passes them
    verdicts = AlignmentVerifier().verify(article.body_sentences(), embedder, texts)
    supported = sum(v.status == "supported" for v in verdicts)
    assert supported / len(verdicts) >= 0.9


def test_invisible_characters_are_not_published() -> None:
    from newsdesk.writing.candidates import light_form

    assert light_form("Councillor Ada Moss \u200b \u200bapplauded the fare deal.") == \
        "Councillor Ada Moss applauded the fare deal."
    assert light_form("The co\u00adoperative\ufeff runs the ferries.") == \
        "The cooperative runs the ferries."


def test_safe_compression_drops_only_asides_outside_quotes() -> None:
    assert compress("But the expected eviction had not happened by Sunday.") == \
        "The expected eviction had not happened by Sunday."
    assert compress("Meanwhile, police looked on.") == "Police looked on."
    assert compress("Authorities sent Paul Ciancia (see-AHN'-see-uh) to hospital.") == \
        "Authorities sent Paul Ciancia to hospital."
    # words inside a quotation are never touched, nor is a connective without its comma
    quoted = "“We will (if needed) act,” the mayor said."
    assert compress(quoted) == quoted
    assert compress("Still more rain fell on the city.") == "Still more rain fell on the city."


def test_the_line_before_an_embedded_post_is_not_used(embedder) -> None:
    from newsdesk.writing.candidates import introduces_embed

    text = ("Mayor Ada Moss explains why the ferry vote should wait. @AdaMossKelvport I "
            "would love to hold the vote, but not before the audit is done. The harbour "
            "board had planned to vote on the ferry fare cut on Tuesday.")
    sentences = split_sentences(text)
    assert [introduces_embed(sentences, i) for i in range(len(sentences))] == [
        True, False, False]
    assert rejection(sentences[1]) == "boilerplate"
    docs = [Document(id=1, url="https://a.example/1", canonical_url="https://a.example/1",
                     title="Ferry fare vote delayed", text=text, content_hash="a",
                     site_name="Courier"),
            Document(id=2, url="https://b.example/2", canonical_url="https://b.example/2",
                     title="Ferry fare vote delayed", content_hash="b", site_name="Ledger",
                     text="The Kelvport harbour board delayed its vote on the ferry fare "
                          "cut on Tuesday. Mayor Ada Moss had asked for an audit first.")]
    article = write(docs, embedder)
    published = [s.text for s in article.body_sentences() if not s.headline]
    assert not any("explains why" in t or "@" in t for t in published), published


def test_page_furniture_and_cut_off_text_are_not_used() -> None:
    # a page whose links were stripped with their words, a credit run into the text
    assert rejection("The 53-year-old was the harbour master and longtime pilot at, now "
                     "known asKelvport Ferries, beginning in the early.") == "words_lost"
    assert rejection("Ada Moss was charged in the thefts. (Kelvport Police Service) The "
                     "53-year-old was the harbour master.") == "words_lost"
    assert rejection("Officials at the Kelvport Harbour Authority (KHA) said fares would "
                     "rise on Monday.") is None
    assert rejection("Councillor Ada Moss described the new pier as a \"wonderful "
                     "discovery\".") is None
    assert rejection("More riders filed claims as the strike wages on, the harbour board "
                     "said on Monday.") is None
    assert rejection("For breaking news and analysis from Kelvport, follow The Ledger "
                     "Harbour on Facebook.") == "boilerplate"
    assert rejection("The mayor will follow the vote on Facebook and in the council.") is None
    # a call for tips with a number to reach is page furniture of a police report
    assert rejection("Anyone with information regarding this case is asked to call Kelvport "
                     "Police Officer Ada Moss at 413-555-0170, ext 384.") == "appeal"
    assert rejection("Police asked riders to call (413) 555-0170 with tips about the fire.") \
        == "appeal"
    assert rejection("The ferry line sold 1,250,000 tickets in 2023, up 12% on 2022.") is None
    assert rejection("Members of Occupy remain on site at City Hall into the evening. "
                     "(David M Warren / Staff Photographer)") == "boilerplate"
    assert rejection("FILE - In this May 3, 2017 file photo, a man walks past the court.") \
        == "boilerplate"
    assert rejection("The harbour camp is seen before the midnight deadline for eviction "
                     "passes in Kelvport, November 27, 2011.") == "boilerplate"
    assert rejection("The fare rise is seen as a test of the mayor's promise to riders.") \
        is None
    assert rejection("Mayor Ada Moss boards a ferry for a trip to Halden, Sunday, Sept. 22, "
                     "2019, at Kelvport pier.") == "boilerplate"
    assert rejection("The mayor said on Sunday, Sept. 22, that the ferry would run again.") \
        is None
    assert rejection("Ada Moss leaves the Kelvport courthouse during a lunch break in "
                     "Kelvport, Oregon March 25, 2015.") == "boilerplate"
    assert rejection("A harbour worker checks the ropes of a ferry in Halden, Norway, "
                     "December 28, 2017.") == "boilerplate"
    assert rejection("The ferry line opened in Halden on March 25, 2015.") is None
    assert rejection("You can add location information to your Tweets, such as your city.")
    assert rejection("Story continues below advertisement and more text to pad it out.")
    assert rejection("Breaking News Emails Get breaking news alerts and special reports.") \
        == "boilerplate"
    assert rejection("Republican Brian Kemp will be the next governor of Georgia, following") \
        == "incomplete"
    assert rejection("But they said the plan would be dropped within a week.") == "needs_context"
    assert rejection("PUBLISHED FEBRUARY 23, 2021: Councillors are forging ahead with a vote "
                     "on the fare plan.") == "label"
    assert rejection("A typical teen: Until the storm she had never missed a ferry to "
                     "school.") == "label"
    # the outlet telling its readers about its own coverage
    assert rejection("The Ledger will provide up-to-date results and live analysis of the "
                     "vote.") == "boilerplate"
    assert rejection("Check back for updates on the fare vote on Monday.") == "boilerplate"
    assert rejection("The harbour board will provide free ferries on Sunday, officials "
                     "said.") is None
    # a subtitle run into the text's first sentence, the stop between them lost
    assert rejection("In a 7-2 vote that affects 40,000 riders, the board says the fares "
                     "were never justified KHSB The harbour board on Monday cut ferry "
                     "fares by a fifth.") == "run_together"
    assert rejection("Councillor Ada Moss criticized The Ledger for its coverage of the "
                     "fare vote on Monday.") is None
    assert rejection("Ada Moss told The Ledger that the fare vote would go ahead on "
                     "Monday.") is None
    assert rejection("The fare dispute was the subject of the documentary The Long Queue "
                     "last year.") is None
    # a page's label or dateline glued to the first word, its break or dash lost
    assert rejection("Analysis The letter published by the Ledger gives an insight into "
                     "the mayor's plans.") == "run_together"
    assert rejection("Kelvport, New Vellia The man convicted in the ferry case was "
                     "released on Friday.") == "run_together"
    assert rejection("In The Ledger's poll, the mayor leads by nine points on the fare "
                     "plan.") is None
    # a page's fields or a gallery's caption, not a sentence
    assert rejection("Image 2 of 4 Ada Moss plays a ferry captain in the new film.") == \
        "boilerplate"
    assert rejection("Ferry Tale, The DRAMA: Vellia, 2010 Release Date: 2010-02-12 Running "
                     "Length: 1:45 Cast: Ada Moss, Rand Okafor") == "boilerplate"
    # an author's answer to the sentence before, with nothing of its own to check, would
    # read as the newsroom's judgement once its "But" is gone
    assert rejection("But there's less here than meets the eye.") == "counterpoint"
    assert rejection("Still, the whole effort looks smaller than it first seemed.") == \
        "counterpoint"
    assert rejection("After all, the next election is around the corner.") == "counterpoint"
    # a verb of saying names the sentence's speaker only outside a clause of its own
    assert has_own_attribution("Ferry crews pulled 118 people from the water, Mayor Ines "
                               "Carrow said on Tuesday.")
    assert has_own_attribution("Fares rose 3%, according to the harbour board.")
    assert has_own_attribution("As the Kelvport Ledger reports, the ferry was overloaded.")
    assert not has_own_attribution("The strike deepened a rift between the unions, two days "
                                   "after the board said it would cut pay.")
    assert not has_own_attribution("The board, which said in 2024 that fares would fall, "
                                   "raised them again on Monday.")
    assert not has_own_attribution("Riders praised the “crews who said no to the cuts” on "
                                   "Monday.")
    assert not has_own_attribution("The cut means more riders will take the ferry, even "
                                   "though experts at a meeting of the board said it would "
                                   "cost too much.")
    assert has_own_attribution("Ada Moss, who chairs the harbour board, said the cut would "
                               "start in June.")
    assert has_own_attribution("Ferry crews searched the hull after the ferry capsized on "
                               "Tuesday, the harbour master said.")
    # a verb of saying inside an aside between dashes tells about the subject: the
    # sentence itself still needs its outlet
    assert not has_own_attribution("Mayor Ines Carrow — who long insisted the ferries were "
                                   "safe, and claimed that the hull was new — wanted a word "
                                   "with the riders about the inquiry.")
    assert has_own_attribution("The repairs will cost $4 million — a third more than "
                               "planned — the harbour board said.")
    # a quote widget's tickers after a company's name are not part of the sentence
    from newsdesk.writing.candidates import light_form
    assert light_form("Investors cheered the move at Kestrel Holdings KSTL, +2.00% KSTB, "
                      "-1.89% on Monday.") == "Investors cheered the move at Kestrel " \
        "Holdings on Monday."
    assert light_form("Fares in the US, +2% on the year, rose again.") == \
        "Fares in the US, +2% on the year, rose again."
    # a short parenthetical goes, unless it limits what it follows
    from newsdesk.writing.candidates import drop_parentheticals
    assert drop_parentheticals("Councillor Ada Moss (Lab.) backed the freeze.") == \
        "Councillor Ada Moss backed the freeze."
    assert drop_parentheticals("The board agreed to print the mayor's name on the tickets "
                               "(but not her signature).") == (
        "The board agreed to print the mayor's name on the tickets (but not her signature).")
    # with a name, a number or a speaker it is news, and the connective alone goes
    assert rejection("But the harbour board voted 7-2 to keep the ferry running.") is None
    assert rejection("But the port authority said the cranes would restart on Monday.") \
        is None
    assert rejection("Details: The autopsy found the death was a homicide, officials said.") \
        == "label"
    # the rest of an earlier sentence, one item of a list announced before it
    assert rejection("Or after two councillors survived attacks on the ferry pier.") \
        == "needs_context"
    assert rejection("One, an order closing the night ferry, is expected to be issued Monday.") \
        == "needs_context"
    assert rejection("Okafor: The ferries will run on Sunday, he told reporters.") != "label"
    # an author's biography under the text, and a line about another text
    assert rejection("LEDGER staff writer Ada Moss has covered the ferry strike since it "
                     "began in early January.") == "boilerplate"
    assert rejection("Harbour Times reporter Ada Moss was detained at the port on Monday, "
                     "officials said.") is None
    assert rejection("The article also includes a section quoting officials who expect a "
                     "delay.") == "another_text"
    assert rejection("The opening sentence of the report from Ada Moss claims the fares "
                     "will double.") == "another_text"
    assert rejection("Moss wrote in the op-ed in The Harbour Times that the fares would "
                     "double.") is None
    assert rejection("The piece of legislation passed the council by nine votes to two.") \
        is None
    assert rejection("Police had no plans to evict anyone, Chief Inspector Joseph Sullivan "
                     "said.") is None


def test_a_page_cut_off_mid_sentence_gives_its_whole_main_clause() -> None:
    from newsdesk.writing.candidates import clause_head
    assert clause_head("The mayor on Monday said the city would cut ferry fares for "
                       "Kelvport, Halden and Ashgrove, as a queue of thousands of riders "
                       "formed outside") == ("The mayor on Monday said the city would cut "
                                             "ferry fares for Kelvport, Halden and Ashgrove.")
    assert clause_head("Councillor Ada Moss tore into the harbour board on Thursday over "
                       "the ferry strike -- telling the council at a public") == (
        "Councillor Ada Moss tore into the harbour board on Thursday over the ferry strike.")
    # what follows qualifies what came before: cutting it would change what is said
    assert clause_head("The mayor said she would back the fare freeze -- but only if the "
                       "harbour board agreed to") is None
    assert clause_head("Officials said the night ferry would run, as long as the weather "
                       "holds over the") is None
    # a participle of consequence, or a noun phrase that sums the clause up
    assert clause_head("The council confirmed Ada Moss as harbour master on Thursday, "
                       "installing a veteran pilot with decades of experience to run the "
                       "port and") == ("The council confirmed Ada Moss as harbour master on "
                                       "Thursday.")
    assert clause_head("The harbour board said on Friday that ferries serving Kelvport will "
                       "no longer stop at Halden, a move that") == (
        "The harbour board said on Friday that ferries serving Kelvport will no longer stop "
        "at Halden.")
    assert clause_head("The board barred night crossings from the $40 million ferry "
                       "programme, a long-expected move") == (
        "The board barred night crossings from the $40 million ferry programme.")
    # a clause of time without a comma adds to the main clause too, unless the main
    # clause is negated or the time is its point
    assert clause_head("A lawyer for Ada Moss would brief the mayor's lawyers on her talks "
                       "with investigators even after Moss agreed to") == (
        "A lawyer for Ada Moss would brief the mayor's lawyers on her talks with "
        "investigators.")
    assert clause_head("The council will not vote on the ferry fares before the audit of "
                       "the harbour board is") is None
    assert clause_head("The harbour board approved the fare cut only after riders "
                       "protested for three") is None
    # a sentence that ends is not cut; no break point, no head
    assert clause_head("The mayor said fares would fall, as riders had asked.") is None
    assert clause_head("Even after the mayor pledged a fare freeze, her aides kept raising "
                       "the") is None


def test_headlines_cut_from_a_sentence_keep_its_main_clause() -> None:
    options = headline_options(
        "Mikhail Kalashnikov, who died last month aged 94, wrote a letter to Patriarch "
        "Kirill, the head of the Russian Orthodox Church.")
    assert options == [
        "Mikhail Kalashnikov wrote a letter to Patriarch Kirill, the head of the Russian "
        "Orthodox Church",
        "Mikhail Kalashnikov wrote a letter to Patriarch Kirill"]
    # never before what takes back or limits what came before it
    assert headline_options(
        "Judge Ada Moss first sentenced the harbour master to four days in jail, to be "
        "served on weekends, but switched to community service instead.") == [
        "Judge Ada Moss first sentenced the harbour master to four days in jail, to be "
        "served on weekends, but switched to community service instead"]


def test_speakers_are_the_names_next_to_a_verb_of_saying() -> None:
    people = ["Mark McDonald", "Andy Smith", "Joe Biden", "Adam Schiff"]
    assert speaker_names("“We expect them to leave,” said Mark McDonald, spokesman for the "
                         "mayor.", people) == ["Mark McDonald"]
    assert speaker_names("“No plans,” LAPD Cmdr. Andy Smith said.", people) == ["Andy Smith"]
    assert speaker_names("“I am,” he told The Washington Post.", people) == []
    # the person spoken about is not the speaker
    assert speaker_names("Adam Schiff, D-Calif., said on Thursday that the request to "
                         "investigate former Vice President Joe Biden was a breach.",
                         people) == ["Adam Schiff"]


def test_headings_name_what_each_section_is_about(demo_documents, embedder) -> None:
    for story in ("port-strike", "vantacor-breach", "aster-rescue", "cup-final"):
        article = write(demo_documents[story], embedder)
        informative = [s for s in article.sections if s.heading not in ROLE_HEADINGS.values()]
        assert informative, (story, [s.heading for s in article.sections])
        for section in informative:
            assert len(section.heading.split()) <= 9, section.heading
            text = " ".join(s.text for s in section.sentences)
            named = section.heading
            for phrase in ("The latest on ", ": what happened", ": how it unfolded",
                           ": the background", "What ", " said", "More on "):
                named = named.replace(phrase, "")
            for name in named.split(" and "):
                assert name in text, (section.heading, text)


def test_sources_without_outlet_title_or_date_still_make_an_article(demo_documents,
                                                                   embedder) -> None:
    from newsdesk.builtin.verify_alignment import AlignmentVerifier

    bare = [Document(id=d.id, url="", canonical_url="", title="", text=d.text,
                     content_hash=d.content_hash) for d in demo_documents["port-strike"]]
    article = write(bare, embedder)
    assert article.headline.text and not article.headline.text.endswith(".")
    assert len(article.headline.text.split()) <= 20
    assert article.headline.citation.sentence_index >= 0  # cut from a cited sentence
    # with no outlet to name, a report is credited as "one report" / "another report"
    prose = [s.text for s in article.body_sentences()]
    assert not any(t.endswith(" reported.") for t in prose)
    credited = [t for t in prose if "one report" in t or "another report" in t]
    assert credited and all("According to " not in t or t.startswith(
        ("According to one report", "According to another report")) for t in credited)
    # and in the body too: each source's first sentence says whose it is, so that no
    # unnamed report's words read as the newsroom's own
    from newsdesk.writing.candidates import has_own_attribution
    first: dict[int, str] = {}
    for sentence in [*article.lead, *(s for sec in article.sections for s in sec.sentences)]:
        first.setdefault(sentence.citation.doc_id, sentence.text)
    for text in first.values():
        assert "one report" in text or "another report" in text or \
            has_own_attribution(text) or text.startswith(("“", '"')), text
    # two reports are never both "one report", even from one feed of unnamed items
    by_credit: dict[str, set[int]] = {}
    for sentence in article.body_sentences():
        for credit in ("one report", "another report"):
            if credit in sentence.text:
                by_credit.setdefault(credit, set()).add(sentence.citation.doc_id)
    assert len(by_credit.get("one report", set())) == 1, by_credit
    assert len(by_credit) == 2, by_credit
    verdicts = AlignmentVerifier().verify(article.body_sentences(), embedder)
    assert verdicts[0].status == "supported", verdicts[0]  # the headline
    assert sum(v.status == "supported" for v in verdicts) / len(verdicts) >= 0.9


def test_a_word_budget_bounds_the_article(demo_documents, embedder) -> None:
    docs = demo_documents["port-strike"]
    article = GroundedWriter(max_words=80).write(
        WriteRequest(story_id=1, documents=docs, embedder=embedder))
    assert article is not None
    prose = [article.summary, *article.lead, *(s for sec in article.sections
                                               for s in sec.sentences)]
    lengths = [len(s.text.split()) for s in prose]
    # selection stops once the budget is reached: only the last sentence may cross it
    assert sum(lengths[:-1]) < 80 + 10  # attribution adds a few words per outlet
    unbounded = write(docs, embedder)
    assert len(prose) < len(unbounded.body_sentences()) - 1


def test_compressed_sentences_still_pass_verification(embedder) -> None:
    from newsdesk.builtin.verify_alignment import AlignmentVerifier

    texts = [
        "HALDEN, Nov 19 (Allied Wire) — The regional assembly (the Landsting) voted 61 to 40 "
        "on Tuesday to approve the Varsk rail tunnel. But the finance committee warned that "
        "the cost of 4.2 billion crowns (about $400 million) could rise. Engineers expect "
        "digging to start in the spring of 2027 near the harbour.",
        "The Landsting approved the Varsk tunnel (a 12-kilometre link) by 61 votes to 40. "
        "Meanwhile, opponents said they would take the decision to court in January. "
        "Rail unions welcomed the vote as a boost for jobs in the north.",
    ]
    docs = [Document(id=i, url=f"https://o{i}.example/a", canonical_url=f"https://o{i}.example/a",
                     title="", text=t, content_hash=str(i), site_name=f"Outlet {i}")
            for i, t in enumerate(texts, 1)]
    article = write(docs, embedder)
    sentences = article.body_sentences()
    shortened = [s for s in sentences[1:] if "(" in s.citation.source_text
                 and "(" not in s.text]
    assert shortened, [s.text for s in sentences]
    for sentence in sentences[1:]:
        assert not sentence.text.startswith(("But ", "Meanwhile", "HALDEN"))
    verdicts = AlignmentVerifier().verify(sentences, embedder)
    assert all(v.status == "supported" for v in verdicts), [
        (s.text, v.missing) for s, v in zip(sentences, verdicts, strict=True)]


def test_a_headline_cut_from_the_lead_keeps_who_said_it(embedder) -> None:
    """Sources without titles: the headline is the lead cut to length, and a cut that
    would drop the sentence's credit would state a claim as the newsroom's own."""
    from newsdesk.builtin.write_grounded import Candidate

    text = ("The ticket system of the Kelvport ferry line was broken into by hackers as far "
            "back as July, according to people briefed on the investigation.")
    doc = Document(id=1, url="", canonical_url="", title="", text=text, content_hash="1")
    lead = Candidate(doc=doc, index=0, text=text, outlet="", written=text)
    lead.vector = embedder.embed_batch([text])[0]
    headline, _credit = GroundedWriter()._headline_from_text(lead, [lead], embedder, {1: 1})
    assert has_own_attribution(headline.text), headline.text
    assert headline.text == text.rstrip(".")


def test_a_headline_cut_from_text_names_what_it_tells_of(embedder) -> None:
    """The headline is read first: "The company disclosed the data theft ..." points back
    to a company no one has named, so another early sentence gives the headline."""
    from newsdesk.builtin.write_grounded import Candidate

    texts = ["The company disclosed the theft of riders' card data late last week.",
             "Kelvport Ferries said hackers stole the card data of 40,000 riders in July."]
    cands = []
    for i, text in enumerate(texts):
        doc = Document(id=i + 1, url="", canonical_url="", title="", text=text,
                       content_hash=str(i))
        cand = Candidate(doc=doc, index=0, text=text, outlet="", written=text, rank=0,
                         score=1.0 - i / 10)
        cand.vector = embedder.embed_batch([text])[0]
        cands.append(cand)
    headline, _credit = GroundedWriter()._headline_from_text(cands[0], cands, embedder,
                                                             {1: 1, 2: 2})
    assert headline.text.startswith("Kelvport Ferries said hackers stole"), headline.text
    assert headline.citation.doc_id == 2
    # with nothing else to stand on, the lead still gives one
    headline, _credit = GroundedWriter()._headline_from_text(cands[0], cands[:1], embedder,
                                                             {1: 1})
    assert headline.text.startswith("The company disclosed")


def test_picture_captions_are_not_used(embedder) -> None:
    caption = "Members of the union remain outside the port gates into the evening of Nov. 16."
    texts = [
        f"{caption} (Jane Doe / Staff Photographer)\n"
        "About 1,850 dockworkers walked out at Port Calder on Monday over pay. "
        "The union wants a 9% rise and the operator has offered 4.5%. "
        "Container traffic at the country's busiest port stopped within hours.",
        "Dockworkers at Port Calder began a 72-hour strike on Monday in a dispute over pay. "
        "The operator said it had offered a 4.5% rise and was ready to talk. "
        "Twenty-three ships were waiting at anchor by Monday evening.",
    ]
    docs = [Document(id=i, url="", canonical_url="", title="", text=t, content_hash=str(i))
            for i, t in enumerate(texts, 1)]
    article = write(docs, embedder)
    assert all(s.citation.source_text != caption for s in article.body_sentences())



def test_a_photo_gallerys_captions_are_not_used() -> None:
    from newsdesk.writing.candidates import gallery_captions

    caption = "Rand Okafor plays the ferry captain in “Tide.”"
    text = (f"Photo: Ada Moss / Kelvport Films Image 1 of 4 {caption} {caption} Photo: Ada "
            f"Moss Image 2 of 4 Ada Moss is the mayor.\nThe film opens in Kelvport on "
            f"Friday. Critics liked it.")
    assert gallery_captions(split_sentences(text)) == {caption}


def test_a_run_the_verifier_opens_up_is_broken_again() -> None:
    # summary from source 2; the writer put source 1 between source 2's sentences, the
    # verifier dropped it: source 2 would now read three times in a row
    from newsdesk.records import Article, Citation, Section, Sentence
    from newsdesk.stages.write import break_runs

    def said(doc: int, n: int) -> Sentence:
        return Sentence(text=f"Sentence {n} of report {doc}.",
                        citation=Citation(doc_id=doc, sentence_index=n, source_text="x"))

    article = Article(story_id=1, headline=said(3, 0), summary=said(2, 0),
                      lead=[said(2, 1)], slug="s", meta_description="", keywords=[],
                      sources=[], writer="grounded",
                      sections=[Section(heading="What happened",
                                        sentences=[said(2, 2), said(1, 1), said(2, 3)]),
                                Section(heading="Reactions", sentences=[said(2, 4)])])
    break_runs(article)
    reading = [article.summary, *article.lead,
               *(s for section in article.sections for s in section.sentences)]
    assert [s.citation.doc_id for s in reading] == [2, 2, 1, 2, 2]
    assert [s.heading for s in article.sections] == ["What happened", "Reactions"]


def test_two_pages_of_one_outlet_are_one_source_for_a_run() -> None:
    from newsdesk.records import Article, Citation, Sentence
    from newsdesk.stages.write import break_runs

    def said(doc: int, n: int, outlet: str) -> Sentence:
        return Sentence(text=f"Sentence {n} of report {doc}.", citation=Citation(
            doc_id=doc, sentence_index=n, source_text="x", outlet=outlet))

    # reports 1 and 2 are both The Ledger's; 3 and 4 name no outlet
    article = Article(story_id=1, headline=said(1, 0, "The Ledger"),
                      summary=said(1, 0, "The Ledger"),
                      lead=[said(2, 1, "The Ledger"), said(1, 2, "The Ledger"),
                            said(3, 1, ""), said(4, 1, ""), said(3, 2, "")],
                      slug="s", meta_description="", keywords=[], sources=[],
                      writer="grounded", sections=[])
    break_runs(article)
    assert [s.citation.doc_id for s in article.lead] == [2, 3, 4, 3]


def test_the_writer_reads_no_outlet_three_times_in_a_row(demo_documents, embedder) -> None:
    from dataclasses import replace

    docs = demo_documents["port-strike"]
    assert len(docs) >= 3
    # every report but one from one outlet, on pages of its own
    same = [replace(d, site_name="The Ledger") for d in docs[:-1]] + [docs[-1]]
    article = write(same, embedder)
    reading = [article.summary, *article.lead,
               *(s for section in article.sections for s in section.sentences)]
    outlets = [s.citation.outlet for s in reading]
    assert len({s.citation.doc_id for s in reading if s.citation.outlet == "The Ledger"}) >= 2
    for i in range(len(outlets) - 2):
        assert len(set(outlets[i:i + 3])) > 1, outlets


def test_a_caption_is_not_published_as_a_sentence(demo_documents, embedder,
                                                  monkeypatch) -> None:
    """A photo caption at the top of every report: a whole "sentence" of its source,
    central to the story, and no clause. The writer reads what it chose and writes the
    article again without it."""
    from dataclasses import replace

    import newsdesk.builtin.write_grounded as grounded

    caption = ("Striking dockworkers at Port Calder on Monday, the first day of the "
               "72-hour strike over pay and automated cranes.")
    docs = demo_documents["port-strike"]
    docs = [replace(d, text=f"{caption}\n{d.text}") for d in docs]

    def given(article) -> list[str]:
        return [article.summary.text, *(s.text for s in article.lead),
                *(s.text for section in article.sections for s in section.sentences)]

    article = write(docs, embedder)
    assert not [t for t in given(article) if "Striking dockworkers" in t]
    assert all(grounded.are_sentences([s.citation.source_text for s in
                                       [article.summary, *article.lead]]))
    # the same story, every text taken for a sentence: the caption is chosen
    monkeypatch.setattr(grounded, "are_sentences", lambda texts: [True] * len(texts))
    assert [t for t in given(write(docs, embedder)) if "Striking dockworkers" in t]


def test_what_is_a_sentence() -> None:
    from newsdesk.writing.grammar import are_sentences

    clauses = ["Thousands of riders crammed into the ferry terminal ahead of the vote.",
               "Surprised by the message, Moss, 48, called Carrow.",
               "Hurdles to a final deal on the fares remain.",
               "Other ferry lines, meanwhile, continue to face staff shortages.",
               "The dispute centres on pay.",
               "Mayor Ada Moss boards the ferry for a trip to Halden.",
               "The ferry will run again on Monday.",
               "Fares rose by 4% in June, the harbour board said."]
    pieces = ["Kelvport Pictures Ada Moss as 'The Harbour Master.'",
              "Ines Carrow and her former PhD supervisor Bo Tenley.",
              "Crawls of supported ferry timetable sites.",
              "KLV, now known as Kelvport Radio, beginning in the early 1990s.",
              "Select a ferry route to see its timetable.",
              "Dockworkers on strike at Port Calder on Monday.",
              "For breaking news from Kelvport, features and analysis, follow the Ledger.",
              "Timetable for the main stages of the Kelvport regatta, for six time zones.",
              "Forget the fares, and think of it as a story about how the ferry looks "
              "when it sails."]
    assert are_sentences(clauses + pieces) == [True] * len(clauses) + [False] * len(pieces)


@pytest.mark.parametrize("title", [
    "Live updates: Harbour chiefs to testify before the council on ferry fares",
    "Analysis: What the ferry fare rise means for Kelvport",
    "OPINION: The ferry fare rise is a mistake",
    "‘Outrageous’: Riders protest ferry fare rise",
])
def test_labelled_titles_are_not_plain_headlines(title: str) -> None:
    assert not plain_title(title)
    assert plain_title(title.split(":", 1)[1].strip())


def test_a_title_that_tells_the_reader_what_to_do_is_not_a_headline() -> None:
    assert not plain_title("Read former harbour master Ada Moss's letter on the ferry fares")
    assert not plain_title("Watch the council vote on the ferry fare rise")
    assert plain_title("Reading council votes to freeze ferry fares for a year")


def test_a_teaser_or_a_shouted_word_is_not_a_plain_headline() -> None:
    assert not plain_title("Here’s Why Some Think the Ferry Fare Cut Is a Plot")
    assert not plain_title("Here are the five ferry routes that will close in May")
    reports = ["The fraud case against Ada Moss was dismissed on Monday, the court said.",
               "NATO ministers met in Kelvport on Monday."]
    assert not plain_title("Ada Moss has Kelvport fraud case DISMISSED by the court", reports)
    # an acronym the reports write in capitals too is not shouting
    assert plain_title("NATO ministers meet in Kelvport over ferry security", reports)
    assert not plain_title("Ada Moss has Kelvport fraud case DISMISSED by the court")
    assert plain_title("Ada Moss has Kelvport fraud case heard by the NTSB panel")
    # a word before a colon that no report writes as a name is the outlet's label
    ferry = ["Four ferry officials resigned in Kelvport on Monday over the fare plan."]
    assert not plain_title("Disaster: Four ferry officials resign over fare plan", ferry)
    assert plain_title("Kelvport: Four ferry officials resign over fare plan", ferry)
    assert plain_title("Ferry: Four officials resign in Kelvport over fare plan", ferry)


def test_a_headline_with_us_in_title_case_is_not_plain() -> None:
    # "US" lower-cased by title case, or the first person: the reader cannot tell
    assert not plain_title("Us Gets Closer to Making a Deal With the Ferry Union")
    assert not plain_title("Let Us Vote on the Harbor Bridge, Residents Say")
    assert plain_title("US Gets Closer to Making a Deal With the Ferry Union")


def test_a_place_or_person_before_a_colon_is_still_a_plain_headline() -> None:
    assert plain_title("Kelvport: Mayor launches attack on ferry fare rise")
    assert plain_title("Ada Moss: Riders deserve a fare freeze")


def test_a_summary_that_ends_on_its_own_credit_is_not_credited_twice() -> None:
    from newsdesk.attribution import WordCase
    from newsdesk.builtin.write_grounded import summary_line

    asked: list[str] = []

    def who() -> str:
        asked.append("who")
        return "one report"

    said = "The rule would cut 3.1 million people from the program, reports said."
    # an unnamed outlet adds nothing to the sentence's own credit, and is not registered
    assert summary_line(said, "", who, WordCase()) == said
    assert asked == []
    # a named outlet is still credited, at the head
    assert summary_line(said, "Reuters", lambda: "Reuters", WordCase()) == (
        "According to Reuters, the rule would cut 3.1 million people from the program, "
        "reports said.")
    # a source named inside the sentence: the outlet's credit closes it, so that the
    # sentence does not say "according to" twice
    inner = ("At least 1,000 schools have closed, according to Burbio, a data service "
             "that tracks reopenings, since the start of the year.")
    assert summary_line(inner, "The Ledger", lambda: "The Ledger", WordCase()) == (
        inner[:-1] + ", The Ledger reported.")
    # a credit that says when or to whom it was given is still the sentence's own
    told = ("The mayor will not sign the budget until the audit is done, her spokesman, "
            "Ed Rios, told The Kelvport Ledger late Thursday.")
    assert summary_line(told, "", who, WordCase()) == told
    dated = "Two stations will close in March, the Harbor Times reported Sunday."
    assert summary_line(dated, "", who, WordCase()) == dated
    assert asked == []
    # a sentence without its own credit gets the unnamed outlet's credit
    plain = "The rule would cut 3.1 million people from the program."
    assert summary_line(plain, "", who, WordCase()) == (
        "The rule would cut 3.1 million people from the program, one report said.")
    assert asked == ["who"]


def test_a_summary_that_credits_its_own_outlet_takes_no_frame() -> None:
    from newsdesk.attribution import WordCase, names_own_outlet
    from newsdesk.builtin.write_grounded import summary_line

    told = ("The mayor will propose $5 million in new spending on Friday, a source "
            "familiar with the plan tells The Kelvport Ledger.")
    assert summary_line(told, "The Kelvport Ledger", lambda: "The Kelvport Ledger",
                        WordCase()) == told
    assert names_own_outlet("Harbor Times has learned that two stations will close.",
                            "Harbor Times")
    assert names_own_outlet("Two stations will close, according to the Harbor Times.",
                            "Harbor Times")
    # another outlet named, or the outlet inside a quotation, is no credit of its own
    other = "Two stations will close, a source told the Coast Herald."
    assert not names_own_outlet(other, "Harbor Times")
    assert summary_line(other, "Harbor Times", lambda: "Harbor Times", WordCase()) == (
        "According to Harbor Times, two stations will close, a source told the Coast "
        "Herald.")
    assert not names_own_outlet("“I told the Harbor Times everything,” Ada Moss said.",
                                "Harbor Times")
    assert not names_own_outlet("The Harbor Times building will close.", "Harbor Times")
    assert not names_own_outlet("Anything at all.", "")


def test_the_line_under_the_headline_is_a_reports_opening_sentence() -> None:
    """The most central sentence of the story is a detail from the middle of one report
    ("... had been leading ...", its report's first usable sentence: the one before it
    named the outlet itself); the line under the headline is the other report's opening
    sentence, which states the news, and the detail comes after it."""
    from newsdesk.builtin.write_grounded import Candidate
    from newsdesk.writing.references import ReferenceTracker

    fox = Document(id=1, url="https://a.example/1", canonical_url="https://a.example/1",
                   title="Moss wins", text="", content_hash="a", site_name="Courier")
    usa = Document(id=2, url="https://b.example/2", canonical_url="https://b.example/2",
                   title="Moss wins", text="", content_hash="b", site_name="Ledger")
    detail = Candidate(doc=fox, index=1, text="Ada Moss had been leading Ines Carrow as "
                       "results came in throughout the evening.", outlet="Courier",
                       vector=np.array([1.0, 0.0]), score=0.9, rank=0)
    news = Candidate(doc=usa, index=0, text="Ada Moss won the Kelvport mayoral primary on "
                     "Tuesday, with Ines Carrow close behind.", outlet="Ledger",
                     vector=np.array([0.0, 1.0]), score=0.8, rank=0)
    for cand in (detail, news):
        cand.written = cand.text
    ranked = [detail, news]
    first, second = GroundedWriter._summary_and_lead(
        ranked, ranked, ranked, ranked, ReferenceTracker(["Ada Moss", "Ines Carrow"]))
    assert (first, second) == (news, detail)
    # two sentences that each open their report: the more central one comes first
    detail.index = 0
    first, second = GroundedWriter._summary_and_lead(
        ranked, ranked, ranked, ranked, ReferenceTracker(["Ada Moss", "Ines Carrow"]))
    assert (first, second) == (detail, news)


def test_a_credit_is_the_sentences_own_only_where_it_closes_the_sentence() -> None:
    from newsdesk.attribution import ends_on_own_credit

    assert ends_on_own_credit("The ferry will stop, officials said in a statement.")
    assert ends_on_own_credit("The ferry will stop, the Harbor Times reported on Monday.")
    assert ends_on_own_credit("The ferry will stop, she told reporters.")
    # a verb of saying inside the sentence, or one that does not close it, is not
    assert not ends_on_own_credit("He said the ferry would stop on Monday.")
    assert not ends_on_own_credit("The mayor, who said he was tired, left on Monday.")
    assert not ends_on_own_credit("The fare rise was told to every rider on Monday.")


def test_a_description_follows_the_source_sentence_that_gave_its_referent() -> None:
    from newsdesk.builtin.write_grounded import Candidate, follow_on

    def doc(n: int) -> Document:
        return Document(id=n, url=f"https://{n}.example/a", canonical_url=f"https://{n}.example/a",
                        title="Ferry fares", text="", content_hash=str(n))

    history, update = doc(1), doc(2)
    attempts = Candidate(doc=history, index=0, text="For 16 years, councillors have tried "
                         "to pass a fare cap.", outlet="")
    new_bill = Candidate(doc=update, index=0, text="Two councillors on Tuesday urged a vote "
                         "on a new fare cap.", outlet="")
    called = Candidate(doc=history, index=1, text="The bill was called the Fair Fares Act, "
                       "and it failed again and again.", outlet="")
    assert follow_on([attempts, new_bill, called]) == [attempts, called, new_bill]
    # in order already, or not opening with a description: as it was
    assert follow_on([attempts, called, new_bill]) == [attempts, called, new_bill]
    other = Candidate(doc=history, index=1, text="Councillors tried again in 2019.", outlet="")
    assert follow_on([attempts, new_bill, other]) == [attempts, new_bill, other]


def test_a_description_its_source_gave_in_other_words_is_not_read_after_another(
        embedder) -> None:
    """"The bill was called the Fair Fares Act ..." points back at its source's "a fare
    cap" (16 years of attempts). That sentence is not usable (its "here" names a place the
    article does not give), and after another outlet's "a new bill" the description would
    take the new bill for its referent: it is not published."""
    from newsdesk.writing.references import description_from_elsewhere

    history = ("For 16 years, councillors here have tried to pass a fare cap for riders. "
               "The bill was called the Fair Fares Act, and in councils left and right it "
               "failed again and again.")
    assert description_from_elsewhere("The bill was called the Fair Fares Act, and in "
                                      "councils left and right it failed again and again.",
                                      history)
    # a source that names the bill before it: its own description, whoever else has one
    assert not description_from_elsewhere(
        "The bill would cap fares at 2 pounds.",
        "The council passed a fare bill on Monday. The bill would cap fares at 2 pounds.")
    docs = [
        _report(1, "Harbour Times", "After 16 years, councillors try again on fares", history),
        _report(2, "Halden Post", "Two councillors back a new fare bill",
                "Councillor Ada Moss announced on Tuesday that she would back a bill with "
                "Councillor Ines Carrow to cap ferry fares for Kelvport riders. Moss said "
                "the cap would save commuters 300 pounds a year."),
        _report(3, "Allied Wire", "Councillors urge a vote on ferry fare cap",
                "Two Kelvport councillors on Tuesday urged the council to move quickly on a "
                "bill that would cap ferry fares for riders who cross the harbour daily."),
    ]
    article = GroundedWriter().write(WriteRequest(story_id=1, documents=docs,
                                                  embedder=embedder))
    assert article is not None
    published = [s.text for s in article.body_sentences() if not s.headline]
    assert not any("Fair Fares Act" in t for t in published), published


def _report(n: int, outlet: str, title: str, text: str) -> Document:
    return Document(id=n, url=f"https://{n}.example/a", canonical_url=f"https://{n}.example/a",
                    title=title, text=text, content_hash=str(n), site_name=outlet)


def test_reports_that_give_one_sentence_between_them_make_a_one_sentence_brief(
        embedder) -> None:
    docs = [
        _report(1, "Allied Wire", "Council confirms Ada Moss as harbour master",
                "Halden City Council confirmed Ada Moss as harbour master on Thursday, "
                "installing a veteran pilot with decades of experience to run the port and"),
        _report(2, "Halden Post", "Moss takes over at the port",
                "Even after Ada Moss pledged to keep the night ferries running, her critics "
                "on the council kept raising the"),
        _report(3, "Harbour Times Opinion", "Ada Moss is our new harbour master. Here is "
                "what she should do first", "With the confirmation of Ada Moss, we now have "
                "an experienced hand at the port."),
    ]
    article = GroundedWriter().write(WriteRequest(story_id=1, documents=docs,
                                                  embedder=embedder))
    assert article is not None
    assert article.kind == "brief" and article.lead == [] and article.sections == []
    assert article.summary.text == ("Halden City Council confirmed Ada Moss as harbour master "
                                    "on Thursday, Allied Wire reported.")
    assert article.summary.citation.doc_id == 1


def test_a_one_sentence_brief_is_published_but_an_emptied_body_is_not(tmp_path: Path) -> None:
    from newsdesk.records import Verdict
    from newsdesk.stages.write import verify_article

    from conftest import make_article

    class Verdicts:
        """Supports the headline and summary, and the body only when told to."""
        name = "stub"

        def __init__(self, body: bool) -> None:
            self.body = body

        def verify(self, sentences, embedder, documents=None):
            return [Verdict(status="supported" if i < 2 or self.body else "unsupported",
                            similarity=1.0) for i, _ in enumerate(sentences)]

    ctx = make_context(tmp_path)
    try:
        brief = make_article()
        brief.lead, brief.sections = [], []
        assert verify_article(brief, Verdicts(body=False), ctx, embedder=object()) is not None
        emptied = make_article()
        assert verify_article(emptied, Verdicts(body=False), ctx, embedder=object()) is None
        assert verify_article(make_article(), Verdicts(body=True), ctx,
                              embedder=object()) is not None
    finally:
        ctx.store.close()


def test_a_date_line_with_only_a_subordinate_clause_is_no_sentence() -> None:
    from newsdesk.writing.grammar import are_sentences

    pieces = ["November 1989, as the harbour wall was crumbling.",
              "Last week, when the storm hit the Kelvport coast.",
              "Because the ferry vote failed."]
    clauses = ["In November 1989, as the harbour wall was crumbling, crowds gathered.",
               "As expected, the ferry fare rise passed.",
               "When the storm hit, the ferry stayed in port.",
               "The vote failed because two councillors left early.",
               "Riders cheer as the first ferry sails past the pier.",
               "If the fares rise again, how will riders get to work?"]
    assert are_sentences(pieces + clauses) == [False] * len(pieces) + [True] * len(clauses)


def test_a_headline_cut_from_text_comes_from_a_report_the_article_tells(embedder) -> None:
    """Pages without titles: the headline is cut from a sentence of a report the
    article tells, never from another page of the story that it does not (a web
    archive's notice about broken links)."""
    from newsdesk.builtin.write_grounded import Candidate

    told = ("Kelvport's harbour board on Tuesday approved a plan to rebuild the ferry pier "
            "that collapsed in the spring storm and to have the first sailings back at the "
            "new pier by the end of next year.")
    notice = "The goal is to fix all broken ferry timetable links on the web."
    docs = [Document(id=i, url="", canonical_url="", title="", text=t, content_hash=str(i))
            for i, t in enumerate([told, notice], 1)]
    lead = Candidate(doc=docs[0], index=0, text=told, outlet="", written=told)
    other = Candidate(doc=docs[1], index=0, text=notice, outlet="", written=notice)
    for cand in (lead, other):
        cand.vector = embedder.embed_batch([cand.text])[0]
    other.score = 2.0
    headline, _credit = GroundedWriter()._headline(docs, lead, [lead, other], embedder,
                                                   {1: 1, 2: 2}, told=[docs[0]])
    assert headline.citation.doc_id == 1, headline.text


def test_an_excerpt_that_opens_mid_sentence_is_not_a_candidate() -> None:
    from newsdesk.writing.candidates import rejection

    assert rejection("titled “The Pier And The Port” and released Friday after a long "
                     "inquiry, relies on documents obtained by the board.") == \
        "starts_mid_sentence"
    assert rejection("de Brenner said the ferry line would reopen on Monday after the "
                     "storm.") is None
    assert rejection("iPhone ticket sales for the ferry line fell by 5% in the quarter, "
                     "the board said.") is None


def test_the_summary_is_not_a_past_before_another_past(embedder) -> None:
    """"The committee's members had already felt that ..." tells what came before a
    moment its own report set: the line under the headline states the news, even when
    that sentence opens the newest report."""
    from datetime import UTC, datetime

    texts = [
        "Kelvport's harbour board voted on Tuesday to close the old ferry pier for a year. "
        "Repairs will cost 4 million crowns.",
        "The old ferry pier in Kelvport will close for a year, the harbour board decided "
        "on Tuesday. The vote was 7-2.",
        "Kelvport's harbour board had already decided to close the old ferry pier for a "
        "year. Riders will use a temporary landing from Monday while the pier is closed.",
    ]
    times = [datetime(2026, 1, 1, 8, tzinfo=UTC), datetime(2026, 1, 1, 9, tzinfo=UTC),
             datetime(2026, 1, 2, 6, tzinfo=UTC)]
    docs = [Document(id=i, url=f"https://o{i}.example/a", canonical_url=f"https://o{i}.example/a",
                     title="", text=t, content_hash=str(i), site_name=f"Outlet {i}",
                     published_at=when)
            for i, (t, when) in enumerate(zip(texts, times, strict=True), 1)]
    article = write(docs, embedder)
    assert "had already" not in article.summary.text
    assert all("had already" not in s.text for s in article.lead[:1])


def test_an_excerpt_cut_off_with_an_ellipsis_is_not_a_whole_sentence() -> None:
    from newsdesk.segment import is_complete
    from newsdesk.writing.candidates import clause_head

    cut = ("The harbour report gives the first details of the attack that shut 40 ferry "
           "gates and...")
    assert not is_complete(cut)
    assert clause_head(cut) is None  # no main clause to keep before "and"
    teaser = ("The harbour report gives the first details of the attack, which shut 40 "
              "ferry gates across the city…")
    assert clause_head(teaser) == "The harbour report gives the first details of the attack."
    assert is_complete("“We waited and waited...” the captain said.")


def test_a_quotation_with_the_outlets_account_after_its_speaker_names_the_outlet(
        embedder) -> None:
    from newsdesk.writing.candidates import outlet_words_after_quote

    short = "“We will reopen the ferry,” Mayor Ada Moss told reporters on Tuesday."
    long_ = ("“I never cut a single fare,” harbour chief Rand Okafor told reporters on "
             "Friday in a rambling hour-long attempt to disown a memo that showed him "
             "ordering the cuts a week earlier.")
    assert outlet_words_after_quote(short) == 3
    assert outlet_words_after_quote(long_) == 21
    assert outlet_words_after_quote("The board said the ferry would reopen on Tuesday.") == 0
    # a quoted name opening the sentence, with any verb of saying after it
    assert outlet_words_after_quote(
        "“Harbourghost” explained in an online post that they took only the first ten of "
        "the thirteen timetables because the break-in came before the rest were ready.") == 24
    spec = [("ledger", "Harbour chief disowns ferry fare memo",
             long_ + " The memo, dated June 3, listed cuts on four ferry routes."),
            ("courier", "Ferry fare memo: harbour chief denies ordering cuts",
             "The harbour board's chief denied on Friday that he had ordered ferry fare "
             "cuts on four routes. The board will meet on Monday to discuss the memo. "
             + short)]
    docs = [Document(id=i, url=f"https://{n}.example/a", canonical_url=f"https://{n}.example/a",
                     title=t, text=x, content_hash=n, site_name=n.title())
            for i, (n, t, x) in enumerate(spec, 1)]
    article = write(docs, embedder)
    published = [s.text for s in article.body_sentences() if not s.headline]
    quoted = [t for t in published if t.startswith(("“I never", "According to Ledger, “I"))]
    assert quoted, published
    # the outlet closes the sentence (or opens it): its account is not the newsroom's
    assert all(t.endswith(", Ledger reported.") or t.startswith("According to Ledger")
               for t in quoted), quoted
    # a quotation with only its speaker, time and audience stays as it is
    assert all(not t.endswith("Courier reported.") for t in published if t.startswith("“We"))


def test_a_lead_in_before_a_colon_is_not_part_of_a_candidate() -> None:
    from newsdesk.writing.candidates import lead_in

    kicker = ("Riders storm the Kelvport Ferry Terminal: Hundreds of angry riders have broken "
              "into the harbour board's offices after weeks of protests.")
    assert lead_in(kicker) == "Riders storm the Kelvport Ferry Terminal"
    assert rejection(kicker) == "label"
    for text in ("The mayor said: “We will not sell the pier to anyone this year,” on Monday.",
                 "Soon after, most of the city's papers confirmed the story: The board had "
                 "sold the pier.",
                 "The council's answer was short: Fares stay the same."):
        assert lead_in(text) is None, text


def test_a_sentence_whose_words_another_already_says_is_a_repeat() -> None:
    from newsdesk.builtin.write_grounded import repeats, said_words

    short = said_words("Nine ferries will sail at five piers between Tuesday and Thursday.")
    long_ = said_words("The harbour board has set up a packed timetable for the second week "
                       "of the strike, with 9 ferries set to sail between Tuesday and "
                       "Thursday at the piers.")
    # "nine" and "9" are one number; nearly every word of the shorter is in the longer
    assert "9" in short and "nine" not in short
    assert repeats(short, long_) and repeats(long_, short)
    other = said_words("Nine ferries were cancelled on Monday after a storm hit the coast.")
    assert not repeats(other, long_)
    # too short to tell
    assert not repeats(said_words("Fares rose."), said_words("Fares rose again in June."))


def test_a_preview_a_later_report_overtook_is_not_told(embedder) -> None:
    from datetime import UTC, datetime

    spec = [("ledger", datetime(2026, 3, 3, 7, tzinfo=UTC), "Harbour chief to face council",
             "Harbour chief Rand Okafor will testify before the Kelvport council on Tuesday "
             "about the ferry fare cut. The council's hearing opens at 9 a.m. in the old "
             "customs house."),
            ("courier", datetime(2026, 3, 3, 19, tzinfo=UTC), "Harbour chief defends fare cut",
             "Harbour chief Rand Okafor testified before the Kelvport council on Tuesday "
             "that the ferry fare cut had been costed by the board. Councillors asked for "
             "the board's figures to be published within a week.")]
    docs = [Document(id=i, url=f"https://{n}.example/a", canonical_url=f"https://{n}.example/a",
                     title=t, text=x, content_hash=n, site_name=n.title(), published_at=when)
            for i, (n, when, t, x) in enumerate(spec, 1)]
    article = write(docs, embedder)
    published = [s.text for s in article.body_sentences() if not s.headline]
    assert any("testified before the Kelvport council" in t for t in published), published
    assert not any("will testify" in t for t in published), published
