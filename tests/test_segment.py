"""Sentence segmentation on news prose: abbreviations, initials, titles, times,
datelines, quotations that span sentences, paragraphs broken inside a sentence.

Every sentence here was written for these tests, in the shapes real reports take."""

from __future__ import annotations

import pytest

from newsdesk.segment import is_complete, split_sentences


@pytest.mark.parametrize("text", [
    # titles never end a sentence
    "Gov. Rhea Castillo declared a state of emergency in Marlow County on Sunday.",
    "Sens. Ada Brink and Tomas Oyelaran introduced the bill on Thursday.",
    "President Hale named former U.N. Amb. Corin Vale as his new security adviser.",
    "The general was replaced by Lt. Gen. H.R. Dunmore in March.",
    # a person's initials before the surname
    "In a letter to publisher A.G. Sorensby, the editor said she would resign.",
    "The rivalry dates back to George H.W. Callow's first term.",
    'On Oct. 3, 1995, a jury acquitted Orenthal James "O.J." Marrow of both murders.',
    # state abbreviations and party labels in brackets
    "Sen. Ilsa Warrick (D-Mass.) and Sen. Ray Dorne (R-Colo.) wrote to the agency.",
    "The inquiry was requested by Chairman Bo Tenley (D., Miss.), aides said.",
    # times of day with a zone
    "The vote is planned for 12 p.m. ET in the chamber.",
    "The first missile was fired at 4:29 p.m. local (3.29 a.m. ET) toward the sea.",
    # place initials qualifying a title
    "Police are investigating claims that U.S. Ambassador Mina Oduya was watched.",
])
def test_one_sentence_stays_one(text: str) -> None:
    assert split_sentences(text) == [text]


def test_sentences_are_split_where_they_end() -> None:
    text = ("The port closed on Monday. Ships waited outside. "
            "He moved to Tampa, Fla. He later returned to Ohio.")
    assert split_sentences(text) == [
        "The port closed on Monday.", "Ships waited outside.", "He moved to Tampa, Fla.",
        "He later returned to Ohio."]


def test_a_quotation_that_spans_sentences_stays_with_its_speaker() -> None:
    text = ("“We will not back down. The workers deserve better,” the union leader said. "
            "Talks resume on Friday.")
    assert split_sentences(text) == [
        "“We will not back down. The workers deserve better,” the union leader said.",
        "Talks resume on Friday."]
    asked = "“Who knows?” the mayor tweeted on Thursday. The count went on."
    assert split_sentences(asked)[0] == "“Who knows?” the mayor tweeted on Thursday."


def test_run_together_sentences_are_split() -> None:
    text = "Talks broke down with the U.S.Officials said the next round is in May."
    assert split_sentences(text) == ["Talks broke down with the U.S.",
                                     "Officials said the next round is in May."]
    assert split_sentences("The plan took two months.It ends in June.") == [
        "The plan took two months.", "It ends in June."]


def test_a_paragraph_broken_inside_a_sentence_is_joined() -> None:
    text = ("The editor resigned on Monday. In a letter to publisher A.G.\n"
            "Sorensby, she said the newsroom had changed.\nA new paragraph starts here.")
    assert split_sentences(text) == [
        "The editor resigned on Monday.",
        "In a letter to publisher A.G. Sorensby, she said the newsroom had changed.",
        "A new paragraph starts here."]


def test_bullets_are_not_part_of_the_sentence() -> None:
    assert split_sentences("■ 266,000 jobs were added in November.") == [
        "266,000 jobs were added in November."]


@pytest.mark.parametrize("fragment", [
    "It is important to challenge him, former two-term Massachusetts Gov.",
    "The rivalry dates back to George H.W.",
    "Former South Carolina governor and U.N.",
    "Investigators were reviewing whether Mate",
    "In a letter to the revenue service, Rep. Bo Tenley (D., Miss.",
    "donald Hale has tried to reassure markets.",
    "“We will not back down.",
    "The restrictions take effect Sunday night at 8pm and will:",
])
def test_fragments_are_not_whole_sentences(fragment: str) -> None:
    assert not is_complete(fragment)


@pytest.mark.parametrize("sentence", [
    "The port closed on Monday.",
    "He spoke at the U.N.",
    "The team played in World War I.",
    "“We will not back down,” she said.",
    "Is the deal dead?",
    "266,000 jobs were added in November.",
])
def test_whole_sentences_are_complete(sentence: str) -> None:
    assert is_complete(sentence)
