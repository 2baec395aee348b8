"""Source sentences a writer may use, and the safe ways to shorten them.

A sentence is a candidate when it is news prose that can stand alone in the newsroom's
voice: not page furniture (photo credits, sign-up and cookie notices, link labels), not
text addressed to a language model, between 6 and 60 words, and free of every problem
:func:`newsdesk.standalone.standalone_problem` names (a fragment, someone's first
person, a quotation without its speaker, a pronoun pointing back, a question).

Shortening never changes what is said: a wire dateline ("WASHINGTON (AP) —",
"New York (CNN Business)"), a leading connective ("But", "Meanwhile,") and short
parentheticals outside quotations are removed.
"""

from __future__ import annotations

import re

from newsdesk.segment import TRAILS_OFF
from newsdesk.standalone import (
    clause_ends,
    opens_qualification,
    quotes_blanked,
    standalone_problem,
)
from newsdesk.text import looks_like_instruction

MIN_WORDS = 6
MAX_WORDS = 60

_BOILERPLATE = re.compile(
    r"(additional reporting|reporting by|editing by|writing by|all rights reserved|"
    r"sign up|subscribe|newsletter|click here|read more|follow us|copyright|©|https?://|"
    r"@\w|this article|photo:|image:|caption|\bfile photo\b|^FILE\b|\bAP Photo\b|"
    r"\bphoto(graph)? (by|credit|courtesy)\b|getty images|\bcookies?\b|privacy policy|"
    r"terms of (use|service)|javascript|your browser|advertisement|continue(s|d)? "
    r"(reading|below)|story continued|article excerpt|your tweets|tweet with a location|"
    r"wayback machine|internet archive|archive-it|web collections|crawl data|"
    r"try again later|is not available right now|interactive transcript|reprints|"
    r"non-commercial use|opens? (in )?a new (window|tab)|see all results|"
    r"breaking news (?:emails?|alerts?)|get (?:breaking )?news alerts|"
    r"\b(?:follow|like|find|join)\s+(?:(?-i:[A-Z][\w.&]*)\s+){0,3}on\s+(?:facebook|twitter|"
    r"instagram|linkedin|tiktok|youtube)\b|"
    r"^\d+ of \d+\b)", re.IGNORECASE)
# The outlet telling readers about its own coverage: "The Times will provide up-to-date
# results and live political analysis.", "We will update this story.", "Check back for
# updates."
_OWN_COVERAGE = re.compile(
    r"(?:^(?:The\s+)?(?:[A-Z][\w.&’'-]*\s+){0,3}(?:Times|Post|Journal|News|Herald|Tribune|"
    r"Guardian|Globe|Star|Press|Telegraph|Examiner|Ledger|Courier|Gazette|Chronicle|"
    r"Inquirer|Observer|Independent|Register|Record|Bee|Mail|Mirror|Sun|Reuters|AP|CNN|"
    r"NPR|BBC|Axios|we)\s+"
    r"(?:will|is|are)\s+(?:(?:be|continue\s+to)\s+)?(?:provide|providing|update|updating|"
    r"bring|bringing|track|tracking|cover|covering|offer|offering|follow|following|"
    r"have\s+(?:live|full|complete|more|the\s+latest))\b"
    r"|\b(?:check\s+back|stay\s+tuned|this\s+(?:story|post|page)\s+(?:will\s+be|has\s+been|"
    r"is\s+being)\s+updated|live\s+(?:updates|results|coverage|blog)\b))", re.IGNORECASE)
# A picture caption without its credit: "The encampment is seen before the midnight
# deadline ...", "Protesters are seen outside the court ..." (not "is seen as", an
# opinion of someone's)
_CAPTION = re.compile(r"\b(?:is|are)\s+seen\s+(?:before|during|after|in|at|on|outside|inside|"
                      r"near|walking|standing|speaking|leaving|arriving|sitting|holding)\b")
# An author's biography under the text: "WIRED staff writer Ada Moss has covered the
# outbreak since January.", "Jane Roe is a senior correspondent who covers ..."
_BIO = re.compile(
    r"^(?:[A-Z][\w’'&.-]*\s+){0,3}(?:(?:staff|senior|contributing|chief|political|national|"
    r"science|health|investigative|congressional|foreign|legal|tech|technology|economics|"
    r"business|climate|deputy|managing|executive)\s+)*(?:writer|reporter|correspondent|"
    r"editor|columnist|contributor|journalist)\s+(?:[A-Z][\w.’'-]+\s+){1,3}"
    r"(?:has\s+(?:been\s+)?cover(?:ed|ing)|covers|has\s+reported\s+(?:on|from)|reports\s+on|"
    r"writes\s+about|has\s+written\s+(?:about|for)|is\s+the\s+author|previously\s+"
    r"(?:worked|covered|served|wrote))\b"
    r"|\bcontributed\s+to\s+this\s+(?:report|story|article)\b")
# A sentence about another text, which the reader does not have: "the opening sentence
# of the article from Lisa Rein claims ...", "The piece also quotes ...". Not when the
# text is named where it is mentioned ("the op-ed in The Washington Post").
_ANOTHER_TEXT = re.compile(
    r"\b(?:the|that)\s+(?:(?:opening|first|last|original|whole|entire|full)\s+)?"
    r"(?:article|piece(?!\s+of\b)|op-ed|op-eds|column|essay|editorial|headline|"
    r"(?:opening|first|last)\s+(?:sentence|paragraph|line))\b"
    # "the piece of legislation", "the editorial board", "the headline rate": not a text
    r"(?!\s+(?:board|page|staff|team|writers|rate|figure|number|inflation|index)\b)"
    r"(?!,?\s+(?:\w+\s+){0,2}(?:in|by|for|published|titled|headlined|called|on)\s+"
    r"(?:the\s+)?[A-Z“\"])", re.IGNORECASE)
# A wire picture caption: what is seen, then the weekday and the full date between
# commas ("President Ada Moss boards a ferry to Halden, Sunday, Sept. 22, 2019, at
# Kelvport pier."), a form news prose does not use.
_FULL_DATE = (r"(?:Jan|Feb|March|April|May|June|July|Aug|Sept|Sep|Oct|Nov|Dec)[a-z]*\.?\s+"
              r"\d{1,2},\s+\d{4}")  # "Sept. 22, 2019", "March 25, 2015"
_CAPTION_DATE = re.compile(
    rf",\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+{_FULL_DATE}\b")
# A picture caption whose credit was lost ends on the place and the full date, with no
# "on" before the date ("Ada Moss leaves the courthouse during a lunch break in Kelvport,
# Oregon March 25, 2015.", "... in Halden, Norway, December 28, 2017.").
_CAPTION_PLACE = re.compile(rf"\bin\s+(?:[A-Z][\w.’'-]*,?\s+){{1,4}}{_FULL_DATE}\.?\s*$")
# A picture caption ends with its credit: "(David M Warren / Staff Photographer)".
CREDIT = re.compile(r"\((?:[^()]*/[^()]*|AP|Associated Press|Reuters|AFP|Getty)\)\s*$")
# A social-media post embedded in the page: its text opens with the account's handle
# ("@realDonaldTrump I would love to ...") or is a link to it.
EMBEDDED_POST = re.compile(r"^\s*(?:[@#][A-Za-z_]\w*|pic\.twitter\.com/|https?://)")


def introduces_embed(sentences: list[str], index: int) -> bool:
    """Whether sentence ``index`` is the line a page sets before an embedded post
    ("President Trump explains why Sondland shouldn't testify." and then the tweet):
    it promises what the article does not show."""
    return index + 1 < len(sentences) and bool(EMBEDDED_POST.match(sentences[index + 1]))
# Connectives that tie a sentence to the one before it in its source; out of that
# context they mislead, so they are dropped. "But" and "And" need no comma; the others
# do ("Still, ..." is a connective, "Still more ..." is not).
_OPENERS = re.compile(
    r"^(?:(?:But|And|However)\s+(?=[\w“\"‘'\[])|(?:Meanwhile|However|But|And|Also|Still|Separately|"
    r"In addition|Additionally|Elsewhere|Instead|Yet|Moreover|Furthermore|Indeed|In fact|"
    r"Now|Of course|At the same time|Nonetheless|Nevertheless|Then|Plus|Again),\s+)")
# A connective that argues with the sentence before it ("But there's less here than
# meets the eye."): what follows is the author's counterpoint.
_CONTRAST = re.compile(r"^(?:But|Yet|However|Still|Nonetheless|Nevertheless|Instead|"
                       r"After\s+all)\b,?\s+")
_PARENTHETICAL = re.compile(r"\s*\(([^()“”\"]{1,80})\)")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
# "HALDEN, Nov 19 (Allied Wire) — ", "SYCAMORE, Ill. --", "CAIRO—", "(CNN) - ",
# "CHRISTCHURCH, New Zealand - ": place names
# in capitals (two letters or more, so "A US-led" is no dateline), a dash that is spaced,
# doubled or long (so "US-led" is none either), and a capital after it ("NASA — the
# agency — said" keeps its subject).
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+)*(?:,\s*[A-Z][A-Za-z.]{1,12}"
    r"(?:\s[A-Z][A-Za-z.]{1,12})?)?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{2,40}\))?"
    r"|\([A-Z][\w .]{1,30}\))\s*(?:\s[-–—]{1,2}|--|[—–]|\s?>>)\s*(?=[A-Z0-9“\"‘'])")
# "New York (CNN Business)Facebook announced ...", "Seoul, South Korea (CNN)North Korea
# ...": a place and the outlet in brackets, glued to the first word of the report (or
# a space before it when that is an article: "Sycamore, Illinois (CNN) The man ...").
_GLUED_DATELINE = re.compile(
    r"^[A-Z][\w.'’]*(?:[ ,]+[A-Z][\w.'’]*){0,4}\s?\([A-Z][\w .&]{1,30}\)"
    r"(?:(?=[A-Z“\"‘'])|\s(?=(?:The|A|An)\s))")
# "(CNN) Greg Gianforte, the Montana congressman-elect ...": the outlet in brackets alone
# before the report, with a space and no dash
_BRACKET_DATELINE = re.compile(r"^\([A-Z][A-Za-z .&]{1,30}\)\s+(?=[A-Z“\"‘'])")
# "Update: The committee said late Wednesday that ...": the page's mark that the report
# was updated, before the news that updated it
_UPDATE_MARK = re.compile(r"^(?:UPDATE|Update)(?:\s+\([^()]{1,40}\))?\s*:\s*(?=[A-Z“\"])")
# "Washington - The White House ...", "New York -- Bari Weiss ...", "Charlottesville, VA -
# Monday, ...": a place in title case (its state in capitals) and a spaced dash open the
# report
_PLACE_DASH = re.compile(r"^[A-Z][a-z]+(?:,? (?:[A-Z][a-z.]+|[A-Z]{2}\.?)){0,2}"
                         r"(?: \([^()]{2,30}\))? (?:-|--|—|–) (?=[A-Z“\"])")
# "RESEARCHERS AROUND THE world ...": a lead-in set in capitals, as magazines do
_CAPITALS_LEAD_IN = re.compile(r"^(?:[A-Z]{2,}[’']?[A-Z]*\s+){3}")
# "Why it matters: ", "The big picture: ": a label of two to four words, all but the first
# in lower case (so "Nancy Pelosi: ..." keeps its speaker), or one of the one-word labels
# news sites set before a paragraph ("Details: ...", "Background: ...")
_LABEL = re.compile(r"^(?:[A-Z][a-z’']*(?: [a-z’']+){1,3}|Details|Background|Context|Update|"
                    r"Updated|Flashback|Catch-up|Recap|Correction|Clarification|Related|"
                    r"Editor[’']s\s+note|Note|"
                    # in capitals, with a date: "PUBLISHED FEBRUARY 23, 2021: ...", "UPDATE: ..."
                    r"[A-Z]{2,}(?:[\s,]+(?:[A-Z]{2,}|\d{1,4}))*):\s+(?=[A-Z“\"])")
# "Protestors storm the Legislative Council: Hundreds of angry, young protesters have
# broken into ...", "It's no longer a framework: Senators on Sunday revealed ...": a
# lead-in of up to eight words (a live blog's entry title, a kicker) before a sentence of
# its own
_LEAD_IN = re.compile(r"^(?P<lead>[^,;:“”\"()]{3,80}?):\s+(?P<rest>[A-Z].*)$")
LEAD_IN_WORDS = 8


def lead_in(sentence: str) -> str | None:
    """The lead-in before a colon that opens ``sentence`` ("Protestors storm the
    Legislative Council: Hundreds of ..."), when it is short (three to
    :data:`LEAD_IN_WORDS` words, no comma, not only capitalised words: "Okafor: ..." and
    "Speaker Nancy Pelosi: ..." name a speaker), says nobody said anything ("Trump said:
    ..." credits its words) and what follows is a sentence of six words or more; else
    ``None``."""
    match = _LEAD_IN.match(sentence)
    if match is None or _SAID.search(match.group("lead")) or \
            _STATES.search(match.group("lead")):
        return None
    lead = match.group("lead").split()
    if not 3 <= len(lead) <= LEAD_IN_WORDS or len(match.group("rest").split()) < 6:
        return None
    # "Speaker Nancy Pelosi: The ..." gives a speaker, not a lead-in: a lead-in has a
    # word in lower case
    if not any(w[:1].islower() for w in lead):
        return None
    return match.group("lead")


# a sentence that mixes curly and straight double quotes: its quotations cannot be told
# apart with certainty
_STATES = re.compile(r"\b(?:states|reads|read|writes|notes|adds|says|stated)\b")
_GLUED_INITIAL = re.compile(r"\b[A-Z]\.[A-Z][a-z]")
# Two sentences run together where a page lost the stop between a subtitle and its
# text: "... reasons for canceling DACA The Supreme Court on Thursday rejected ...". An
# article opening a capitalised name mid-sentence follows a verb or preposition ("told
# The Hill", "criticized The Times"); after an abbreviation or a plain noun it starts
# a new sentence.
_RUN_ON = re.compile(r"(?<=[\w’'%] )(?P<prev>[A-Za-z][\w’'-]*)\s+(?P<article>The|A|An)\s+"
                     r"(?P<next>[A-Za-z])[a-z]")
# Words a page lost with its links: a preposition or an article straight before a comma
# or a full stop ("anchor at, now known as ..."; not one that can end a phrasal verb,
# "the crisis wages on, ..."), or glued to the next word's capital ("known asWinnipeg")
_WORDS_LOST = re.compile(r"\b(?:at|of|from|with|the|an)\s*[,;]\s|"
                         r"\b(?:at|of|from|with|the|an)\s*\.$|"
                         r"(?<![\w’'])(?:at|in|of|on|to|for|from|with|by|as|and|the)"
                         r"(?=[A-Z][a-z])")
# A photo credit in brackets run into the next sentence: "(Kelvport Police) The man ..."
_CREDIT_RUN_ON = re.compile(r"\((?:[A-Z][\w.&’'-]*\s*){1,5}\)\s+(?:The|A|An|He|She|They|It|In"
                            r"|On)\s")
# One to four capitalised words, then "The" and a lower-case word: a page's label or
# dateline that lost its line break or dash before the sentence's first word
_GLUED_OPENER = re.compile(r"^(?P<words>[A-Z][\w’'.-]*(?:,?\s+[A-Z][\w’'.-]*){0,3})\s+The\s+"
                           r"[a-z]")
_BEFORE_A_TITLE = frozenset(
    "to of by from with for at on in and or but nor than as like about into onto over "
    "under against between via per is was are were be been being become became after "
    "before during since until while when where who whom which that said says say told "
    "tell tells wrote write writes read reads named called titled joined see watch "
    "according host hosts anchor editor publisher columnist reporter correspondent "
    "writer contributor spokesman spokeswoman book novel memoir movie film album song "
    "show series premiere play musical documentary podcast group band tabloid newspaper "
    "paper magazine network outlet site website blog game name".split())


def gallery_captions(sentences: list[str]) -> set[str]:
    """Sentences (of one text, as :func:`newsdesk.segment.split_sentences` gives them)
    that a photo gallery repeats: a gallery gives each caption after its counter ("...
    Image 1 of 4 Will Smith plays Nicky ...") and then again on its own ("Will Smith
    plays Nicky ..."); the second copy is a caption, not the report."""
    gallery = {s for s in sentences if _GALLERY.search(s)}
    return {s for s in sentences if s not in gallery and any(s in g for g in gallery)}


def runs_on(sentence: str) -> bool:
    """Whether ``sentence`` is two run together without a stop (see ``_RUN_ON``), or
    opens with a label or a place glued to it ("Analysis The letter ...", "Sycamore,
    Illinois The man ...")."""
    glued = _GLUED_OPENER.match(sentence)
    if glued and not any(w.strip(",").lower() in _BEFORE_A_TITLE
                         for w in glued.group("words").split()):
        return True
    for match in _RUN_ON.finditer(_QUOTED.sub(" ", sentence)):
        prev = match.group("prev")
        if match.group("article") == "The" and match.group("next").islower():
            return True  # "... justified The board cut ...": no name starts so
        if not match.group("next").isupper():
            continue
        if (len(prev) >= 2 and prev.isupper()) or (
                prev.islower() and prev not in _BEFORE_A_TITLE
                and not prev.endswith(("ed", "ing", "s"))):
            return True
    return False
# "Image 2 of 4 Will Smith plays ...", "Hide Caption 11 of 43 Photos: ...": a photo
# gallery's counter before its caption
_GALLERY = re.compile(r"\b(?:Image|Photo|Picture|Slide)s?\s+\d+\s+of\s+/?\s*\d+\b|"
                      r"\bHide Caption\b")
# "Release Date: 2010-02-12 Running Length: 1:45 MPAA Classification: R": a page's
# fields, three or more of them
_FIELD = re.compile(r"(?:^|[\s,])[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2}:\s")
_MIXED_QUOTES = re.compile(r"(?=.*[“”])(?=.*\")")
OWN_ATTRIBUTION = re.compile(r"\b(said|says|say|told|according to|reported|announced|wrote|"
                             r"argued|noted|claimed|warned|insisted|tweeted)\b", re.IGNORECASE)
_QUOTE_MARK = re.compile(r"[“”\"]")
_SAID = re.compile(r"\b(said|says|told|added|stated|according to|announced|warned|insisted|"
                   r"wrote|writes|argued|asked|noted|explained|claimed|described|tweeted)\b",
                   re.IGNORECASE)


def _capitalise(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def strip_dateline(sentence: str) -> str:
    """Drop a wire dateline ("HALDEN, Nov 19 (Allied Wire) — ", "(CNN) - ", "(CNN) ",
    "New York (CNN Business)Facebook ...", "Washington - ") and a page's "Update:" mark."""
    stripped = _GLUED_DATELINE.sub("", sentence, count=1)
    stripped = _PLACE_DASH.sub("", stripped, count=1)
    stripped = _DATELINE.sub("", stripped, count=1)
    stripped = _BRACKET_DATELINE.sub("", stripped, count=1)
    stripped = _UPDATE_MARK.sub("", stripped, count=1)
    return _capitalise(stripped) if stripped else sentence


def strip_opener(sentence: str) -> str:
    """Drop a leading connective ("But", "Meanwhile,") that points at a missing context."""
    stripped = _OPENERS.sub("", sentence, count=1)
    return _capitalise(stripped) if stripped else sentence


# a parenthetical that limits or sets off what it follows ("(but not his signature)")
_LIMITING = re.compile(r"\W*(?:but|not|except|excluding|without)\b", re.IGNORECASE)


def drop_parentheticals(sentence: str) -> str:
    """Remove short parentheticals that sit outside quotations (pronunciations, party
    labels, picture credits, translations)."""
    quoted = [m.span() for m in _QUOTED.finditer(sentence)]

    def keep_or_drop(match: re.Match[str]) -> str:
        start, end = match.span()
        if start == 0 or any(a <= start < b or a < end <= b for a, b in quoted):
            return match.group(0)
        inside = match.group(1)
        if opens_qualification(inside) or _LIMITING.match(inside):
            return match.group(0)  # "(but not his actual autograph)" limits what it follows
        return ""

    text = _PARENTHETICAL.sub(keep_or_drop, sentence)
    return re.sub(r"\s+([,.;:!?])", r"\1", text).strip()


# "Alphabet GOOG, +2.00% GOOGL, +1.89% as well": a quote widget's ticker and day's move
# set into the text after a company's name
_TICKER = re.compile(r"(?:\s+[A-Z]{1,5}(?:\.[A-Z]{1,2})?,\s+[+\-−]\d+\.\d{2}%)+(?=[\s,.;])")


def strip_tickers(sentence: str) -> str:
    """Drop quote-widget tickers set after a company's name ("Alphabet GOOG, +2.00%")."""
    return _TICKER.sub("", sentence)


# characters a page leaves in its text that show as nothing, or as a gap, when
# published: zero-width spaces and joiners, a byte-order mark, a soft hyphen
_INVISIBLE = re.compile(r"\s*[\u00ad\u200b-\u200d\u2060\ufeff]+\s*")


def drop_invisible(sentence: str) -> str:
    """``sentence`` without invisible characters, the spaces around them made one
    ("State Sen. Diane Savino \u200b \u200bapplauded" -> "... Savino applauded")."""
    return _INVISIBLE.sub(lambda m: " " if any(c.isspace() for c in m.group(0)) else "",
                          sentence).strip()


def light_form(sentence: str) -> str:
    """The sentence without its dateline, leading connective, quote-widget tickers and
    invisible characters: the form a writer starts from."""
    return strip_opener(strip_dateline(strip_tickers(drop_invisible(sentence))))


def compress(sentence: str) -> str:
    """The shortest safe form of a source sentence: dateline, leading connective and
    parentheticals outside quotes removed."""
    return drop_parentheticals(light_form(sentence))


# a lower-case first word ("titled ..."), not one with a capital inside ("iPhone")
_MID_SENTENCE = re.compile(r"^[\s“\"‘'(]*[a-z](?![A-Z])")
# a name that opens in lower case ("de Blasio said ...")
_NAME_PARTICLE = re.compile(r"^[\s“\"‘'(]*(?:de|van|von|der|den|al|el|da|di|du|le|la|bin|ibn|"
                            r"ben|dos|das|del)[\s-]+[A-Z]")


# A call to the reader for tips or help, with the number or the line to reach: "Anyone
# with information regarding this case is asked to call Officer ... at 413-448-9700",
# "... should contact Crime Stoppers": page furniture of a police report, not news
_APPEAL = re.compile(
    r"\banyone\s+with\s+(?:any\s+)?(?:information|details|knowledge)\b|\bcrime\s*stoppers\b|"
    r"\b(?:is|are)\s+(?:asked|urged|encouraged)\s+to\s+(?:call|contact)\b|"
    r"(?<![\d-])(?:\(\d{3}\)\s*|\b\d{3}[-.])\d{3}[-.]\d{4}\b|\b1-8\d\d-",
    re.IGNORECASE)


def rejection(sentence: str) -> str | None:
    """Why a source sentence is not a candidate (``None``: it is one). Reasons:
    ``length``, ``boilerplate`` (an author's biography too), ``appeal`` (a call for
    tips with a number to reach: "Anyone with information ... is asked to call ... at
    413-448-9700"), ``instruction``,
    ``another_text`` (about "the article" or "the piece" the reader does not have),
    ``starts_mid_sentence`` (a lower-case first word), ``counterpoint`` and those of
    :func:`newsdesk.standalone.standalone_problem`, judged on the sentence as it
    would be written (dateline and connective removed)."""
    n_words = len(sentence.split())
    if n_words < MIN_WORDS or n_words > MAX_WORDS:
        return "length"
    if _BOILERPLATE.search(sentence) or CREDIT.search(sentence) or _CAPTION.search(sentence) \
            or _CAPTION_DATE.search(sentence) or _CAPTION_PLACE.search(sentence) \
            or _BIO.search(sentence) \
            or _OWN_COVERAGE.search(sentence) or len(_FIELD.findall(sentence)) >= 3 \
            or _GALLERY.search(sentence):
        return "boilerplate"
    if _APPEAL.search(sentence):
        return "appeal"  # a call for tips, with a number to reach
    if looks_like_instruction(sentence):
        return "instruction"  # text addressed to a language model is not news
    if _MID_SENTENCE.match(sentence) and not _NAME_PARTICLE.match(sentence):
        # "titled “The NRA And Russia ...” and released Friday ..., relies on ...": an
        # excerpt that opens in the middle of its sentence, the subject cut away
        return "starts_mid_sentence"
    if _CAPITALS_LEAD_IN.match(sentence):
        return "capitals"  # its case cannot be restored safely
    if _MIXED_QUOTES.match(sentence):
        return "mixed_quotes"
    body = strip_dateline(sentence)
    written = strip_opener(body)  # the form a writer starts from (light_form)
    label = _LABEL.match(body)
    if (label and not _SAID.search(label.group(0)) and not _STATES.search(label.group(0))) \
            or lead_in(body):
        return "label"  # "Why it matters: ...": page furniture before the sentence
    if _WORDS_LOST.search(_QUOTED.sub(" QUOTE ", sentence)) or _CREDIT_RUN_ON.search(sentence):
        # "... anchor at, now known asWinnipeg, beginning in the early.": a page whose
        # links were stripped with their words; "... (Kelvport Police) The man ...": a
        # photo credit run into the next sentence
        return "words_lost"
    if _GLUED_INITIAL.search(sentence) or runs_on(sentence):
        # "Donald J.Trump", "... canceling DACA The Supreme Court ...": the source's
        # typing, not a sentence
        return "run_together"
    if _ANOTHER_TEXT.search(_QUOTED.sub(" ", written)):
        return "another_text"  # about a text the reader does not have ("the article")
    if _CONTRAST.match(body) and not _has_fact(written):
        # the source's answer to its previous sentence, with no name, number or speaker
        # of its own: once the connective is gone it reads as the newsroom's judgement
        return "counterpoint"

    return standalone_problem(written)


def clause_head(sentence: str) -> str | None:
    """The whole main clause at the start of a sentence the page cut off mid-way (an
    excerpt that stops at "..., as a caravan of thousands of Central American"), ended
    with a full stop: the words the source gives, up to the last point where a clause
    that only adds to them begins. ``None`` when there is no such point or what is left
    is not a usable sentence."""
    text = TRAILS_OFF.sub("", sentence.rstrip())  # "... and..."
    if not text or text[-1] in ".!?”\"’')":
        return None  # not cut off
    for end in reversed(clause_ends(text)):
        head = text[:end].rstrip(" ,;:") + "."
        if len(head.split()) >= MIN_WORDS and rejection(head) is None:
            return head
    return None


def _has_fact(sentence: str) -> bool:
    """Whether a sentence carries something a reader could check: a name (a capitalised
    word after its first), a number, or a speaker ("officials said")."""
    words = sentence.split()[1:]
    return (any(w[:1].isupper() or any(ch.isdigit() for ch in w) for w in words)
            or bool(OWN_ATTRIBUTION.search(sentence)))


def is_quote(text: str) -> bool:
    """A sentence that reports someone's words: a quotation and a verb of saying."""
    return bool(_QUOTE_MARK.search(text) and _SAID.search(text))


# words that open a clause inside the sentence: a verb of saying after one of them says
# who said that clause, not who says the sentence ("..., two days after Pyongyang said it
# had tested a new missile.")
_SUBORDINATE = frozenset({"after", "before", "when", "since", "because", "while",
                          "until", "although", "though", "if", "once", "whether", "that",
                          "which", "who", "whom", "where", "unless"})


# "As NBC News reports, ...": the sentence names whose reporting it gives
_AS_REPORTS = re.compile(r"^As\s+(?:the\s+)?(?:[A-Z][\w.&’'-]*\s+){1,5}(?:reports|reported|"
                         r"notes|noted|writes|wrote|says|said|first\s+reported)\b")


# '“...,” Conway told reporters Friday morning in a bizarre hours-long effort to ...':
# after a quotation, its speaker and the verb of saying, the words that say when, where
# and how it was said are the outlet's
_QUOTE_OPENING = re.compile(r"^\s*[“\"]")
OUTLET_TAIL_WORDS = 10


def outlet_words_after_quote(text: str) -> int:
    """How many words follow the verb of saying in a sentence that opens with a
    quotation and then credits its speaker: "..., said Levine Cava during a press
    briefing on Thursday morning." has 7, "...," Conway told reporters Friday morning
    in a bizarre hours-long effort to discredit ..." has 30. Those words are the
    outlet's description, not the speaker's; 0 when the sentence does not open with a
    quotation or no verb of saying follows it."""
    if not _QUOTE_OPENING.match(text):
        return 0
    outside = quotes_blanked(text)
    match = _SAID.search(outside)  # any verb of saying: "“Thedarkoverlord” explained ..."
    if match is None:
        return 0
    return len(re.findall(r"[\w’'-]+", outside[match.end():]))


# "President Trump — who gleefully questioned ..., long insisted on ... and claimed
# that ... — wanted to ...": an aside between two dashes
_DASH_ASIDE = re.compile(r"\s(?:—|–|--)\s.+?\s(?:—|–|--)\s")


def has_own_attribution(text: str) -> bool:
    """Whether the sentence already says who said or reported it: a verb of saying (or
    "according to") outside its quotations and outside an aside between two dashes
    that is not inside a clause of its own ("... after Pyongyang said ...", "a leader
    who said ..."). A verb of saying inside an aside tells about its subject ("President
    Trump — who ... claimed that ... — wanted to ..."), not who gives the sentence."""
    outside = _DASH_ASIDE.sub(lambda m: " " * len(m.group(0)), quotes_blanked(text))
    if _AS_REPORTS.match(outside):
        return True
    for match in OWN_ATTRIBUTION.finditer(outside):
        if match.group(1).lower() == "according to":
            return True
        # the clause the verb stands in: back to the last comma, dash or semicolon (a
        # clause closed by one, "Ada Moss, who chairs the board, said", is behind it)
        clause = re.split(r"[,;:—–]|\s-\s", outside[:match.start()])[-1]
        if not _SUBORDINATE.intersection(re.findall(r"[\w’'-]+", clause.lower())):
            return True
    return False
