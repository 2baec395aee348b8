"""LLM writers: the OpenAI-compatible backend against a real llama.cpp server on 127.0.0.1,
the in-process llama.cpp backend, and what happens when a model fails or babbles.

The model is the packaged SmolLM2-135M-Instruct. It is far too small to write well, which
suits these tests: whatever it sends, every sentence of the article must cite a source
sentence and pass verification, and anything it gets wrong is replaced by the grounded
writer's sentence.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsdesk.backends.llm import Message
from newsdesk.backends.writer import WriteRequest
from newsdesk.builtin.llm_llamacpp import LlamaCppLLM, smollm2_path
from newsdesk.builtin.llm_openai import OpenAICompatibleLLM
from newsdesk.builtin.verify_alignment import AlignmentVerifier
from newsdesk.builtin.write_grounded import GroundedWriter
from newsdesk.builtin.write_llm import (
    LLMWriter,
    build_messages,
    parse_reply,
    prompt_text,
    writer_from_settings,
)
from newsdesk.errors import ConfigError, LLMError, ModelError
from newsdesk.pipeline import Context
from newsdesk.records import Article, Document
from newsdesk.settings import load_settings
from newsdesk.stages.ingest import ingest
from newsdesk.stages.write import verify_article
from newsdesk.text import split_sentences

from demo_corpus import make_context, story_of_url, wave_sources

SERVER_START_TIMEOUT = 240.0  # seconds; loading is quick, but CI machines are shared


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_llama_cpp() -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.fail("llama-cpp-python is not installed: run `make venv` (it builds the "
                    "'llm' extra with the CPU flags from the Makefile)")


# -- a stand-in OpenAI-compatible endpoint for the failure cases ---------------------------

Answer = Callable[[dict[str, Any]], tuple[int, bytes, float]]  # request -> status, body, delay


def completion(content: str | None) -> bytes:
    return json.dumps({"object": "chat.completion", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": content},
         "finish_reason": "stop"}]}).encode()


class FakeEndpoint:
    """A local HTTP server answering POST /v1/chat/completions as ``answer`` says."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.release = threading.Event()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                endpoint.requests.append(({k.lower(): v for k, v in self.headers.items()},
                                          body))
                status, payload, delay = endpoint.answer(body)
                if delay:
                    endpoint.release.wait(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                """A client that gave up (the timeout test) is not an error here."""

        self._server = Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def endpoint() -> Iterator[Callable[[Answer], FakeEndpoint]]:
    started: list[FakeEndpoint] = []

    def start(answer: Answer) -> FakeEndpoint:
        started.append(FakeEndpoint(answer))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def rewriting_model(extra: list[str]) -> Answer:
    """A well-behaved model: copies odd-numbered source lines word for word, rewrites the
    even-numbered ones ("It was reported that ..."), keeps every [n], then sends ``extra``."""
    def answer(body: dict[str, Any]) -> tuple[int, bytes, float]:
        prompt = body["messages"][-1]["content"]
        block = prompt.split("BEGIN SOURCES")[1].split("END SOURCES")[0]
        lines = [line for line in block.splitlines()[1:] if line.strip()]
        drafted = [line if n % 2 else f"It was reported that {line[0].lower()}{line[1:]}"
                   for n, line in enumerate(lines, 1)]
        return 200, completion("\n".join(drafted + extra)), 0.0
    return answer


MESSAGES: list[Message] = [{"role": "user", "content": "Say hello."}]


# -- the prompt and the reply format (no model) ---------------------------------------------

def test_prompts_ship_as_package_data() -> None:
    for name in ("system.txt", "article.txt", "example_sources.txt", "example_article.txt"):
        assert prompt_text(name).strip()
    messages = build_messages(["The port reopened on Monday after a three-day strike."])
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert "\nThe port reopened on Monday after a three-day strike. [1]\n" in \
        messages[-1]["content"]


def test_only_lines_ending_in_one_valid_citation_are_kept() -> None:
    reply = "\n".join([
        "Sure! Here is the article:",
        "The port reopened on Monday. [1]",
        "- Union members will vote on the deal next week [2]",
        "3. Ships queued outside the harbour. [3].",
        "The strike cost millions. [7]",  # no source 7 was given
        "Talks resumed [1][2]",  # two citations: which one does it rest on?
        "[2] Talks resumed on Friday.",  # the input's shape, not the reply's
        "ok [1]",  # too short to be a sentence
        "the port reopened on Monday. [1]",  # lower-case start
        "The port reopened on Monday. [1]",  # repeated
        "",
    ])
    parsed = parse_reply(reply, 3)
    assert parsed.sentences == [
        (1, "The port reopened on Monday."),
        (2, "Union members will vote on the deal next week."),
        (3, "Ships queued outside the harbour."),
    ]
    assert parsed.bad_citation == ["The strike cost millions. [7]"]
    assert len(parsed.unparsed) == 5
    assert parse_reply("", 3).sentences == []
    assert parse_reply("\x00\x01 garbage ### [[[", 3).sentences == []


# -- the OpenAI-compatible backend's own behaviour -----------------------------------------

def test_api_key_is_read_from_the_named_variable_and_never_stored(
        endpoint: Callable[[Answer], FakeEndpoint], monkeypatch: pytest.MonkeyPatch) -> None:
    server = endpoint(lambda body: (200, completion("Hello."), 0.0))
    monkeypatch.setenv("NEWSDESK_TEST_LLM_KEY", "sk-test-123")
    llm = OpenAICompatibleLLM(base_url=server.base_url, model="tiny",
                              api_key_env="NEWSDESK_TEST_LLM_KEY")
    assert llm.generate(MESSAGES, max_tokens=8, temperature=0.0) == "Hello."
    headers, body = server.requests[0]
    assert headers["authorization"] == "Bearer sk-test-123"
    assert body["model"] == "tiny" and body["max_tokens"] == 8 and body["messages"] == MESSAGES
    assert "sk-test-123" not in repr(llm.options) + json.dumps(llm.options.model_dump())

    monkeypatch.delenv("NEWSDESK_TEST_LLM_KEY")
    with pytest.raises(ConfigError, match="NEWSDESK_TEST_LLM_KEY"):
        OpenAICompatibleLLM(base_url=server.base_url, api_key_env="NEWSDESK_TEST_LLM_KEY")
    with pytest.raises(ConfigError, match="api_key"):
        OpenAICompatibleLLM(api_key="sk-inline")  # a key in the options is refused


@pytest.mark.parametrize(("answer", "reason", "requests"), [
    (lambda body: (500, b'{"error": "boom"}', 0.0), "http_status", 2),  # retried once
    (lambda body: (401, b'{"error": "bad key"}', 0.0), "http_status", 1),
    (lambda body: (200, b"<html>not json</html>", 0.0), "bad_response", 1),
    (lambda body: (200, b'{"choices": []}', 0.0), "bad_response", 1),
    (lambda body: (200, completion("late"), 5.0), "timeout", 1),
])
def test_endpoint_failures_are_llm_errors_naming_what_happened(
        endpoint: Callable[[Answer], FakeEndpoint], answer: Answer, reason: str,
        requests: int) -> None:
    server = endpoint(answer)
    llm = OpenAICompatibleLLM(base_url=server.base_url, timeout=0.5)
    with pytest.raises(LLMError) as caught:
        llm.generate(MESSAGES, max_tokens=8, temperature=0.0)
    assert caught.value.reason == reason
    assert server.base_url in str(caught.value)
    assert len(server.requests) == requests


def test_an_unreachable_endpoint_is_a_connection_error() -> None:
    llm = OpenAICompatibleLLM(base_url=f"http://127.0.0.1:{free_port()}/v1", retries=0)
    with pytest.raises(LLMError, match="is the server running") as caught:
        llm.generate(MESSAGES, max_tokens=8, temperature=0.0)
    assert caught.value.reason == "connection"


# -- writers on the demo corpus ------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Context, dict[str, list[Document]]]:
    """A context (for its embedder) and every stored demo document by ground-truth story."""
    ctx = make_context(tmp_path_factory.mktemp("llm"))
    ingest(wave_sources(1) + wave_sources(2), ctx)
    truth = story_of_url()
    grouped: dict[str, list[Document]] = {}
    for doc in ctx.store.documents_at_stage("extracted"):
        grouped.setdefault(truth[doc.canonical_url], []).append(doc)
    return ctx, grouped


def request_for(demo: tuple[Context, dict[str, list[Document]]], story: str) -> WriteRequest:
    ctx, grouped = demo
    return WriteRequest(story_id=1, documents=grouped[story], embedder=ctx.embedder)


def body_texts(article: Article) -> list[str]:
    return [s.text for s in article.body_sentences()]


def assert_cited_verified_and_complete(article: Article, docs: list[Document],
                                       ctx: Context) -> Article:
    """Every sentence cites the exact source sentence and passes the write stage's own
    verification; the verified article still has every part of a news page."""
    by_id = {d.id: d for d in docs}
    numbers = {ref.doc_id: ref.number for ref in article.sources}
    for sentence in article.body_sentences():
        citation = sentence.citation
        doc = by_id[citation.doc_id]
        if citation.sentence_index == -1:
            assert citation.source_text == doc.title
        else:
            assert split_sentences(doc.text)[citation.sentence_index] == citation.source_text
        assert citation.number == numbers[citation.doc_id]
    checked = verify_article(article, AlignmentVerifier(**ctx.settings.section("verify")), ctx)
    assert checked is not None, "the article failed verification as a whole"
    for sentence in checked.body_sentences():
        assert sentence.verdict is not None and sentence.verdict.status == "supported", \
            (sentence.text, sentence.verdict)
    assert checked.headline.text and checked.summary.text and checked.lead
    assert checked.sections and all(s.sentences for s in checked.sections)
    return checked


@pytest.fixture(scope="module")
def port_strike_grounded(demo: tuple[Context, dict[str, list[Document]]]) -> list[str]:
    """The grounded writer's sentences for the port strike, written once."""
    article = GroundedWriter().write(request_for(demo, "port-strike"))
    assert article is not None
    return body_texts(article)


def grounded_after_verification(demo: tuple[Context, dict[str, list[Document]]],
                                story: str) -> Article:
    ctx, _ = demo
    article = GroundedWriter().write(request_for(demo, story))
    assert article is not None
    checked = verify_article(article, AlignmentVerifier(**ctx.settings.section("verify")), ctx)
    assert checked is not None
    return checked


@pytest.mark.slow
@pytest.mark.parametrize(("answer", "error"), [
    (lambda body: (200, completion(""), 0.0), "empty reply"),
    (lambda body: (200, completion(None), 0.0), "empty reply"),
    (lambda body: (200, completion("lorem ipsum }{ ]]] \n\n ### 12 [x]"), 0.0),
     "no line in the '<sentence> [n]' format"),
    (lambda body: (500, b"internal error", 0.0), "http_status"),
    (lambda body: (200, b"not json at all", 0.0), "bad_response"),
    (lambda body: (200, completion("too late"), 5.0), "timeout"),
])
def test_a_failed_or_unusable_reply_leaves_the_grounded_article(
        demo: tuple[Context, dict[str, list[Document]]], port_strike_grounded: list[str],
        endpoint: Callable[[Answer], FakeEndpoint], answer: Answer, error: str) -> None:
    ctx, grouped = demo
    server = endpoint(answer)
    llm = OpenAICompatibleLLM(base_url=server.base_url, timeout=1.0)
    article = LLMWriter(llm=llm).write(request_for(demo, "port-strike"))
    assert article is not None
    assert body_texts(article) == port_strike_grounded
    assert article.writer == "grounded"
    report = article.verification["llm"]
    assert error in report["error"] and report["used"] == 0
    assert_cited_verified_and_complete(article, grouped["port-strike"], ctx)


@pytest.mark.slow
def test_supported_rewrites_replace_grounded_sentences_and_inventions_are_dropped(
        demo: tuple[Context, dict[str, list[Document]]],
        endpoint: Callable[[Answer], FakeEndpoint]) -> None:
    ctx, grouped = demo
    invented = "Officials said the factory would reopen in March with 900 new staff. [1]"
    server = endpoint(rewriting_model([invented, "Thank you for reading!"]))
    article = LLMWriter(llm=OpenAICompatibleLLM(base_url=server.base_url, model="rewriter")
                        ).write(request_for(demo, "brennick-fire"))
    grounded = GroundedWriter().write(request_for(demo, "brennick-fire"))
    assert article is not None and grounded is not None
    report = article.verification["llm"]
    given = report["sources_given"]
    assert article.writer == "llm:rewriter+grounded"
    requests = report["requests"]
    assert requests == -(-given // 4)  # four sentences to a request by default
    assert report["error"] == "" and report["unparsed"] == requests
    assert report["parsed"] == given + requests
    # The invention fails verification; copies are not used (the grounded sentence
    # stays); supported rewrites replace the grounded sentences they restate.
    assert report["unsupported"] >= requests
    assert report["verbatim"] >= given // 2 - 1 and report["used"] >= given // 2 - 2
    assert report["verbatim"] + report["used"] + report["unsupported"] == report["parsed"]
    assert all("reported that" in text for text in report["sentences"])
    assert set(report["sentences"]) <= set(body_texts(article))
    assert not any("900" in text for text in body_texts(article))
    assert len(body_texts(article)) == len(body_texts(grounded))
    # Every outlet the grounded writer credited is still credited.
    for ref in article.sources:
        if any(ref.outlet in text for text in body_texts(grounded)):
            assert any(ref.outlet in text for text in body_texts(article)), ref.outlet
    assert_cited_verified_and_complete(article, grouped["brennick-fire"], ctx)


# -- a real llama.cpp server on 127.0.0.1 ---------------------------------------------------

@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m llama_cpp.server`` serving the packaged SmolLM2 on a free loopback port;
    yields its base URL (``.../v1``)."""
    require_llama_cpp()
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_path()),
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
             "--n_threads", "2", "--seed", "0"],
            stdout=log, stderr=subprocess.STDOUT,
            # passive OpenMP waits: see newsdesk.builtin.llm_llamacpp
            env={**os.environ, "PYTHONUNBUFFERED": "1", "OMP_WAIT_POLICY": "PASSIVE"})
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama.cpp server exited with {process.returncode}:\n"
                            f"{log_path.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{base_url}/models", timeout=2.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama.cpp server not ready after {SERVER_START_TIMEOUT:g} s")
            time.sleep(0.5)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_openai_backend_talks_to_a_real_llama_cpp_server(llama_server: str) -> None:
    llm = OpenAICompatibleLLM(base_url=llama_server, timeout=300.0)
    reply = llm.generate([{"role": "user", "content": "Name one colour."}],
                         max_tokens=16, temperature=0.0)
    assert isinstance(reply, str) and reply.strip()
    assert llm.model_name == "127.0.0.1"


@pytest.mark.slow
@pytest.mark.parametrize("story", ["port-strike", "brennick-fire"])
def test_llm_writer_over_a_real_llama_cpp_server(
        demo: tuple[Context, dict[str, list[Document]]], llama_server: str,
        story: str) -> None:
    ctx, grouped = demo
    llm = OpenAICompatibleLLM(base_url=llama_server, model="smollm2", timeout=600.0)
    # Two requests of four sentences: enough to exercise the whole path, short enough
    # for CI (each request takes seconds on an idle core, a minute on a crowded one).
    article = LLMWriter(llm=llm, temperature=0.0, max_sentences=8).write(
        request_for(demo, story))
    assert article is not None
    report = article.verification["llm"]
    print(f"\n{story}: {json.dumps(report, indent=1, ensure_ascii=False)}")
    assert report["error"] == "" or report["error"].startswith("no line"), report["error"]
    assert report["lines"] > 0, "the model sent nothing"
    assert article.writer == ("llm:smollm2+grounded" if report["used"] else "grounded")
    checked = assert_cited_verified_and_complete(article, grouped[story], ctx)
    # Never worse than the grounded article: as many verified sentences at least.
    grounded = grounded_after_verification(demo, story)
    assert len(checked.body_sentences()) >= len(grounded.body_sentences())
    assert set(report["sentences"]) <= set(body_texts(checked))


# -- the in-process llama.cpp backend -------------------------------------------------------

@pytest.fixture(scope="module")
def local_llm() -> LlamaCppLLM:
    require_llama_cpp()
    return LlamaCppLLM(model_path=str(smollm2_path()), n_ctx=4096, n_threads=2)


@pytest.mark.slow
def test_llamacpp_backend_runs_the_packaged_model(local_llm: LlamaCppLLM) -> None:
    assert local_llm.model_path.is_file() and local_llm.model_name.startswith("SmolLM2")
    reply = local_llm.generate([{"role": "user", "content": "Name one colour."}],
                               max_tokens=16, temperature=0.0)
    assert reply.strip()
    with pytest.raises(LLMError) as caught:  # a prompt longer than the context window
        local_llm.generate([{"role": "user", "content": "word " * 5000}],
                           max_tokens=16, temperature=0.0)
    assert caught.value.reason == "runtime"


@pytest.mark.slow
def test_llm_writer_with_the_local_model(demo: tuple[Context, dict[str, list[Document]]],
                                         local_llm: LlamaCppLLM) -> None:
    ctx, grouped = demo
    article = LLMWriter(llm=local_llm, temperature=0.0, max_sentences=4).write(
        request_for(demo, "cup-final"))
    assert article is not None
    report = article.verification["llm"]
    print(f"\ncup-final (local): {json.dumps(report, indent=1, ensure_ascii=False)}")
    assert report["backend"] == "llm.llamacpp" and report["lines"] > 0
    checked = assert_cited_verified_and_complete(article, grouped["cup-final"], ctx)
    grounded = grounded_after_verification(demo, "cup-final")
    assert len(checked.body_sentences()) >= len(grounded.body_sentences())


def test_a_missing_model_file_is_reported_with_the_setting_to_fix(tmp_path: Path) -> None:
    require_llama_cpp()
    with pytest.raises(ModelError, match=r"missing\.gguf; set llm\.model_path"):
        LlamaCppLLM(model_path=str(tmp_path / "missing.gguf"))


# -- choosing the writer from settings ------------------------------------------------------

def test_the_grounded_writer_stays_the_default() -> None:
    settings = load_settings(environ={})
    assert settings["write.backend"] == "grounded"
    assert isinstance(writer_from_settings(settings), GroundedWriter)


def test_llm_settings_build_the_llm_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_TEST_LLM_KEY", "sk-test")
    settings = load_settings(environ={}, overrides={
        "write.backend": "llm", "llm.backend": "openai",
        "llm.base_url": "http://127.0.0.1:9/v1", "llm.model": "m",
        "llm.api_key_env": "NEWSDESK_TEST_LLM_KEY", "llm.timeout": 7.0,
        "llm.temperature": 0.0, "llm.max_tokens": 300})
    writer = writer_from_settings(settings)
    assert isinstance(writer, LLMWriter) and isinstance(writer.llm, OpenAICompatibleLLM)
    assert writer.llm.options.timeout == 7.0 and writer.llm.options.model == "m"
    assert writer.options.max_tokens == 300 and writer.label == "llm:m+grounded"
    local = writer_from_settings(settings.with_overrides(
        {"llm.backend": "llamacpp", "llm.threads": 1, "llm.context": 2048}))
    assert isinstance(local, LLMWriter) and isinstance(local.llm, LlamaCppLLM)
    assert local.llm.options.n_threads == 1 and local.llm.options.n_ctx == 2048


# -- what a supported redraft must still be (no model: our own rules) ------------------------

class _Reply:
    """A language model that always sends the same reply."""

    name = "fixed"
    model_name = "fixed"

    def __init__(self, reply: str) -> None:
        self.reply = reply

    def generate(self, messages: list[Message], *, max_tokens: int, temperature: float,
                 **_: Any) -> str:
        return self.reply


class _Supports:
    """A verifier that finds every sentence supported (what the rule below must not
    rely on)."""

    def verify(self, sentences: list[Any], embedder: Any, texts: Any = None) -> list[Any]:
        from newsdesk.records import Verdict
        return [Verdict(status="supported", similarity=1.0) for _ in sentences]


def test_a_supported_redraft_that_points_back_is_not_used() -> None:
    from newsdesk.builtin.write_llm import redraft
    from newsdesk.records import Citation, Sentence

    source = "Mayor Ada Moss told reporters she was prepared to walk away from the ferry deal."
    grounded = [Sentence(text=source, citation=Citation(
        doc_id=1, sentence_index=0, source_text=source, outlet="The Ledger", number=1))]
    for reply, used in (("She said she was prepared to walk away from the ferry deal. [1]", 0),
                        ("Ada Moss told reporters she was prepared to walk away from the "
                         "deal. [1]", 1)):
        kept, report = redraft(_Reply(reply), _Supports(), None, grounded)  # type: ignore[arg-type]
        assert report["used"] == used, (reply, report)
        assert report["not_standalone"] == 1 - used
        assert (kept[0] is None) == (used == 0)


@pytest.mark.slow
def test_a_headline_in_the_models_words_credits_the_outlet_of_its_fact(
        demo: tuple[Context, dict[str, list[Document]]]) -> None:
    headline_prompt = "Write one news headline"  # what only the headline request asks

    class Model(_Reply):
        def generate(self, messages: list[Message], *, max_tokens: int, temperature: float,
                     **_: Any) -> str:
            asks_headline = headline_prompt in messages[-1]["content"]
            assert asks_headline or "BEGIN SOURCES" in messages[-1]["content"]
            if not asks_headline:
                return ""
            # the first fact's own words, shortened: a headline the checks let through
            block = messages[-1]["content"].split("BEGIN SOURCES")[1].split("END SOURCES")[0]
            first = next(line for line in block.splitlines()[1:] if line.strip())
            return " ".join(first.split()[:7]).rstrip(",.") + " [1]"

    article = LLMWriter(llm=Model(""), verifier=_Supports()).write(  # type: ignore[arg-type]
        request_for(demo, "port-strike"))
    assert article is not None
    assert article.verification["llm"]["headline"]["status"] == "used"
    assert article.headline_credit and \
        article.headline_credit in {article.headline.citation.outlet, "one report"}


@pytest.mark.parametrize(("draft", "source", "why"), [
    # a word that turns the fact over, an invented detail, a verb that claims more
    ("The port has caught five crews whose claims were proven by tests.",
     "The port has caught five crews whose claims were disproven by tests.", "words"),
    ("Mayor cancels ferry parade, price tag rises",
     "Mayor Ada Moss said Friday she had cancelled the ferry parade, citing its high price tag.",
     "words"),
    ("Councillor Ada Moss defeated her opponents in the harbour vote.",
     "Councillor Ada Moss blew away her opponents in the harbour vote on Tuesday.", "words"),
    # a negation dropped
    ("The mayor will answer the council's questions.",
     "The mayor will not answer the council's questions.", "negation"),
    # a hedge dropped: what the source says only appears, or would, becomes fact
    ("Councillor Ada Moss lost her Tuesday primary, which became a referendum on fares.",
     "Councillor Ada Moss appears to have lost her Tuesday primary, which became a "
     "referendum on fares.", "hedge"),
    ("Ada Moss introduced a bill on Thursday to ban night ferries.",
     "On Thursday, Ada Moss introduced a bill that would effectively ban night ferries.",
     "hedge"),
    # a quotation's words as the draft's own
    ("Harbour master Ines Carrow also said there was no strike in sight.",
     "Harbour master Ines Carrow also said there was \"no strike in sight\".", "quotation"),
    # the source's speaker dropped: the claim would read as the outlet's
    ("The mayor will not answer questions about the ferry contract.",
     "The mayor will not answer questions about the ferry contract, her lawyer told The "
     "Ledger.", "speaker"),
])
def test_a_draft_that_departs_from_its_source_is_caught(draft: str, source: str,
                                                        why: str) -> None:
    from newsdesk.builtin.write_llm import departs_from_source

    reason = departs_from_source(draft, source, "The Ledger")
    assert reason is not None and why in reason, reason


def test_a_draft_that_shortens_and_restates_with_the_sources_words_passes() -> None:
    from newsdesk.builtin.write_llm import departs_from_source

    source = ("Justice Ada Moss, who wrote an opinion joined by two colleagues, said on "
              "Monday that the ferry law placed an undue burden on riders.")
    assert departs_from_source("Justice Ada Moss said the ferry law placed an undue burden "
                               "on riders, The Ledger reported.", source, "The Ledger") is None
    # a hedge and a quotation kept
    assert departs_from_source("Ada Moss appears to have lost, saying the vote was “a "
                               "fair fight”.", "Ada Moss appears to have lost the vote, "
                               "saying it was “a fair fight”.") is None
    # a headline may leave "said" out
    assert departs_from_source("Ferry law places undue burden on riders, Moss says", source,
                               headline=True) is None


def test_a_dotted_abbreviation_is_written_as_its_source_writes_it() -> None:
    from newsdesk.builtin.write_llm import source_abbreviations

    source = "The U.S. harbour board met the E.U. delegation in Kelvport."
    assert source_abbreviations("The U. S. board met the E. U. delegation.", source) == \
        "The U.S. board met the E.U. delegation."
    assert source_abbreviations("A U. S. board met.", "No abbreviation here.") == \
        "A U. S. board met."
