"""The model's headline: reading it from the reply and putting it in sentence case."""

from __future__ import annotations

from newsdesk.builtin.write_llm import build_headline_messages, parse_headline, sentence_case


def test_a_headline_line_needs_a_citation_in_range_and_a_headline_length() -> None:
    assert parse_headline("Barrier holds as river hits record [2]", 3) == (
        2, "Barrier holds as river hits record")
    assert parse_headline("**Barrier holds as river hits record.** [1]\nmore", 3) == (
        1, "Barrier holds as river hits record")
    # no citation, a citation out of range, too short, too long: nothing usable
    assert parse_headline("Barrier holds as river hits record", 3) is None
    assert parse_headline("Barrier holds as river hits record [4]", 3) is None
    assert parse_headline("Barrier holds [1]", 3) is None
    assert parse_headline(" ".join(["word"] * 20) + " [1]", 3) is None
    # the first usable line wins; chatter before it is skipped
    assert parse_headline("Here is a headline:\nWendmoor stays dry [1]", 1) == (
        1, "Wendmoor stays dry")


def test_title_case_becomes_sentence_case_but_names_keep_their_capitals() -> None:
    assert sentence_case("Wendmoor Flood Barrier Holds After Record Rain", {"Wendmoor"}) == \
        "Wendmoor flood barrier holds after record rain"
    assert sentence_case("Mayor Thanks Lena Hartwig's Engineers In Wendmoor",
                         {"Lena", "Hartwig", "Wendmoor"}) == \
        "Mayor thanks Lena Hartwig's engineers in Wendmoor"
    assert sentence_case("New York sues NRA over spending", {"York", "NRA"}) == \
        "New York sues NRA over spending"
    # a sentence-case headline full of names is left alone
    assert sentence_case("Senate Republicans face Supreme Court nominee Kavanaugh's scrutiny",
                         {"Kavanaugh’s"}) == \
        "Senate Republicans face Supreme Court nominee Kavanaugh's scrutiny"
    # possessives match the sources' names whatever the apostrophe; titles keep their dot
    assert sentence_case("Lt. Col. Alexander Vindman Fired From White House",
                         {"Alexander", "Vindman’s", "White", "House"}) == \
        "Lt. Col. Alexander Vindman fired from White House"


def test_the_headline_prompt_fences_and_numbers_the_facts() -> None:
    messages = build_headline_messages(["The barrier held [on] Tuesday.", "Nobody was hurt."])
    user = messages[-1]["content"]
    assert "The barrier held (on) Tuesday. [1]\nNobody was hurt. [2]" in user
    begin = next(line for line in user.splitlines() if line.startswith("BEGIN SOURCES"))
    assert begin.split()[-1] in messages[0]["content"]
