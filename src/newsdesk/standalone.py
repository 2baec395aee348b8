"""Can a source sentence stand in an article on its own, in the newsroom's voice?

A sentence lifted out of its source loses what came before it and who was speaking.
This module says, for one sentence, why it cannot be used alone (``None`` when it
can). The writer uses it to choose sentences and the verifier to judge a published
sentence; the rules are about language, not about any one corpus:

- ``incomplete``: not a whole sentence (see :func:`newsdesk.segment.is_complete`);
- ``first_person`` / ``second_person``: "I", "my", "we", "you" outside quotation
  marks are a columnist's or a speaker's voice, never the newsroom's;
- ``quote_without_speaker``: a quotation of several words with nobody named as saying
  it in the sentence (the speaker was in the sentence before);
- ``needs_context``: it opens with a pronoun or a connective that points at an earlier
  sentence ("They ...", "It ...", "This ...", "But ...");
- ``question``: a question is a lead-in, not a report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsdesk.segment import is_complete

# Quoted spans; a straight quote pair or a curly pair (mixed styles end at either mark).
_QUOTED = re.compile(r"[“\"][^“”\"]*[”\"]")
_FIRST_PERSON = re.compile(
    r"\b(?:I|I[’']m|I[’']ve|I[’']d|I[’']ll|me|my|mine|myself|we|we[’']re|we[’']ve|we[’']d|"
    r"we[’']ll|our|ours|ourselves)\b|\bWe\b|\bOur\b|\bMy\b|\bMe\b(?!\s+Too\b)|\bus\b")
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|yourselves|you[’'](?:re|ve|d|ll))\b",
                            re.IGNORECASE)
# "Congrats to Sundar Pichai, who ...", "Shame on the board.": the author speaking to
# someone, an interjection where a report states what happened
_ADDRESS = re.compile(r"^\W*(?:Congrats|Congratulations|Kudos|Bravo|Hooray|Hurray|Shame\s+on|"
                      r"Welcome\s+to|Goodbye|Farewell|So\s+long|Good\s+riddance|RIP)\b")
# Verbs and phrases that name who is speaking.
SPEECH = re.compile(
    r"\b(said|says|say|saying|told|tells|tweeted|tweets|wrote|writes|added|adds|asked|asks|"
    r"stated|states|according to|argued|argues|claimed|claims|insisted|insists|warned|warns|"
    r"explained|explains|noted|notes|declared|declares|announced|announces|replied|replies|"
    r"responded|responds|posted|shouted|yelled|continued|recalled|admitted|acknowledged|"
    r"testified|vowed|promised|urged|called|described|dubbed|quipped|joked|remarked|"
    r"reads|read|statement|interview|spokesman|spokeswoman|spokesperson)\b",
    re.IGNORECASE)
#: Words that point at something said before; a sentence that opens with one cannot
#: be read on its own.
DANGLING = frozenset({
    "They", "He", "She", "It", "This", "These", "Those", "That", "Its", "His", "Her",
    "Their", "Theirs", "Them", "Him", "Such", "Both", "Neither", "Then", "So", "Thus",
    "Nor", "Others", "Another", "Also", "Still", "Yet", "Hence", "Therefore", "Likewise",
    "Similarly", "Instead", "Otherwise", "Here", "Later", "Afterward", "Afterwards",
    "Or",  # "Or after two lawmakers survived ...": the rest of an earlier sentence
})
# "Which means Spiegel only has to sell ...", "Which is why ...": a relative clause that
# goes on from the sentence before it (not "Which explanation is right affects ...",
# where "which" asks which one)
_WHICH_GOES_ON = re.compile(r"^Which\b(?!\s+[a-z]+\s+(?:is|was|are|were|has|have|had|will|"
                            r"would|can|could|did|does|do)\b)")
# "One, an executive order ...", "Second, ...": one item of a list announced before
_ENUMERATION = re.compile(r"^(?:One|Two|Three|First|Second|Third|Fourth|Next|Finally|Lastly)"
                          r"\s*,\s")
# "Crucially, ", "Soon, ", "Separately, ", "In a statement, ": an adverbial opener
_LEADING_ADVERB = re.compile(r"^(?:[A-Z][a-z]+ly|Soon|Later|Then|Now|Still|Meanwhile|However|"
                             r"Instead|Also|Yet|So|Again|Earlier|Afterward|Previously)\s*,\s+")
# An editor's insertion in brackets ("And [he] had ...") marks words lifted from a
# quotation whose marks were dropped.
_INSERTION = re.compile(r"\[[^\]]{1,40}\]")
# "There is much less here than meets the eye", "... was on show here Sunday": the
# matter or the place the source's text is about, which the article does not give
_HERE = re.compile(r"\bhere\b", re.IGNORECASE)
# "Answering questions such as these is ...", "in cases like those, ...": a demonstrative
# standing for things the source listed before
_SUCH_AS_THESE = re.compile(r"\b(?:such\s+as|like)\s+(?:these|those|this|that)\b"
                            r"(?=\s*[,.;:—–)]|\s+(?:is|are|was|were|has|have|had|will|would|"
                            r"can|could|and|or|do|does|did|in|to|-)\b)", re.IGNORECASE)
# "All were defeated", "Many have left", "Two said": a quantifier standing for people or
# things named before
_QUANTIFIER_PRONOUN = re.compile(
    r"^(?:All|Some|Many|Most|Much|Several|None|Each|Few|Either|One|Two|Three|Four|Five|"
    r"Others)\s+(?:of\s+(?:them|those|these|us|it|this|that)\b|are|were|was|is|have|has|had|will|would|could|can|did|"
    r"do|does|said|say|says|also|agreed|remain|remained)\b")
# "Eight more had criminal records", "Dozens more were hurt": a count added to one
# given before
_MORE = re.compile(r"^(?:\d[\d,]*|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Several|"
                   r"Many|Dozens|Hundreds|Thousands|Millions|A\s+few|Few|Some)\s+more\b"
                   r"(?!\s+than\b)")
# "After all, ...", "As a result, ...", "By contrast, ...": an argument from, or a
# consequence of, the sentence before
_ARGUES_FROM_BEFORE = re.compile(
    r"^(?:After\s+all|As\s+a\s+result|In\s+turn|By\s+contrast|In\s+contrast|"
    r"On\s+the\s+other\s+hand|Conversely|In\s+other\s+words|That\s+said|Even\s+so|"
    r"To\s+be\s+sure|For\s+that\s+reason|Because\s+of\s+(?:this|that))\b")
# "Soon after, ...", "Hours later, ...", "The next day, ...": a time the sentence
# before set ("Later this year" and "Hours after the vote" say their own)
_TIME_FROM_BEFORE = re.compile(
    r"^(?:(?:Soon|Shortly|Just|Not\s+long)\s+(?:after|afterwards?|thereafter)|Afterwards?|"
    r"Thereafter|(?:[\w-]+\s+)?(?:[Mm]oments|[Mm]inutes|[Hh]ours|[Dd]ays|[Ww]eeks|[Mm]onths|"
    r"[Yy]ears|minute|hour|day|week|month|year)\s+later|Later\s+that\s+(?:day|night|morning|"
    r"evening|week)|The\s+(?:next|following)\s+(?:day|morning|night|week))\s*,")
# "The same people who ...", "The same day, ...": the same as something said before
_SAME = re.compile(r"^(?:The|At\s+the|On\s+the|In\s+the)\s+same\s+(?!as\b)\w+\b(?!\s+as\b)")
# "“...,” he said.", "“...,” she told reporters": a quotation credited to a pronoun
_SPEAKS = (r"(?:said|says|told|tells|added|adds|wrote|writes|asked|asks|tweeted|tweets|"
           r"explained|explains|noted|notes|argued|argues|continued|continues|replied|"
           r"replies|insisted|insists|warned|warns)\b")
_PRONOUN_SPEAKER = re.compile(rf"^\W*(?:he|she|they|it)\s+{_SPEAKS}", re.IGNORECASE)
# "“...,” the New York Democrat said", "“...,” the former governor told reporters": a
# quotation credited to a description of a person named in an earlier sentence
_DESCRIBED_SPEAKER = re.compile(
    r"^\W*the\s+(?:[\w.’'-]+\s+){0,4}?(?:Democrat|Republican|senator|congressman|"
    r"congresswoman|lawmaker|governor|mayor|candidate|nominee|president|billionaire|"
    r"businessman|businesswoman|lawyer|spokesman|spokeswoman|spokesperson|official|"
    r"executive|judge|minister|leader|chairman|chairwoman|actor|actress|singer|star)\s+"
    rf"(?:also\s+)?{_SPEAKS}")
# "The workers — many, many are taking it": the same after a dash, colon or comma
_QUANTIFIER_AFTER_BREAK = re.compile(
    r"[—:,]\s+(?:all|some|many|most|several|none|each|few|both)\s+(?:are|were|was|is|have|"
    r"has|had|will|would|did|do|does|said|say|says)\b", re.IGNORECASE)
# "Within seconds, he was ...", "In a statement, they said ...": a short opening phrase,
# then a pronoun subject
_PHRASE_THEN_PRONOUN = re.compile(r"^[^,“”\"]{2,60},\s+(?:he|she|they|it|his|her|their|its|"
                                  r"this|these|those|we|i)\b", re.IGNORECASE)
# "After abseiling down to the spot where her body was found, he said ...": a longer
# opening phrase with no name in it, so the pronoun after it has none to point at
_NAMELESS_PHRASE_THEN_PRONOUN = re.compile(r"^(?![“\"])[A-Z][^,A-Z]{2,120},\s+(?:he|she|they)\s")
# "Asked about the report, she replied ...", "Speaking to reporters, he said ...": a
# participle's subject is the main clause's, so the pronoun after it points outside the
# sentence whatever names the phrase holds
_PARTICIPLE_THEN_PRONOUN = re.compile(
    r"^(?:When\s+|Once\s+|If\s+)?(?:Asked|Pressed|Questioned|Told|Shown|Interviewed|"
    r"(?!During\b|According\b|Including\b|Regarding\b|Concerning\b|Following\b|"
    r"Considering\b|Notwithstanding\b)[A-Z][a-z]+ing)\b[^;]{0,200}?[,”\"]\s*,?\s*"
    r"(?:he|she|they)\s")
# "Authorities say he targeted TSA employees.", "Police believe she ...": a group that
# speaks of someone by a pronoun, so the person is named in an earlier sentence (the
# group's own "they" is theirs: "Officials said they would ...")
_GROUP_ON_PRONOUN = re.compile(
    r"^(?:The\s+|Federal\s+|Local\s+|State\s+)?(?:authorities|police|officials|prosecutors|"
    r"investigators|witnesses|officers|sources|experts|analysts|neighbou?rs|relatives|"
    r"friends|family|family\s+members|critics|supporters|lawyers|attorneys|doctors|"
    r"residents|court\s+(?:documents|records|papers)|records|documents)\s+"
    r"(?:have\s+|had\s+)?(?:say|says|said|believe|believed|allege|alleged|think|thought|"
    r"reported|told\s+[\w.]+(?:\s+[\w.]+)?)\s+(?:that\s+)?(?:he|she|his|her)\b",
    re.IGNORECASE)
# "Yes, that furry face was ...", "No, the plan was not ...": an answer to something said
# before
_REPLY = re.compile(r"^(?:Yes|No|Yeah|Yep|Nope|Sure|Well|Oh|Okay|OK|Right)\s*[,!.]\s")
# "What he found funny was funny to his audience": a pronoun subject inside the
# opening clause, pointing at someone named before
_WHAT_PRONOUN = re.compile(r"^(?:What|Whatever|All|Everything)\s+(?:he|she|they)\s")
# "... as much as 70 percent of tickets are bought that day, she said.": a claim
# credited to someone the article does not name
_PRONOUN_CREDIT = re.compile(r",\s+(?:he|she|they)\s+(?:said|says|added|told\s+\w+|wrote|"
                             r"explained|noted|argued|continued)(?:\s+[a-z]+)?\s*[.!?]?$")
#: A quotation this long (in words) is someone's words, not a phrase in scare quotes.
QUOTE_WORDS = 5


# Where a main clause ends and what follows only adds to it: a spaced dash, or a comma
# before a participle of saying or of consequence, a clause of time or manner, or a
# noun phrase that sums the clause up ("..., as a caravan of ...", "..., alleging he
# withheld ...", "..., installing a seasoned lawyer ...", "..., a move that ...", "...,
# a long-expected move"). Not before words that qualify what came before ("-- but only
# if ...", ", unless ...", "as long as"): cutting those would change what is said.
_CLAUSE_BREAK = re.compile(
    r"(?:\s+(?:--|—|–)\s+|,\s+(?=(?:as|after|while|alleging|saying|citing|calling|"
    r"adding|including|which|who|amid|prompting|sparking|leaving|marking|installing|"
    r"making|bringing|ending|giving|handing|paving|putting|raising|sending|setting|"
    r"signaling|signalling|triggering|underscoring|capping|clearing|dealing|drawing|"
    r"fueling|fuelling|opening|reversing|threatening|following|"
    r"(?:a|an|the)\s+(?:[\w-]+\s+){0,2}(?:move|step|decision|development|reversal|"
    r"setback|blow|victory|sign|shift|milestone|turnaround|rebuke|escalation))\b))"
    r"(?!(?:but|unless|only|if|except|although|though|not|as\s+(?:long|soon|well|much|"
    r"many|far)\s+as)\b)")


# Without a comma, a clause of time that follows the main one ("... federal investigators
# even after Manafort agreed to cooperate", "... senator after a lengthy vote count"):
# also only adds to it, unless the main clause is negated ("will not vote before the
# audit": the time is what it denies) or the time is its point ("only after").
_BARE_TIME_BREAK = re.compile(r"\s+(?=(?:(?:even|just|shortly|soon|right)\s+)?"
                              r"(?:after|before|following|while)\s)")
_NEGATED = re.compile(r"\b(?:not|never|no|cannot|nor|none|without)\b|n[’']t\b", re.IGNORECASE)


def clause_ends(text: str) -> list[int]:
    """The offsets in ``text`` where a main clause may end because what follows only
    adds to it (see ``_CLAUSE_BREAK`` and ``_BARE_TIME_BREAK``): the words before one of
    them, ended with a full stop, say nothing the whole sentence does not."""
    ends = {m.start() for m in _CLAUSE_BREAK.finditer(text)}
    for match in _BARE_TIME_BREAK.finditer(text):
        head = text[:match.start()]
        last = head.split()[-1].lower() if head.split() else ""
        if not _NEGATED.search(head) and last not in ("only", "long", "shortly", "just",
                                                        "soon", "right", "even") \
                and "," not in text[match.end():match.end() + 1]:
            ends.add(match.start())
    return sorted(ends)


# Words that make the clause before them conditional ("..., unless the mayor vetoes
# it", "-- but only if ...", "... if the weather holds"): the clause without them states
# as plain fact what its source made depend on something. (A contrast, "..., but lost
# the series", leaves the clause before it true.)
_QUALIFIER = re.compile(r"\W*(?:unless|if|only|provided|except|pending|barring|assuming|"
                        r"subject\s+to|(?:as|so)\s+long\s+as|even\s+if|but\s+only|"
                        r"but\s+not\s+(?:if|unless|until|before))\b", re.IGNORECASE)


def opens_qualification(rest: str) -> bool:
    """Whether the words after a cut (``rest``) make what came before it conditional."""
    return bool(_QUALIFIER.match(rest))


def unquoted(text: str) -> str:
    """``text`` with its quoted passages blanked out."""
    return _QUOTED.sub(" ", text)


def quotes_blanked(text: str) -> str:
    """``text`` with each quoted passage replaced by as many spaces: what
    :func:`unquoted` keeps, at the positions it has in ``text``."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def _is_title(quoted: str) -> bool:
    """A quoted title ("For the Love of Money", "Male and Female He Created Them"):
    its words of four letters or more are all capitalised."""
    long_words = [w for w in re.findall(r"[A-Za-z’']+", quoted) if len(w) >= 4]
    return bool(long_words) and all(w[0].isupper() for w in long_words)


def quoted_words(text: str) -> int:
    """Words inside quotation marks, in the longest quoted passage that is someone's
    words (a quoted title is not)."""
    return max((len(m.group(0).split()) for m in _QUOTED.finditer(text)
                if not _is_title(m.group(0))), default=0)


@dataclass(frozen=True)
class Quoted:
    """The quotations of a sentence, to tell whether two sentences quote the same words
    (:func:`quotations`)."""

    runs: frozenset[tuple[str, ...]]  # every run of ``size`` words of a longer quotation
    phrases: tuple[str, ...]  # each shorter quotation of two words or more, whole
    spans: tuple[str, ...]  # each quotation's words (a quoted title's left out)

    def shares_run(self, other: Quoted) -> bool:
        """Whether the two have a run of ``size`` quoted words in common: one
        quotation, maybe in two versions."""
        return bool(self.runs & other.runs)

    def shares_phrase(self, other: Quoted) -> bool:
        """Whether a short quotation of one is inside a quotation of the other ("final
        extension" / "final extension of the pause")."""
        return any(f" {p} " in f" {s} " for p in self.phrases for s in other.spans) or \
            any(f" {p} " in f" {s} " for p in other.phrases for s in self.spans)


def quotations(text: str, size: int = 4) -> Quoted:
    """The words inside the quotation marks of ``text`` (lower case, no punctuation, a
    hyphenated word one word), as :class:`Quoted`. A quoted title ("60 Minutes") gives
    no phrase."""
    runs: set[tuple[str, ...]] = set()
    phrases: list[str] = []
    spans: list[str] = []
    for match in _QUOTED.finditer(text):
        words = re.findall(r"[a-z0-9]+(?:[-’'][a-z0-9]+)*", match.group(0).lower())
        runs.update(tuple(words[i:i + size]) for i in range(len(words) - size + 1))
        if _is_title(match.group(0)):
            continue
        spans.append(" ".join(words))
        if 2 <= len(words) < size:
            phrases.append(" ".join(words))
    return Quoted(frozenset(runs), tuple(phrases), tuple(spans))


def has_speaker(text: str) -> bool:
    """Whether the sentence names who says what it quotes: a verb of saying (or
    "according to", "in a statement") outside the quotation marks."""
    return bool(SPEECH.search(unquoted(text)))


def speaker_names(text: str, people: Iterable[str]) -> list[str]:
    """The people of ``people`` (full names) whom ``text`` gives as speaking: a full
    name or surname among the four words before a verb of saying outside quotation
    marks ("Adam Schiff, D-Calif., said", "Schiff told") or the three after it ("said
    Mark McDonald")."""
    outside = unquoted(text)
    found = []
    for person in dict.fromkeys(people):
        words = person.split()
        forms = {person, words[-1]} if len(words) >= 2 else {person}
        for match in SPEECH.finditer(outside):
            preceding = outside[:match.start()].split()[-4:]
            # "... designated Alex Jones as “dangerous” and said it will ...": a verb
            # joined by "and" has the clause's subject, not the name just before it
            if preceding and preceding[-1].lower() in ("and", "but", "or", "then"):
                preceding = []
            before = " ".join(preceding)
            after = " ".join(outside[match.end():].split()[:3])
            if any(re.search(rf"\b{re.escape(f)}\b", before) or
                   re.search(rf"\b{re.escape(f)}\b", after) for f in forms):
                found.append(person)
                break
    return found


def first_word(text: str) -> str:
    """The sentence's first word, without quotation marks, brackets, trailing
    punctuation or a contraction ("It's" -> "It")."""
    parts = text.lstrip("“\"‘'([ ").split(maxsplit=1)
    word = parts[0].strip(",;:.!?”\"’')]") if parts else ""
    return re.split(r"[’'](?:s|re|ve|d|ll)$", word)[0]


def subject_word(text: str) -> str:
    """The first word after a leading adverb or connective and its comma ("Crucially,
    he ..." -> "he", "Soon, her ..." -> "her"): the word a reader needs to resolve."""
    match = _LEADING_ADVERB.match(text.lstrip("“\"‘'( "))
    return first_word(text[match.end():] if match else text)


def voice_problem(text: str) -> str | None:
    """``first_person`` or ``second_person`` when the sentence speaks as "I"/"we" or
    to "you" outside quotation marks, or speaks to someone ("Congrats to ...", "Shame
    on ...": ``second_person`` too); else ``None``."""
    outside = unquoted(text)
    if _FIRST_PERSON.search(outside):
        return "first_person"
    if _SECOND_PERSON.search(outside) or _ADDRESS.match(text):
        return "second_person"
    return None


def standalone_problem(text: str) -> str | None:
    """Why ``text`` cannot be published on its own (see the module docstring), or
    ``None`` when it can."""
    sentence = text.strip()
    if not is_complete(sentence):
        return "incomplete"
    if sentence.rstrip("”\"’')").endswith("?"):
        return "question"
    voice = voice_problem(sentence)
    if voice:
        return voice
    if quoted_words(sentence) >= QUOTE_WORDS and not has_speaker(sentence):
        return "quote_without_speaker"
    if sentence[:1] in "“\"‘":
        # "“It is not our intent ...,” an officer said.": the quotation's words are the
        # speaker's; what needs a referent is who said them ("..., he said.")
        outside = unquoted(sentence)
        if _PRONOUN_SPEAKER.search(outside) or _DESCRIBED_SPEAKER.search(outside):
            return "needs_context"
    elif first_word(sentence) in DANGLING or subject_word(sentence).capitalize() in DANGLING:
        return "needs_context"
    if (_QUANTIFIER_PRONOUN.match(sentence) or _PHRASE_THEN_PRONOUN.match(sentence)
            or _ENUMERATION.match(sentence) or _SAME.match(sentence)
            or _ARGUES_FROM_BEFORE.match(sentence) or _MORE.match(sentence)
            or _TIME_FROM_BEFORE.match(sentence)
            or _WHICH_GOES_ON.match(sentence)
            or _NAMELESS_PHRASE_THEN_PRONOUN.match(sentence)
            or _PARTICIPLE_THEN_PRONOUN.match(sentence) or _REPLY.match(sentence)
            or _WHAT_PRONOUN.match(sentence) or _GROUP_ON_PRONOUN.match(sentence)
            or _PRONOUN_CREDIT.search(unquoted(sentence).rstrip("”\"’' "))
            or _QUANTIFIER_AFTER_BREAK.search(sentence)):
        return "needs_context"
    outside = unquoted(sentence)
    if _INSERTION.search(outside) or _HERE.search(outside) or _SUCH_AS_THESE.search(outside):
        return "needs_context"
    return None
