"""References kept true as sentences leave their source, section headings made only
of whole names, and the verifier's checks on a sentence as published.

Every sentence here was written for these tests, in the shapes real reports take."""

from __future__ import annotations

import pytest

from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder
from newsdesk.builtin.verify_alignment import AlignmentVerifier
from newsdesk.published_form import form_problems
from newsdesk.records import Citation, Sentence
from newsdesk.writing.headings import ROLE_HEADINGS, section_heading, whole_place
from newsdesk.writing.references import ReferenceTracker, names_in_text, person_names

SOURCE = ("Former prosecutor Lori Vance won the mayor's race on Tuesday. Vance, who had never "
          "held office, beat Toni Prewitt, the county board president.")


def test_a_first_mention_by_surname_gets_the_full_name_from_its_source() -> None:
    tracker = ReferenceTracker(["Lori Vance", "Toni Prewitt"])
    text = tracker.resolve("Vance, who had never held office, beat Toni Prewitt.", SOURCE)
    assert text == "Lori Vance, who had never held office, beat Toni Prewitt."
    tracker.accept(text)
    # once introduced, the surname is enough
    assert tracker.resolve("Prewitt conceded on Wednesday.", SOURCE) == \
        "Prewitt conceded on Wednesday."


def test_two_surnames_in_one_sentence_are_both_expanded_where_they_stand() -> None:
    tracker = ReferenceTracker(["Lori Vance", "Toni Prewitt"])
    # the first expansion moves the second surname along the sentence
    text = "Vance confirmed that she signed the pier contract for Prewitt, on Tuesday."
    assert tracker.resolve(text, SOURCE) == ("Lori Vance confirmed that she signed the pier "
                                             "contract for Toni Prewitt, on Tuesday.")


def test_a_name_with_a_nickname_is_not_expanded_again() -> None:
    source = ("The nephew of Lori “Lo” Vance, the mayor shot on Saturday, witnessed the "
              "shooting, an attorney for Vance’s family said.")
    tracker = ReferenceTracker(["Lori Vance"])
    assert tracker.resolve(source, source) == source
    # a bare surname is expanded where it stands, not at an earlier mention
    text = "Riders chanted “Vance” on Monday, and Vance thanked the crowd."
    assert tracker.resolve(text, SOURCE) == (
        "Riders chanted “Vance” on Monday, and Lori Vance thanked the crowd.")


def test_a_description_set_beside_a_name_needs_no_antecedent() -> None:
    tracker = ReferenceTracker(["Lori Vance"])
    # an appositive describes the name before it
    text = ("Mayor Lori Vance, the first woman to hold the office, has been diagnosed "
            "with a heart condition, she said Tuesday.")
    assert tracker.resolve(text, text) == text
    # an opening phrase before the comma is no name: "the ferry" points back
    assert tracker.resolve("In a statement on Tuesday, the ferry operator cut fares.",
                           SOURCE) is None


def test_a_surname_whose_full_name_no_source_gives_is_left_out() -> None:
    tracker = ReferenceTracker(["Lori Vance"])
    assert tracker.resolve("Vance thanked her supporters.", "Vance thanked them.") is None


def test_people_named_further_down_than_the_recogniser_reads() -> None:
    # the recogniser reads a page's opening only; the pier master is named later
    page = ("The ferry ran aground on Monday. Pier master Okon T. Abara told reporters the "
            "crew was safe. Everyone was safe, Abara said. "
            "“It was a long night,” adds Wu, a deckhand. The crew included deckhand Lin Wu.")
    assert names_in_text(page) == ["Okon T. Abara", "Lin Wu"]
    page = page.replace("Okon T. Abara", "Okon Abara")
    assert names_in_text(page) == ["Okon Abara", "Lin Wu"]
    # already known by its full name: not found again
    assert names_in_text(page, ["Okon Abara"]) == ["Lin Wu"]
    # a surname never used alone, a sentence's first word, a group, a place
    assert names_in_text("Riders met Ada Moss on Monday. Unlike Moss, they stayed. "
                         "Kelvport Police said no one was hurt. Police said so. Officials "
                         "in South Vellia said Vellia was calm.") == []
    # a two-letter surname is a surname, but not inside a hyphenated name
    korea = ReferenceTracker(["Kim Jong Un"])
    assert korea.resolve("Kim Jong-Un crossed the border.", "Kim Jong-Un crossed it.") == \
        "Kim Jong-Un crossed the border."
    assert korea.resolve("Un crossed the border.", "Kim Jong Un crossed it.") == \
        "Kim Jong Un crossed the border."
    tracker = ReferenceTracker(names_in_text(page))
    assert tracker.resolve("Everyone was safe, Abara said.", page) == \
        "Everyone was safe, Okon Abara said."
    assert tracker.resolve("“It was a long night,” adds Wu.", page) == \
        "“It was a long night,” adds Lin Wu."


def test_a_title_introduces_a_person() -> None:
    tracker = ReferenceTracker(["Scott Walden"])
    assert tracker.resolve("Gov. Walden signed the bill on Friday.", "x") == \
        "Gov. Walden signed the bill on Friday."


def test_a_surname_two_people_share_is_not_guessed() -> None:
    tracker = ReferenceTracker(["Hunter Brisk", "Joe Brisk"])
    assert tracker.resolve("Brisk, son of former vice president Joe Brisk, will not appeal.",
                           "x") is None
    assert tracker.resolve("Joe Brisk said his son would not appeal.", "x") is not None


def test_names_inside_longer_names_are_not_surnames() -> None:
    tracker = ReferenceTracker(["Renee Ashgrove", "Piet Bay"])
    assert tracker.resolve("Ashgrove Rovers beat Kestrel Bay 2-1 in the final.", "x") == \
        "Ashgrove Rovers beat Kestrel Bay 2-1 in the final."


def test_these_and_those_need_what_they_point_at() -> None:
    tracker = ReferenceTracker([])
    text = "The panel voted 9-0 that the booster should be authorized for these groups."
    assert tracker.resolve(text, "x") is None
    tracker.accept("The panel looked at three groups: people over 65, nurses and teachers.")
    assert tracker.resolve(text, "x") == text
    # named earlier in the same sentence, or time, or "those who"
    fresh = ReferenceTracker([])
    for ok in ("Two ferry plans were filed, and both of these plans were rejected.",
               "Ferry fares have risen sharply these days, officials said.",
               "City officials thanked those who volunteered on Sunday."):
        assert fresh.resolve(ok, "x") == ok


def test_an_abbreviation_taken_for_a_surname_blocks_nothing() -> None:
    # a recogniser's span "Reward Anti-Trump U.S" is no one's name: "U.S.-based" and
    # "FBI" stay as written and the sentence is kept
    tracker = ReferenceTracker(["Reward Anti-Trump U.S", "Director FBI", "Lori Vance"])
    text = "Lori Vance plans to fund U.S.-based scientists, the FBI said."
    assert tracker.resolve(text, "x") == text


@pytest.mark.parametrize("sentence", [
    "The base is located around 130 miles north of the border.",
    "The 56-year-old political newcomer defeated the incumbent.",
    "Enforcement of the law had been on hold pending the challenge.",
    "The same tally decided nearly every challenge to the rules.",
])
def test_a_description_of_something_not_yet_introduced_is_left_out(sentence: str) -> None:
    assert ReferenceTracker([]).resolve(sentence, "x") is None


def test_a_description_stands_when_introduced_or_self_contained() -> None:
    tracker = ReferenceTracker([])
    tracker.accept("The missiles were fired from near a military base on Thursday.")
    assert tracker.resolve("The base is located around 130 miles north of the border.", "x")
    assert ReferenceTracker([]).resolve("The voters of the region rejected the plan.", "x")
    assert ReferenceTracker([]).resolve("The official who leaked the memo was fired.", "x")


def test_headings_use_whole_names_only() -> None:
    texts = ["The South’s joint chiefs said the launch came from North Hamgyong, near Sorel.",
             "Officials in Sorel said the U.S. had been told."]
    people = ["Iranian Gen", "Kim Aro Lee", "However Manafort"]
    heading = section_heading("details", texts, [], people=people,
                              places=["South", "U.S", "Sorel"], taken=set())
    assert heading == "Sorel: what happened"
    assert not whole_place("South", texts) and not whole_place("U.S", texts)
    assert section_heading("reactions", texts, [], people=people, places=[], taken=set()) \
        == ROLE_HEADINGS["reactions"]
    assert section_heading("reactions", texts, ["Ines Carrow"], people=["Ines Carrow"],
                           places=[], taken=set()) == "What Ines Carrow said"
    # a speaker named by an earlier heading is still named: a heading that gives only
    # the section's other speaker would put the first one's words in his mouth
    both = ["Ines Carrow", "Ada Moss"]
    assert section_heading("reactions", texts, both, people=both, places=[],
                           taken={"Ines Carrow"}) == "What Ines Carrow and Ada Moss said"
    three = ["Ines Carrow", "Ada Moss", "Ed Rios"]
    assert section_heading("reactions", texts, three, people=three, places=[],
                           taken=set()) == ROLE_HEADINGS["reactions"]
    # one person under two forms is named once
    forms = ["Ines R. Carrow", "Ines Carrow"]
    assert section_heading("reactions", texts, forms, people=forms, places=[],
                           taken=set()) == "What Ines R. Carrow said"


def _sentence(text: str, source: str, outlet: str = "The Post",
              headline: bool = False) -> Sentence:
    return Sentence(text=text, headline=headline,
                    citation=Citation(doc_id=1, sentence_index=0, source_text=source,
                                      outlet=outlet))


def test_the_published_form_is_checked_frame_included() -> None:
    source = "The council approved the budget on Monday."
    assert form_problems(_sentence(f"According to The Post, {source[0].lower()}{source[1:]}",
                                   source)) == []
    assert form_problems(_sentence("According to Fox News, the council approved the budget "
                                   "on Monday.", source)) == \
        ["credited to Fox News, but the source is The Post"]
    assert "not a whole sentence" in form_problems(_sentence(
        "In a letter to publisher A.G, The Post reported.", "In a letter to publisher A.G."))
    assert form_problems(_sentence("I'm afraid that might be the case.",
                                   "I'm afraid that might be the case.")) == \
        ["first-person text in the newsroom's voice"]
    assert form_problems(_sentence(
        "According to The Post, “nobody expected the numbers to climb this fast.”",
        "“Nobody expected the numbers to climb this fast.”")) == \
        ["a quotation without its speaker"]
    # a headline is not a sentence, but its credit and voice are still checked
    assert form_problems(_sentence("Council approves budget", source, headline=True)) == []


@pytest.mark.slow
def test_the_verifier_rejects_broken_and_misattributed_sentences() -> None:
    embedder = OnnxMiniLMEmbedder()
    source = ("“We will keep the port open through the holidays,” said Mayor Ines Carrow, "
              "after meeting union leader Piet Baan on Monday.")
    good = _sentence(source, source)
    wrong_speaker = _sentence("“We will keep the port open through the holidays,” said "
                              "Piet Baan, after meeting Mayor Ines Carrow on Monday.", source)
    wrong_outlet = _sentence(f"According to Fox News, {source}", source)
    fragment = _sentence("“We will keep the port open through the holidays,” said Mayor Ines",
                         source)
    verdicts = AlignmentVerifier().verify([good, wrong_speaker, wrong_outlet, fragment],
                                          embedder)
    assert verdicts[0].status == "supported", verdicts[0].missing
    for verdict in verdicts[1:]:
        assert verdict.status != "supported"
        assert verdict.checks.get("form") is False or verdict.missing
    assert any("speaker" in m for m in verdicts[1].missing)
    assert any("credited to Fox News" in m for m in verdicts[2].missing)
    assert any("whole sentence" in m for m in verdicts[3].missing)


def test_an_abbreviation_its_source_spells_out_is_spelled_out_where_first_used() -> None:
    from newsdesk.writing.references import spelled_out

    source = ("A ferry capsized off Kelvport on Tuesday, the Kelvport Harbour Safety Board "
              "(KHSB) said. KHSB said the ferry was carrying 140 passengers. The "
              "Trans-Pacific Ferry Compact (TPFC) sets the rules.")
    assert spelled_out(source) == {"KHSB": "the Kelvport Harbour Safety Board",
                                   "TPFC": "the Trans-Pacific Ferry Compact"}
    tracker = ReferenceTracker([])
    first = tracker.resolve("KHSB said the ferry was carrying 140 passengers.", source)
    assert first == ("The Kelvport Harbour Safety Board (KHSB) said the ferry was carrying "
                     "140 passengers.")
    tracker.accept(first)
    # once spelled out, it is not spelled out again
    assert tracker.resolve("KHSB said divers would search overnight.", source) == \
        "KHSB said divers would search overnight."
    # the body's owner comes with it: not some other country's joint chiefs
    korea = ("North Korea fired two missiles on Wednesday, South Korea’s Joint Chiefs of "
             "Staff (JCS) said. JCS said the missiles were launched from the north.")
    assert spelled_out(korea) == {"JCS": "South Korea’s Joint Chiefs of Staff"}
    assert ReferenceTracker([]).resolve("JCS said the missiles were launched from the "
                                        "north.", korea) == (
        "South Korea’s Joint Chiefs of Staff (JCS) said the missiles were launched from the "
        "north.")
    # (a common noun's possessive is not a name: the body alone)
    assert spelled_out("The board heard from the city's Harbour Safety Board (HSB).") == {
        "HSB": "Harbour Safety Board"}
    # an abbreviation its source does not spell out is left as it is
    assert ReferenceTracker([]).resolve("The FBI said the ferry was inspected in May.",
                                        source) == "The FBI said the ferry was inspected in May."


def test_a_place_or_an_office_taken_for_a_person_is_no_person() -> None:
    """A recogniser's "person" that ends on a place's feature or an office ("the Java
    Sea", "Richland County Sheriff Leon Lott") is not used as one: no section heading
    says what "Java Sea" said."""
    assert person_names(["Ada Moss", "Kelvport Sea", "County Sheriff", "Rand Okafor",
                         "Harbour Police", "Stephen King"]) == [
        "Ada Moss", "Rand Okafor", "Stephen King"]


def test_a_heading_names_whom_the_section_is_about_not_an_aside() -> None:
    """Two sentences, one of them about Ada Moss: "More on Ada Moss" would promise more
    than the section gives."""
    texts = ["In Kelvport, Mayor Ada Moss said the ferries would run again by Friday.",
             "Thousands of riders filled the North Quay terminal on a second day of protest."]
    assert section_heading("more", texts, [], people=["Ada Moss"], places=[],
                           taken=set()) == ROLE_HEADINGS["more"]
    both = [texts[0], "Moss later met the riders' leaders at the terminal."]
    assert section_heading("more", both, [], people=["Ada Moss"], places=[],
                           taken=set()) == "More on Ada Moss"


def test_a_make_the_sources_count_is_no_place_for_a_heading() -> None:
    """"opened fire on a Maserati": a thing, not a place ("More on Maserati")."""
    texts = ["Gunmen in a grey van opened fire on a Calvane, sending it into a taxi.",
             "The Calvane and the van were stopped at a red light on Harbour Road.",
             "The driver of the Calvane was taken to hospital."]
    assert not whole_place("Calvane", texts)
    assert section_heading("details", texts, [], people=[], places=["Calvane"],
                           taken=set()) == ROLE_HEADINGS["details"]
    # a place that qualifies a noun after "a" is still a place
    towns = ["A Sorel man was arrested on Monday.", "Police in Sorel said he was held.",
             "The ferry to Sorel was cancelled."]
    assert whole_place("Sorel", towns)

