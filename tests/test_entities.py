"""Named entities: spaCy's mentions on real sentences become one entity per person,
organisation, place and date; stories collect them and the store answers queries."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from newsdesk.builtin.entities_spacy import SpacyEntityRecognizer
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.entities import Mention, clean, match_key, normalise, resolve_date
from newsdesk.records import Document

PUBLISHED = datetime(2024, 11, 14, 9, 0, tzinfo=UTC)  # a Thursday

PASSAGE = (
    "Italian Prime Minister Giorgia Meloni met the head of the United Nations (UN) in "
    "Rome on Tuesday, November 12, 2024. PM Meloni said the talks had gone well, and "
    "Meloni's office later published a statement. The UN said it would send a team. "
    "Bill Clinton and Hillary Clinton attended; Clinton spoke first."
)


@pytest.fixture(scope="module")
def recognizer() -> SpacyEntityRecognizer:
    """The packaged spaCy model, loaded once for the module."""
    return SpacyEntityRecognizer()


def test_variants_of_one_name_become_one_entity(recognizer: SpacyEntityRecognizer) -> None:
    [mentions] = recognizer.recognize([PASSAGE])
    entities = {e.key: e for e in normalise(mentions, PUBLISHED)}
    meloni = entities["person:giorgia meloni"]
    assert meloni.name == "Giorgia Meloni"
    assert meloni.mentions >= 3  # "Giorgia Meloni", "PM Meloni", "Meloni's"
    assert "person:meloni" not in entities
    assert entities["org:united nations"].mentions >= 2  # "the United Nations", "UN"
    assert "org:un" not in entities
    assert entities["place:rome"].kind == "place"
    assert "date:2024-11-12" in entities
    # Two Clintons: the bare surname is not guessed into either of them.
    assert {"person:bill clinton", "person:hillary clinton"} <= entities.keys()


def test_cleaning_and_dates_follow_the_documented_rule() -> None:
    assert clean("PM Meloni", "person") == "Meloni"
    assert clean("Secretary of State Antony Blinken", "person") == "Antony Blinken"
    assert clean("the European Commission’s", "org") == "European Commission"
    assert clean("Page\nFurniture", "org") == ""
    assert clean("police", "org") == ""
    assert resolve_date("Tuesday", PUBLISHED) == "2024-11-12"
    assert resolve_date("yesterday", PUBLISHED) == "2024-11-13"
    assert resolve_date("12 November", PUBLISHED) == "2024-11-12"
    assert resolve_date("Jan. 3", PUBLISHED) == "2025-01-03"  # nearest such day
    assert resolve_date("last year", PUBLISHED) == ""
    assert match_key("person:giorgia meloni") == "person:meloni"
    assert match_key("place:rome") == "place:rome"
    assert normalise([Mention("about 1,850", "CARDINAL")], PUBLISHED) == []


def _doc(store: SqlStore, url: str, title: str, text: str) -> int:
    doc_id, _ = store.save_document(Document(url=url, canonical_url=url, title=title,
                                             text=text, content_hash=url[-8:].rjust(8, "0"),
                                             published_at=PUBLISHED, site_name="Wire"))
    return doc_id


def test_story_entities_fold_short_forms_and_are_queryable(
        store_url: str, recognizer: SpacyEntityRecognizer) -> None:
    store = SqlStore.open(store_url)  # SQLite and PostgreSQL
    texts = {
        "https://a.example/1": "Prime Minister Meloni arrived in Brussels on Monday for talks "
                               "with the European Commission.",
        "https://b.example/2": "Giorgia Meloni told the European Commission in Brussels that "
                               "Italy wanted more time.",
    }
    story_id = store.save_story({"centroid": np.ones(4, dtype=np.float32), "names": {},
                                 "doc_count": 2, "first_published": PUBLISHED,
                                 "last_published": PUBLISHED})
    for url, text in texts.items():
        doc_id = _doc(store, url, "Talks", text)
        [mentions] = recognizer.recognize([text])
        store.save_document_entities(doc_id, normalise(mentions, PUBLISHED))
        store.assign_story(doc_id, story_id, 1.0)
    first = store.entities_of_document(1)
    assert [e.name for e in first if e.kind == "person"] == ["Meloni"]

    refs = {e.key: e for e in store.refresh_story_entities(story_id)}
    assert refs["person:giorgia meloni"].documents == 2  # "Meloni" alone counts for her
    assert "person:meloni" not in refs
    assert refs["place:brussels"].documents == 2
    people = store.entities_of_story(story_id, kinds=["person"])
    assert [e.name for e in people] == ["Giorgia Meloni"]

    found = store.stories_by_entity("Meloni")
    assert [s["id"] for s in found] == [story_id]
    assert found[0]["documents"] == 2
    assert store.stories_by_entity("Brussels", kind="place")[0]["id"] == story_id
    assert store.stories_by_entity("Nobody Known") == []
    store.close()
