"""Text helpers of the sentence audit (newsdesk.evaluation.audit): attribution frames,
quotations, speaker credits, word forms and positions in a source text.

These are the audit's own rules, written apart from the writer and the verifier so
that the audit measures them rather than repeating them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


def word_set(text: str) -> frozenset[str]:
    """The words of a word list written as text (whitespace-separated)."""
    return frozenset(text.split())


# Function words: never names, never evidence that two sentences share a referent.
STOPWORDS = word_set("""
a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each
few for from further had has have having he her here hers herself him himself his how
i if in into is it its itself just me more most my myself no nor not now of off on
once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom whose why will
with would you your yours yourself yourselves said says say told new former first
last next one two three many much may might must shall per via amid among around
across along despite since toward towards upon within without according
""")

# Abbreviated titles put before a name: a sentence never ends on one.
TITLE_ABBREVIATIONS = word_set("""
mr mrs ms dr sen sens rep reps gov gen lt col sgt capt adm maj prof rev pres supt cmdr
""")
# Dotted abbreviations that may end a sentence ("... troops in the U.S.").
SENTENCE_FINAL_ABBREVIATIONS = frozenset(
    {"U.S", "U.K", "U.N", "D.C", "E.U", "L.A", "N.Y", "U.S.A", "A.M", "P.M"})
# Of those, the ones that end a sentence only as a noun, after "the".
NOUN_ABBREVIATIONS = frozenset({"U.S", "U.K", "U.N", "E.U"})
ROMAN = frozenset({"I", "V", "X"})
# Titles that stand before a name without being one ("President Trump", "Sen. Paul").
PERSON_TITLES = word_set("""
president vice senator sen secretary governor gov representative rep congressman
congresswoman speaker judge justice minister chancellor general gen leader chairman
chairwoman chair chief mayor pope king queen prince princess sheriff commissioner
director attorney ambassador admiral colonel sergeant captain officer professor doctor
sir lady lord mr mrs ms dr rev prime deputy acting spokesman spokeswoman councillor
councilor councilman councilwoman councilmember assemblyman assemblywoman delegate
""")
CALENDAR = word_set("""
monday tuesday wednesday thursday friday saturday sunday january february march april
june july august september october november december
""")
# First words of place names, never given names ("North Texas", "New York", "Fort Worth").
PLACE_FIRST_WORDS = word_set("""
north south east west northern southern eastern western central new upper lower greater
fort port lake mount saint san santa los las
""")
# Words before a capitalised word that do not make the pair a full name.
TITLE_WORDS = PERSON_TITLES | CALENDAR | {"democrat", "democratic", "republican", "gop"}
# words that may stand right before a full name without making it part of a longer one
_BEFORE_NAME = TITLE_WORDS | TITLE_ABBREVIATIONS

SPEECH = (r"(?:said|says|say|told|tells|added|adds|wrote|writes|argued|argues|insisted|"
          r"insists|warned|warns|explained|explains|tweeted|tweets|stated|states|asked|"
          r"asks|noted|notes|recalled|continued|claimed|claims|declared|declares|"
          r"acknowledged|admitted|conceded|testified|replied|responded|posted|contended|"
          r"contends|predicted|suggested|urged|urges|vowed|vows|announced|announces)")
# A published sentence also credits its speaker with a participle or a naming verb
# ("..., saying it would ...", "what he called a ...").
SPEECH_ANY = (SPEECH[:-1] + r"|saying|called|calling|described|describing|telling|writing|"
              r"adding|warning|arguing|insisting|asking|noting|claiming|declaring|blamed|"
              r"accused|praised|criticized|criticised|denied|promised|touted|dismissed|"
              r"defended|thanked|pledged|slammed|blasted|questioned)")
_SPEECH = re.compile(rf"\b{SPEECH_ANY}\b")
# a word that can follow a name as its verb ("Ada Moss said", "... has", "... will")
VERBISH = re.compile(rf"^(?:{SPEECH}|has|have|had|is|was|were|are|will|would|could|"
                     r"should|can|did|does|do|may|might|must|also|then|now)$")
# A quoted passage: curly or straight double quotes.
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]")
# Subjects that make a speech verb part of a relative clause, not a credit.
_NOT_SPEAKER = frozenset({"that", "what", "and", "or"})


def plain(text: str) -> str:
    """``text`` with curly apostrophes as straight ones."""
    return text.replace("’", "'").replace("‘", "'")


def words(text: str) -> list[str]:
    """The words of ``text`` (letters and digits, apostrophes kept inside a word)."""
    return _WORD.findall(plain(text))


def norm(text: str) -> str:
    """Lower-case words joined by single spaces: text compared up to case and
    punctuation."""
    return " ".join(w.lower() for w in words(text))


def content_words(text: str) -> set[str]:
    """Lower-case words of ``text`` that are not function words or numbers."""
    return {w.lower() for w in words(text)
            if w.lower() not in STOPWORDS and not w.isdigit() and len(w) > 2}


def outside_quotes(text: str) -> str:
    """``text`` with every quoted passage replaced by a placeholder word."""
    return _QUOTED.sub(" QUOTE ", text)


def quoted_passages(text: str) -> list[str]:
    """The quoted passages of ``text``, without their marks."""
    return [m.group(0)[1:-1] for m in _QUOTED.finditer(text)]


def has_speech_verb(text: str) -> bool:
    """Whether ``text`` has a verb of saying outside quotation marks."""
    return bool(_SPEECH.search(outside_quotes(text)))


def speaker_credit(text: str) -> str | None:
    """The part of ``text`` (outside quotation marks) that names who said it: a verb of
    saying with a subject or a named speaker ("Smith said", "said the senator", "he
    told reporters", "according to police"), or a speaker before a colon ahead of a
    quotation ("Trump: ..."). None when there is none."""
    rest = outside_quotes(text)
    for match in _SPEECH.finditer(rest):
        before = rest[:match.start()].split()
        after = rest[match.end():].split()
        subject = before[-1].strip(",;:—-").lower() if before else ""
        if subject in _NOT_SPEAKER:
            continue
        if subject and subject not in {"QUOTE"}:
            return f"{before[-1]} {match.group(0)}"
        if after:
            return f"{match.group(0)} {after[0]}"
    according = re.search(r"\baccording to\s+([\w.'’-]+(?:\s+[\w.'’-]+){0,3})|"
                          r"\bper\s+[A-Z][\w.'’-]+", rest, re.IGNORECASE)
    if according:
        return according.group(0)
    colon = re.match(r"^\s*([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*:\s*(?:QUOTE|[“\"])",
                     rest)
    if colon:
        return colon.group(0)
    # "Stony Brook issued a statement: “...”", "Ada Moss ... called for “...”": a subject
    # that names itself, and a statement or a call that the quotation is
    issued = re.search(r"^\s*(?:[a-z]+\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*\s+[^:]*?\b(?:"
                       r"statement|saying|writing|wrote|tweeted|posted|reads?|called for|"
                       r"urged|demanded|asked for)\b[^.:]{0,80}?:?\s*(?:QUOTE|[“\"])", rest)
    return issued.group(0) if issued else None


# an aside between two dashes ("Trump — who claimed that ... — wanted ..."), or in brackets
_ASIDE = re.compile(r"\s(?:—|–|--)\s.+?\s(?:—|–|--)\s|\([^()]*\)")
# words that open a clause of its own: a verb of saying after one speaks of that clause
_CLAUSE_OPENERS = frozenset({"who", "whom", "which", "that", "after", "before", "when",
                             "while", "since", "because", "although", "though", "if",
                             "until", "once", "whether", "where", "unless", "as"})


def names_speaker_of_sentence(text: str) -> bool:
    """Whether ``text`` says who gives it: "according to" or a verb of saying outside
    its quotations, its asides (between two dashes or in brackets) and any clause of
    its own ("... after officials said ...", "a leader who said ..."), counted back to
    the last comma, semicolon, colon or dash. "President Trump — who ... claimed that
    ... — wanted to ..." does not: the claim in the aside is his, the sentence is the
    outlet's."""
    rest = _ASIDE.sub(" ", outside_quotes(text))
    if re.search(r"\baccording to\b", rest, re.IGNORECASE):
        return True
    for match in _SPEECH.finditer(rest):
        clause = re.split(r"[,;:—–]|\s-\s", rest[:match.start()])[-1]
        if not _CLAUSE_OPENERS.intersection(w.lower() for w in _WORD.findall(clause)):
            return True
    return False


# -- attribution frames ------------------------------------------------------------------


@dataclass
class Framed:
    """A published sentence split into the newsroom's attribution frame and its core."""

    core: str   # the sentence without the frame, with its own terminal punctuation
    frame: str  # "" when there is none
    form: str   # "", "prefix" ("According to X, ...") or "suffix" ("..., X reported.")


# How newsdesk credits a report whose outlet has no name ("According to one report, ...",
# "..., another report said.")
_UNNAMED = r"(?:one|another) report"


def split_frame(text: str, outlet: str = "") -> Framed:
    """Set the outlet's attribution frame apart from the words it frames.

    Known frames, with X the cited outlet: "According to X, ...", "X reported that
    ...", "As X reported, ...", "..., X reported.", "..., X reports." and "...,
    according to X.". A report without an outlet is credited as "one report" or
    "another report" ("According to one report, ...", "..., another report said."): with
    no outlet given, only those are frames ("According to San Diego police, ..." is
    the source's own credit).
    """
    text = text.strip()
    name = re.escape(outlet) if outlet else _UNNAMED
    prefixes = [rf"^According to {name},\s+", rf"^As {name} reported,\s+",
                rf"^{name} (?:reported|reports) that\s+"]
    for pattern in prefixes:
        match = re.match(pattern, text)
        if match and len(text) > match.end():
            return Framed(text[match.end():], match.group(0).strip(), "prefix")
    suffixes = [rf",\s+{name} (?:reported|reports)\.$"]
    if outlet:
        suffixes.append(rf",\s+according to {name}\.$")
    else:
        suffixes.append(rf",\s+{_UNNAMED} said\.$")
    for pattern in suffixes:
        match = re.search(pattern, text)
        if match and match.start() > 0:
            return Framed(text[:match.start()] + ".", match.group(0).strip(" ,."), "suffix")
    return Framed(text, "", "")


# -- finding published words in a source --------------------------------------------------


def locate(core: str, source: str) -> re.Match[str] | None:
    """Where the words of ``core`` (up to case, punctuation and spacing) stand in
    ``source``, or None. The core's terminal punctuation is not part of the match."""
    found = words(core)
    if len(found) < 2 or not source:
        return None
    pattern = r"(?<![A-Za-z0-9])" + r"[^A-Za-z0-9]+".join(
        re.escape(w).replace("'", "['’]") for w in found) + r"(?![A-Za-z0-9])"
    return re.search(pattern, plain(source) if "'" in core else source, re.IGNORECASE) or \
        re.search(pattern, plain(source), re.IGNORECASE)


_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“(]*[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """A plain sentence split of a source text: at . ! ? followed by space and a capital,
    except after a title abbreviation or a single initial ("Sen. Paul", "A. G.")."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start:match.start()].split()
        last = before[-1].rstrip(".!?\"”’)") if before else ""
        if last.lower() in TITLE_ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", last):
            continue
        sentences.append(text[start:match.start()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def preceding_sentence(source: str, sentence: str, title: str = "") -> str | None:
    """The sentence before ``sentence`` in ``source`` (the title when it opens the text),
    or None when ``sentence`` is not found in ``source``."""
    match = locate(sentence, source)
    if match is None:
        return None
    # only punctuation before it (an opening quotation mark): it opens the text
    before = [s for s in split_sentences(source[:match.start()].strip())
              if any(ch.isalnum() for ch in s)]
    return before[-1] if before else title


# -- capitalisation seen in the sources --------------------------------------------------


@dataclass
class CaseEvidence:
    """How the sources write words: capitalised in mid-sentence (a name's case),
    lower-case anywhere, capitalised in mid-sentence before a given word ("New York",
    "Health and"), full names of people, and the sources' text itself."""

    mid_capitalised: set[str]
    lower: set[str]
    # a capitalised word in mid-sentence (or in capitals) and the word after it:
    # (first word lower-cased, next word as written)
    capital_pairs: set[tuple[str, str]]
    full_names: dict[str, set[str]]      # surname -> "First Surname" forms
    text: str = ""
    #: words (lower-cased) written lower-case more often than capitalised in
    #: mid-sentence: words, not given names ("related", "fortunately")
    common_words: frozenset[str] = frozenset()
    #: capitalised words the sources put after "in", "at" or "from" ("in London",
    #: "at Boston"): places, not surnames
    places: frozenset[str] = frozenset()


_BEFORE_PLACE = frozenset({"in", "at", "from"})


def _base(token: str) -> str:
    return re.sub(r"['’]s?$", "", token)


def case_evidence(texts: Iterable[str]) -> CaseEvidence:
    """Collect :class:`CaseEvidence` from source texts.

    A full name is a pair of capitalised words with only a space between them whose
    first word the sources never use alone or after "the" (it always comes before
    another capitalised word, as a given name does), write lower-case no more often
    than capitalised, and is no title or function word: "Rand Paul", not "Senate
    Republicans" ("the Senate voted"), "Facebook WhatsApp" or "Related Netflix"
    ("related" is a word); nor is a function word a surname ("Get The"). The pair
    must stand as a run of its own at least once, not only inside a longer one ("New
    York Police Department", a credit line "Getty Images Pentagon ...") or after an
    institution's "of" ("Museum of Regional History").
    """
    texts = list(texts)
    # how often each word is written lower-case and capitalised mid-sentence
    lowered: Counter[str] = Counter()
    raised: Counter[str] = Counter()
    placed: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    alone: set[str] = set()  # capitalised words seen alone or after "the"
    candidates: list[tuple[str, str]] = []
    whole: set[tuple[str, str]] = set()  # pairs seen at least once as a run of their own
    for text in texts:
        for sentence in (s for line in text.splitlines() for s in split_sentences(line)):
            tokens = list(_TOKEN.finditer(sentence))
            for index, match in enumerate(tokens):
                token = _base(match.group(0).rstrip(".")) or match.group(0)
                # after a dateline's dash, a colon or an opening bracket or quote, a
                # capital is a sentence's, not a name's
                lead_in = sentence[:match.start()].rstrip()
                initial = index == 0 or lead_in[-1:] in set(":;—–-(\"“")
                if token.islower():
                    lowered[token] += 1
                elif token[0].isupper() and not initial:
                    raised[token.lower()] += 1
                nxt = tokens[index + 1] if index + 1 < len(tokens) else None
                gap = sentence[match.end():nxt.start()] if nxt else "."
                following = _base(nxt.group(0).rstrip(".")) if nxt else ""
                joined = gap == " " and following[:1].isupper()
                previous = tokens[index - 1].group(0).lower() if index else ""
                if token[:1].isupper() and (not joined or previous == "the"):
                    alone.add(token)
                if token[:1].isupper() and previous in _BEFORE_PLACE and not joined:
                    placed.add(token)
                if token[:1].isupper() and gap == " " and following and (
                        not initial or (token.isupper() and len(token) > 1)):
                    pairs.add((token.lower(), following))
                if not joined or not token[:1].isupper():
                    continue
                # a name stands on its own somewhere: not inside a longer run of
                # capitals ("New York Police Department", "Getty Images Pentagon ...")
                # nor after an institution's "of" ("Museum of Regional History")
                before_run = tokens[index - 1] if index else None
                after_run = tokens[index + 2] if index + 2 < len(tokens) else None
                title = before_run is not None and \
                    before_run.group(0).rstrip(".").lower() in _BEFORE_NAME  # "Sheriff ..."
                inside = (before_run is not None and not initial and not title and
                          sentence[before_run.end():match.start()] == " " and
                          before_run.group(0)[:1].isupper()) or (
                    after_run is not None and nxt is not None and
                    sentence[nxt.end():after_run.start()] == " " and
                    after_run.group(0)[:1].isupper()) or (
                    previous == "of" and index >= 2 and
                    tokens[index - 2].group(0)[:1].isupper())
                if not inside:
                    whole.add((token, following))
                first = token.lower()
                if (token.isalpha() and following.isalpha() and not following.isupper()
                        and not token.isupper() and len(following) > 1
                        and first not in STOPWORDS and first not in TITLE_WORDS
                        and first not in TITLE_ABBREVIATIONS and first not in PLACE_FIRST_WORDS
                        and following.lower() not in TITLE_WORDS
                        and following.lower() not in STOPWORDS):
                    candidates.append((token, following))
    names: dict[str, set[str]] = {}
    for first, surname in candidates:
        # a word the sources write lower-case more often than capitalised is a word,
        # not a given name: page furniture glued to a name ("Related Netflix", "Get
        # Kanye") or a sentence's opening word before one ("Fortunately Kieran")
        if first not in alone and lowered[first.lower()] <= raised[first.lower()] and \
                (first, surname) in whole:
            names.setdefault(surname, set()).add(f"{first} {surname}")
    common = frozenset(w for w, n in lowered.items() if n > raised[w])
    return CaseEvidence(set(raised), set(lowered), pairs, names, "\n".join(texts), common,
                        frozenset(placed))
