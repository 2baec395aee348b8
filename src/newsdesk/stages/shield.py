"""What the writers may see of a story's sources: the documents without the sentences
that address a language model (:mod:`newsdesk.injection`), and an article with nothing
of them in it.

Every writer, the grounded one and the LLM one alike (and a third-party one), gets the
story's documents with those sentences taken out, so it can neither choose them nor show
them to a model; a title that addresses a model is blanked. The article it writes cites
sentences of those shortened texts, so its citations are mapped back to the sentence
numbers of the stored documents before anything else reads them. Afterwards
:func:`withhold` removes any sentence of the article that still reads as an
instruction or cites a withheld source sentence, which no writer should produce: it is
the last gate before verification and publication.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from newsdesk.injection import looks_like_instruction, paragraphs_of, tainted_sentences
from newsdesk.records import Article, Document, Sentence
from newsdesk.text import split_sentences


@dataclass
class Shielded:
    """The documents a writer gets, and what was taken out of each (by document id:
    withheld sentence number -> reason), with the sentence numbering of each shortened
    text mapped back to the stored one."""

    documents: list[Document]
    withheld: dict[int, dict[int, str]] = field(default_factory=dict)
    titles: set[int] = field(default_factory=set)  # documents whose title was blanked
    #: per shortened document: sentence number in the shortened text -> in the stored one
    numbering: dict[int, list[int]] = field(default_factory=dict)
    #: per shortened document: the stored text's sentences
    sentences: dict[int, list[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """How many source sentences (titles included) were withheld."""
        return sum(len(w) for w in self.withheld.values()) + len(self.titles)


def _rebuild(sentences: list[str], paragraphs: list[int], keep: list[int]) -> str:
    """The kept sentences, a space between sentences of one paragraph, a line break
    between paragraphs."""
    parts: list[str] = []
    previous: int | None = None
    for index in keep:
        if parts:
            parts.append("\n" if paragraphs[index] != previous else " ")
        parts.append(sentences[index])
        previous = paragraphs[index]
    return "".join(parts)


def shield(documents: list[Document]) -> Shielded:
    """The documents with every sentence that addresses a model (and the rest of its
    payload, see :func:`newsdesk.injection.tainted_sentences`) taken out."""
    result = Shielded(documents=[])
    for doc in documents:
        sentences = split_sentences(doc.text)
        paragraphs = paragraphs_of(doc.text, sentences)
        tainted = tainted_sentences(sentences, paragraphs)
        bad_title = bool(doc.title) and looks_like_instruction(doc.title)
        if not tainted and not bad_title:
            result.documents.append(doc)
            continue
        assert doc.id is not None
        keep = [i for i in range(len(sentences)) if i not in tainted]
        text = _rebuild(sentences, paragraphs, keep) if tainted else doc.text
        result.documents.append(dataclasses.replace(
            doc, text=text, title="" if bad_title else doc.title))
        if tainted:
            result.withheld[doc.id] = tainted
            result.sentences[doc.id] = sentences
            shown = split_sentences(text)
            # Split again the way the writer will; when that gives the kept sentences
            # back one for one, numbers map by position, otherwise by text (below).
            result.numbering[doc.id] = (keep if shown == [sentences[i] for i in keep]
                                        else [])
        if bad_title:
            result.titles.add(doc.id)
    return result


def _renumber(sentence: Sentence, shielded: Shielded, done: set[int]) -> bool:
    """Point ``sentence``'s citation at the stored document's numbering (once: ``done``
    holds the citations already mapped). Returns False when the cited sentence cannot be
    found there (the sentence is then withheld)."""
    citation = sentence.citation
    if (id(citation) in done or citation.doc_id not in shielded.withheld
            or citation.sentence_index < 0):
        return True
    done.add(id(citation))
    numbering = shielded.numbering[citation.doc_id]
    if 0 <= citation.sentence_index < len(numbering):
        citation.sentence_index = numbering[citation.sentence_index]
        return True
    stored = shielded.sentences[citation.doc_id]
    withheld = shielded.withheld[citation.doc_id]
    for index, text in enumerate(stored):
        if text == citation.source_text and index not in withheld:
            citation.sentence_index = index
            return True
    return False


def _unsafe(sentence: Sentence, shielded: Shielded) -> bool:
    citation = sentence.citation
    cited = shielded.withheld.get(citation.doc_id, {})
    return (looks_like_instruction(sentence.text)
            or looks_like_instruction(citation.source_text)
            or citation.sentence_index in cited
            or (citation.sentence_index < 0 and citation.doc_id in shielded.titles))


def withhold(article: Article, shielded: Shielded) -> list[Sentence] | None:
    """Map ``article``'s citations back to the stored documents and take out every body
    sentence that reads as an instruction or cites a withheld source sentence.

    Returns the sentences taken out, or ``None`` when the headline or the summary would
    have to go (the article cannot be published then).
    """
    done: set[int] = set()
    for sentence in [article.headline, article.summary]:
        if not _renumber(sentence, shielded, done) or _unsafe(sentence, shielded):
            return None
    removed: list[Sentence] = []

    def keep(sentence: Sentence) -> bool:
        if _renumber(sentence, shielded, done) and not _unsafe(sentence, shielded):
            return True
        removed.append(sentence)
        return False

    article.keep_body(keep)
    return removed


def shielded(doc: Document) -> Document:
    """``doc`` as a writer may see it (see :func:`shield`): what its entities, keywords
    and embedding are computed from and what update records take new facts from, so an
    injected name or figure never reaches a story page either. ``doc`` itself when
    nothing in it addresses a model."""
    if doc.id is None:
        doc = dataclasses.replace(doc, id=0)
        return dataclasses.replace(shield([doc]).documents[0], id=None)
    return shield([doc]).documents[0]
