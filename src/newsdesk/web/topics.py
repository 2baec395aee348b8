"""Topics: the sections a reader browses (Politics, Business, Crime and justice ...).

A story's topics come from a lexicon of words that mark each section, counted in its
headline, summary, subheadings and body; the headline and summary count more. A topic
is kept when its score reaches ``MIN_SCORE`` and half the best topic's score; a story
gets at most ``MAX_TOPICS``. The lexicon words are what an editor would file a story
under, never bare numbers or filler ("nine", "hall", "extra"), so a topic page and a
feed category always mean something. No language model is involved: the same text
always gets the same topics.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from newsdesk.records import Article


@dataclass(frozen=True)
class Topic:
    """One section: its URL slug, display name and the words that mark it."""

    slug: str
    name: str
    words: frozenset[str]


def _topic(slug: str, name: str, words: str) -> Topic:
    return Topic(slug, name, frozenset(words.split()))


TOPICS: tuple[Topic, ...] = (
    _topic("politics", "Politics",
           "election elections vote votes voters voting ballot ballots poll polls campaign "
           "candidate candidates parliament parliamentary senate senator congress "
           "congressional minister ministers government governments opposition party parties "
           "coalition president presidential prime cabinet legislation lawmakers legislature "
           "bill referendum democrat democrats democratic republican republicans gop mayor "
           "council councillors constituency recount impeachment white house governor "
           "diplomat diplomatic treaty sanctions policy administration"),
    _topic("business", "Business and economy",
           "economy economic business businesses company companies market markets shares "
           "stock stocks investors investment profit profits revenue earnings bank banks "
           "banking inflation interest rates rate mortgage mortgages lenders trade tariff "
           "tariffs exports imports jobs unemployment wages pay retail retailers industry "
           "manufacturing production factory merger acquisition takeover budget tax taxes "
           "debt bonds prices price customers consumer consumers ceo firm firms gdp recession"),
    _topic("labour", "Work and unions",
           "strike strikes striking union unions workers worker dockers dockworkers "
           "walkout picket pickets wage wages pay negotiations bargaining employers "
           "employees staff layoffs redundancies shifts overtime conciliation"),
    _topic("crime-justice", "Crime and justice",
           "police officers arrest arrested arrests charged charges court courts judge "
           "judges trial jury prosecutor prosecutors prosecution sentence sentenced prison "
           "jail murder killed killing shooting shot suspect suspects crime crimes criminal "
           "investigation investigators lawsuit sued verdict guilty convicted appeal fraud "
           "theft robbery assault homicide gun guns firearm supreme justice"),
    _topic("environment", "Environment and climate",
           "climate environment environmental emissions carbon pollution polluted drought "
           "heatwave heat temperatures temperature rainfall flood floods flooding wildlife "
           "forest forests conservation renewable renewables solar wind species water "
           "rationing reservoir reservoirs lake river rivers coastal ocean green"),
    _topic("weather-disasters", "Weather and emergencies",
           "storm storms blizzard snow hurricane tornado earthquake wildfire wildfires fire "
           "fires blaze firefighters rescue rescued rescuers evacuated evacuation emergency "
           "disaster avalanche heatwave flood floods explosion collapse injured casualties "
           "victims missing weather forecast"),
    _topic("health", "Health",
           "health hospital hospitals patients patient doctors nurses medical medicine "
           "disease diseases virus outbreak pandemic covid vaccine vaccines vaccination "
           "cancer treatment drug drugs pharmaceutical mental clinic clinics care"),
    _topic("technology", "Science and technology",
           "technology tech data software hackers hack hacked breach cyber cyberattack "
           "internet online digital computer computers ai artificial intelligence app apps "
           "platform platforms privacy encryption science scientists research researchers "
           "space satellite telescope study"),
    _topic("transport", "Transport",
           "rail railway railways train trains tunnel high-speed airport airports airline "
           "airlines flights flight road roads bridge bridges traffic port ports shipping "
           "ships ferry ferries transport transit bus buses metro motorway highway cargo "
           "container containers freight"),
    _topic("sport", "Sport",
           "football soccer cup final league match matches goal goals club clubs coach "
           "manager players player team teams season championship tournament olympic "
           "olympics stadium fans supporters trophy title win victory defeat scored "
           "federation athletes race racing tennis cricket rugby basketball baseball nfl nba"),
    _topic("education", "Education",
           "school schools students student pupils teachers teacher university "
           "universities college colleges education tuition campus classroom exams"),
    _topic("immigration", "Immigration",
           "immigration immigrants immigrant migrants migrant asylum refugees refugee "
           "border borders deportation deported visa visas citizenship"),
    _topic("culture", "Culture",
           "film films movie movies music musician album festival art arts artist "
           "museum theatre theater book books author novel television tv show actor actress "
           "celebrity award awards parade"),
)
BY_SLUG = {t.slug: t for t in TOPICS}
MIN_SCORE = 6.0
MAX_TOPICS = 2
RELATIVE = 0.5
_WORDS = re.compile(r"[a-z][a-z-]*")
# Where a word stands counts: the headline names what the story is about.
HEADLINE_WEIGHT, SUMMARY_WEIGHT, HEADING_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.5, 1.0


def _counts(text: str) -> Counter[str]:
    return Counter(_WORDS.findall(text.lower()))


def topic_scores(article: Article) -> dict[str, float]:
    """Each topic's score for ``article`` (only topics with a marking word)."""
    weighted: dict[str, float] = {}
    parts = [(article.headline.text, HEADLINE_WEIGHT), (article.summary.text, SUMMARY_WEIGHT)]
    parts += [(section.heading, HEADING_WEIGHT) for section in article.sections]
    body = [s.text for s in article.lead] + [s.text for sec in article.sections
                                              for s in sec.sentences]
    parts.append((" ".join(body), BODY_WEIGHT))
    for text, weight in parts:
        for word, count in _counts(text).items():
            # A word repeated in one part counts at most twice: one long quotation about
            # "the club" does not make a story about sport.
            weighted[word] = weighted.get(word, 0.0) + weight * min(count, 2)
    scores: dict[str, float] = {}
    for topic in TOPICS:
        score = sum(weighted[w] for w in topic.words if w in weighted)
        if score:
            scores[topic.slug] = score
    return scores


def topics_of(article: Article) -> list[Topic]:
    """The topics ``article`` is filed under, best first (possibly none)."""
    scores = topic_scores(article)
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [BY_SLUG[slug] for slug, score in ranked[:MAX_TOPICS]
            if score >= MIN_SCORE and score >= RELATIVE * best]
