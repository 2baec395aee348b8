"""The sentence audit (newsdesk.evaluation.audit) on hand-written sentences: every defect
class is caught in the shapes it takes, and clean prose is left alone.

The sentences, outlets and people are made up for these tests.
"""

from __future__ import annotations

import pytest

from newsdesk.evaluation import audit_rules as rules
from newsdesk.evaluation.audit import (
    AuditArticle,
    AuditSection,
    AuditSentence,
    audit_article,
    is_verbatim,
    one_sided,
    verbatim_runs,
)
from newsdesk.evaluation.audit_headings import heading_problems
from newsdesk.evaluation.audit_text import case_evidence, split_frame, split_sentences

LEDGER = ("Sen. Mara Holloway, D-Ore., has won the Kelvport primary. Holloway thanked "
          "volunteers in New Halden on Tuesday. Donald Brack, her rival, conceded. "
          "Brack's campaign said it would not contest the count.")
HILL_DOC = ("Rand Okafor introduced a bill to cap ferry fares on Monday. Okafor's "
            "legislation would freeze fares for two years. The measure has 12 co-sponsors.")


def fragment(text: str, **kwargs: str) -> list[str]:
    return rules.fragment(text, **kwargs)  # type: ignore[arg-type]


# -- frames ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "core", "form"), [
    ("According to The Ledger, the vote was close.", "the vote was close.", "prefix"),
    ("The vote was close, The Ledger reported.", "The vote was close.", "suffix"),
    ("The vote was close, according to The Ledger.", "The vote was close.", "suffix"),
    ("The Ledger reported that the vote was close.", "the vote was close.", "prefix"),
    ("The vote was close.", "The vote was close.", ""),
])
def test_split_frame(text: str, core: str, form: str) -> None:
    framed = split_frame(text, "The Ledger")
    assert (framed.core, framed.form) == (core, form)


@pytest.mark.parametrize(("text", "core", "form"), [
    ("According to another report, police closed the pier.", "police closed the pier.",
     "prefix"),
    ("Police closed the pier, one report said.", "Police closed the pier.", "suffix"),
    # the source's own credit, not a frame newsdesk puts around an unnamed report
    ("According to Harbour News, police closed the pier.",
     "According to Harbour News, police closed the pier.", ""),
])
def test_split_frame_of_a_report_without_an_outlet(text: str, core: str, form: str) -> None:
    framed = split_frame(text, "")
    assert (framed.core, framed.form) == (core, form)


def test_the_word_after_an_unnamed_reports_frame_is_not_a_lowered_name() -> None:
    sources = ["Police in riot gear closed in before dawn. Officers left at noon.",
               "Kelvport Police in riot gear stood by. The police were calm."]
    text = "According to another report, police in riot gear closed in before dawn."
    assert rules.lowercased_names(text, case_evidence(sources), "") == []


def test_source_sentences_are_not_split_at_titles_or_initials() -> None:
    text = "Publisher A.G. Brenner met Sen. Holloway. They spoke for an hour."
    assert split_sentences(text) == ["Publisher A.G. Brenner met Sen. Holloway.",
                                     "They spoke for an hour."]


# -- fragment ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "source", "expected"), [
    ("The 53-year-old was the harbour master and longtime pilot at, now known asKelvport "
     "Ferries, beginning in the early, The Ledger reported.", "", "words lost"),
    ("According to The Ledger, Ada Moss was charged. (Kelvport Police Service) The "
     "53-year-old was the harbour master.", "", "photo credit"),
    ("In a letter to Coast Times publisher A.G, The Ledger reported.",
     "In a letter to Coast Times publisher A.G. Brenner, the mayor objected.", "A.G"),
    ("New HaldenFerrylink announced Thursday that fares would rise.",
     "New HaldenFerrylink announced Thursday that fares would rise. Ferrylink runs 12 boats.",
     "glued"),
    ("According to The Ledger, new Halden - Fares rose by 4% in June.",
     "New Halden - Fares rose by 4% in June.", "dateline"),
    ("(Wire) - Fares rose by 4% in June.", "", "dateline"),
    ("The mayor signed the order on", "", "terminal punctuation"),
    ("the mayor signed the order.", "", "lower-case"),
    ("which the council approved on Monday, The Ledger reported.", "", "relative pronoun"),
    ("According to The Ledger, and the council approved it.", "", "piece of a sentence"),
    ("“We will not stop the ferries.", "", "quotation marks"),
    ("The vote, held on Monday (the second in a week, was close.", "", "parentheses"),
    ("According to The Ledger, the council approved it.",
     "Residents said the council approved it without a debate.", "middle of a source"),
    ("The council approved the plan.",
     "The council approved the plan in a late-night vote.", "goes on"),
    ("The council approved the plan.",
     "The council approved the plan after a late-night vote.", "goes on"),
    ("The mayor met Gov.", "", "abbreviation"),
    ("Police are investigating claims that U.S.", "", "abbreviation"),
    ("Brenner which was posted on Tuesday, the mayor wrote that he was bullied.",
     "In a letter to Coast Times publisher A.G.\nBrenner which was posted on Tuesday, "
     "the mayor wrote that he was bullied.", "abbreviation"),
    ("According to The Ledger, why it matters: The vote sets fares for a decade.", "",
     "label"),
    ("Details: The vote sets fares for a decade, The Ledger reported.", "", "label"),
    ("PUBLISHED FEBRUARY 23, 2021: The council voted on fares, The Ledger reported.", "",
     "label"),
    ("Riders storm the Kelvport Ferry Terminal: Hundreds of angry riders have broken into "
     "the harbour board's offices, The Ledger reported.", "", "lead-in"),
    ("Or after two councillors survived attacks on the pier.", "", "rest of an earlier"),
    ("The report gives the first details of the attack that shut 40 ferry gates and...", "",
     "ellipsis"),
    ("Titled “The Pier And The Port” and released Friday, relies on documents from the "
     "board, The Ledger reported.", "titled “The Pier And The Port” and released Friday, relies "
     "on documents from the board.", "the middle of a source sentence"),
    ("Fares will rise with the U.S.Officials also said boats would be sold.", "",
     "run together"),
    ("According to The Ledger, RIDERS AROUND THE harbour are angry about fares.", "",
     "capitals"),
    ("In a 7-2 vote, the board says fares were never justified KHSB The Harbour Board "
     "on Monday cut fares.", "", "the stop lost"),
    ("The board says fares were never justified The board on Monday cut fares.", "",
     "the stop lost"),
])
def test_fragments_are_found(text: str, source: str, expected: str) -> None:
    reasons = fragment(text, outlet="The Ledger", source=source)
    assert any(expected in r for r in reasons), reasons


@pytest.mark.parametrize(("text", "source"), [
    ("According to The Ledger, the council approved the ferry plan on Monday.",
     "The council approved the ferry plan on Monday, after a long debate."),
    ("The council approved the ferry plan on Monday, The Ledger reported.",
     "Kelvport - The council approved the ferry plan on Monday."),
    ("Troops returned to the U.S.", "Troops returned to the U.S. on Friday."),
    ("Veterans of World War I were honoured.", ""),
    ("“We will keep the ferries running,” the mayor said.", ""),
    ("YouTube said it would remove the video.", "YouTube said it would remove the video. "
     "A YouTube spokesperson declined to comment."),
    ("Holloway — who won by 400 votes — thanked volunteers.", ""),
    ("Fares will rise at 12 p.m. ET on Friday.", ""),
    ("Troops returned to the U.S. on Friday, The Ledger reported.",
     "Troops returned to the U.S. on Friday."),
    ("Fares rose by 4% in June.", "Ferry use fell in the U.S. Fares rose by 4% in June."),
    ("Fares rose by 4% in June.", "Riders were angry.\nFares rose by 4% in June."),
    ("Fares rose by 4% in June.", "Riders were angry. And fares rose by 4% in June."),
    ("Fares rose by 4% in June.", "Riders were angry.And fares rose by 4% in June."),
    ("Fares rose by 4% in June.", "And fares rose by 4% in June. Riders were angry."),
    # the page stops mid-sentence: the main clause before its clause of time is whole
    ("A lawyer for the mayor briefed the council on the talks.",
     "A lawyer for the mayor briefed the council on the talks even after the mayor agreed to"),
    ("The mayor: a profile of Kelvport's leader.", ""),
    ("NATO and EU ministers met in Kelvport.", ""),
    ("A DNA test confirmed the ferry captain's identity.", ""),
    ("THE FBI said it was investigating the fire.", ""),
    ("Councillor Ada Moss told The Ledger that fares were never justified.", ""),
    ("The mayor criticized The Ledger for its coverage of the vote.", ""),
    ("“Fares were never justified The board knew it,” the mayor said.", ""),
    ("Which route is chosen, in turn, decides where the ferries will dock in 2026.", ""),
    ("Officials at the Kelvport Harbour Authority (KHA) said fares would rise.", ""),
    ("Sen. Ada Moss (D-Kelvport) said on Monday that fares would rise.", ""),
    ("Councillor Ada Moss described the new pier as a \"wonderful discovery\".", ""),
    ("More riders filed claims as the strike wages on, the harbour board said.", ""),
    ("Soon after, most of the city's papers confirmed the story: The board had sold the "
     "pier.", ""),
    ("The mayor told the council: “We will not sell the pier to anyone this year.”", ""),
    ("The council's answer was short: Fares stay.", ""),
    ("Sen. Ada Moss: The ferries will run on Sunday, she told reporters.", ""),
])
def test_whole_sentences_are_not_fragments(text: str, source: str) -> None:
    assert fragment(text, outlet="The Ledger", source=source) == []


def test_a_credit_the_source_wrote_itself_is_not_a_frame() -> None:
    """With no outlet known, newsdesk credits "one report": "According to Harbour News,
    which ..." is then the source's own sentence, while the same words after newsdesk's
    frame are a piece of one."""
    own = ("According to Harbour News, which has a crew at the pier, police said they "
           "came to help passengers.")
    assert fragment(own, outlet="") == []
    piece = "According to one report, which has a crew at the pier, police came."
    assert any("relative pronoun" in r for r in fragment(piece, outlet=""))


def test_headlines_need_no_full_stop() -> None:
    assert fragment("Holloway wins Kelvport primary", headline=True) == []
    assert fragment("“Holloway wins Kelvport primary", headline=True) != []


# -- lower-cased names ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("According to The Ledger, donald Brack conceded on Tuesday.", "Donald Brack"),
    ("According to The Ledger, sen. Mara Holloway, D-Ore., has won.", "sen."),
    ("According to The Hill, okafor's legislation would freeze fares.", "okafor's"),
    ("According to The Ledger, new Halden volunteers cheered.", "New Halden"),
])
def test_lowercased_names_are_found(text: str, expected: str) -> None:
    evidence = case_evidence([LEDGER, HILL_DOC, "Fares in New Halden rose."])
    reasons = rules.lowercased_names(text, evidence, text.split(",", maxsplit=1)[0][13:])
    assert any(expected in r for r in reasons), reasons


@pytest.mark.parametrize("text", [
    "According to The Ledger, the measure has 12 co-sponsors.",
    "According to The Ledger, volunteers in New Halden cheered.",
    "According to The Ledger, her rival conceded.",
    "According to The Ledger, the new rules apply to every ferry.",
])
def test_lowercase_words_are_not_names(text: str) -> None:
    evidence = case_evidence([LEDGER, HILL_DOC, "The new rules apply to every ferry."])
    assert rules.lowercased_names(text, evidence, "The Ledger") == []


# -- uncredited quotes ---------------------------------------------------------------------


def test_the_outlets_account_after_a_credited_quotation_needs_the_outlet() -> None:
    described = ("“I never cut a single fare,” harbour chief Rand Okafor told reporters on "
                 "Friday in a rambling hour-long attempt to disown a memo that showed him "
                 "ordering the cuts.")
    reasons = rules.uncredited_description(described, outlet="The Ledger")
    assert reasons and "no outlet named" in reasons[0]
    # named by the frame, or by the sentence before it from the same source
    assert rules.uncredited_description(described[:-1] + ", The Ledger reported.",
                                        outlet="The Ledger") == []
    assert rules.uncredited_description(described, outlet="The Ledger",
                                        continues_outlet=True) == []
    # speaker, audience, time and place only: the speaker's credit is enough
    for text in ("“We will reopen the ferry,” Mayor Ada Moss told reporters on Tuesday.",
                 "“The work goes on,” said Moss during a briefing at the harbour on "
                 "Thursday morning.",
                 "The harbour chief told reporters on Friday in a long statement that he "
                 "had never seen the memo that ordered the cuts."):
        assert rules.uncredited_description(text, outlet="The Ledger") == [], text
    # in a whole article: the quotation from another source than the sentence before
    article = AuditArticle(
        headline=AuditSentence("Harbour chief disowns fare memo", outlet="The Ledger",
                               source_id="1"),
        summary=AuditSentence("Harbour chief Rand Okafor said on Friday he never cut "
                              "ferry fares, The Courier reported.", outlet="The Courier",
                              source_id="2"),
        lead=[AuditSentence(described, outlet="The Ledger", source_id="1")], sections=[])
    found = [f for f in audit_article(article).findings if f.defect == "uncredited_quote"]
    assert found and found[0].where == "lead", found



@pytest.mark.parametrize(("text", "source", "expected"), [
    ("On Tuesday, the high court will hear arguments on which my future hangs.", "",
     "first-person 'my'"),
    ("I'm afraid that might be the case.", "", "first-person"),
    ("According to The Ledger, we have never seen fares this high.", "", "first-person 'we'"),
    ("According to The Ledger, you'd be surprised at how many riders pay cash.", "",
     "second-person"),
    ("According to The Ledger, “the ferries will run on time from now on.”", "",
     "quotation with no speaker"),
    ("According to The Ledger, riders will get “a ferry that runs on time from now on, "
     "every day of the week.”", "", "quotation with no speaker"),
    ("According to The Ledger, the plan is dead.",
     "The plan is dead, Holloway said on Tuesday.", "Holloway said"),
    ("According to The Ledger, the plan is dead.",
     "Holloway told reporters on Tuesday that the plan is dead.", "Holloway told"),
    ("The fares will rise in May, The Ledger reported.",
     "The fares will rise in May, according to port officials.", "according to port officials"),
])
def test_uncredited_words_are_found(text: str, source: str, expected: str) -> None:
    reasons = rules.uncredited_quote(text, outlet="The Ledger", source_sentence=source)
    assert any(expected in r for r in reasons), reasons


@pytest.mark.parametrize(("text", "source"), [
    ("“I will keep fighting for riders,” Holloway said.", ""),
    ("Holloway said she would keep fighting for riders, The Ledger reported.", ""),
    ("According to The Ledger, Holloway said: “We will win this.”", ""),
    ("Sen. Mara Holloway, D-Ore., has won the primary.", ""),
    ("Veterans of World War I were honoured in Kelvport.", ""),
    ("According to The Ledger, the company, which said last year it would expand, "
     "closed two plants.", "The company, which said last year it would expand, closed "
     "two plants."),
    ("According to The Ledger, the measure has 12 co-sponsors.",
     "The measure has 12 co-sponsors."),
    ("According to The Ledger, US fares rose.", ""),
    ("The so-called “ferry tax” was dropped.", ""),
    ("According to The Ledger, Kelvport University has also issued a statement about the "
     "case: “The university does not comment on the specifics of litigation.”", ""),
    ("According to The Ledger, Councillor Ada Moss applauded the vote and called for “the "
     "harbour board to do the same, so that no rider is left out in the cold.”", ""),
    # a title the frame put in lower case before the name
    ("According to The Ledger, state Sen. Ada Moss applauded the vote and called for “the "
     "harbour board to do the same, so that no rider is left out in the cold.”", ""),
])
def test_credited_or_own_reporting_is_not_flagged(text: str, source: str) -> None:
    assert rules.uncredited_quote(text, outlet="The Ledger", source_sentence=source) == []


# -- references without antecedent ---------------------------------------------------------


def sentence(text: str, source: str = "", source_sentence: str = "", doc: str = "1",
             outlet: str = "The Ledger") -> AuditSentence:
    return AuditSentence(text=text, outlet=outlet, source_sentence=source_sentence or text,
                         source_text=source, source_id=doc)


PRICES = ("Ferry fares rose again in June. They are about 30% higher than they were in "
          "February 2020. Riders have complained.")
PROGRAM = ("The council created the night-ferry scheme in 2019. It is a program that the "
           "mayor tried to end.")


def antecedent(target: AuditSentence, earlier: list[AuditSentence], sources: list[str]
               ) -> list[str]:
    return rules.no_antecedent(target, earlier, case_evidence(sources), set())


def test_a_pronoun_without_its_sentence_is_flagged() -> None:
    earlier = [sentence("The council met on Monday to discuss the budget.", doc="2")]
    target = sentence("They are about 30% higher than they were in February 2020.", PRICES,
                      "They are about 30% higher than they were in February 2020.")
    assert antecedent(target, earlier, [PRICES]) != []
    program = sentence("It is a program that the mayor tried to end.", PROGRAM)
    assert antecedent(program, earlier, [PROGRAM]) != []


def test_a_pronoun_after_a_titled_name_in_its_own_sentence_passes() -> None:
    source = "Mr. Okafor died last week, his lawyer said. He was 92."
    named = sentence("Mr. Okafor died last week, his lawyer said.", source)
    assert antecedent(named, [], [source]) == []
    unnamed = sentence("After a long illness last week, his lawyer said he had died.",
                       "After a long illness last week, his lawyer said he had died.")
    assert antecedent(unnamed, [], [unnamed.source_text]) != []


def test_a_pronoun_after_its_antecedent_passes() -> None:
    previous = sentence("Ferry fares rose again in June.", PRICES)
    target = sentence("They are about 30% higher than they were in February 2020.", PRICES)
    assert antecedent(target, [previous], [PRICES]) == []
    # "it" and "they" need the source's own sentence before them: another outlet's
    # sentence may be about something else, and the audit cannot tell
    other = sentence("Ferry fares climbed in June, the port authority said.", doc="3")
    assert antecedent(target, [other], [PRICES]) != []


def test_a_quantifier_needs_its_group() -> None:
    source = ("Councillors put forward 11 amendments to the fare plan. All were defeated in "
              "the council on Monday.")
    target = sentence("All were defeated in the council on Monday.", source)
    assert antecedent(target, [sentence("Fares rose in June.", doc="2")], [source]) != []
    carried = sentence("Councillors put forward 11 amendments to the fare plan.", source)
    assert antecedent(target, [carried], [source]) == []
    assert antecedent(sentence("All ferries will run on Sunday."), [], []) == []


def test_a_count_of_more_needs_the_count_before_it() -> None:
    source = ("At least five adults who claimed to be riders' parents failed DNA tests. "
              "Eight more had criminal records, the harbour board said Tuesday.")
    target = sentence("Eight more had criminal records, the harbour board said Tuesday.",
                      source)
    assert antecedent(target, [sentence("Fares rose in June.", doc="2")], [source]) != []
    carried = sentence("At least five adults who claimed to be riders' parents failed DNA "
                       "tests.", source)
    assert antecedent(target, [carried], [source]) == []
    assert antecedent(sentence("Two more than expected came to the ferry vote."), [], []) == []


def test_all_of_it_and_the_same_need_what_they_point_at() -> None:
    source = ("Critics called the fare plan a giveaway to the ferry operator. All of it was "
              "about as believable as the mayor's promise. The same people who praised the "
              "plan in June spent Monday attacking it.")
    unrelated = [sentence("The council met on Monday to discuss the budget.", doc="2")]
    for text in ("All of it was about as believable as the mayor's promise.",
                 "The same people who praised the plan in June spent Monday attacking it."):
        assert antecedent(sentence(text, source), unrelated, [source]) != [], text
    carried = sentence("Critics called the fare plan a giveaway to the ferry operator.", source)
    assert antecedent(sentence("All of it was about as believable as the mayor's promise.",
                               source), [carried], [source]) == []
    argued = sentence("After all, the 2030 election is around the corner.",
                      "The mayor must act. After all, the 2030 election is around the corner.")
    assert antecedent(argued, unrelated, []) != []
    # a time the sentence before set
    soon = sentence("Soon after, most of the city's ferry lines confirmed the closure.",
                    "The Ledger first reported the closure on Friday. Soon after, most of "
                    "the city's ferry lines confirmed the closure.")
    assert antecedent(soon, unrelated, []) != []
    assert antecedent(sentence("Hours after the vote, the council closed the pier."),
                      unrelated, []) == []
    for text in ("The same rules as last year apply to river ferries.",
                 "All of the ferries ran late on Monday."):
        assert antecedent(sentence(text), unrelated, []) == [], text


def test_he_needs_the_person_introduced() -> None:
    source = "Rand Okafor introduced a bill on Monday. He said fares were too high."
    target = sentence("He said fares were too high.", source)
    unrelated = sentence("The council met on Monday to discuss the budget.", doc="2")
    assert antecedent(target, [unrelated], [source]) != []
    named = sentence("Rand Okafor, a councillor, introduced a bill on Monday.", doc="2")
    assert antecedent(target, [named], [source]) == []


@pytest.mark.parametrize("text", [
    "It is unclear whether the ferries will run on Sunday.",
    "This week the council will vote again.",
    "It was not immediately clear how many riders were affected.",
])
def test_expletives_and_time_words_need_no_antecedent(text: str) -> None:
    assert antecedent(sentence(text), [], []) == []


def test_a_quotation_credited_to_a_pronoun_needs_its_speaker() -> None:
    source = ("Rand Okafor spoke to riders on Monday. “We will freeze fares,” he said.")
    target = sentence("“We will freeze fares,” he said.", source)
    assert antecedent(target, [sentence("Fares rose in June.", doc="2")], [source]) != []
    introduced = sentence("Rand Okafor spoke to riders on Monday.", source)
    assert antecedent(target, [introduced], [source]) == []


def test_such_as_these_needs_what_it_stands_for() -> None:
    source = ("Does the harbour have a plan for the night ferries? Will the piers be "
              "cleaned? Answering questions such as these is the real work of the board.")
    target = sentence("Answering questions such as these is the real work of the board.",
                      source)
    reasons = antecedent(target, [sentence("Fares rose in June.", doc="2")], [source])
    assert any("such as these" in r for r in reasons), reasons
    ferries = sentence("Ferries like these sail from Kelvport twice a day.", "")
    assert antecedent(ferries, [], []) == []


def test_a_quotation_credited_to_a_description_needs_its_speaker_just_before() -> None:
    source = ("Councillor Ada Moss is among those asking for a longer ferry season. “One "
              "summer pass would help a family for a month, but what then?” the Kelvport "
              "Democrat said on the council floor on Wednesday.")
    quote = source.split(". ", 1)[1]
    target = sentence(quote, source)
    # two sentences of other reports between the name and "the Kelvport Democrat"
    earlier = [sentence("Councillor Ada Moss is among those asking for a longer ferry "
                        "season.", source),
               sentence("Fares rose in June.", doc="2"), sentence("Riders complained.",
                                                                  doc="3")]
    reasons = antecedent(target, earlier, [source])
    assert reasons and "Kelvport Democrat" in reasons[0], reasons
    assert antecedent(target, earlier[:1], [source]) == []
    # a speaker named in the sentence itself
    named = sentence("“We will freeze fares,” Councillor Ada Moss, the Kelvport Democrat, "
                     "said.", "“We will freeze fares,” Councillor Ada Moss, the Kelvport "
                     "Democrat, said.")
    assert antecedent(named, earlier[1:], [named.source_text]) == []


def test_a_speaker_named_in_the_same_sentence_is_introduced() -> None:
    # the pronoun that credits the words has its people earlier in the sentence
    source = ("Sen. Ada Moss and Sen. Rand Okafor drafted a bill to cap ferry fares, they "
              "said in an interview on Thursday.")
    target = sentence("According to The Ledger, " + source, source, source)
    assert antecedent(target, [sentence("Fares rose in June.", doc="2")], [source]) == []
    # one name is not "they"; a name inside the quotation is not the speaker
    one = "Sen. Ada Moss drafted a bill to cap ferry fares, they said on Thursday."
    assert antecedent(sentence(one, one), [sentence("Fares rose.", doc="2")], [one]) != []
    quoted = "“Ada Moss and Rand Okafor will lose,” they said on Thursday."
    assert antecedent(sentence(quoted, quoted), [sentence("Fares rose.", doc="2")],
                      [quoted]) != []


def test_a_short_item_that_opens_with_the_quotation_has_its_title_before_it() -> None:
    # the whole text is the quotation; its page title names the speaker
    text = "“I did not raise the fares,” he tells the council."
    target = AuditSentence(text=text, outlet="The Ledger", source_sentence=text,
                           source_text=text, source_id="4",
                           source_title="Read Rand Okafor’s Statement On Ferry Fares")
    named = sentence("Rand Okafor, the harbour commissioner, denied raising fares on "
                     "Monday.", doc="2")
    assert antecedent(target, [named], [text]) == []
    other = sentence("The council met on Monday to discuss the budget.", doc="2")
    assert antecedent(target, [other], [text]) != []


def test_a_noun_phrase_that_names_itself_needs_no_antecedent() -> None:
    text = ("Passed in a late session, the legislation, which is called the Fair Fares "
            "Act, runs to 212 pages.")
    assert antecedent(sentence(text), [sentence("Fares rose in June.", doc="2")], []) == []
    bare = "Passed in a late session, the legislation runs to 212 pages."
    assert antecedent(sentence(bare), [sentence("Fares rose in June.", doc="2")], []) != []


def test_the_plan_needs_a_plan() -> None:
    source = "The mayor unveiled a ferry plan. The plan would cost $4 million."
    target = sentence("The plan would cost $4 million.", source)
    assert antecedent(target, [sentence("Fares rose in June.", doc="2")], [source]) != []
    earlier = [sentence("The mayor unveiled a plan to expand ferry service.", doc="2")]
    assert antecedent(target, earlier, [source]) == []
    # the act told by its verb introduces its noun: "ruled" then "the decision"
    source = ("The harbour court ruled against the operator. The decision means that the "
              "ferries stay in port.")
    target = sentence("The decision means that the ferries stay in port.", source)
    assert antecedent(target, [sentence("Fares rose in June.", doc="2")], [source]) != []
    ruled = [sentence("The harbour court ruled unanimously on Monday that fares must fall.",
                      doc="2")]
    assert antecedent(target, ruled, [source]) == []


def test_a_text_the_reader_was_not_shown_is_flagged() -> None:
    # media criticism lifted out of its page: "the article" is never named
    fares = sentence("Fares rose in June.", doc="2")
    for text in ("According to The Ledger, the opening sentence of the article from Ada "
                 "Moss claims that fares will double.",
                 "The piece also quotes two harbour officials who expect a delay.",
                 "The column also includes a section on the night ferries."):
        assert antecedent(sentence(text), [fares], []) != [], text
    # named where it is mentioned, or mentioned before, or not a text at all
    for text, earlier in (
            ("Moss wrote in the op-ed in The Harbour Times that fares would double.", fares),
            ("The column by Ada Moss drew criticism from both parties on Sunday.", fares),
            ("The piece of legislation passed the council by nine votes to two.", fares),
            ("The editorial board of The Ledger endorsed the fare freeze on Friday.", fares),
            ("The article also quotes two harbour officials who expect a delay.",
             sentence("Ada Moss wrote an article on the ferry fares for The Harbour Times.",
                      doc="2"))):
        assert not any("text" in r for r in antecedent(sentence(text), [earlier], [])), text


def test_page_furniture_before_a_name_is_no_given_name() -> None:
    """A word the sources write in lower case more often than capitalised ("related",
    "get") is no given name, and a function word is no surname."""
    sources = ["Related Netflix Drops Its Price. Netflix said the show was related to "
               "the strike and related to pay. Get The Newsletter. Get the app and get a "
               "refund. Rand Okafor said Okafor would stay."]
    names = case_evidence(sources).full_names
    assert names.get("Okafor") == {"Rand Okafor"}
    assert "Netflix" not in names and "The" not in names
    assert {"related", "get"} <= case_evidence(sources).common_words



def test_a_place_is_no_surname() -> None:
    """"Royal Kelvport" in the sources does not make "in Kelvport" a bare surname: the
    sources put the word after "in", as places are."""
    sources = ["Royal Kelvport shareholders voted on Monday. The meeting was held in "
               "Kelvport, where the harbour board met."]
    target = sentence("Shareholders met at a hotel in Kelvport on Monday.",
                      sources[0])
    assert antecedent(target, [], sources) == []


def test_first_mention_by_surname_only() -> None:
    target = sentence("Okafor said fares were too high.", HILL_DOC)
    reasons = antecedent(target, [sentence("Fares rose in June.", doc="2")], [HILL_DOC])
    assert any("Rand Okafor" in r for r in reasons), reasons
    for earlier in ("Rand Okafor introduced a bill on Monday.",
                    "Councillor Okafor introduced a bill on Monday."):
        assert antecedent(target, [sentence(earlier, doc="2")], [HILL_DOC]) == []
    modifier = sentence("The Okafor plan would freeze fares.", HILL_DOC)
    assert antecedent(modifier, [], [HILL_DOC]) == []
    officials = sentence("The mayor would not testify in exchange for top Okafor officials.",
                         HILL_DOC)
    assert antecedent(officials, [], [HILL_DOC]) == []
    council = "Council Republicans opposed the plan. A Republican spoke."
    group = sentence("Republicans opposed the plan.", council)
    assert antecedent(group, [], [council]) == []
    # an article and an adjective before the word make it a noun ("a great Okafor" as
    # one says "a great American"), not a mention of the person
    noun = sentence("“We have lost a great Okafor,” the family said.", HILL_DOC)
    assert antecedent(noun, [], [HILL_DOC]) == []
    # two adjectives read as a "full name": "Vellian law" is no surname's mention
    vellian = ("Rebels met with Arabic Vellian scholars on Sunday. Residents said Vellian "
               "law now applies.")
    law = sentence("Residents told reporters that Vellian law is being imposed.", vellian)
    assert antecedent(law, [], [vellian]) == []
    said = sentence("Vellian said the law now applies.", vellian)
    assert antecedent(said, [], [vellian]) != []
    # a name that opens the sentence before a plural noun qualifies it
    rescue = "Harbor County Fire Rescue said crews arrived. Rescue crews searched all night."
    crews = sentence("Rescue crews searched the rubble all night.", rescue)
    assert antecedent(crews, [], [rescue]) == []
    # after a preposition or a number too ("at Okafor terminals")
    terminals = sentence("Two fires broke out at Okafor terminals on Sunday.", HILL_DOC)
    assert antecedent(terminals, [], [HILL_DOC]) == []
    # "North Vellia" is a place: "in Vellia" is no bare surname
    region = "A storm hit North Vellia on Sunday. Ferries across North Vellia stopped."
    storm = sentence("A storm hit a harbour in Vellia on Sunday.", region)
    assert antecedent(storm, [], [region]) == []
    says = sentence("Okafor says fares are too high.", HILL_DOC)
    assert antecedent(says, [], [HILL_DOC]) != []
    # a full name given earlier in the sentence introduces the person, though the
    # sources' pairs name another "Okafor" in full
    brother = sentence("Councillor Ada Moss met Ben Okafor, and Okafor said fares would rise.",
                       HILL_DOC)
    assert antecedent(brother, [], [HILL_DOC]) == []
    family = sentence("The Okafor family met the mayor, and Okafor said fares would rise.",
                      HILL_DOC)
    assert antecedent(family, [], [HILL_DOC]) != []
    # with a middle initial
    initial = sentence("Okafor said fares rose in June.", HILL_DOC)
    assert antecedent(initial, [sentence("Councillor Rand T. Okafor spoke on Monday.",
                                         doc="2")], [HILL_DOC]) == []


# -- verbatim runs -------------------------------------------------------------------------


def test_three_copied_sentences_in_a_row_are_a_run() -> None:
    doc = ("Fares rose by 4% in June. The council blamed fuel costs. Riders protested at "
           "the pier on Friday. The mayor promised a review.")
    copied = [sentence(s, doc) for s in split_sentences(doc)[:3]]
    assert all(is_verbatim(s) for s in copied)
    assert verbatim_runs(copied) == [[0, 1, 2]]
    framed = [sentence("According to The Ledger, fares rose by 4% in June.", doc), copied[1],
              sentence("Riders protested at the pier on Friday, The Ledger reported.", doc)]
    assert verbatim_runs(framed) == [[0, 1, 2]]
    mixed = [copied[0], sentence("Fuel costs doubled this year.", "Fuel costs doubled this "
                                 "year.", doc="2", outlet="The Courier"), copied[2]]
    assert verbatim_runs(mixed) == []
    reworded = [copied[0], copied[1], sentence("Riders held a protest on Friday.", doc)]
    assert verbatim_runs(reworded) == []


def test_two_pages_of_one_outlet_are_one_source_for_a_run() -> None:
    first = "Fares rose by 4% in June. The council blamed fuel costs."
    second = "Riders protested at the pier on Friday. The mayor promised a review."
    pages = [sentence("Fares rose by 4% in June.", first, doc="1"),
             sentence("The council blamed fuel costs.", first, doc="1"),
             sentence("Riders protested at the pier on Friday.", second, doc="2")]
    assert verbatim_runs(pages) == [[0, 1, 2]]
    # reports without an outlet's name are told apart by page
    unnamed = [sentence(s.text, s.source_text, doc=s.source_id, outlet="") for s in pages]
    assert verbatim_runs(unnamed) == []


# -- headings ------------------------------------------------------------------------------


SOURCES = ["North Vellia fired a missile on Monday. North Vellia said it was a test.",
           "The Iranian Gen. Farid Karimi was killed. Eastern European countries protested.",
           "The State Department said it was monitoring. The State Department's envoy left.",
           "Rand Okafor said the talks would go on. Okafor spoke in Kelvport.",
           "Ada Moss Wednesday said she would run. Ada Moss Thursday filed her papers.",
           "Security chief Ed King said the ferry's systems were safe.",
           "“Stay alert,” said Jo Lord, chief of the harbour police."]


@pytest.mark.parametrize(("heading", "expected"), [
    ("More on North", "cut from a longer name"),
    ("Iranian Gen: what we know", "title"),
    ("Eastern European: the background", "adjective"),
    ("What State Department said", "missing article"),
    ("What President said", "title"),
    ("The latest on “talks", "unbalanced"),
    ("What Rand Okafor and North said", "cut from a longer name"),
])
def test_malformed_headings_are_found(heading: str, expected: str) -> None:
    reasons = heading_problems(heading, SOURCES)
    assert any(expected in r for r in reasons), reasons


@pytest.mark.parametrize("heading", [
    "More on North Vellia", "What Rand Okafor said", "What the State Department said",
    "Okafor: what we know", "The latest on Kelvport", "Background", "What happened",
    "What Rand Okafor and Ada Moss said",
    "What Ed King said",  # a surname that is also a title, standing as a whole name
    "What Jo Lord said",
])
def test_sound_headings_pass(heading: str) -> None:
    assert heading_problems(heading, SOURCES) == []


def test_a_place_is_not_an_institution_that_bears_its_name() -> None:
    # "the Kelvport Gazette" is no evidence that the city is written "the Kelvport"
    sources = [*SOURCES, "The Kelvport Gazette first reported the talks. The Kelvport "
               "Gazette said more would follow."]
    assert heading_problems("More on Kelvport", sources) == []


# -- one-sided summaries -------------------------------------------------------------------


def test_a_one_sided_summary_needs_its_outlet_named() -> None:
    taken = AuditSentence(text="Radical councillors rammed through a ferry tax.",
                          outlet="Harbor Sentinel",
                          source_sentence="Radical councillors rammed through a ferry tax "
                                          "on Monday.", side="right")
    assert "Harbor Sentinel" in (one_sided(taken) or "")
    credited = AuditSentence(text="Radical councillors rammed through a ferry tax, the "
                                  "Harbor Sentinel reported.", outlet="Harbor Sentinel",
                             source_sentence=taken.source_sentence, side="right")
    assert one_sided(credited) is None
    centre = AuditSentence(text=taken.text, outlet="Wire", side="center",
                           source_sentence=taken.source_sentence)
    assert one_sided(centre) is None
    unknown = AuditSentence(text=taken.text, outlet="Harbor Sentinel",
                            source_sentence=taken.source_sentence)
    assert one_sided(unknown) is None
    written = AuditSentence(text="The council approved a new levy on ferry tickets.",
                            outlet="Harbor Sentinel", source_sentence=taken.source_sentence,
                            side="right")
    assert one_sided(written) is None


def test_the_first_body_sentence_from_a_one_sided_source_needs_a_credit() -> None:
    source = ("Mayor Ines Carrow — who long insisted the ferries were safe and claimed that "
              "the hull was new — wanted a word with the riders about the inquiry.")
    aside = AuditSentence(text=source, outlet="", source_sentence=source, side="left")
    assert "unnamed outlet" in (one_sided(aside, body=True) or "")
    # credited by a frame, or naming who says it in its main clause
    framed = AuditSentence(text=f"According to one report, {source[0].lower()}{source[1:]}",
                           outlet="", source_sentence=source, side="left")
    assert one_sided(framed, body=True) is None
    said = ("The ferries are safe, Mayor Ines Carrow — who chairs the harbour board — said "
            "on Monday.")
    assert one_sided(AuditSentence(text=said, outlet="Harbor Sentinel", source_sentence=said,
                                   side="right"), body=True) is None
    clause = ("The ferry sank two days after the board said the hull was sound.")
    assert "Harbor Sentinel" in (one_sided(AuditSentence(
        text=clause, outlet="Harbor Sentinel", source_sentence=clause, side="right"),
        body=True) or "")
    # in an article: the first sentence from the source counts, the next one does not
    first = AuditSentence(text=source, outlet="", source_sentence=source, source_id="3",
                          side="left")
    article = AuditArticle(
        headline=AuditSentence("Carrow speaks to riders", "Coast Times",
                               "Carrow speaks to riders", source, "2", side="center"),
        summary=AuditSentence("Mayor Ines Carrow spoke to riders, Coast Times reported.",
                              "Coast Times", "Mayor Ines Carrow spoke to riders.", source,
                              "2", side="center"),
        lead=[first, AuditSentence(text=clause, outlet="", source_sentence=clause,
                                   source_id="3", side="left")],
        sections=[])
    found = [(f.defect, f.sentence) for f in audit_article(article).findings
             if f.defect == "unattributed_one_sided"]
    assert found == [("unattributed_one_sided", source)]


def test_a_credit_given_before_a_heading_does_not_carry_past_it() -> None:
    lead = ("Gov. Ines Carrow signed the ferry levy into law on Monday, Harbor Sentinel "
            "reported.")
    lead_source = "Gov. Ines Carrow signed the ferry levy into law on Monday."
    loaded = "Ferry tickets cannot be refunded based on weather theory or rider identity."
    framed = f"{loaded[:-1]}, Harbor Sentinel reported."

    def article(under_heading: str) -> AuditArticle:
        return AuditArticle(
            headline=AuditSentence("Carrow signs ferry levy", "Coast Times",
                                   "Carrow signs ferry levy", lead_source, "2",
                                   side="center"),
            summary=AuditSentence("Carrow signed the levy, Coast Times reported.",
                                  "Coast Times", "Carrow signed the levy.", lead_source,
                                  "2", side="center"),
            lead=[AuditSentence(lead, "Harbor Sentinel", lead_source, lead_source, "3",
                                side="right")],
            sections=[AuditSection("What happened", [
                AuditSentence(under_heading, "Harbor Sentinel", loaded, loaded, "3",
                              side="right"),
                AuditSentence(loaded, "Harbor Sentinel", loaded, loaded, "3",
                              side="right")])])

    found = [(f.defect, f.where, f.sentence) for f in audit_article(article(loaded)).findings
             if f.defect == "unattributed_one_sided"]
    # the first sentence under the heading; the one after it continues its credit
    assert found == [("unattributed_one_sided", "section 1", loaded)]
    assert not [f for f in audit_article(article(framed)).findings
                if f.defect == "unattributed_one_sided"]


# -- a whole article -----------------------------------------------------------------------


def test_an_article_is_audited_in_reading_order() -> None:
    holloway = LEDGER
    article = AuditArticle(
        headline=AuditSentence("Holloway wins Kelvport primary", "The Ledger",
                               "Holloway wins Kelvport primary", holloway, "1",
                               side="left"),
        summary=AuditSentence("Sen. Mara Holloway, D-Ore., has won the Kelvport primary.",
                              "The Ledger", "Sen. Mara Holloway, D-Ore., has won the "
                              "Kelvport primary.", holloway, "1", side="left"),
        lead=[AuditSentence("According to The Ledger, donald Brack, her rival, conceded.",
                            "The Ledger", "Donald Brack, her rival, conceded.", holloway,
                            "1", side="left")],
        sections=[AuditSection("More on New", [
            AuditSentence("I'm afraid that might be the case.", "Coast Times",
                          "I'm afraid that might be the case.", "I'm afraid that might be "
                          "the case.", "2", side="center")])])
    report = audit_article(article)
    found = {(f.defect, f.where) for f in report.findings}
    assert ("unattributed_one_sided", "headline") in found
    assert ("unattributed_one_sided", "summary") in found
    assert ("lowercased_name", "lead") in found
    assert ("uncredited_quote", "section 1") in found
    assert ("malformed_heading", "heading 1") in found
    assert ("verbatim_run", "summary") not in found  # two copied, then another source
    assert report.sentences == 4


# -- a sentence without a finite verb --------------------------------------------------------


@pytest.mark.parametrize("core", [
    "Kelvport Pictures Ada Moss as 'The Harbour Master.'",
    "Ines Carrow and her former PhD supervisor Bo Tenley.",
    "Crawls of supported ferry timetable sites.",
    "KLV, now known as Kelvport Radio, beginning in the early 1990s.",
    "(Nifty harbour scene, though, and points for the music.)",
])
def test_a_caption_or_a_piece_of_a_sentence_has_no_finite_verb(core: str) -> None:
    from newsdesk.evaluation.audit_grammar import without_finite_verb

    assert without_finite_verb([core]) == [True]
    framed = sentence(f"According to The Ledger, {core}", core)
    report = audit_article(AuditArticle(headline=sentence("Ferry fares rise"),
                                        summary=framed, lead=[], sections=[]))
    assert [f.defect for f in report.findings if "finite verb" in f.reason] == ["fragment"]


@pytest.mark.parametrize("core", [
    "Thousands of riders crammed into the ferry terminal ahead of Monday's vote.",
    "Surprised by the message, Moss, 48, called Carrow.",
    "Court documents obtained by The Ledger detail the harbour deal.",
    "Other ferry lines, meanwhile, continue to face staff shortages.",
    "The dispute centres on pay.",
    "Mayor Ada Moss boards the ferry for a trip to Halden.",
    "The ferry will run again on Monday.",
    "Fares rose by 4% in June, the harbour board said.",
])
def test_a_sentence_has_a_finite_verb(core: str) -> None:
    from newsdesk.evaluation.audit_grammar import without_finite_verb

    assert without_finite_verb([core]) == [False]


@pytest.mark.parametrize("core", [
    "November 1989, as the harbour wall was crumbling.",
    "Last week, when the storm hit the Kelvport coast.",
])
def test_a_date_line_with_only_a_subordinate_clause_is_a_fragment(core: str) -> None:
    from newsdesk.evaluation.audit_grammar import grammar_findings

    assert grammar_findings([core]) != [{}]
    framed = sentence(f"{core[:-1]}, The Ledger reported.", core)
    report = audit_article(AuditArticle(headline=sentence("Ferry fares rise"),
                                        summary=framed, lead=[], sections=[]))
    assert [f.defect for f in report.findings if "subordinate" in f.reason] == ["fragment"]


@pytest.mark.parametrize("core", [
    "In November 1989, as the harbour wall was crumbling, crowds gathered.",
    "When the storm hit, the ferry stayed in port.",
    "Riders cheer as the first ferry sails past the pier.",
    "If the fares rise again, how will riders get to work?",
])
def test_a_subordinate_clause_with_its_main_clause_is_a_sentence(core: str) -> None:
    from newsdesk.evaluation.audit_grammar import grammar_findings

    assert grammar_findings([core]) == [{}]


def test_an_institution_inside_a_longer_name_gives_no_full_name() -> None:
    from newsdesk.evaluation.audit_text import case_evidence

    evidence = case_evidence([
        "Sheriff Ada Moss told reporters the case was closed. Moss said more would follow.",
        "The Kelvport City Police Department said the pier was shut. Police believe he fell.",
        "Ines Carrow works at the Museum of Coastal History in Halden.",
        "Photo: Tenley Images Harbour spokesman Col. Ed Rios spoke to the crowd.",
    ])
    assert evidence.full_names == {"Moss": {"Ada Moss"}, "Rios": {"Ed Rios"},
                                   "Carrow": {"Ines Carrow"}}


def test_a_sentence_after_an_abbreviation_that_ends_one_is_whole() -> None:
    source = ("The pier was built in the fifth century C.E. The reliquary, which was once "
              "part of the harbour chapel, is named for Saint Ada.")
    text = ("The reliquary, which was once part of the harbour chapel, is named for Saint "
            "Ada, The Ledger reported.")
    assert not [r for r in fragment(text, outlet="The Ledger", source=source)
                if "abbreviation" in r]
    glued = "Brenner was posted on Tuesday, The Ledger reported."
    assert [r for r in fragment(glued, outlet="The Ledger",
                                source="A letter to publisher A.G. Brenner was posted on "
                                       "Tuesday.") if "abbreviation" in r]


def test_a_command_to_the_reader_is_someone_s_voice() -> None:
    from newsdesk.evaluation.audit_grammar import grammar_findings

    core = ("Forget the fares, and think of it as a story about how the ferry looks when "
            "it sails.")
    assert "uncredited_quote" in grammar_findings([core])[0]
    assert grammar_findings(["“Forget the fares,” the mayor said.",
                             "Riders forget the fares when the ferry sails."]) == [{}, {}]
    report = audit_article(AuditArticle(headline=sentence("Ferry fares rise"),
                                        summary=sentence(f"{core[:-1]}, The Ledger reported.",
                                                         core),
                                        lead=[], sections=[]))
    assert [f.defect for f in report.findings] == ["uncredited_quote"]


def test_a_pronoun_inside_the_opening_clause_needs_its_person() -> None:
    source = "Ada Moss ran the ferry for 30 years. What she found funny, riders found funny."
    target = sentence("What she found funny, riders found funny.", source)
    unrelated = sentence("The council met on Monday to discuss the budget.", doc="2")
    assert antecedent(target, [unrelated], [source]) != []
    named = sentence("Ada Moss ran the ferry for 30 years.", source)
    assert antecedent(target, [named], [source]) == []
