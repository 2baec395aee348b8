"""Entity kinds for the "In this story" box and entity pages: a football club is not a
person, a score is not part of a place, a spokesperson is not an organisation."""

from __future__ import annotations

from newsdesk.records import EntityRef
from newsdesk.stages.entity_kinds import clean_name, settle_kinds
from newsdesk.web.catalog import entity_facets, surname_aliases

from conftest import make_article

MATCH = (
    "Ashgrove Rovers came from a goal down to beat Kestrel Bay 2–1 after extra time at "
    "Crown Park in Lindenport. Kestrel Bay’s Dario Weiss was in no mood for celebration. "
    "Kestrel Bay centre-back Marco Hellin was sent off. Ashgrove manager Renée Castellan "
    "said she had told Brandvold at half-time. Elias Brandvold, 19, scored the winner. "
    "The club faces a fine. Party spokesperson Ingrid Hale said the club must pay. The fire "
    "started in the Moravec Coatings plant on Foundry Lane. Russia said it would respond. "
    "Officials in the U.S. said the match was safe. Rescue teams came from the rescue base."
)


def ref(name: str, kind: str, documents: int = 2) -> EntityRef:
    return EntityRef(name=name, kind=kind, key=f"{kind}:{name.lower()}", documents=documents)


def kinds(entities: list[EntityRef]) -> dict[str, str]:
    return {e.name: e.kind for e in settle_kinds(entities, [MATCH])}


def test_names_are_cleaned() -> None:
    assert clean_name("Kestrel Bay 2–1") == "Kestrel Bay"
    assert clean_name("DORNACH") == "Dornach"
    assert clean_name("U.S") == "United States"
    assert clean_name("Area 51") == ""


def test_kinds_follow_how_the_sources_use_a_name() -> None:
    found = kinds([
        ref("Kestrel Bay", "person"),        # a club reported by its town
        ref("Kestrel Bay 2–1", "place"),      # the score glued to it
        ref("Ingrid Hale", "org"),           # "spokesperson Ingrid Hale"
        ref("Moravec Coatings", "person"),   # a firm by its last word
        ref("Foundry Lane", "person"),       # a street
        ref("Marco Hellin", "person"),
        ref("Russia", "org"),                # a country
        ref("U.S", "place"),
        ref("Renée Castellan", "org"),       # "manager Renée Castellan"
    ])
    assert found == {"Kestrel Bay": "org", "Ingrid Hale": "person", "Moravec Coatings": "org",
                     "Foundry Lane": "place", "Marco Hellin": "person", "Russia": "place",
                     "United States": "place", "Renée Castellan": "person"}


def test_surnames_fragments_and_common_words_are_dropped() -> None:
    found = kinds([ref("Elias Brandvold", "person"), ref("Brandvold", "place"),
                   ref("Rescue", "org"), ref("Dario Weiss", "person")])
    assert found == {"Elias Brandvold": "person", "Dario Weiss": "person"}


def test_a_bare_surname_joins_the_full_name_it_stands_for() -> None:
    articles = [make_article(f"s{n}", n) for n in range(1, 5)]
    for article in articles[:3]:
        article.entities = [ref("Donald Trump", "person"), ref("Ohio", "place")]
    articles[3].entities = [ref("Trump", "org"), ref("Ohio", "place")]
    aliases = surname_aliases(articles)
    assert aliases == {"trump": "Donald Trump"}
    facets = entity_facets(articles[3], aliases)
    assert [(f.slug, f.name, f.detail) for f in facets] == [
        ("donald-trump", "Donald Trump", "person"), ("ohio", "Ohio", "place")]
    # two people of one surname named about equally often: the surname stays apart
    articles[0].entities = [ref("Hunter Biden", "person")] * 2
    articles[1].entities = [ref("Joe Biden", "person")] * 2
    assert "biden" not in surname_aliases(articles[:2])


def test_patterns_left_out_for_a_text_would_have_found_nothing_there() -> None:
    # Patterns whose literal words a text lacks are not compiled or run; with every
    # pattern compiled and run, each name's evidence is the same.
    from newsdesk.stages import entity_kinds as ek

    texts = [MATCH, "Kestrel Bay, the club, said it beat Ashgrove. Lindenport, a town, "
             "cheered. Hale, 52, said she was pleased with his work. Hale of the Greens "
             "party spoke. The Crown Park plant closed; Crown Park shares fell.",
             "Nothing here names anyone at all."]
    names = ["Kestrel Bay", "Ashgrove", "Lindenport", "Hale", "Crown Park", "Ingrid Hale",
             "Marco Hellin", "Brandvold", "Foundry Lane", "Nowhere"]
    for text in texts:
        vocabulary = ek._Vocabulary.of(text)
        for name in names:
            everything, the = ek._cue_patterns(name, vocabulary, (True,) * 15)
            full: dict[str, list[int]] = {k: [len(p.findall(text)) for p in patterns
                                              if p is not None]
                                          for k, patterns in everything}
            live = ek._live(name, text, vocabulary)
            flat = [c for k in ("person", "org", "place") for c in full[k]]
            flat.append(len(the.findall(text)))
            # a pattern left out never had a match
            assert all(count == 0 for count, on in zip(flat, live, strict=True) if not on)
            if name not in text:
                assert not any(live)
    assert not any(ek._live("Nowhere", MATCH, ek._Vocabulary.of(MATCH)))
    assert ek._live("Kestrel Bay", MATCH, ek._Vocabulary.of(MATCH))[6]  # "Kestrel Bay’s"
