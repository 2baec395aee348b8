"""The sentence audit's rules, one function per defect class (documented in
newsdesk.evaluation.audit). Each returns the reasons a sentence breaks the rule; an
empty list means it passes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newsdesk.evaluation.audit_text import (
    NOUN_ABBREVIATIONS,
    PERSON_TITLES,
    ROMAN,
    SENTENCE_FINAL_ABBREVIATIONS,
    SPEECH,
    STOPWORDS,
    TITLE_ABBREVIATIONS,
    TITLE_WORDS,
    VERBISH,
    CaseEvidence,
    content_words,
    has_speech_verb,
    locate,
    norm,
    outside_quotes,
    plain,
    preceding_sentence,
    quoted_passages,
    speaker_credit,
    split_frame,
    word_set,
    words,
)

if TYPE_CHECKING:
    from newsdesk.evaluation.audit import AuditSentence

_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$")
_DATELINE = re.compile(r"^(?:\([A-Z][^)]{1,30}\)|[A-Za-z][\w.'’]*(?:[ ,]+[A-Z][\w.'’]*){0,3}"
                       r"(?:\s*\([^)]{1,40}\))?)\s+[-—–]{1,2}\s+(?=[A-Z“\"])")
# "RESEARCHERS AROUND THE world ...": a page's typographic lead-in, not acronyms.
_CAPITALS = re.compile(r"^(?=(?:\S+\s+){0,3}(?:THE|AND|OF|AS|IN|TO|ON|FOR|AT)\s)"
                       r"(?:[A-Z][A-Z'’.,-]*\s+){3,}")
# "Why it matters: ...", "Driving the news: ..." - a publication's section label.
_LABEL = re.compile(r"^(?:[A-Za-z][a-z'’]*(?:\s+[a-z'’]+){1,3}|Details|Background|Context|"
                    r"Update|Updated|Flashback|Recap|Related|Note|"
                    r"[A-Z][A-Z'’]+(?:,?\s+(?:[A-Z][A-Z'’]+|\d+))*):\s+(?=[A-Z“\"])")
# "Protestors storm the Legislative Council: Hundreds of protesters have broken into
# ...": a short lead-in, then a whole sentence after the colon.
_LEAD_IN = re.compile(r"^(?P<lead>[^:,;“”\"]+):\s+(?P<rest>[A-Z][^:]+)$")
# "... with the U.S.Officials also said ..." - no space after a full stop.
_RUN_TOGETHER = re.compile(r"\b\w+[a-z)\]”\"]?[.!?](?=[A-Z][a-z]+\b)\w+")
_GLUED = re.compile(r"^(?:[A-Z][\w.'’]*\s+){0,2}(?P<first>[A-Z][a-z]{2,}|[A-Z]{2,})"
                    r"(?P<second>[A-Z][a-z]+)\b")


# "... reasons for canceling DACA The Supreme Court on Thursday ...", "... were never
# justified The board cut ...": a capitalised article opening a new sentence mid-way
# (a name that starts with "The" follows a verb or preposition, and goes on capitalised)
_STOP_LOST = re.compile(r"[a-z0-9%] The [a-z]+|\b[A-Z]{2,} The [A-Z][a-z]+")


def _last_token(body: str) -> str:
    tokens = body.split()
    return tokens[-1].strip("\"“”'’(),;:") if tokens else ""


def _abbreviation_end(body: str) -> str | None:
    """The title abbreviation or initial ``body`` ends on, if any."""
    tokens = body.split()
    last = _last_token(body)
    bare = last.rstrip(".")
    if not bare:
        return None
    if bare.lower() in TITLE_ABBREVIATIONS:
        return last
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", bare):
        previous = tokens[-2].lower() if len(tokens) > 1 else ""
        # "the U.S." ends a sentence; "that U.S." is cut before "U.S. officials"
        if bare not in SENTENCE_FINAL_ABBREVIATIONS or (
                bare in NOUN_ABBREVIATIONS and previous != "the"):
            return last
    if re.fullmatch(r"[A-Z]", bare) and bare not in ROMAN and len(tokens) > 1:
        previous = tokens[-2].strip("\"“”'’(),;:")
        if previous[:1].isupper() and previous.rstrip(".").lower() not in STOPWORDS:
            return last  # "John J." - an initial after a name
    return None


# "Which explanation is right affects ...": "which" asks which one, it does not go on
# from an earlier sentence
_ASKS_WHICH = re.compile(r"Which\s+[a-z]+\s+(?:is|was|are|were|has|had|will|would|can|"
                         r"could)\b")


# A page's links stripped with their words: a preposition or article left before a comma
# or the stop, or glued to the next word ("anchor at, now known asWinnipeg, ... in the
# early.")
_GLUED_WORD = r"(?:at|in|of|on|to|for|from|with|by|as|the|an|a)"
_STRANDED_WORD = r"(?:at|of|from|with|the|an|a)"  # not a particle ("wages on, ...")
_GAP = re.compile(rf"(?<![\w’'-])(?:{_STRANDED_WORD}(?:\s*[,;]\s|\s*\.$)|"
                  rf"{_GLUED_WORD}(?=[A-Z][a-z]))")
# "(Kelvport Police Service) The man ...": a picture's credit inside the text
_INLINE_CREDIT = re.compile(r"\((?:[A-Z][\w.&’'-]*\s*){1,5}\)\s+(?:The|A|An|He|She|It|They|"
                            r"We|In|On|At)\s")


def fragment(text: str, *, outlet: str = "", source: str = "", headline: bool = False
             ) -> list[str]:
    """Why ``text`` is not a whole sentence (see ``fragment`` in the audit's rules)."""
    reasons: list[str] = []
    text = text.strip()
    framed = split_frame(text, outlet)
    core = framed.core.strip()
    if not headline and not _TERMINAL.search(text):
        reasons.append("ends without terminal punctuation")
    elif not headline and re.search(r"(?<!\b[a-z])(?:\.\s?\.\s?\.|…)\s*$", core):
        # (not "6:30 a.m.." given a stop: an abbreviation's point before it)
        reasons.append("ends on an ellipsis: an excerpt cut off")
    body = _TERMINAL.sub("", core).rstrip()
    cut = _abbreviation_end(body)
    if cut and not headline:
        reasons.append(f"cut after the abbreviation or initial {cut!r}")
    dateline = _DATELINE.match(core)
    if dateline and not re.search(r"\s[-—–]{1,2}\s", core[dateline.end():]):
        reasons.append(f"a dateline left in: {dateline.group(0).strip()!r}")
    glued = _GLUED.match(core)
    if glued and _glued_dateline(glued, source):
        reasons.append(f"a dateline glued to the sentence: "
                       f"{glued.group('first') + glued.group('second')!r}")
    capitals = _CAPITALS.match(core)
    if capitals and not headline:
        reasons.append(f"a page's lead-in in capitals left in: {capitals.group(0).strip()!r}")
    label = _LABEL.match(core)
    lead = _LEAD_IN.match(core)
    if label and not headline:
        reasons.append(f"a label left in: {label.group(0).strip()!r}")
    # (a lead-in has a word in lower case: "Sen. Ada Moss: ..." names a speaker)
    elif lead and not headline and len(words(lead.group("lead"))) <= 8 and \
            re.search(r"\b[a-z]", lead.group("lead")) and \
            len(words(lead.group("rest"))) >= 6 and not has_speech_verb(lead.group("lead")):
        reasons.append(f"a lead-in left before the sentence: {lead.group('lead')!r}")
    joined = _RUN_TOGETHER.search(text)
    if joined:
        reasons.append(f"two sentences run together: {joined.group(0)!r}")
    lost = _STOP_LOST.search(_QUOTED.sub(" ", core))
    if lost:
        reasons.append(f"two sentences run together, the stop lost: {lost.group(0)!r}")
    gap = _GAP.search(_QUOTED.sub(" QUOTE ", core))
    if gap:
        reasons.append(f"words lost from the page (a stripped link): {gap.group(0)!r}")
    credit = _INLINE_CREDIT.search(core)
    if credit:
        reasons.append(f"a photo credit run into the sentence: {credit.group(0)!r}")
    if text[:1].islower():
        reasons.append("starts lower-case")
    elif framed.form == "suffix" and core[:1].islower():
        reasons.append("the sentence before the frame starts lower-case")
    opener = core.split()[0].lower().strip(",") if core.split() else ""
    if opener in {"which", "who", "whom", "whose"} and not _ASKS_WHICH.match(core):
        reasons.append(f"opens with the relative pronoun {opener!r}: a piece of a sentence")
    elif framed.form == "prefix" and opener in {"and", "or", "but", "nor"}:
        reasons.append(f"the frame is followed by {opener!r}: a piece of a sentence")
    elif opener in {"or", "nor"}:
        # "Or after two lawmakers survived ...": the rest of the source's sentence before
        reasons.append(f"opens with {opener!r}: the rest of an earlier sentence")
    if text.count("“") != text.count("”") or text.count('"') % 2:
        reasons.append("unbalanced quotation marks")
    if text.count("(") != text.count(")"):
        reasons.append("unbalanced parentheses")
    if source and not headline:
        reasons.extend(_piece_of_source(body, source, cut))
    return reasons


def _glued_dateline(match: re.Match[str], source: str) -> bool:
    """A camel-case join at the start is a glued dateline unless the joined word is a
    name the source uses again later on (YouTube, LinkedIn)."""
    joined = match.group("first") + match.group("second")
    if not source:
        return True
    later = source.split(maxsplit=8)[-1] if len(source.split()) > 8 else ""
    if re.search(rf"\b{re.escape(joined)}\b", later):
        return False
    second = match.group("second")
    return bool(match.group("first").isupper() or second.lower() in STOPWORDS
                or re.search(rf"(?<![A-Za-z]){re.escape(second)}\b", source))


# a sentence's opener glued to the stop before it: "trilogy.And"
_GLUED_OPENER = re.compile(r"[a-z][.!?][\"”]?([A-Z][a-z]+,?)$")
_CONNECTIVES = {"and", "but", "so", "yet", "still", "also", "meanwhile", "however", "now",
                "then", "instead", "plus", "and,", "but,", "meanwhile,", "however,",
                "still,", "instead,"}


# Capitalised function words: after an abbreviation ("... in the fifth century C.E.
# The reliquary ...") they open a new sentence, they do not go on with a name.
_OPENS_SENTENCE = frozenset({"The", "A", "An", "This", "That", "These", "Those", "It", "He",
                             "She", "They", "We", "I", "In", "On", "At", "But", "And", "Its",
                             "His", "Her", "Their", "There"})
# lower-case words that open a name ("de Blasio said ..."), not a piece of a sentence
_NAME_PARTICLES = frozenset({"de", "van", "von", "der", "den", "al", "el", "da", "di", "du",
                             "le", "la", "bin", "ibn", "ben", "dos", "das", "del"})


_CLAUSE_OF_TIME = re.compile(r"\s*,?\s*(?:even\s+)?(?:after|before|while|when|until|since|"
                             r"following|as)\b")


def _piece_of_source(body: str, source: str, cut: str | None) -> list[str]:
    """Where the core stands in its source: does it start or stop in mid-sentence?"""
    found = locate(body, source)
    if found is None:
        return []
    reasons = []
    after = source[found.end():]
    rest = after.split("\n", 1)[0]
    # a page that stops mid-sentence ("... with federal investigators even after Manafort
    # agreed to"): its main clause, without the clause of time it was cut in, is whole
    cut_off_clause = not re.search(r"[.!?]", rest) and _CLAUSE_OF_TIME.match(rest)
    if not cut and not cut_off_clause and re.match(r"(?:[ \t]+[a-z0-9]|[A-Za-z0-9])", after):
        reasons.append(f"stops where the source sentence goes on: "
                       f"'...{' '.join(after.split()[:4])}'")
    before = source[:found.start()]
    first = source[found.start():].split(maxsplit=1)[0] if source[found.start():].strip() else ""
    opens = not before.strip() or re.search(r"(?:[.!?][\"”’)]*|\n)\s*$", before)
    if opens and first[:1].islower() and not first[1:2].isupper() and \
            first.lower() not in _NAME_PARTICLES and body[:1].isupper():
        # a page that opens mid-sentence ("titled “The NRA And Russia ...” and released
        # Friday ..., relies on documents ..."), its first letter raised
        reasons.append(f"starts in the middle of a source sentence: the source writes "
                       f"{first!r} in lower case")
    elif before.strip():
        previous = before.split()[-1]
        if previous.endswith(".") and _abbreviation_end(" ".join(before.split()[-2:])) and \
                first not in _OPENS_SENTENCE:
            reasons.append(f"starts after the abbreviation {previous!r} in the source")
        elif re.search(r"\n\s*$", before):
            pass  # a new paragraph
        elif previous.lower() in _CONNECTIVES and re.search(r"(?:^|[.!?\"”]\s+)\S+\s*$",
                                                           before):
            pass  # a dropped opener ("And", "But") before a whole sentence, or a page
        elif (glued := _GLUED_OPENER.search(previous)) and \
                glued.group(1).lower() in _CONNECTIVES:
            pass  # the same, glued to the sentence before ("... trilogy.And Jackson ...")
        elif previous[-1:].isalnum():
            reasons.append(f"starts in the middle of a source sentence, after "
                           f"'{' '.join(before.split()[-3:])}'")
    return reasons


# -- lower-cased names ---------------------------------------------------------------------


def lowercased_names(text: str, evidence: CaseEvidence, outlet: str = "",
                     source_sentence: str = "") -> list[str]:
    """Names that ``text`` lower-cases although the sources write them capitalised.
    Words the cited ``source_sentence`` itself writes that way are left alone."""
    framed = split_frame(text, outlet)
    core = framed.core
    own = f" {plain(source_sentence)} " if source_sentence else ""
    spaced = core.split()
    tokens = [t.strip("\"“”(),;:!?") for t in spaced]
    reasons = []
    for index, raw in enumerate(tokens):
        bare = re.sub(r"['’]s?$", "", raw.rstrip("."))
        if not bare or not bare.isalpha() or not bare.islower():
            continue
        if index == 0 and framed.form == "prefix" and bare in evidence.lower:
            # "According to X, police in riot gear ...": the frame lower-cases the
            # sentence's first word, which is fine for a word the sources also write
            # lower-case ("the Los Angeles Police in ..." says nothing about it)
            continue
        # the next word counts only when nothing but a space stands between them
        joined = index + 1 < len(tokens) and spaced[index] == raw
        following = tokens[index + 1] if joined else ""
        second = re.sub(r"['’]s?$", "", following.rstrip("."))
        pair = f"{bare.capitalize()} {second}"
        # a lower-case next word ("health and ...") says little: compare three words
        phrase = [second] + (tokens[index + 2:index + 3] if second.islower() else [])
        lowered = " ".join([bare, *phrase])
        if own and re.search(rf"(?<![\w'’-]){re.escape(plain(raw))}(?:\s+"
                             rf"{re.escape(plain(following))})?(?![\w'’-])", own):
            continue  # as the source has it
        if bare in TITLE_ABBREVIATIONS and raw.endswith(".") and following[:1].isupper():
            reasons.append(f"the title {raw!r} is lower-cased before the name {following!r}")
        elif following and bare not in {"the", "a", "an"} and (
                ((bare, second) in evidence.capital_pairs and lowered not in evidence.text
                 and (not second.islower() or
                      f"{bare.capitalize()} {' '.join(phrase)}" in evidence.text))
                or pair in evidence.full_names.get(second, ())):
            reasons.append(f"{raw + ' ' + following!r}: the sources write "
                           f"{bare.capitalize() + ' ' + following!r}")
        elif bare in STOPWORDS or len(bare) < 2:
            continue
        elif bare in evidence.mid_capitalised and bare not in evidence.lower:
            reasons.append(f"{raw!r} is lower-cased; the sources write it capitalised "
                           f"as a name and never lower-case")
    return reasons


# -- words without their speaker -----------------------------------------------------------

_FIRST_PERSON = re.compile(r"\b(?:I(?:['’](?:m|ve|d|ll))?|[Mm]y|[Mm]e|[Mm]ine|[Mm]yself|"
                           r"[Ww]e(?:['’](?:re|ve|ll|d))?|[Oo]ur|[Oo]urs|[Oo]urselves|us)"
                           r"(?![\w'’-])")
_SECOND_PERSON = re.compile(r"\b(?:[Yy]ou(?:['’](?:re|ve|d|ll))?|[Yy]our(?:s|self|selves)?)"
                            r"(?![\w'’-])")
_SUBJECT = (r"(?:he|she|they|it|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}|"
            r"(?:the|a|an|his|her|their)\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+|[a-z]+)")
_CREDITS = (
    re.compile(rf"^\s*(?P<credit>{_SUBJECT}\s+(?:also\s+)?{SPEECH}\b[^,:\"“]{{0,40}}?"
               rf"(?:\s+that\b|\s*:|\s*,))\s+"),
    re.compile(rf"^\s*(?P<credit>{_SUBJECT}\s+(?:also\s+)?{SPEECH})\s+(?=[a-z])"),
    re.compile(r"^\s*(?P<credit>According to [^,]{1,60}),\s+", re.IGNORECASE),
    re.compile(rf",\s*(?P<credit>{_SUBJECT}\s+{SPEECH}\b[^,]{{0,30}}|{SPEECH}\s+[^,]{{1,40}}),"),
    re.compile(rf"(?:,|\s[—–-])\s*(?P<credit>{_SUBJECT}\s+(?:also\s+|later\s+)?{SPEECH}\b"
               rf"[^,;]{{0,60}}?|{SPEECH}\s+[^;]{{1,80}}?|according to [^,;]{{1,60}}?)"
               r"\s*[.!?]?[\"”’]?\s*$"),
)
_NOT_SPEAKER = {"which", "who", "that", "what", "and", "or", "as", "it", "this"}


def first_person(text: str) -> str | None:
    """A first-person word outside quotation marks (not a roman numeral "I")."""
    rest = outside_quotes(text)
    for match in _FIRST_PERSON.finditer(rest):
        word = match.group(0)
        if word == "I":
            before = rest[:match.start()].split()
            if before and before[-1][:1].isupper() and len(before) > 1:
                continue  # "World War I", "Title I"
        return word
    return None


def dropped_credit(core: str, source_sentence: str) -> str | None:
    """The speaker credit of ``source_sentence`` that ``core`` leaves out while keeping
    the words it credits, or None."""
    body = _TERMINAL.sub("", core.strip()).rstrip()
    found = locate(body, source_sentence)
    for pattern in _CREDITS:
        match = pattern.search(source_sentence)
        if match is None:
            continue
        credit = match.group("credit").strip(" ,")
        if credit.split()[0].lower() in _NOT_SPEAKER:
            continue
        start, end = match.span("credit")
        if found is not None:
            if start < found.end() and end > found.start():
                continue  # the credit is inside the published words
        else:
            rest = source_sentence[:start] + source_sentence[end:]
            own = content_words(body)
            if not own or len(own & content_words(rest)) < 0.8 * len(own):
                continue
        return credit
    return None


def uncredited_quote(text: str, *, outlet: str = "", source_sentence: str = "") -> list[str]:
    """Why ``text`` gives someone's words without their speaker."""
    core = split_frame(text, outlet).core
    if speaker_credit(core):
        return []
    reasons = []
    mine = first_person(core)
    if mine:
        reasons.append(f"first-person {mine!r} outside quotation marks, with no speaker")
    yours = _SECOND_PERSON.search(outside_quotes(core))
    if yours:
        reasons.append(f"second-person {yours.group(0)!r} outside quotation marks, "
                       f"with no speaker")
    quotes = [q for q in quoted_passages(core) if len(words(q)) >= 4]
    quoted = sum(len(words(q)) for q in quotes)
    opens = bool(re.match(r"^[“\"]", core.strip()))
    if quotes and (opens or quoted >= 0.5 * len(words(core))):
        reasons.append(f"a quotation with no speaker: {quotes[0][:60]!r}")
    if source_sentence:
        credit = dropped_credit(core, source_sentence)
        if credit:
            reasons.append(f"the source credits these words to a speaker ({credit!r}); "
                           f"published as {outlet or 'the newsroom'}'s own")
    return reasons


# A quotation that opens the sentence, then its speaker and the verb of saying: what
# follows the verb is the outlet's account of the moment.
_AFTER_OPENING_QUOTE = re.compile(rf"^\s*QUOTE\W*(?P<speaker>[^.!?]*?)\b{SPEECH}\b"
                                  rf"(?P<tail>.*)$", re.DOTALL)
DESCRIPTION_WORDS = 10


def uncredited_description(text: str, *, outlet: str = "", continues_outlet: bool = False
                           ) -> list[str]:
    """Why ``text`` gives the outlet's own words as the newsroom's: a quotation credited
    to its speaker, followed by more than :data:`DESCRIPTION_WORDS` words after the verb
    of saying ('"...," Conway told reporters in a bizarre hours-long effort to ...'),
    with no outlet named, neither in this sentence's frame nor by the sentence before it
    from the same source (``continues_outlet``)."""
    if continues_outlet or split_frame(text, outlet).frame:
        return []
    match = _AFTER_OPENING_QUOTE.match(outside_quotes(text))
    if match is None:
        return []
    tail = words(match.group("tail"))
    if len(tail) <= DESCRIPTION_WORDS:
        return []
    return [f"{len(tail)} words of the outlet's own after the speaker's credit "
            f"({' '.join(tail[:8])} ...), with no outlet named"]


# -- references without antecedent ---------------------------------------------------------

_INTRO = r"(?:[A-Z][^,]{1,40},\s+)?"
_PRONOUN = re.compile(rf"^{_INTRO}(?:(?P<p>he|she|they|it|this|that|these|those|his|her|"
                      r"their|its)(?![\w-])|(?P<q>all|both|each|neither|none|most|many|"
                      r"much|several|others|some)(?=\s+(?:of\s+(?:them|these|those|it|this|"
                      r"that)\b|were|was|are|"
                      r"is|have|had|has|will|would|could|said|say)\b))", re.IGNORECASE)
# A title and a surname: "Mr. Katriuk", "Sen. Paul", "Mayor Moss".
_TITLED_NAME = re.compile(rf"\b(?:{'|'.join(sorted(PERSON_TITLES | TITLE_ABBREVIATIONS))})"
                          rf"\.?\s+(?-i:[A-Z][a-z]+)\b", re.IGNORECASE)
# A quotation credited to a pronoun: its speaker needs an antecedent too.
_PRONOUN_SPEAKER = re.compile(rf"(?:[,”\"]|[.!?][”\"])\s+(?P<p>he|she|they)\s+(?:also\s+)?"
                              rf"{SPEECH}\b")
_DEICTIC = re.compile(r"^(?:this|that|these|those)\s+(?:week|weekend|year|month|morning|"
                      r"afternoon|evening|night|summer|spring|fall|autumn|winter|season|"
                      r"time|past|coming|decade|century)\b", re.IGNORECASE)
_EXPLETIVE = re.compile(r"^it\s+(?:is|was|['’]s|has\s+been|had\s+been|remains|seems|appears|"
                        r"will\s+be|would\s+be)\s+(?:not\s+|still\s+|also\s+)?"
                        r"(?:yet\s+|immediately\s+|entirely\s+|now\s+)?"
                        r"(?:unclear|clear|likely|unlikely|possible|impossible|expected|hard|"
                        r"difficult|easy|important|time|too\s+early|worth|estimated|believed|"
                        r"understood|reported|known|true|uncertain|to\s+be\s+seen|"
                        r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|a\s+year|"
                        r"a\s+month|a\s+week)\b", re.IGNORECASE)
POINTING_NOUNS = word_set("""
plan bill company agency group measure proposal move decision deal law policy program
programme report study lawsuit suit order firm committee legislation effort investigation
probe rule change statement letter announcement vote ruling organization campaign attack
incident shooting suspect victim woman man agreement package memo video post tweet survey
poll document indictment complaint network official lawmaker
""")
_DEFINITE = re.compile(rf"^{_INTRO}the\s+(?P<noun>{'|'.join(sorted(POINTING_NOUNS))})(?![\w-])",
                       re.IGNORECASE)
# A verb or a noun of the same act introduces the noun too: "The Supreme Court ruled
# unanimously ..." then "The decision means ...".
_INTRODUCED_BY = {
    "decision": r"decided|decides|ruled|rules|ruling|verdict",
    "ruling": r"ruled|rules|decided|decision|verdict",
    "vote": r"voted|votes",
    "announcement": r"announced|announces",
    "statement": r"said in a statement|issued a statement",
    "order": r"ordered|orders",
    "attack": r"attacked|attacks",
    "shooting": r"shot|shooting",
    "investigation": r"investigated|investigating|probe|inquiry",
    "probe": r"investigation|investigated|inquiry",
    "indictment": r"indicted|charged",
    "lawsuit": r"sued|suit",
    "suit": r"sued|lawsuit",
    "deal": r"agreement|agreed|accord",
    "agreement": r"deal|agreed|accord",
}
# "The same people who ...", "the same day": the same as something named before
_SAME = re.compile(rf"^{_INTRO}the\s+same\s+(?!as\b)(?P<noun>[a-z]+)\b(?!\s+as\b)",
                   re.IGNORECASE)
# "Eight more had criminal records": a count that adds to one the article must have given
_COUNT_MORE = re.compile(r"^(?P<c>(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|"
                         r"several|many|dozens|hundreds|thousands|a few)\s+more)\b(?!\s+than)",
                         re.IGNORECASE)
# "After all, ...", "As a result, ...": an argument from, or a consequence of, what the
# source said just before
_FROM_BEFORE = re.compile(r"^(?P<c>after\s+all|as\s+a\s+result|in\s+turn|by\s+contrast|"
                          r"in\s+contrast|on\s+the\s+other\s+hand|conversely|"
                          r"in\s+other\s+words|that\s+said|even\s+so|"
                          # a time the sentence before set: "Soon after, ...", "Hours later, ..."
                          r"(?:soon|shortly|just|not\s+long)\s+(?:after|afterwards?|thereafter)|"
                          r"afterwards?|thereafter|(?:[\w-]+\s+)?(?:moments|minutes|hours|days|"
                          r"weeks|months|years|minute|hour|day|week|month|year)\s+later|"
                          r"later\s+that\s+(?:day|night|morning|evening|week)|"
                          r"the\s+(?:next|following)\s+(?:day|morning|night|week))(?=\s*,)",
                          re.IGNORECASE)
_PERSONAL = {"he", "she", "his", "her"}
# "What he found funny was funny to his audience": the subject of an opening free
# relative clause is a pronoun
_INNER_PRONOUN = re.compile(r"^(?:what|whatever|all|everything)\s+(?P<p>he|she|they)\s",
                            re.IGNORECASE)
# "questions such as these is the real work ...": "these" or "those" as a pronoun after
# "such as" or "like" (a noun after it makes it a determiner: "like these ferries")
_LIKE_THESE = re.compile(r"\b(?:such\s+as|like)\s+(?:these|those)"
                         r"(?!\s+(?!(?:is|are|was|were|have|has|will|and|or)\b)[a-z]+\b)",
                         re.IGNORECASE)
# A text the reader was never shown: "the article from Lisa Rein claims ...", "The piece
# also quotes ...", "the opening paragraph". Named where it is mentioned ("the op-ed in
# The Washington Post", "the column by Maureen Dowd") it is introduced.
_TEXT_REFERENCE = re.compile(
    r"\b(?:the|that)\s+(?P<noun>article|piece|op-ed|column|essay|editorial|headline|"
    r"(?:opening|first|last)\s+(?:sentence|paragraph|line))\b"
    r"(?!\s+of\s+(?:legislation|evidence|land|paper|equipment|the\s+puzzle)\b)"
    r"(?!\s+(?:board|page|staff|rate|figure|number)\b)", re.IGNORECASE)
_TEXT_NAMED = re.compile(r"^,?\s+(?:\w+\s+){0,2}(?:in|by|for|published|titled|headlined|"
                         r"called|on)\s+(?:the\s+)?[A-Z“\"]")
# "the legislation, which is called the Infrastructure Investment and Jobs Act, ...",
# "the bill, known as the Fair Fares Act, ...": the noun phrase names what it is.
_SELF_NAMED = re.compile(r"^,?\s+(?:(?:which|that)\s+(?:is|was|are|were|has\s+been)\s+)?"
                         r"(?:called|known\s+as|named|dubbed|titled)\s+(?:the\s+)?[“\"]?[A-Z]")
# Quoted words: their names are not the speaker's.
_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")


def _names_own_speaker(before: str, pronoun: str) -> bool:
    """Whether the words before a pronoun that credits a quotation ('..., he said')
    name its speaker themselves, outside quotation marks: a person for he or she, two
    people joined by "and" for they ("Sen. Ada Moss and Sen. Rand Okafor drafted a
    bill, they said")."""
    own = _QUOTED.sub(" ", before)
    names = _names(own)
    if pronoun == "they":
        return len(names) >= 2 and re.search(r"[A-Z][\w.’'-]*\s+and\s+(?:[A-Z][\w.]*\s+)*"
                                             r"[A-Z]", own) is not None
    return bool(names) and re.search(r"[A-Z][a-z]+\s+[A-Z][a-z]+", own) is not None
# Nouns a surname modifies without naming the person ("the Trump administration").
_MODIFIED = {"administration", "campaign", "era", "family", "presidency", "government",
             "allies", "aides", "supporters", "camp", "team", "organization", "foundation",
             "voters", "base", "doctrine", "policies", "policy", "officials", "staff",
             "associates", "cabinet", "appointees", "loyalists", "rally", "rallies", "years"}


def _names(text: str) -> set[str]:
    """Capitalised words that are not function words, titles or sentence openers."""
    tokens = [t.strip("\"“”(),;:.!?'’") for t in text.split()]
    found = set()
    for index, token in enumerate(tokens):
        base = re.sub(r"['’]s$", "", token)
        if not base[:1].isupper() or base.lower() in STOPWORDS or base.lower() in TITLE_WORDS:
            continue
        if index == 0 and not (len(tokens) > 1 and tokens[1][:1].isupper()):
            continue
        found.add(base)
    return found


def _carried(antecedent: str, previous: str) -> bool:
    """Whether ``previous`` (the article's last sentence) names someone the source
    named in ``antecedent``, the sentence before the pronoun."""
    return bool(_names(antecedent) & _names(previous))


# '"...," the New York Democrat said': a quotation (QUOTE once outside_quotes has blanked
# it) credited to a description of a person (a party, an office, a trade) that stands for
# a name given before
SPEAKER_DESCRIPTIONS = word_set("""
democrat republican senator congressman congresswoman lawmaker governor mayor president
candidate nominee billionaire businessman businesswoman lawyer spokesman spokeswoman
spokesperson official executive judge minister leader chairman chairwoman actor actress
singer star
""")
_DESCRIBED_SPEAKER = re.compile(
    rf"^\s*QUOTE\W*(?P<d>the\s+(?:[\w.'’-]+\s+){{0,4}}?"
    rf"(?:{'|'.join(sorted(SPEAKER_DESCRIPTIONS))}))\s+(?:also\s+)?{SPEECH}\b", re.IGNORECASE)


def _continues(sentence: AuditSentence, previous: AuditSentence | None, antecedent: str | None
               ) -> bool:
    """Whether the article's previous sentence is the source sentence before this one."""
    if previous is None or not antecedent or previous.source_id != sentence.source_id:
        return False
    before = norm(antecedent)
    prior = norm(split_frame(previous.text, previous.outlet).core)
    return bool(before) and (before == norm(previous.source_sentence) or
                             (len(prior.split()) >= 3 and prior in before))


def no_antecedent(sentence: AuditSentence, earlier: list[AuditSentence],
                  evidence: CaseEvidence, introduced: set[str], *, headline: bool = False,
                  case: CaseEvidence | None = None) -> list[str]:
    """Why ``sentence`` points at something the article has not introduced.
    ``evidence`` gives the full names of the article's sources, ``case`` (default: the
    same) how a wider corpus capitalises words; ``introduced`` collects the surnames
    the article has introduced so far (updated)."""
    core = split_frame(sentence.text, sentence.outlet).core.strip()
    previous = earlier[-1] if earlier else None
    antecedent = None
    if sentence.source_text and sentence.source_sentence:
        antecedent = preceding_sentence(sentence.source_text, sentence.source_sentence,
                                        sentence.source_title)
    prior_text = " ".join(s.text for s in earlier)
    reasons = []
    opening = _PRONOUN.match(core)
    group = "p" if opening and opening.group("p") else "q"
    rest = core[opening.start(group):] if opening else ""
    if not opening or _DEICTIC.match(rest) or _EXPLETIVE.match(rest):
        opening, group = _PRONOUN_SPEAKER.search(core), "p"  # '"...," he said.'
    if opening:
        pronoun = opening.group(group).lower()
        ok = _continues(sentence, previous, antecedent) or (
            opening.re is _PRONOUN_SPEAKER and _names_own_speaker(core[:opening.start(group)],
                                                                   pronoun))
        if not ok and opening.re is _PRONOUN and pronoun in {"he", "she", "his", "her"}:
            # a clause that names its person by title before the pronoun ("Mr. Katriuk
            # died last week, his lawyer said")
            ok = _TITLED_NAME.search(core[:opening.start(group)]) is not None
        if not ok and previous is not None and pronoun in _PERSONAL:
            context = antecedent if antecedent is not None else prior_text
            ok = _carried(context, split_frame(previous.text, previous.outlet).core)
        if not ok:
            reasons.append(f"{opening.group(group)!r} refers to someone or something the "
                           f"article has not introduced")
    described = _DESCRIBED_SPEAKER.match(outside_quotes(core))
    if described and not _continues(sentence, previous, antecedent):
        reasons.append(f"the quotation's speaker, {described.group('d')!r}, is someone the "
                       f"article has not named just before")
    definite = _DEFINITE.match(core)
    if definite:
        noun = definite.group("noun").lower()
        used = re.search(rf"\b(?:{noun}s?|{_INTRODUCED_BY.get(noun, noun)})\b", prior_text,
                         re.IGNORECASE)
        named = antecedent is not None and any(
            re.search(rf"\b{re.escape(n)}\b", prior_text) for n in _names(antecedent))
        self_named = _SELF_NAMED.match(core[definite.end():])
        if not used and not named and not self_named and \
                not _continues(sentence, previous, antecedent):
            reasons.append(f"'the {noun}' points back to something the article has not "
                           f"introduced")
    inner = _INNER_PRONOUN.match(core)
    if inner and not _continues(sentence, previous, antecedent) and \
            not (previous is not None and
                 _carried(antecedent if antecedent is not None else prior_text,
                          split_frame(previous.text, previous.outlet).core)):
        reasons.append(f"{inner.group('p')!r} in its opening clause refers to someone the "
                       f"article has not introduced")
    connective = _FROM_BEFORE.match(core)
    if connective and not _continues(sentence, previous, antecedent):
        reasons.append(f"opens with {connective.group('c')!r}, which argues from a "
                       f"sentence the article does not have")
    more = _COUNT_MORE.match(core)
    if more and not _continues(sentence, previous, antecedent):
        reasons.append(f"{more.group('c')!r} adds to a count the article does not give "
                       f"just before")
    same = _SAME.match(core)
    if same and not _continues(sentence, previous, antecedent):
        reasons.append(f"'the same {same.group('noun')}' points back to something the "
                       f"article has not introduced")
    outside = _QUOTED.sub(" ", core)
    such = _LIKE_THESE.search(outside)
    if such and not _continues(sentence, previous, antecedent):
        reasons.append(f"{such.group(0)!r} stands for things the article has not given")
    for mention in _TEXT_REFERENCE.finditer(outside):
        noun = mention.group("noun").split()[-1].lower()
        if not _TEXT_NAMED.match(outside[mention.end():]) and \
                not re.search(rf"\b{noun}s?\b", prior_text, re.IGNORECASE):
            reasons.append(f"{mention.group(0)!r} points at a text the article has not "
                           f"introduced")
            break
    if not headline:
        reasons.extend(_bare_surnames(core, prior_text, evidence, case or evidence,
                                      introduced))
    return reasons


# Verbs that end in s and follow a subject ("Paul says", "Walker has"): not a plural noun.
_VERB_ENDING_S = frozenset("""
says has was is does goes wants thinks believes remains seems plans insists argues claims
tells asks adds notes warns calls urges hopes expects faces leads runs wins loses takes makes
gets gives keeps holds sees knows needs comes becomes continues denies
""".split())


# Words after which a capitalised word before a plural noun qualifies it ("at Coptic
# churches", "two Senate committees"), where a surname would need its verb.
_BEFORE_MODIFIER = frozenset("""
at in on of for from with by to into across near two three four five six seven eight nine
ten several many some all both
""".split())


def _bare_surnames(core: str, prior: str, evidence: CaseEvidence, case: CaseEvidence,
                   introduced: set[str]) -> list[str]:
    tokens = [t.strip("\"“”(),;:!?") for t in core.split()]
    reasons = []
    for index, raw in enumerate(tokens):
        name = re.sub(r"['’]s?$", "", raw.rstrip("."))
        if name in introduced:
            continue
        # (the corpus knows better than one story's sources which words are words: a
        # "full name" whose first word is one is a glued label, "Related Netflix")
        full = {f for f in evidence.full_names.get(name, ())
                if f.split()[0].lower() not in case.common_words}
        if not full or not name[:1].isupper() or not name.isalpha() or name in case.places:
            continue  # (a place the sources are "in" is no surname: "Royal London")
        if name.endswith("s") and name[:-1].lower() in case.mid_capitalised:
            continue  # "Republicans", "Democrats": a group, not a surname
        before = tokens[index - 1] if index else ""
        after = tokens[index + 1] if index + 1 < len(tokens) else ""
        context = prior + " " + " ".join(tokens[:index])
        titled = re.search(rf"\b(?:{'|'.join(sorted(PERSON_TITLES | TITLE_ABBREVIATIONS))})"
                           rf"\.?\s+{re.escape(name)}\b", context + f" {before} {name}",
                           re.IGNORECASE)
        # a full name given before, even one the sources' pairs did not settle on
        # ("director Bryan Singer ... Singer's lawyer"), a middle initial or not
        # ("Sheriff Jeffrey R. Gahler ... Gahler said")
        given = any(m.group(1).lower() not in STOPWORDS and
                    m.group(1).lower() not in case.common_words for m in
                    re.finditer(rf"\b([A-Z][a-z]+)\s+(?:[A-Z]\.\s+)?{re.escape(name)}\b",
                                context))
        if any(f in context for f in full) or titled or given:
            introduced.add(name)
            continue
        if before[:1].isupper() and index > 0:
            continue  # part of a longer name
        if before.lower() in {"the", "a", "an"} or after[:1].isupper() or \
                after.lower().rstrip(".") in _MODIFIED or raw.endswith(("'", "’")):
            continue
        if before.isalpha() and before.islower() and index >= 2 and \
                tokens[index - 2].lower() in {"the", "a", "an"}:
            continue  # "a great American": an article and an adjective make it a noun
        if re.search(r"(?:ic|ian|ean|ese|ish)$", name) and after.isalpha() and \
                after.islower() and not VERBISH.match(after):
            continue  # "Islamic law", "Arabic script": an adjective before its noun
        if (index == 0 or before.lower() in _BEFORE_MODIFIER) and after[:1].islower() and \
                after.endswith("s") and \
                not after.endswith("ss") and len(after) > 3 and after.isalpha() and \
                after not in _VERB_ENDING_S:
            continue  # "Rescue authorities", "at Coptic churches": a modifier
        introduced.add(name)
        reasons.append(f"first mention of {name!r} by surname only; the sources give "
                       f"{sorted(full)[0]!r}")
    return reasons
