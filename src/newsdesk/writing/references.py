"""Keeping references true when sentences leave their source.

In its source, "Lightfoot defeated Preckwinkle" follows a sentence that gave both full
names, and "The base is 130 miles north of the border" follows one about a missile
base. Lifted into an article, such a sentence must find its referent there, or bring
it along. :class:`ReferenceTracker` reads an article's sentences in order and, for
each one:

- **people**: a person's first mention gives the full name. A bare surname ("Weld",
  "Lightfoot's") that the article has not introduced is replaced by the full name its
  own source gives ("Bill Weld"), so the sentence still checks against that source; a
  surname after a title ("Gov. Walker", "President Trump") counts as introduced. When
  the source gives no full name, the sentence is not used.
- **things**: a sentence whose subject is a definite description ("The base ...",
  "The 56-year-old political newcomer ...", "The document, issued ...") needs that
  noun in the article before it; otherwise it is not used. A description that names
  its referent itself ("The voters of the United Kingdom", "The official who ...")
  stands alone.

- **abbreviations**: an abbreviation its source spells out ("South Korea’s Joint Chiefs
  of Staff (JCS)") is spelled out the same way, owner included, where the article first
  uses it ("JCS said ..." becomes "South Korea’s Joint Chiefs of Staff (JCS) said ...").

Pronoun subjects ("He", "They", "It") never reach this point: the candidate rules
reject them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from newsdesk.records import Document
from newsdesk.standalone import quotes_blanked, unquoted
from newsdesk.text import match_tokens, stem

#: Words that may stand before a surname and introduce the person well enough
#: ("President Trump", "Gov. Walker", "Mr Weld").
TITLE_WORDS = frozenset("""
President President-elect Vice Sen Sen. Senator Sens. Rep Rep. Representative Reps. Gov Gov.
Governor Govs. Mr Mr. Mrs Mrs. Ms Ms. Miss Dr Dr. Gen Gen. General Lt Lt. Col Col. Sgt Sgt.
Capt Capt. Adm Adm. Prof Prof. Rev Rev. Amb Amb. Ambassador Secretary Mayor Judge Justice
Speaker Leader Minister Chancellor Premier Attorney Commissioner Chief Director Chairman
Chairwoman Chair Pope King Queen Prince Princess Congressman Congresswoman Sheriff Officer
Detective Coach Pastor Bishop Cardinal Rabbi Imam Lord Lady Sir Dame
""".split())
# Nouns whose referent everyone knows without an introduction.
_SELF_EVIDENT = frozenset("""
economy pandemic coronavirus virus nation country world public government administration
market markets election elections war military media press weather climate
""".split())
# The first "the" of a sentence's opening that belongs to its subject or opening phrase:
# at the start, or after a preposition ("Enforcement of the law", "In addition to the
# arrests"), not after a verb ("Gov. Walden signed the bill").
_SUBJECT_THE = re.compile(r"(?:^|^[^,“”\"]{2,60},\s+|\b(?:of|to|in|on|for|with|at|by|after|"
                          r"before|from|under|over|during|since|amid|about)\s+)(?P<the>[Tt]he)\s")
#: "the" this early in a sentence belongs to its subject or its opening phrase.
EARLY_WORDS = 5
# After the noun, these make the description self-contained ("The voters of the UK",
# "The man who ...", "The bill that ...").
_SELF_CONTAINED_AFTER = frozenset({"of", "who", "whom", "whose", "that", "which", "behind",
                                   "from", "in", "at"})
# Where a description ends: a verb or a function word ("The base is ...").
_STOP_WORDS = frozenset("""
is was are were be been has have had will would could can did does do may might must shall
should also said says say told on for to with by as and or but than after before during
the a an
""".split())
# News calls one thing by several names: "the deal" after "a settlement", "the probe"
# after "an investigation". Each group's words introduce one another.
_GROUPS = (
    "deal settlement agreement pact accord",
    "suit lawsuit case complaint",
    "bill legislation law measure act",
    "probe investigation inquiry",
    "attack assault shooting bombing explosion blast rampage",
    "document memo letter filing records report",
    "vote ballot tally election",
    "plan proposal program programme policy scheme rule",
    "company firm business corporation",
    "protest demonstration rally march",
    "crowd protesters demonstrators",
    "charges indictment counts",
    "ruling decision verdict judgment",
    "ship vessel boat",
    "storm hurricane",
    "virus coronavirus pandemic outbreak",
)
_SAME_THING: dict[str, frozenset[str]] = {}
for _group in _GROUPS:
    _members = frozenset(stem(w) for w in _group.split())
    for _member in _members:
        _SAME_THING[_member] = _SAME_THING.get(_member, frozenset()) | _members
#: Longest description read after "The".
MAX_DESCRIPTION_WORDS = 4

# A surname used as a modifier names an institution or an era, not the person.
_BEFORE_MODIFIER = frozenset({"the", "a", "an", "former", "ex", "pro", "anti", "this", "that's"})
_AFTER_MODIFIER = frozenset("""
administration campaign organization organisation family era officials aides team staff
supporters rally rallies presidency allies associates foundation university tower hotel
card plan policy policies doctrine camp years government cabinet white-house
""".split())
# Words a sentence may open with that a recogniser sometimes glues to a name ("However
# Manafort"): never a first name.
_NOT_FIRST_NAMES = frozenset("""
However Meanwhile But And Also Still Yet Then Now Later Earlier Instead Indeed Thus So The
A An In On At For From With By After Before During While When As If Although Since Former
""".split())
_NAME_WORD = re.compile(r"[A-ZÀ-Þ][\w.-]*")
# Last words of what a recogniser sometimes takes for a person: a place's feature ("the
# Java Sea") or an office ("Richland County Sheriff Leon Lott" -> "County Sheriff")
_NOT_SURNAMES = frozenset("""
Sea Ocean River Lake Bay Gulf Strait Island Islands Mountain Mountains Valley Canyon Desert
Coast Peninsula Street Avenue Road Square Park County City State Province District Airport
Station Bridge Hall Center Centre
Sheriff Governor Senator President Mayor Secretary Minister Director Commissioner Chairman
Chairwoman Speaker Leader Attorney Officer Detective Ambassador Spokesman Spokeswoman
Premier Chief Department Police Office
""".split())


def person_names(names: Iterable[str]) -> list[str]:
    """The names among ``names`` (a recogniser's people) that can be a person's: not
    one that ends on a place's feature or an office ("Java Sea", "County Sheriff")."""
    return [n for n in names if n.split() and n.split()[-1] not in _NOT_SURNAMES]


# A given name and a surname in running text ("Sheriff Jeffrey Gahler told ...",
# "paleontologist Xing Xu", "Brett Morgen's film"), and a surname on its own as a speaker
# or a subject ("..., Gahler said.", "adds Xu.", "Morgen was given ...").
_GIVEN_AND_SURNAME = re.compile(r"\b(?P<given>[A-Z][a-z]+)\s+(?:(?P<initial>[A-Z]\.)\s+)?"
                                r"(?P<surname>[A-Z][a-z]+"
                                r"(?:-[A-Z][a-z]+)?)\b(?!\s+[A-Z]|-)")
_SAYING = r"(?:said|says|told|adds|added|explained|noted|wrote|writes|recalled|continued)"
# how a surname alone reads as a person: "Gahler said", "Morgen was given", "adds Xu."
_AS_PERSON_AFTER = re.compile(rf"[’']?s?\s+(?:{_SAYING}|was|is|has|had|did|does|will|would)\b")
_AS_PERSON_BEFORE = re.compile(rf"\b{_SAYING}\s+$")
# Capitalised words a text uses alone that are groups or bodies, not someone's surname
_GROUP_WORDS = frozenset("""
Democrats Republicans Police Officials Authorities Prosecutors Investigators Researchers
Scientists Officers Lawmakers Senators Residents Witnesses Analysts Critics Experts Doctors
Agents Troops Forces Militants Rebels Protesters Students Workers Americans Congress Senate
House Court Government Administration Ministry Department Company Church Army Navy
University College School Hospital Crew Rescue
""".split())
_DIRECTIONS = frozenset("""
North South East West Central Northern Southern Eastern Western Upper Lower Greater New
Las Los San Santa Saint St Cape Mount Lake Fort Port
""".split())
_PRONOUNS = frozenset("He She It They We I You His Her Its Their".split())
_MONTHS_AND_DAYS = frozenset("""
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
""".split())


def names_in_text(text: str, known: Iterable[str] = ()) -> list[str]:
    """People a text names in full and then by surname alone, as news writes them
    ("Sheriff Jeffrey Gahler told reporters ..." then "..., Gahler said."), for the
    surnames none of the ``known`` full names (a recogniser's people) ends with. The
    recogniser reads only a document's opening; a sentence from further down still
    needs its person introduced."""
    known_surnames = {_surname_key(" ".join(n.split())) for n in known if len(n.split()) >= 2}
    found: dict[str, str] = {}
    for match in _GIVEN_AND_SURNAME.finditer(text):
        given, surname = match.group("given"), match.group("surname")
        if surname in known_surnames or surname in found or surname in _GROUP_WORDS or \
                surname in _NOT_SURNAMES or surname in TITLE_WORDS or \
                given in _NOT_FIRST_NAMES or given in TITLE_WORDS or \
                given in _MONTHS_AND_DAYS or surname in _MONTHS_AND_DAYS or \
                given in _NOT_SURNAMES or len(surname) < 2:
            continue
        if given in _DIRECTIONS or surname in _PRONOUNS or surname.endswith("ans") or \
                re.search(rf"\b{given.lower()}\b", text):
            continue  # "South Korea", "He", "Koreans"; "Because Maria": a word
        before = text[:match.start()].rstrip()
        previous = before.split()[-1] if before.split() else ""
        if not previous or previous.endswith((".", "!", "?", ":", "”", '"')):
            continue  # "Unlike Caihong, ...": a sentence's first word may be any word
        if previous[:1].isupper() and previous.rstrip(",") not in TITLE_WORDS and \
                not previous.endswith(","):
            continue  # "Burgas Regional History": part of a longer name
        if any(_AS_PERSON_AFTER.match(text, m.end()) or
               _AS_PERSON_BEFORE.search(text[:m.start()])
               for m, _previous in bare_mentions(surname, text)):
            found[surname] = " ".join(filter(None, (given, match.group("initial"), surname)))
    return list(found.values())


def bare_mentions(surname: str, text: str) -> list[tuple[re.Match[str], str]]:
    """Where ``surname`` stands as a name of its own in ``text``, each with the word
    before it: not inside a longer name ("Ashgrove" in "Ashgrove Rovers", "Bay" in
    "Kestrel Bay", "Lightfoot" in "Lori Lightfoot")."""
    found = []
    for match in re.finditer(rf"\b{re.escape(surname)}\b", text):
        if text[match.start() - 1:match.start()] == "-" or text[match.end():match.end() + 1] == "-":
            continue  # "Un" in "Kim Jong-Un": part of a hyphenated name
        after = text[match.end():].lstrip(" ’'s")
        if text[match.end():match.end() + 1] == " " and after[:1].isupper():
            continue  # "Ashgrove Rovers"
        words = text[:match.start()].split()
        previous = words[-1] if words else ""
        following = text[match.end():].split(maxsplit=1)[0].strip(",.;:") \
            if text[match.end():match.end() + 1] == " " else ""
        if previous.lower() in _BEFORE_MODIFIER or following in _AFTER_MODIFIER:
            continue  # "the Trump administration", "former Trump campaign manager"
        if previous[:1].isupper() and previous[-1:].isalpha() and previous not in TITLE_WORDS:
            continue  # "Lori Lightfoot", "Kestrel Bay"
        found.append((match, previous))
    return found


def _same_person(a: str, b: str) -> bool:
    """Whether two full names with one surname name one person: one ends with the other
    ("Robert Mueller", "Robert S. Mueller"... by first name and surname), ignoring middle
    initials."""
    first_a, first_b = a.split(maxsplit=1)[0], b.split(maxsplit=1)[0]
    return a.endswith(b) or b.endswith(a) or first_a == first_b


def _surname_key(name: str) -> str:
    parts = [p for p in name.split() if p.rstrip(".") not in {"Jr", "Sr", "II", "III", "IV"}]
    return parts[-1].strip(",") if parts else ""


# "for these groups", "those plans": a demonstrative and the noun it points back with
# (not "those who ...", nor time: "these days")
_DEMONSTRATIVE = re.compile(r"\b(?:these|those)\s+(?P<noun>(?!who\b|which\b|that\b|days\b|"
                            r"years\b|times\b|months\b|weeks\b|past\b|few\b|other\b|"
                            r"same\b)(?![a-z]+(?:ly|ing)\b)[a-z][a-z-]+)\b")


def named_in(doc: Document) -> str:
    """What a sentence of ``doc`` may take a person's full name from: the document's
    title and its text ("Mueller" in a one-sentence excerpt whose headline says "Robert
    Mueller"). The verifier is given the same, so such a name is checked against it."""
    return f"{doc.title}\n{doc.text}" if doc.title.strip() else doc.text


def surname_table(people: Iterable[str]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Surname -> full name for people named with at least two words, and the surnames
    shared by two different full names ("Hunter Biden", "Joe Biden") with those names:
    a bare shared surname cannot be resolved to one person."""
    table: dict[str, str] = {}
    clash: set[str] = set()
    for given in people:
        full = " ".join(given.split())
        words = full.split()
        # a recogniser's stray spans ("Castellan’s Ashgrove") are no one's name
        if len(words) < 2 or words[0] in _NOT_FIRST_NAMES or \
                not all(w[:1].isupper() and _NAME_WORD.fullmatch(w) for w in words):
            continue
        surname = _surname_key(full)
        # "U.S", "FBI": an abbreviation the recogniser took for a surname
        if len(surname) < 2 or "." in surname or not any(ch.islower() for ch in surname):
            continue
        known = table.get(surname)
        if known is None or _same_person(known, full):
            # keep the fullest form of the name ("Janet L. Yellen" over "Janet Yellen")
            table[surname] = max(known or full, full, key=len)
        else:
            clash.add(surname)
    shared = {s: {f for f in (" ".join(p.split()) for p in people) if _surname_key(f) == s
                  and len(f.split()) >= 2 and f.split()[0] not in _NOT_FIRST_NAMES
                  and all(_NAME_WORD.fullmatch(w) for w in f.split())}
              for s in clash}
    return {s: f for s, f in table.items() if s not in clash}, shared


_DEFINED_ABBREVIATION = re.compile(r"\((?P<abbr>[A-Z][A-Za-z]?[A-Z]{1,5})\)")
_ABBREVIATION = re.compile(r"\b[A-Z][A-Za-z]?[A-Z]{1,5}\b")
_LINKING_WORDS = frozenset({"of", "and", "for", "the", "on", "de", "in", "&"})


@lru_cache(maxsize=256)
def spelled_out(source_text: str) -> dict[str, str]:
    """Abbreviations a text spells out before it uses them ("Joint Chiefs of Staff
    (JCS)" -> {"JCS": "Joint Chiefs of Staff"}): the capitalised words just before the
    bracket whose initials are the abbreviation's letters. Cached: the writer asks for
    each source text once per sentence it tries (do not change the returned dict)."""
    found: dict[str, str] = {}
    for match in _DEFINED_ABBREVIATION.finditer(source_text):
        abbr = match.group("abbr")
        letters = [c for c in abbr if c.isupper()]
        words = re.findall(r"[\w’'&.-]+", source_text[:match.start()])[-2 * len(letters) - 4:]
        taken: list[str] = []
        initials: list[str] = []
        for word in reversed(words):
            if word[:1].isupper():
                parts = word.split("-")  # "Trans-Pacific Partnership (TPP)"
                initials[:0] = [w[0] for w in parts] if all(
                    w[:1].isupper() for w in parts) else [word[0]]
                taken.insert(0, word)
                if len(initials) >= len(letters):
                    break
            elif word.lower() in _LINKING_WORDS and taken:
                taken.insert(0, word)
            else:
                break
        if initials == letters and abbr not in found:
            before = words[len(words) - len(taken) - 1] if len(words) > len(taken) else ""
            # whose body it is: "South Korea’s Joint Chiefs of Staff (JCS)" is spelled out
            # with its owner, not as some other country's
            owner = re.search(r"(?<![\w’'])((?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*[’']s)\s+"
                              + r"\s+".join(map(re.escape, taken)) + r"\s*$",
                              source_text[:match.start()])
            if owner:
                taken.insert(0, " ".join(owner.group(1).split()))
            # "the Kelvport Harbour Safety Board (KHSB)": the article keeps its "the"
            found[abbr] = ("the " if before.lower() == "the" and not owner else "") + \
                " ".join(taken)
    return found


def _description(plain: str) -> tuple[list[str], str]:
    """The words of the description that ``plain`` opens with ("the ..."), and how it
    ends: ``name`` (a capitalised word: "The White House"), ``self_contained`` (a word
    that completes it follows: "The voters of ...", "The man who ...") or ``end``."""
    phrase: list[str] = []
    for raw in plain.split()[1:1 + MAX_DESCRIPTION_WORDS + 1]:
        word = raw.strip(",;:.!?()")
        if not word or not (word[0].islower() or word[0].isdigit()):
            return phrase, "name"
        if word in _SELF_CONTAINED_AFTER:
            return phrase, "self_contained"
        if word in _STOP_WORDS or (phrase and word.endswith("ed") and "-" not in word):
            break
        phrase.append(word)
        if raw[-1:] in ",;:":
            break  # "The document, issued by ..."
    return phrase, "end"


def _head(phrase: list[str]) -> str:
    return re.sub(r"[’']s?$", "", phrase[-1])


def description_from_elsewhere(text: str, source_text: str) -> bool:
    """Whether ``text`` opens with a description ("The bill was called the Dream Act
    ...") of something its own source (``source_text``, title included) never names with
    that word outside this sentence: it points back at a sentence of its source that
    said it otherwise ("advocates have tried to pass legislation"), and read after
    another source's "bill" it would take that bill for its referent."""
    plain = unquoted(text).lstrip()
    if not re.match(r"The\s+[a-z]", plain):
        return False
    phrase, ending = _description(plain)
    if ending != "end" or not phrase or phrase[0] in {"same", "latter", "former"} or \
            (re.search(r"[’']s?$", phrase[0]) and len(phrase) > 1):
        return False  # (and "The nation's top military leaders": whose they are is said)
    head = _head(phrase)
    if head in _SELF_EVIDENT:
        return False
    mentions = re.finditer(rf"\b{re.escape(head)}\w*", source_text, re.IGNORECASE)
    here = source_text.find(plain[:40])
    # (a sentence not found as written in its source: its own mention cannot be told
    # from another, and any mention counts)
    return not any(here < 0 or not here <= m.start() < here + len(plain) for m in mentions)


class ReferenceTracker:
    """What an article has introduced so far, read in order (see the module docstring)."""

    def __init__(self, people: Iterable[str]) -> None:
        self.surnames, self.shared = surname_table(people)
        # every written form of each person ("Janet Yellen", "Janet L. Yellen"), so a
        # surname is expanded to the form its own source uses
        self.forms: dict[str, list[str]] = {}
        for given in people:
            full = " ".join(given.split())
            surname = _surname_key(full)
            if surname in self.surnames and len(full.split()) >= 2 and \
                    _same_person(full, self.surnames[surname]):
                self.forms.setdefault(surname, []).append(full)
        self.introduced_people: set[str] = set()
        self.seen_stems: set[str] = set()
        self.abbreviations: set[str] = set()  # used or spelled out in the article so far

    def copy(self) -> ReferenceTracker:
        """An independent tracker in the same state (to try a sentence out)."""
        other = ReferenceTracker([])
        other.surnames, other.shared, other.forms = self.surnames, self.shared, self.forms
        other.introduced_people = set(self.introduced_people)
        other.seen_stems = set(self.seen_stems)
        other.abbreviations = set(self.abbreviations)
        return other

    def resolve(self, text: str, source_text: str) -> str | None:
        """``text`` made safe to read at this point of the article (a surname expanded
        to the full name ``source_text`` gives, an abbreviation spelled out as it does),
        or ``None`` when it cannot be."""
        resolved = self._people(text, source_text)
        if resolved is None or self._dangling_definite(resolved) or \
                self._dangling_demonstrative(resolved):
            return None
        return self._spell_out(resolved, source_text)

    def points_back(self, text: str) -> bool:
        """Whether ``text`` opens with a description ("The company ...", "Published
        online, the video ...") or points at "these plans" that the article has not
        introduced so far: for a fresh tracker, whether it can stand first, as a
        headline does."""
        return self._dangling_definite(text) or self._dangling_demonstrative(text)

    def _spell_out(self, text: str, source_text: str) -> str:
        """The first use of an abbreviation its source spells out, spelled out the same
        way ("JCS said" -> "Joint Chiefs of Staff (JCS) said")."""
        defined = spelled_out(source_text)
        if not defined:
            return text
        for match in _ABBREVIATION.finditer(quotes_blanked(text)):
            abbr = match.group(0)
            full = defined.get(abbr)
            if full is None or abbr in self.abbreviations or full in text or \
                    f"({abbr})" in text:
                continue
            if full.startswith("the ") and re.search(r"\bthe\s+$", text[:match.start()],
                                                     re.IGNORECASE):
                full = full[4:]  # "the JCS said" keeps its own "the"
            elif match.start() == 0:
                full = full[:1].upper() + full[1:]
            return f"{text[:match.start()]}{full} ({abbr}){text[match.end():]}"
        return text

    def _dangling_demonstrative(self, text: str) -> bool:
        """Whether the sentence points at "these groups" or "those plans" anywhere
        outside quotation marks when the article has not named such things before (nor
        the sentence itself, earlier on)."""
        plain = unquoted(text)
        for match in _DEMONSTRATIVE.finditer(plain):
            noun = match.group("noun").lower()
            before = {stem(t) for t in match_tokens(plain[:match.start()])}
            if not {stem(noun), noun} & (self.seen_stems | before):
                return True
        return False

    def accept(self, text: str) -> None:
        """Record that ``text`` is now part of the article."""
        self.seen_stems.update(stem(t) for t in match_tokens(text))
        self.abbreviations.update(_ABBREVIATION.findall(text))
        for surname, full in self.surnames.items():
            if any(f in text for f in self.forms.get(surname, [full])) or \
                    bare_mentions(surname, text):
                self.introduced_people.add(full)
        for fulls in self.shared.values():
            self.introduced_people.update(f for f in fulls if f in text)

    def _people(self, text: str, source_text: str) -> str | None:
        outside = quotes_blanked(text)  # a position in it is one in text
        for surname, fulls in self.shared.items():
            for match, _previous in bare_mentions(surname, outside):
                # only a full name earlier in the same sentence tells which one it is
                named_before = any(f in outside[:match.start()] for f in fulls)
                if not named_before:
                    return None  # "Biden said": which Biden the reader cannot tell
        for surname, full in self.surnames.items():
            if full in self.introduced_people or any(
                    f in text for f in self.forms.get(surname, [full])):
                continue
            bare = bare_mentions(surname, outside)
            first = re.search(rf"\b{re.escape(surname)}\b", outside)
            if bare and first is not None and first.start() < bare[0][0].start():
                # named in full earlier in the sentence, a nickname between ("Atatiana
                # “Tay” Jefferson ... Jefferson’s family"): introduced already
                continue
            for match, previous in bare:
                if previous in TITLE_WORDS:
                    break  # "Gov. Walker": introduced by title
                given = next((f for f in sorted(self.forms.get(surname, [full]), key=len,
                                                 reverse=True) if f in source_text), None)
                if given is None:
                    return None  # the source gives no full name to introduce them by
                text = text[:match.start()] + given + text[match.end():]
                # the positions of later names moved with the text
                outside = quotes_blanked(text)
                break
        return text

    def _dangling_definite(self, text: str) -> bool:
        """Whether the subject, or a "the ..." among the sentence's first words ("The
        base ...", "Enforcement of the law ...", "In addition to the arrests, ..."), is a
        description of something the article has not introduced."""
        plain = unquoted(text).lstrip()
        words = plain.split()
        comma = next((i for i, w in enumerate(words[:EARLY_WORDS * 2]) if w.endswith(",")), -1)
        opening = " ".join(words[:max(EARLY_WORDS, comma + 3)])
        match = _SUBJECT_THE.search(opening)
        if match is None:
            return False
        before = opening[:match.start("the")].rstrip().rstrip(",").split()
        if match.start() == 0 and len(before) >= 2 and all(
                w[:1].isupper() for w in before):
            # "Justice Ada Moss, the first woman to ...": a description of the name
            # before it (an appositive), not a reference back
            return False
        return self._unintroduced(plain[match.start("the"):])

    def _unintroduced(self, plain: str) -> bool:
        phrase, ending = _description(plain)
        if ending == "name":
            return False  # "The White House", "The Trump administration": a name
        if ending == "self_contained":
            return not phrase  # "The voters of ...", "The man who ..."
        if not phrase:
            return False
        if phrase[0] in {"same", "latter", "former", "aforementioned"}:
            return True  # "The same tally": points back by definition
        head = _head(phrase)
        if head in _SELF_EVIDENT:
            return False
        names_for = {stem(head), head} | {stem(w) for w in _SAME_THING.get(stem(head), ())}
        return not names_for & self.seen_stems
