"""Headlines: which of the sources' own headlines read as plain news, and how a
sentence is cut down to headline length."""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsdesk.standalone import opens_qualification, voice_problem

MAX_TITLE_WORDS = 16
MIN_TITLE_WORDS = 4
# A relative clause or age between commas right after the subject:
# "Mikhail Kalashnikov, who died last month aged 94, wrote ..." -> "Mikhail Kalashnikov wrote"
_ASIDE = re.compile(r"^([^,“”\"]{3,60}?),\s+(?:(?:who|which|whose)\b[^,“”\"]{3,90}|\d{1,3}),\s+")
_TRAILING_MODIFIER = re.compile(
    r",\s+(?=(?:the|a|an|who|which|whose|where|when|after|as|while|with|including|"
    r"according|amid|and|in|on|at|[a-z]+ing)\b)")
# Headlines that frame rather than report: a leading quotation used as a label
# ("‘Amazing’: Unemployment ..."), a section label ("OPINION: ...", "Live updates: ..."), a
# site suffix.
_LABEL = re.compile(r"^\s*(?:[‘'“\"][^’'”\"]{1,60}[’'”\"]\s*:|[A-Z]{3,}\s*:|(?i:live(?:\s+updates?|"
                    r"\s+blog)?|watch|video|opinion|analysis|explainer|exclusive|breaking(?:\s+news)?|"
                    r"editorial|commentary|fact\s+check|podcast|photos|updated?)\s*:)")
_SITE_SUFFIX = re.compile(r"\s[|–—-]\s[^|–—-]{2,40}$")
_INNER_STOP = re.compile(r"[a-z0-9][.!?][”’\"']?\s+[A-Z‘“\"']")


# A title that tells the reader what to do with the page ("Read ...", "Watch: ...").
_CALL_TO_ACTION = re.compile(r"^(?:Read|Watch|Listen(?:\s+to)?|See|Look|Hear|Take\s+a\s+look|"
                             r"Subscribe|Join|Click|Download|Explore|Meet)\b")


# An explainer's or a list's title: "Here's why ...", "Here are the ..."
_TEASER = re.compile(r"^Here(?:[’']s|\s+(?:is|are))\b")


def shouted(title: str, texts: Iterable[str]) -> list[str]:
    """Words of ``title`` in capitals for emphasis ("... prosecution DISMISSED", "vow to
    END war"): written in capitals here, but in the reports' texts only in lower or title
    case (an acronym, "NATO", "DACA", is in capitals there too), or a verb's form in
    capitals."""
    words = set(re.findall(r"\b[A-Z]{3,}\b", title))
    if not words:
        return []
    body = " ".join(texts)
    return sorted(w for w in words
                  if not re.search(rf"\b{w}\b", body)
                  and (re.search(rf"\b{w}\b", body, re.IGNORECASE)
                       # a verb's form, which no acronym is: "DISMISSED", "SLAMMING"
                       or re.fullmatch(r"[A-Z]{3,}(?:ED|ING)", w)))


def plain_title(title: str, texts: Iterable[str] = ()) -> bool:
    """Whether a source's headline reads as plain news: 4-16 words, not a question,
    not shouted in capitals (wholly, or a word the reports' ``texts`` write in lower
    case), no leading label or quotation used as one (a word before a colon that no
    report uses: "Disaster: ..." but "Kelvport: ...", "Coronavirus: ..."), no site suffix,
    no teaser ("Here's why ..."), and nobody's first person or "you"."""
    text = title.strip()
    words = text.split()
    if not MIN_TITLE_WORDS <= len(words) <= MAX_TITLE_WORDS:
        return False
    if text.endswith("?") or text.isupper() or _LABEL.match(text) or _SITE_SUFFIX.search(text):
        return False
    if _INNER_STOP.search(text):
        return False  # two sentences ("... is over. Here's what comes next")
    if _CALL_TO_ACTION.match(text) or _TEASER.match(text):
        return False  # "Read the mayor's letter on ...": a page's label, not news
    if shouted(text, texts):
        return False  # "... prosecution DISMISSED": the outlet's emphasis
    label = re.match(r"^([A-Z][a-z]+):\s", text)
    body = " ".join(texts)
    if label and body and not re.search(rf"\b{label.group(1)}\b", body, re.IGNORECASE):
        # "Disaster: Brexit Minister ... Resign": a word no report uses, the outlet's
        # verdict (a topic the reports name, "Coronavirus: ...", is a plain label)
        return False
    if re.search(r"\bUs\b", text):
        # "Us Gets Closer to a Deal": "US" mis-cased by the title's capitalisation, or
        # the first person ("Let Us Vote"); either way not the newsroom's headline
        return False
    return voice_problem(text) is None


def headline_options(sentence: str) -> list[str]:
    """Ways to state a sentence as a headline, longest first: without its final full
    stop and a leading aside ("X, who ..., did Y" -> "X did Y"), then cut before each
    trailing modifier that follows a comma (", the first ...", ", according to ...",
    ", clearing ...")."""
    text = _ASIDE.sub(r"\1 ", sentence, count=1).rstrip().rstrip(".").strip()
    options = [text]
    for match in reversed(list(_TRAILING_MODIFIER.finditer(text))):
        prefix = text[:match.start()].rstrip()
        if opens_qualification(text[match.end():]):
            continue  # "..., unless ...": what follows makes what came before conditional
        balanced = prefix.count("“") == prefix.count("”") and prefix.count('"') % 2 == 0
        if len(prefix.split()) >= 5 and balanced:
            options.append(prefix)
    return options
