"""The pattern tables of :mod:`newsdesk.injection`: what a model is called, what setting
its instructions aside, addressing it, giving it a role, telling it what to write and
prompt markup look like, in English, French, Spanish, German, Italian, Portuguese and
Dutch. Every pattern runs on text :func:`newsdesk.injection.normalise` has folded
(lower case, no accents, ``ß`` as ``ss``, ASCII quotes).

The names are public to :mod:`newsdesk.injection` only; a change here changes what is
withheld, so ``tests/test_prompt_injection.py`` checks the corpus and the false-positive
sets after every edit.
"""

from __future__ import annotations

import re


def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


# Words that may precede an imperative ("please just write ...").
LEAD_IN = r"(?:(?:please|now|just|simply|only|instead|also|kindly|then)\s+)*"


# -- who a model is -------------------------------------------------------------------------

MODEL = _any(
    r"(?:ai|a\.i\.) (?:systems?|models?|tools?|agents?|bots?|assistants?|readers?|"
    r"summari[sz]ers?|crawlers?|writers?|engines?)",
    r"a\.?i\.?", r"ais", r"artificial intelligence", r"(?:large )?language models?", r"llms?",
    r"chat ?bots?", r"bots?", r"(?:ai |virtual |digital )?assistants?", r"models?",
    r"gpts?", r"chat ?gpt", r"claude", r"gemini", r"copilot", r"bard", r"llama",
    r"summari[sz]ers?", r"summari[sz](?:ation|ing) (?:tools?|systems?|engines?|software)",
    r"automated (?:systems?|readers?|tools?|writers?|summari[sz]ers?|agents?)",
    r"machine readers?", r"crawlers?", r"scrapers?", r"(?:news )?aggregators?",
    r"agents?", r"(?:writing|rewriting|ai) tools?", r"generative (?:ai|systems?|tools?)",
    r"ia", r"intelligence artificielle", r"modeles?(?: de langage)?", r"assistante?s?", r"robots?",
    r"inteligencia artificial", r"modelos? de lenguaje", r"asistentes?",
    r"ki", r"kunstliche intelligenz", r"sprachmodelle?", r"assistent(?:in)?",
    r"intelligenza artificiale", r"modelli? linguistic[oi]", r"assistente",
    r"inteligencia artificial", r"modelo de linguagem", r"taalmodel",
    r"text[- ]generators?", r"(?:text|content|news|ai|llm|language)[- ](?:generators?|tools?|"
    r"systems?|bots?|engines?|services?|apps?|pipelines?)",
    r"(?:llm|ai|gpt|ki)-(?:based|powered|driven|gestutzte?n?) (?:[\w-]+ )?(?:tools?|systems?|"
    r"apps?|services?|readers?|summari[sz]ers?|engines?|bots?|assistants?|agents?)",
    r"ki-(?:systeme?|modelle?|assistent(?:en)?|tools?|programme?|anwendungen?)",
    r"neural (?:networks?|nets?)", r"machine learning (?:models?|systems?)",
)
# A model spoken to, not the industry spoken of ("addressed to the AI firm's board").
MODEL_NOUN = (rf"{MODEL}(?![\w-]|\s+(?:company|companies|firms?|industry|sector|labs?|"
               r"start-?ups?|developers?|makers?|regulations?|act|laws?|bill|polic(?:y|ies)|"
               r"chips?|research|researchers|summit|boom|race|giants?|group|team|unit|"
               r"department|ministry|office|strategy|plan|safety|ethics|experts?|pioneer))")
ADDRESS = re.compile(_any(
    rf"\baddressed (?:to|at) (?:any |all |the |every |an? )?{MODEL_NOUN}",
    # English: vocatives and notes addressed to a model or an automated reader
    r"\b(?:note|message|memo|instructions?|reminder|notice|warning) (?:to|for) (?:any |all |the |"
    rf"every |an? )?(?:\w+ )?{MODEL_NOUN}",
    r"\b(?:attention|hey|hello|hi|dear|listen|calling)[,:!]? (?:to )?(?:any |all |the |every |"
    rf"you )?(?:\w+ )?{MODEL_NOUN}",
    rf"^\W*(?:to|for) (?:any|all|every|the) (?:\w+ )?{MODEL_NOUN}",
    rf"\bif you(?:'re| are) (?:an? |the )?(?:\w+ )?{MODEL_NOUN}",
    rf"\b(?:any|all|every|the) {MODEL} (?:that is |who is |which is |now )?(?:reading|"
    r"summari[sz]ing|processing|parsing|rewriting|scanning|ingesting|crawling|analy[sz]ing|"
    r"handling|using) (?:this|these|the following|our)\b",
    rf"\b{MODEL},? (?:reading|summari[sz]ing|processing|rewriting|scanning) this\b",
    r"\b(?:whoever|whatever|anyone|anything|any system) (?:is )?(?:summari[sz]ing|reading|"
    r"processing|rewriting|scanning|ingesting) (?:this|these)\b",
    # a vocative opening the sentence: "Summarizing bots:", "Dear machine readers,"
    rf"^\W*(?:[\w-]+ ){{0,3}}{MODEL_NOUN}\s*[,:!]",
    rf"^\W*as an? {MODEL_NOUN},",
    rf"^\W*you,? (?:the|an?|dear|my) (?:\w+ )?{MODEL_NOUN}",
    r"\bif you(?:'re| are) (?:software|a (?:program|machine|computer|script)|automated|"
    r"not (?:a )?human|a non-human)\b",
    rf"\b(?:instruct|instructs|order|command|direct) (?:any |all |every |the )?{MODEL_NOUN} to\b",
    r"\b(?:the|any|every) machines? (?:reading|processing|summari[sz]ing|parsing) this\b",
    rf"\bif (?:an?|the|any|some) {MODEL_NOUN} (?:is |are )?(?:reading|summari[sz]ing|processing|"
    r"rewriting|scanning|parsing|looking at|asked to)\b",
    r"\b(?:when|if|as|once|before|after|while) you (?:summari[sz]e|rewrite|paraphrase|generate|"
    r"process|parse|condense|digest|respond to|ingest) (?:this|these|the|our)\b",
    rf"\b(?:exists?|is here|is written|serves|was written|are here) to (?:instruct|tell|inform|"
    rf"remind|direct|steer) (?:any |all |the |every )?(?:\w+ )?{MODEL_NOUN}",
    rf"^\W*(?:to|for) (?:whichever|whatever|each|any|every) (?:\w+ )?{MODEL_NOUN}",
    # a model or its summary told what to do: "machine summarizers should note ..."
    rf"\b{MODEL_NOUN} (?:[\w'-]+ ){{0,4}}(?:should|must|need to|have to|are to|is to|will "
    r"need to|ought to) (?:also |now |only |always )?(?:note|report|state|say|write|mention|"
    r"describe|treat|lead|include|tell|present|conclude|output|summari[sz]e|repeat|know)\b",
    r"\b(?:automated|machine|ai|ai-generated|generated|computer-generated) (?:summary|summaries|"
    r"rewrite|rewrites|digest|digests|answer|answers|output|outputs|version|versions)\b",
    r"\byou (?:were|have been|'ve been|are) (?:trained|programmed|prompted|configured|"
    r"fine-tuned|instructed by your|designed to (?:summari[sz]e|write|answer))\b",
    r"^\W*before (?:summari[sz]ing|rewriting|paraphrasing|answering|responding),"
    r"|\bbefore you (?:write|summari[sz]e|answer|respond|generate|output|produce|rewrite) "
    r"(?:anything|a word|your (?:summary|answer|response|article|output))\b",
    r"\b(?:is|are|was|were) (?:meant |intended |written |addressed |directed )?(?:only |solely |"
    rf"exclusively )?for (?:any |all |the |every |an? )?(?:\w+ )?{MODEL_NOUN}",
    rf"\bfor {MODEL} only\b",
    r"\b(?:is|are) (?:addressed|directed|aimed) (?:at|to) (?:any |all |the |every |"
    rf"an? )?(?:\w+ )?{MODEL_NOUN}",
    r"\b(?:s'adresse|est destinee?|sont destinee?s) (?:a|aux) (?:l'|la |le |les |tout |toute |"
    rf"tous les )?{MODEL_NOUN}",
    r"\b(?:va|esta|van|estan) (?:dirigid[oa]s?|destinad[oa]s?) (?:a|para) (?:la |el |los |las |"
    rf"cualquier )?{MODEL_NOUN}",
    r"\b(?:richtet sich|richten sich|ist|sind) (?:nur )?(?:an|fur) (?:die |den |das |alle |"
    rf"jede )?{MODEL_NOUN}",
    # French
    r"\b(?:a l'attention d[eu] |note (?:pour|a) |message (?:pour|a) |cher |chere |"
    rf"attention,? )(?:l'|le |la |les |tout |toute |tous les )?{MODEL_NOUN}",
    rf"\bsi (?:tu es|vous etes) (?:une? |l')?{MODEL_NOUN}",
    # Spanish
    r"\b(?:atencion,? |nota para |mensaje para |querid[oa] |hola,? |para )(?:la |el |los |las |"
    rf"cualquier |toda )?{MODEL_NOUN}",
    rf"\bsi (?:eres|es usted) (?:una? |la |el )?{MODEL_NOUN}",
    # German
    r"\b(?:an (?:die|den|das|alle|jede|jeden)|hinweis (?:fur|an) (?:die|den|das|alle)|achtung,?|"
    rf"liebe|lieber|hallo,?) (?:\w+ )?{MODEL_NOUN}",
    rf"\b(?:falls|wenn) (?:du|sie) (?:eine?n?|die|der|das) {MODEL} (?:bist|sind)\b",
    # Italian, Portuguese, Dutch
    r"\b(?:all'attenzione dell'|nota per l'|se sei un'?|se voce e uma?|als je een|aan de|"
    rf"aan alle) ?{MODEL_NOUN}",
))

# -- setting a model's instructions aside ----------------------------------------------------

_SET_ASIDE = _any(
    r"ignore", r"ignores", r"ignoring", r"disregard(?:ing)?", r"forget(?:ting)?",
    r"override", r"overrule", r"bypass", r"circumvent", r"skip", r"discard", r"drop",
    r"abandon", r"scrap", r"ditch", r"dismiss", r"throw out", r"toss out", r"set aside",
    r"put aside", r"cast aside", r"brush aside", r"leave aside", r"leave behind",
    r"pay no (?:attention|heed|mind) to", r"take no (?:notice|account) of",
    r"give no (?:weight|heed) to", r"do not (?:follow|obey|heed|apply)", r"don't (?:follow|obey|"
    r"heed|apply)",
    r"stop (?:following|obeying|applying)", r"no longer (?:follow|obey|apply)",
    r"never mind", r"nevermind", r"pay attention only to this, not",
    # French
    r"ignorez?", r"ignorer", r"oubliez?", r"oublier", r"ne (?:tiens|tenez|tenir) (?:pas|"
    r"plus) compte d(?:e|es|u)",
    r"faites? abstraction d(?:e|es|u)", r"passez? outre", r"n'obei(?:s|ssez) (?:pas|plus) a(?:ux)?",
    r"ne suivez? (?:pas|plus)", r"laissez? de cote", r"mettez? de cote", r"ecartez?",
    # Spanish
    r"ignora", r"ignoren?", r"ignorar", r"olvida", r"olviden?", r"olvidar", r"descarta",
    r"olvidate de", r"olvidese de",
    r"ignorad", r"olvidad", r"descartad", r"omitid",
    r"descarten?", r"omite", r"omitan?", r"hagan? caso omiso (?:a|de)", r"haz caso omiso (?:a|de)",
    r"no (?:hagas|hagan|haga) caso (?:a|de)", r"no (?:sigas|sigan|siga)", r"pasa por alto",
    r"deja de lado", r"dejen de lado",
    # German
    r"ignorier(?:e|en|t)?", r"vergiss", r"vergessen sie", r"vergesst", r"missachte(?:n|t)?",
    r"ubergehe", r"ubergehen sie", r"uberspringe", r"verwirf", r"verwerfen sie",
    r"befolge (?:nicht|keine)", r"hor(?:e|en sie)? auf,? (?:\w+ )?zu befolgen",
    # Italian, Portuguese, Dutch
    r"ignora(?:te)?", r"dimentica(?:te)?", r"ignore", r"esqueca", r"esquecam", r"negeer",
    r"vergeet",
)
_DET = (r"(?:(?:all|any|every|each|the|your|my|our|its|of|these|those|such|whatever|"
        r"toutes|tous|de|des|les|la|le|tes|vos|tus|sus|las|los|todas|todos|"
        r"sie|alle|deine|ihre|die|der|den|tutte|tutti|as|os|suas|je|jouw)\s+){0,3}")
_QUALIFIER = _any(
    r"previous", r"prior", r"preceding", r"earlier", r"above", r"original", r"initial",
    r"system", r"developer", r"hidden", r"standing", r"existing", r"current", r"default",
    r"safety", r"editorial", r"built-?in", r"pre-?set",
    r"precedentes?", r"anterieures?", r"initiales?", r"anteriores?", r"previas?", r"iniciales?",
    r"vorherigen?", r"bisherigen?", r"vorigen?", r"obigen?", r"fruheren?", r"ursprunglichen?",
    r"precedenti", r"vorige",
)
_MODEL_RULES = _any(
    r"instructions?", r"prompts?", r"system (?:prompt|message)s?", r"guidelines?",
    r"guardrails?", r"directives?", r"programming", r"training", r"(?:content |"
    r"editorial )?polic(?:y|ies)",
    r"constraints", r"configuration", r"(?:the )?context", r"briefs?", r"briefing",
    r"(?:everything|all|anything) (?:above|before|prior|earlier|else)(?: this)?",
    r"(?:all )?(?:of )?(?:the )?(?:text|content|material|sources?) (?:above|before this)",
    r"what (?:you(?:'ve| have)? (?:been|were) )?(?:told|given|instructed|asked)(?: (?:before|"
    r"earlier|so far|to do))?",
    r"what you were told", r"your (?:task|job|brief|orders|role)",
    r"(?:it|this|that|them) (?:and|then|;|,)(?= (?:\w+ )?(?:write|report|say|state|tell|claim|"
    r"announce|mention|output|summari[sz]e|lead)\b)",
    r"(?:the )?(?:rules?|instructions?|guidelines?|orders?|directions?) (?:that |which )?you "
    r"(?:were|have been|'ve been) (?:given|trained|told|taught|programmed|instructed|shown)"
    r"(?: (?:with|on|by))?",
    r"todo lo anterior", r"tout ce qui precede", r"alles (?:bisherige|vorherige|obige)",
    r"alles,? was (?:dir|ihnen|euch|du) (?:\w+ ){0,3}(?:gesagt|vorgegeben|aufgetragen)",
    r"the rest(?: of (?:this|the) (?:page|text|article|document))?",
    r"instructions? (?:precedentes?|anterieures?)", r"consignes?", r"indications?",
    r"ce qui precede", r"instrucciones?", r"indicaciones?", r"directrices?", r"pautas?",
    r"lo anterior", r"anweisungen?", r"instruktionen?", r"richtlinien?", r"vorgaben?",
    r"systemanweisung(?:en)?", r"istruzioni", r"instrucoes", r"instructies",
)
_RULES = _any(r"rules?", r"orders?", r"commands?", r"directions?", r"restrictions?",
              r"regles?", r"ordres?", r"reglas?", r"normas?", r"ordenes?", r"regeln?",
              r"befehle?", r"regole", r"regras", r"regels")
_POSSESSIVE = r"(?:your|you(?:'ve| have) been given|tes|vos|tus|sus|deine|ihre|le tue|suas|je)"
_SET_ASIDE_IMPERATIVE = (r"(?:ignore|disregard|forget|skip|drop|discard|ignoriere|ignorieren sie|"
                         r"vergiss|ignorez|oubliez|ignora|olvida)")
NEW_ORDERS = re.compile(
    r"\bnew (?:rules?|instructions?|task|orders?|directives?|guidelines?) for you\b"
    r"|\byour (?:instructions|guidelines|rules|task|orders|brief|prompt) (?:have|has) "
    r"(?:changed|been (?:updated|replaced|changed|revoked|cancelled|canceled))\b"
    r"|^\W*(?:override|instruction|instructions|directive|command|new task)\s*:"
    rf"|^\W*{LEAD_IN}{_SET_ASIDE_IMPERATIVE}\s+(?:the |this |that |den |diesen |le |l'|el |"
    r"este )(?:article|text|page|story|report|artikel|seite|texte|articulo|pagina)"
    r"(?: (?:body|above|text))?\b"
    r"|\b(?:hidden|secret|system|new|real|actual|injected) prompts?\s*:")
NO_LONGER = re.compile(
    r"\b(?:what|whatever|everything|anything|all) (?:[\w']+ ){0,4}(?:told|gave|taught|"
    r"instructed|asked|showed) you(?: (?:before|earlier|so far))? (?:no longer|does not|"
    r"doesn't|do not|don't) (?:appl(?:y|ies)|matters?|counts?|holds?)\b")
OVERRIDE = re.compile(
    rf"\b{_SET_ASIDE}\s+{_DET}(?:{_QUALIFIER}\s+)?{_MODEL_RULES}\b"
    rf"|\b{_SET_ASIDE}\s+{_DET}{_QUALIFIER}\s+(?:\w+\s+)?{_RULES}\b"
    rf"|\b{_SET_ASIDE}\s+{_POSSESSIVE}\s+(?:\w+\s+)?{_any(_RULES, _MODEL_RULES)}\b"
    rf"|\b{_SET_ASIDE}\s+{_DET}{_any(_RULES, _MODEL_RULES)}\s+{_QUALIFIER}\b"
    rf"|\b{_any(_MODEL_RULES, _RULES)}\s+(?:\w+\s+){{0,3}}(?:no longer|do not|don't|does not|"
    r"doesn't|ne s'appliquent plus|ya no|gelten nicht mehr|nicht mehr)\s+(?:apply|matter|count|"
    r"s'appliquent|aplican|gelten)\b"
    rf"|\b(?:anweisungen|richtlinien|regeln|vorgaben|instruktionen) (?:\w+ ){{0,3}}"
    r"(?:ignorieren|vergessen|missachten)\b")
REPORTED = re.compile(
    r"\b(?:told|tell|tells|telling|urged|urge|urges|asked|asks|advised|advises|instructed|"
    r"ordered|orders|warned|reminded|encouraged|encourages|called on|calling on|want|wants|"
    r"wanted|were told|was told|are told|is told|being told|had told|has told|have told|"
    r"needed|need|needs|decided|decide|voted|vote|chose|refused|"
    r"appeal(?:ed)? to|pleaded with|begged|"
    # French, Spanish, German: asked, urged, told (someone to ...)
    r"demande\w*|invite\w*|conseille\w*|ordonne\w*|exhorte\w*|appele\w*|recommande\w*|"
    r"pid(?:io|ieron|e|en)|inst(?:o|aron|a|an)|recomend\w*|orden(?:o|aron)|"
    r"instrucciones de|recibieron|"
    r"forder\w*|bat|baten|bittet|bitten|riet|rieten|rat|raten|wies\w*|aufgefordert)\b"
    r"(?:\s+[\w'-]+){0,6}?\s*(?:to\s+|not to\s+|d'|de\s+|que\s+|a\s+|auf,?\s+)?"
    r"(?:[\w'-]+\s+){0,2}$")
YOU = re.compile(r"\b(?:you|your|yours|yourself|u|ur|tu|te|vous|vos|votre|ton|tes|tus|du|dich|"
                  r"dein|deine|deinen|ihre|ihr)\b")
HUMANS_OBEY = re.compile(r"\b(?:residents|drivers|voters|members|staff|workers|employees|"
                          r"officers|customers|passengers|parents|students|teachers|"
                          r"citizens|people|the public|they|he|she|we|them|him|her|"
                          r"judges?|jurors?|juries|courts?|officials|the council|lawmakers)\b")

# -- a new role ------------------------------------------------------------------------------

_ROLE = _any(MODEL, "editor", "writer", "journalist", "reporter", "propagandist",
             "spokes(?:man|woman|person)", "press (?:officer|secretary|office)",
             "pr (?:agent|officer)", "campaigner", "activist", "advocate", "unfiltered",
             "unrestricted", "free")
PERSONA = re.compile(_any(
    r"\byou are (?:now |no longer |henceforth |from now on )(?:an? |the |"
    rf"my )?(?:[\w'-]+ ){{0,3}}{_ROLE}\b",
    rf"\byou are (?:an? |the )?{MODEL} (?:that|who|which) (?:must|will|should|always|only|"
    r"never)\b",
    r"\b(?:from now on|henceforth|for the rest of this (?:conversation|task|article)),? you\b",
    r"\b(?:act|behave|respond|write|answer) (?:as|like) (?:an? |the |"
    r"if you were )(?:\w+ ){0,3}(?:ai|model|assistant|chatbot|bot|spokes\w+|propagandist|"
    r"press officer|campaign|editor|writer|journalist|reporter)\b",
    r"\byou (?:will|shall|must) now (?:act|be|become|write|behave|speak|answer|respond)\b",
    r"\bpretend (?:to be|you are|that you are)\b", r"\broleplay as\b", r"\brole-?play as\b",
    r"\b(?:developer|god|jailbreak|dan|unrestricted|debug) mode\b", r"\bjailbr(?:eak|oken)\b",
    r"\bdo anything now\b", r"\bnew (?:role|persona|identity)(?: for you)?\s*:",
    r"\btu es (?:desormais|maintenant) (?:une? |le |la )", r"\b(?:ahora|a partir de ahora) eres\b",
    r"\bdu bist (?:jetzt|ab sofort|nun) (?:eine?n? |der |die |das )",
    r"\bvous etes (?:desormais|maintenant) (?:une? |le |la )",
))

# -- what the summary must say ---------------------------------------------------------------

_SAY = _any(r"write", r"report", r"say", r"state", r"claim", r"print", r"output", r"respond",
            r"reply", r"answer", r"summari[sz]e", r"mention", r"tell (?:the )?(?:readers?|users?|"
            r"everyone|your (?:readers?|users?|audience)|people)", r"describe", r"conclude",
            r"declare", r"announce", r"assert", r"publish", r"include", r"insert", r"add",
            r"append", r"begin", r"start", r"end", r"repeat", r"headline", r"present")
_OUTPUT = _any(r"summary", r"summaries", r"answer", r"response", r"output", r"reply",
               r"article", r"write-?up", r"rewrite", r"draft", r"headline", r"recap",
               r"digest", r"report", r"text", r"story", r"post", r"piece", r"version")
# What only a model produces (an "article" or a "report" is also a newspaper's word)
_MODEL_OUTPUT = _any("summary", "summaries", "answer", "response", "output", "reply",
                     "rewrite", "recap", "write-?up", "digest")
_MUST = _any(r"must", r"should", r"has to", r"have to", r"needs to", r"need to", r"shall",
             r"is to", r"are to", r"may only", r"can only", r"ought to", r"will only",
             r"must only", r"should only", r"is required to", r"mustn't", r"must not",
             r"should not", r"shouldn't")
DIRECTIVE = re.compile(_any(
    # an imperative to the writer opening the sentence (after "please", "now", a vocative)
    r"^\W*(?:(?:please|now|instead|simply|just|then|and|so|also|kindly|remember to|be sure to|"
    rf"make sure (?:to|you))[,]?\s+)*(?:only\s+)?{_SAY}\s+(?:only\s+|solely\s+|exclusively\s+|"
    r"just\s+)?(?:that\b|only\b|nothing\b|the following|exactly|verbatim|this:|:)",
    r"^\W*(?:(?:please|now|instead|simply|just|then|and|so|also)[,]?\s+)*(?:do not|don't|"
    r"never)\s+(?:mention|reveal|disclose|include|repeat|cite|quote|report|say|tell)\s+(?:this|"
    r"these|the (?:above|following|note|instructions?|message)|anything (?:else|other)|"
    r"any (?:other|of the))",
    rf"\byour {_OUTPUT}\s+{_MUST}\b",
    r"\b(?:the|this|any|every|"
    rf"each) {_MODEL_OUTPUT}\s+{_MUST}\s+(?!be\b)",
    r"\b(?:in|for) (?:your|the|any|"
    rf"every) (?:\w+ )?{_MODEL_OUTPUT},?\s+(?:please\s+)?{_SAY}\b",
    rf"\b(?:only|just|solely|exclusively) (?:{_SAY}) (?:that|"
    r"the following)\b(?<!would only say that)(?<!will only say that)",
    r"\b(?:the )?only (?:thing|fact|point|claim|information|news) (?:you|your (?:summary|article|"
    r"answer|output)) (?:should|must|may|can|need to|are allowed to) (?:report|say|mention|write|"
    r"include|state|output|know)\b",
    r"\byou (?:must|should|will|are to|have to|need to|may only|"
    r"can only) (?:only )?(?:now )?(?:report|write|state|say|output|mention|summari[sz]e|"
    r"tell (?:readers|users)|respond|reply|describe|conclude)\s+(?:only\s+)?(?:that\b|"
    r"the following|nothing\b|exclusively)",
    r"\bdo not (?:tell|inform|alert|let) (?:the )?(?:user|reader|editor|human|operator)s?\b",
    r"(?<!would )(?<!could )(?<!will )(?<!did )(?<!can )\b(?:mention|say|report|write|include|"
    r"output|print) nothing (?:else|more|other)\b",
    rf"\byour (?:new |real |actual |only |true |sole )?(?:task|job|role|mission|goal|assignment|"
    rf"purpose) (?:now )?(?:is|will be) to (?:\w+ )?{_SAY}\b",
    r"(?:\byou (?:must|should|will|need to|have to) |(?:^|[;:])\W*(?:please |now |just )?)tell "
    r"(?:your |the |our )?(?:readers|users|audience|viewers|listeners)\b",
    r"\b(?:this|these) (?:instructions?|notes?|messages?|directives?) (?:take|takes|override|"
    r"overrides|supersede|supersedes) (?:precedence|priority)?",
    r"\bthis (?:instruction|note|message|directive) (?:is|was) (?:meant|intended|written) (?:for|"
    r"to) (?:you|the)\b",
    # French
    r"^\W*(?:(?:s'il (?:te|vous) plait|maintenant|desormais)[,]?\s+)*(?:ecris|ecrivez|ecrire|"
    r"rapporte|rapportez|dis|dites|affirme|affirmez|indique|indiquez|resume|resumez|annonce|"
    r"annoncez|reponds|repondez|mentionne|mentionnez|publie|publiez)\s+(?:seulement |uniquement |"
    r"simplement |exclusivement )?(?:que\b|qu'|uniquement|seulement|rien)",
    r"\b(?:ton|votre|le|chaque) (?:resume|article|reponse|texte|sortie|compte rendu) (?:doit|"
    r"devra|ne doit)\b",
    r"\b(?:ne (?:mentionne|mentionnez|revele|revelez|dis|dites) pas (?:cette|ces|cet) (?:note|"
    r"instruction|message|consigne))",
    # Spanish
    r"^\W*(?:(?:por favor|ahora|en su lugar)[,]?\s+)*(?:escribe|escriba|escriban|informa|informe|"
    r"di|diga|digan|afirma|afirme|indica|indique|resume|resuma|responde|responda|menciona|"
    r"mencione|publica|publique|reporta|reporte)\s+(?:solo |solamente |unicamente |"
    r"exclusivamente )?(?:que\b|solo\b|solamente\b|unicamente\b|nada\b)",
    r"\b(?:tu|su|el|cada) (?:resumen|articulo|respuesta|texto|informe) (?:debe|debera|tiene que|"
    r"solo puede)\b",
    r"\bno (?:menciones|mencione|reveles|revele|digas|diga) (?:esta|estas|este) (?:nota|"
    r"instruccion|instrucciones|mensaje)",
    # German
    r"^\W*(?:(?:bitte|jetzt|stattdessen)[,]?\s+)*(?:schreibe|schreib|schreiben sie|berichte|"
    r"berichten sie|sage|sag|sagen sie|behaupte|behaupten sie|melde|melden sie|antworte|"
    r"antworten sie|gib|geben sie|fasse|fassen sie|erwahne|erwahnen sie|"
    r"veroffentliche)\s+(?:\w+\s+)?(?:nur|lediglich|ausschliesslich|einzig)?,?\s*(?:dass\b|nur\b|"
    r"lediglich\b|ausschliesslich\b|nichts\b)",
    r"\b(?:deine|ihre|die|jede) (?:zusammenfassung|antwort|ausgabe|meldung|artikel|text) (?:muss|"
    r"soll|darf nur|sollte)\b",
    r"\b(?:erwahne|erwahnen sie|verrate|verraten sie) (?:diese|diesen) (?:hinweis|anweisung|"
    r"nachricht|notiz) nicht\b",
    # Italian, Portuguese, Dutch
    r"^\W*(?:scrivi|scrivete|riporta|di'|dite|escreva|escreve|relate|diga|schrijf|meld|"
    r"zeg)\s+(?:solo |soltanto |apenas |alleen )?(?:che\b|que\b|dat\b|solo\b|apenas\b|alleen\b)",
))

# -- template markup and our own prompt syntax -----------------------------------------------

TEMPLATE = re.compile(_any(
    r"<\|[a-z_]+\|>", r"\[/?inst\]", r"<</?sys>>", r"</?(?:system|assistant|user|instructions?)>",
    r"^\W*(?:system|assistant|user|developer|human)\s*(?:prompt\s*)?:",
    r"(?:^|\s)#{2,}\s*(?:instruction|system|response|new instructions?)\b",
    r"\[\d{1,3}\]", r"\b(?:begin|end) (?:of )?sources\b",
    r"\b(?:new|updated|real|actual|hidden|secret|additional|revised|override|"
    r"priority) instructions?\s*:",
    r"\b(?:this|the following) is an? (?:system|admin|developer|operator|priority) (?:note|"
    r"message|notice|instruction|update|command)\b",
    r"\b(?:system|admin|administrator|developer|operator) (?:override|message|notice|instruction|"
    r"command)\s*:",
    r"\bnouvelles instructions\s*:", r"\bnuevas instrucciones\s*:", r"\bneue anweisungen?\s*:",
))

# -- combined signals: an imperative to write, a model, "you", the model's output ----------

_SAY_IMPERATIVE = _any(
    r"write", r"report", r"say", r"state", r"claim", r"print", r"output", r"respond",
    r"reply", r"answer", r"summari[sz]e", r"mention", r"describe", r"conclude", r"declare",
    r"announce", r"assert", r"publish", r"include", r"repeat", r"headline", r"lead with",
    r"generate", r"produce", r"use (?:that|this|it) as",
    r"lead (?:your|the) (?:summary|story|article|answer|output|piece) with",
    r"tell (?:the |your |our )?(?:readers|users|audience|viewers|listeners|everyone)",
    r"make (?:that|this|it) (?:the|your) (?:headline|lead|top line|main point)",
    r"ecris|ecrivez|rapportez?|dites|affirmez?|indiquez?|resumez?|annoncez?|reponds|repondez|"
    r"mentionnez?|publiez?",
    r"escribe|escriba|escribid|escriban|informa|informe|informad|decid|digan|afirma|afirme|"
    r"indica|indique|resume|resuma|responde|responda|menciona|mencione|publica|publique|"
    r"reporta|reporte",
    r"schreibe|schreib|schreibt|schreiben sie|berichte|berichtet|berichten sie|sage|sag|sagt|"
    r"sagen sie|behaupte|melde|antworte|fasse|erwahne|veroffentliche",
)
_CLAUSE = r"(?:^\W*|[:;]\s*\W*|\b(?:then|instead|please),?\s+)"
_IMPERATIVE_VERB = (r"(?:skip|leave|drop|forget|ignore|stop|make|treat|lead|put|focus|remember|"
                    r"note|keep|use|start|begin|end|add|remove|replace|change|be|do|don't|never|"
                    r"always|avoid|omit|cut|delete|disregard|"
                    r"oublie|oubliez|ignorez|laissez|olvida|olvidate|ignora|deja|vergiss|"
                    r"ignoriere|lass)")
# ("Report: ..." opening a headline is a label, not an order.)
IMPERATIVE = re.compile(rf"{_CLAUSE}{LEAD_IN}{_SAY_IMPERATIVE}\b(?!\s*:)")
# (Not after "and": "critics dispute the figures and say that ..." is news; nor "Report:"
# opening a headline.)
CONTENT = re.compile(
    rf"{_CLAUSE}{LEAD_IN}{_SAY_IMPERATIVE}\s+"
    r"(?:[\w'-]+\s+){0,3}?(?:that\b|que\b|qu'|dass\b|only\b|solo\b|seulement\b|"
    r"uniquement\b|unicamente\b|nur\b|lediglich\b|the following|nothing\b|exactly\b|"
    r"verbatim\b|en disant\b|diciendo\b|as\s*:|as follows\b)"
    rf"|{_CLAUSE}(?:please|now|just|simply|only|instead|kindly|then)\s+{_SAY_IMPERATIVE}\s*:")
AND_WRITE = re.compile(
    rf"^\W*{LEAD_IN}{_IMPERATIVE_VERB}\b[^.;:]*?\b(?:and|then|et|puis|y|luego|und|dann)\s+"
    rf"{LEAD_IN}{_SAY_IMPERATIVE}\b")
MODEL_RE = re.compile(rf"\b{MODEL_NOUN}")
OUTPUT_RE = re.compile(r"\b(?:summary|summaries|headline|output|answer|response|recap|digest|"
                        r"resume|resumen|zusammenfassung|uberschrift|titular)\b")
MODAL_SAY = re.compile(
    r"\b(?:should|must|needs? to|has to|have to|is to|are to|ought to|sollen|soll|sollte|muss|"
    r"mussen|doit|doivent|devrait|debe|deben|deberia|tiene que) (?:\w+ ){0,2}(?:say|state|"
    r"report|write|mention|include|describe|output|read|lead|tell|treat|open with|begin with|"
    r"start with|berichten|schreiben|"
    r"sagen|melden|dire|ecrire|indiquer|rapporter|decir|escribir|informar)\b")
STARTS_WITH_EXAMPLE = re.compile(r"^\W*(?:for example|e\.g\.|such as)\b")

# -- weak signals: two of them together make a sentence about the page, not the news --------

#: the text speaking of itself ("this page", "what follows", "cette page", "diese Seite")
SELF_REFERENCE = re.compile(
    r"\b(?:this|the following|the above|the preceding|the previous) (?:page|article|text|site|"
    r"feed|post|document|paragraph|sentence|note|message|section|content|line|passage|"
    r"webpage|web page)\b|\bwhat follows\b|\bce qui suit\b|\bcette page\b|\bcet article\b|"
    r"\bce texte\b|\besta pagina\b|\beste (?:articulo|texto)\b|\blo que sigue\b|"
    r"\bdiese[rsn]? (?:seite|artikel|text)\b|\bdas folgende\b")
_BASE_VERBS = (
    "add", "answer", "avoid", "begin", "call", "change", "check", "consider", "cut", "delete",
    "describe", "don't", "drop", "end", "explain", "focus", "forget", "generate", "give",
    "ignore", "include", "insert", "keep", "lead", "leave", "list", "make", "mention", "never",
    "note", "omit", "output", "paraphrase", "print", "put", "rank", "remember", "remove",
    "repeat", "replace", "report", "respond", "rewrite", "say", "skip", "start", "state", "stop",
    "summarise", "summarize", "tell", "treat", "trust", "use", "write", "olvidate", "olvida",
    "escribe", "publica", "ignora", "ecris", "ecrivez", "oublie", "oubliez", "schreib",
    "schreibe", "vergiss", "ignoriere",
)
#: a sentence opening with a bare imperative (not a label such as "Report:")
BARE_IMPERATIVE = re.compile(
    r"^\W*(?:(?:please|now|just|simply|kindly|then|so|and)\s+)*(?:"
    + "|".join(re.escape(v) for v in _BASE_VERBS) + r")\b(?!\s*:)")
#: "you" as a reader is addressed (German "ihr/ihre" left out: also "their", "her")
SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|tu|vous|votre|ton|tes|du|dein|deine|"
                           r"deiner|deinen|usted|tus)\b")
#: what a model produces, and asking for it
WRITING_TASK = re.compile(r"\b(?:summary|summaries|summari[sz]\w*|headline|output|rewrite|"
                          r"paraphrase|generate|first sentence|opening line|resume|resumen|"
                          r"zusammenfassung)\b")
