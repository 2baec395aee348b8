"""Which source sentences can stand alone in the newsroom's voice, who is speaking,
which outlets have names, and how attribution frames are written and read back.

Every sentence here was written for these tests, in the shapes real reports take."""

from __future__ import annotations

import pytest

from newsdesk.attribution import WordCase, credit_name, credits_match, frame, unframe, word_case
from newsdesk.outlets import is_opinion, is_placeholder_name, outlet_name, source_key
from newsdesk.records import Document
from newsdesk.standalone import speaker_names, standalone_problem


@pytest.mark.parametrize(("sentence", "problem"), [
    # someone's first person or "you", never the newsroom's voice
    ("On Tuesday, the Supreme Court will hear arguments on which my future hangs.",
     "first_person"),
    ("I'm afraid that might be the case for the whole region.", "first_person"),
    ("Me riding the ferry sober has gone awful.", "first_person"),
    ("We will not live in fear of the new rules, the letter said.", "first_person"),
    ("You'd be surprised at how many people are taking the train now.", "second_person"),
    ("Congrats to Ines Carrow, who just got the hardest job on the harbour board.",
     "second_person"),
    ("Shame on the council for waiting three years to fix the ferry pier.", "second_person"),
    # a quotation whose speaker stayed in the sentence before
    ("“Nobody expected the numbers to climb this fast in the first week.”",
     "quote_without_speaker"),
    # pointing back at something said before
    ("They're about 30% higher than they were in February last year.", "needs_context"),
    ("It's a program that the governor tried to rescind seven months ago.", "needs_context"),
    ("Crucially, he did this while the envoy was testifying to the committee.",
     "needs_context"),
    ("Within seconds, he was tackled by two members of the security team.",
     "needs_context"),
    ("All were defeated in the Republican-controlled chamber on Tuesday.", "needs_context"),
    ("All of it was about as believable as the mayor's claim that he acted for the city.",
     "needs_context"),
    ("Much of this was settled before the port strike began.", "needs_context"),
    ("The same people who praised the ferry plan last year spent Monday attacking it.",
     "needs_context"),
    ("After all, the 2030 election is around the corner.", "needs_context"),
    ("As a result, 40 ferries stayed in port on Monday.", "needs_context"),
    ("Soon after, most of the city's ferry lines confirmed the story.", "needs_context"),
    ("What he found funny was funny to the ferry's riders.", "needs_context"),
    ("Two days later, the harbour board voted to close the pier.", "needs_context"),
    # things the source listed before, as a pronoun
    ("Answering questions such as these is the real work of running a ferry line.",
     "needs_context"),
    # a quotation credited to a description of someone named before
    ("“A single ferry pass would help someone for a week, but what then?” the Kelvport "
     "Democrat said on the council floor Wednesday.", "needs_context"),
    ("“We will not reopen the pier this year,” the former harbour chairman told reporters.",
     "needs_context"),
    # ... or to a pronoun, whatever the verb's tense
    ("“I did not close the pier,” he tells the harbour board.", "needs_context"),
    ("“The ferries are safe,” she insists.", "needs_context"),
    ("The next day, the harbour board voted to close the pier.", "needs_context"),
    ("And [he] had just taken everything that people thought of the flag.", "needs_context"),
    ("Eight more had criminal records, the harbour board said on Tuesday.", "needs_context"),
    ("Which means the line only has to sell 4 million tickets to break even this year.",
     "needs_context"),
    ("Which is why the harbour board cut fares on Monday.", "needs_context"),
    ("After climbing two days later down to the spot where the boat sank, he said he "
     "was hit by falling rocks.", "needs_context"),
    ("As much as 70 percent of ferry tickets are typically bought on the day, she said.",
     "needs_context"),
    ("Family members saw the video of the thief on the pier, she said Tuesday.",
     "needs_context"),
    ("Asked about a report that she had offered Mayor Moss a \"safe exit\", she replied: "
     "\"I did nothing of the kind.\"", "needs_context"),
    ("Speaking to reporters at the Kelvport pier on Monday, he said the ferries would run.",
     "needs_context"),
    ("Yes, that grey hull seen in a flash at the start was the ferry the film is about.",
     "needs_context"),
    ("No, the harbour board did not vote on the fares on Monday.", "needs_context"),
    # a group speaking of someone named before, by a pronoun
    ("Authorities say he targeted ferry inspectors at the North Quay.", "needs_context"),
    ("Police believe she boarded the ferry at Halden with a forged pass.", "needs_context"),
    # "here": the matter or the place of a text the reader does not have
    ("There is almost certainly much less here than meets the eye.", "needs_context"),
    ("The mayor's plan was put on show here on Sunday by the harbour board.",
     "needs_context"),
    ("Is the deal dead after the vote on Tuesday night?", "question"),
    ("In a letter to publisher A.G.", "incomplete"),
])
def test_sentences_that_cannot_stand_alone(sentence: str, problem: str) -> None:
    assert standalone_problem(sentence) == problem


@pytest.mark.parametrize("sentence", [
    "The port closed on Monday after 1,850 dockworkers walked out over pay.",
    "“I am always prepared to walk away,” Mayor Ines Carrow told reporters.",
    "“The pier stays shut,” the harbour board said on Tuesday.",
    "Ferries like these sail from Kelvport to Halden twice a day.",
    "“The pier stays shut,” the mayor of Kelvport, Ines Carrow, said on Tuesday.",
    "Officials said they would review the decision in March.",
    "Police said Mayor Ada Moss had boarded the ferry at Halden.",
    "Some 700,000 immigrants were brought to the country as children.",
    "US officials said the talks would resume in Geneva next week.",
    "The group called the plan a “good shutdown” for the sector.",
    "The same-sex marriage case reached the court in March.",
    "All of the 40 ferries were back in service by Friday.",
    "The same fares as last year apply on the river routes.",
    "Thanks to a surge in riders, the ferry line made a profit in 2025.",
    "Which route is chosen, in turn, decides where the ferries will dock in 2026.",
    "During Mayor Moss's visit to the pier, the harbour board cut fares by a fifth.",
    "Speaking to reporters on Monday, Mayor Ada Moss said the ferries would run.",
    "No ferry left Kelvport on Monday.",
    "The Me Too movement reached the harbour board in 2018.",
    "As much as 70 percent of ferry tickets are bought on the day, Mayor Ada Moss said.",
])
def test_sentences_that_stand_alone(sentence: str) -> None:
    assert standalone_problem(sentence) is None


def test_speakers_are_who_says_it_not_who_is_named() -> None:
    people = ["Bo Tenley", "Ada Brink", "Corin Vale"]
    text = ("Chairman Bo Tenley, D-Miss., said Thursday that the request to investigate "
            "former Vice President Ada Brink was a breach of the oath.")
    assert speaker_names(text, people) == ["Bo Tenley"]
    assert speaker_names("“Not yet,” said Corin Vale, a spokesman.", people) == ["Corin Vale"]
    # a verb joined by "and" belongs to the clause's subject (the board), not to the name
    # just before it
    assert speaker_names("The board named councillors including Ada Brink as “disloyal” "
                         "and said it would expel them.", people) == []


def _doc(site_name: str, url: str = "http://127.0.0.1:8765/pages/a/story.html",
         title: str = "A title", source_url: str = "http://127.0.0.1:8765/feeds/a.xml"
         ) -> Document:
    return Document(url=url, canonical_url=url, title=title, text="", content_hash="",
                    site_name=site_name, source_url=source_url)


def test_a_feed_title_that_names_nobody_is_not_an_outlet() -> None:
    for name in ("Unattributed (left)", "Unattributed", "RSS", "Latest news", "Untitled"):
        assert is_placeholder_name(name), name
        assert outlet_name(_doc(name)) == ""  # and an IP address is no outlet name either
    assert outlet_name(_doc("Unattributed", url="https://www.example-news.com/a")) == \
        "example-news.com"
    assert outlet_name(_doc("The Harbor Chronicle")) == "The Harbor Chronicle"


def test_unnamed_feeds_are_separate_sources_and_named_outlets_one_each() -> None:
    left = _doc("Unattributed (left)", source_url="http://127.0.0.1:8765/feeds/left.xml")
    right = _doc("Unattributed (right)", source_url="http://127.0.0.1:8765/feeds/right.xml")
    assert source_key(left) != source_key(right)
    assert source_key(_doc("Reuters")) == source_key(_doc("Reuters", url="http://x.org/b"))


def test_opinion_is_recognised_from_the_outlet_title_or_url() -> None:
    assert is_opinion(_doc("Harbor Chronicle - Opinion"))
    assert is_opinion(_doc("Guest Writer - Left"))
    assert is_opinion(_doc("Chronicle", title="OPINION: The vote both parties fear"))
    assert is_opinion(_doc("Chronicle", url="https://chronicle.example/opinion/2021/a-view"))
    assert not is_opinion(_doc("Chronicle", title="Senate votes to end the shutdown"))


def test_frames_keep_names_capitalised_and_read_back() -> None:
    case = word_case(["the former prosecutor won, and officials said Donald Hale lost"])
    assert frame("Donald Hale has tried to reassure markets.", "BBC News", False, case) == \
        "According to BBC News, Donald Hale has tried to reassure markets."
    assert frame("Former prosecutor Lori Vance won the race.", "Fox News", False, case) == \
        "According to Fox News, former prosecutor Lori Vance won the race."
    # a title before a name keeps its capital
    assert frame("President Hale tried to calm fears.", "The Post", False, case) == \
        "President Hale tried to calm fears, The Post reported."
    # the full stop of an abbreviation stays
    assert frame("The suspect lived in Port St. Lucie, Fla.", "USA TODAY", True) == \
        "The suspect lived in Port St. Lucie, Fla., USA TODAY reported."
    for framed, claim, who in [
        ("According to BBC News, Donald Hale has tried.", "Donald Hale has tried.", "BBC News"),
        ("The suspect lived in Port St. Lucie, Fla., USA TODAY reported.",
         "The suspect lived in Port St. Lucie, Fla.", "USA TODAY"),
        ("The order was signed, one report said.", "The order was signed.", "one report"),
    ]:
        assert unframe(framed).claim == claim
        assert unframe(framed).credited == who


def test_unnamed_outlets_are_one_report_then_another() -> None:
    assert credit_name("", 0) == "one report"
    assert credit_name("", 1) == "another report"
    assert credits_match("one report", "")
    assert not credits_match("Fox News", "Reuters")
    assert not credits_match("Fox News", "")


def test_word_case_learns_names_from_the_sources() -> None:
    case = word_case(["police said the american team left", "He met American officials"])
    assert "american" in case.proper and "american" not in case.lower
    assert isinstance(case, WordCase)


def test_a_word_capitalised_only_inside_a_longer_name_is_lower_cased_behind_a_frame() -> None:
    # "Job" is capitalised in the survey's name, written in lower case everywhere else
    case = word_case(["Openings reached 9.2 million, according to the Labor Department's "
                      "Job Openings and Labor Turnover Survey, and job openings rose",
                      "officials said Donald Hale lost, and the American team left"])
    assert frame("Job openings remained at a historic high in May.", "NPR", False, case) == \
        "According to NPR, job openings remained at a historic high in May."
    # the same word opening a name keeps its capital (a capitalised word follows it)
    framed = frame("Job Corps centers will reopen in May.", "NPR", False, case)
    assert "Job Corps centers" in framed and "job Corps" not in framed
    # a first name seen only before a surname, and a word capitalised on its own, are names
    assert {"donald", "american"} <= case.proper
    assert "job" in case.lower and "job" not in case.proper


def test_a_word_seen_capitalised_only_inside_a_name_takes_the_trailing_frame() -> None:
    # "World" only in "World Harbour Organisation": "World leaders" may or may not open
    # a name, so neither "According to NPR, World leaders" nor "world leaders" is safe
    case = word_case(["officials of the World Harbour Organisation said fares would rise",
                      "the plan was backed by Donald Hale on Monday"])
    assert "world" in case.name_only
    assert frame("World leaders called for a study of ferry fares.", "NPR", False, case) == \
        "World leaders called for a study of ferry fares, NPR reported."
    # a name that goes on keeps the leading frame
    assert frame("World Harbour Organisation officials met on Monday.", "NPR", False,
                 case) == "According to NPR, World Harbour Organisation officials met on Monday."


def test_a_common_word_the_sources_never_write_mid_sentence_is_read_by_its_grammar() -> None:
    from newsdesk.builtin.write_grounded import opening_case
    # the story's sources write neither "senior" nor "social" inside a sentence; these
    # sentences end on their own credit, so the outlet's credit must lead
    case = word_case(["the ferry line said on Monday that its crews would strike",
                      "riders of the Kelvport Ferry Line waited for hours"])
    text = ("Senior US officials hid the state of the hull for years, according to a "
            "report by the harbour board.")
    assert frame(text, "NPR", False, opening_case(text, case)) == (
        "According to NPR, senior US officials hid the state of the hull for years, "
        "according to a report by the harbour board.")
    text = "Social media services are back after an outage, the ferry line says."
    assert frame(text, "NPR", False, opening_case(text, case)).startswith(
        "According to NPR, social media services are back")
    # a place, a name and a party keep their capital
    for text in ("China threatened to close its ports, the harbour board said.",
                 "Social Security payments will reach riders in May, the board said.",
                 "Democratic councillors walked out, the board said."):
        framed = frame(text, "NPR", False, opening_case(text, case))
        assert framed == f"According to NPR, {text}"
    # where the credit can close the sentence, nothing changes
    text = "Senior crews walked off the ferries on Monday."
    assert opening_case(text, case) == case
    # a word the sources write in lower case, before a name: its grammar decides too
    case = word_case(["riders said senior US officials knew, and job seekers asked the "
                      "Job Corps for places"])
    text = "Senior US officials knew of the cracks, according to the harbour board."
    assert frame(text, "NPR", False, opening_case(text, case)).startswith(
        "According to NPR, senior US officials")
    text = "Job Corps centers will reopen in May, the board said."
    assert frame(text, "NPR", False, opening_case(text, case)) == f"According to NPR, {text}"


def test_quoted_runs_are_the_words_inside_quotation_marks() -> None:
    from newsdesk.standalone import quotations
    one = quotations("“The work goes on with all speed and urgency,” the mayor said.")
    other = quotations("“The work goes on with all speed and all urgency,” said the mayor.")
    assert ("goes", "on", "with", "all") in one.runs & other.runs
    assert one.shares_run(other)
    assert not quotations("The work goes on with all speed, the mayor said.").spans
    short = quotations("He called it a “good shutdown” on Monday.")
    assert not short.runs and short.phrases == ("good shutdown",)  # under four words
