"""The parts of article writing that do not depend on a model: which source sentences
can be used and how they are shortened (:mod:`.candidates`), how references to people
and things already named are kept true (:mod:`.references`), and section headings
(:mod:`.headings`). The grounded writer (``builtin/write_grounded.py``) puts them
together; the LLM writer reuses them for the sentences it falls back on."""
