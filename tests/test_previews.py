"""Previews that later reports overtook (newsdesk.writing.previews), on sentences
written for these tests."""

from __future__ import annotations

from datetime import datetime

import pytest

from newsdesk.writing.previews import announced_actions, overtaken, past_forms, tells_in_past

MORNING = datetime(2026, 3, 3, 8)
EVENING = datetime(2026, 3, 3, 20)
HEARING = ("Harbour chief Rand Okafor testified before the council on Tuesday that the fare "
           "cut was never costed.")


@pytest.mark.parametrize(("verb", "past"), [
    ("testify", {"testified"}), ("vote", {"voted"}), ("meet", {"met"}),
    ("sign", {"signed"}), ("plan", {"planed", "planned"}), ("play", {"played"}),
    ("propose", {"proposed"}),
])
def test_past_forms(verb: str, past: set[str]) -> None:
    assert past_forms(verb) == past


@pytest.mark.parametrize(("text", "verbs"), [
    ("Nine witnesses will testify at five hearings between Tuesday and Thursday.",
     {"testify"}),
    ("Two board members are preparing to testify Tuesday at the council's hearing.",
     {"testify"}),
    ("The board is set to propose a rule on Tuesday that would cut night fares.",
     {"propose"}),
    ("The council set up a packed week, with nine witnesses set to testify.", {"testify"}),
    ("The mayor will formally sign the budget on Friday.", {"sign"}),
    # no action announced: being, having, or a quotation's words
    ("The vote will be close, the mayor said.", set()),
    ("“We will testify,” the harbour chief said.", set()),
])
def test_announced_actions(text: str, verbs: set[str]) -> None:
    assert announced_actions(text) == verbs


def test_a_participle_after_a_determiner_is_not_the_action_done() -> None:
    assert not tells_in_past("Under the proposed rule, night fares would rise.", "propose")
    assert tells_in_past("The board proposed a rule on Tuesday.", "propose")


def test_a_preview_is_overtaken_only_by_a_later_report_of_the_action() -> None:
    preview = "Harbour chief Rand Okafor will testify before the council on Tuesday."
    assert overtaken(preview, MORNING, [(EVENING, HEARING)])
    # the report of the hearing came first: the preview is the later news
    assert not overtaken(preview, EVENING, [(MORNING, HEARING)])
    # a later report that tells something else
    assert not overtaken(preview, MORNING, [(EVENING, "Fares rose on Tuesday.")])
    # a sentence that announces nothing
    assert not overtaken("The council met on Monday.", MORNING, [(EVENING, HEARING)])
    # no date: nothing can be said about which came first
    assert not overtaken(preview, None, [(EVENING, HEARING)])
