"""Choosing the charset of fetched bytes: header, byte order mark, the document's own
declaration, then detection; mislabelled windows-1252 must not turn into mojibake."""

from __future__ import annotations

import codecs

import pytest

from newsdesk.decode import decode_bytes, decode_document, detect_charset, repair_text

from conftest import DATA

WESTERN = ("“We paid €12 for the café’s crème brûlée,” said Renée — and the naïve "
           "tourists at the Café Zoë did the same.")
MOJIBAKE = ("â€", "Ã©", "Ã¨", "\ufffd")


def page(body: str, head: str = "") -> str:
    return (f"<!doctype html><html><head>{head}<title>Test</title></head>"
            f"<body><p>{body}</p></body></html>")


def assert_clean(text: str) -> None:
    assert WESTERN in text
    for broken in MOJIBAKE:
        assert broken not in text


def test_the_http_header_charset_wins_over_the_page() -> None:
    content = page("Нарва: переговоры продолжатся в понедельник.",
                   '<meta charset="iso-8859-2">').encode("koi8-r")
    charset, how = detect_charset(content, "KOI8-R")
    assert (codecs.lookup(charset).name, how) == ("koi8-r", "http-header")
    assert "переговоры продолжатся" in decode_bytes(content, "KOI8-R")[0]


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_a_byte_order_mark_wins_over_everything(codec: str) -> None:
    content = page(WESTERN, '<meta charset="windows-1252">').encode(codec)
    if codec == "utf-16-be":
        content = codecs.BOM_UTF16_BE + content
    assert detect_charset(content, "iso-8859-1")[1] == "bom"
    text, _ = decode_bytes(content, "iso-8859-1")
    assert_clean(text)
    assert not text.startswith("\ufeff")  # the mark itself is not text


@pytest.mark.parametrize("declaration", [
    '<meta charset="windows-1252">',
    "<meta charset=windows-1252>",
    '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
])
def test_the_pages_meta_charset_is_used(declaration: str) -> None:
    content = page(WESTERN, declaration).encode("cp1252")
    assert detect_charset(content) == ("cp1252", "document")
    assert_clean(decode_bytes(content)[0])


def test_the_xml_declaration_encoding_is_used() -> None:
    xml = f'<?xml version="1.0" encoding="ISO-8859-15"?>\n<rss><title>{WESTERN}</title></rss>'
    content = xml.replace("“", '"').replace("”", '"').replace("’", "'").replace("—", "-")
    assert detect_charset(content.encode("iso-8859-15")) == ("iso8859-15", "document")
    text, _ = decode_bytes(content.encode("iso-8859-15"))
    assert "€12 for the café's crème brûlée" in text


def test_undeclared_windows_1252_is_detected() -> None:
    content = page(WESTERN).encode("cp1252")
    charset, how = detect_charset(content)
    assert how == "detected"
    text, _ = decode_bytes(content)
    assert_clean(text)
    assert charset == "cp1252"


def test_undeclared_windows_1252_golden_page() -> None:
    raw = (DATA / "pages" / "ferry-cp1252.html").read_bytes()
    undeclared = raw.replace(b"; charset=windows-1252", b"")
    text, _ = decode_bytes(undeclared)
    for snippet in ("€2.40", "Skärgårdslinjen", "Vänö", "operator’s", "“no choice”", "Åkesson"):
        assert snippet in text
    for broken in MOJIBAKE:
        assert broken not in text


def test_a_page_that_says_utf8_but_is_windows_1252_has_no_replacement_characters() -> None:
    content = page(WESTERN, '<meta charset="utf-8">').encode("cp1252")
    text, charset = decode_bytes(content)
    assert_clean(text)
    assert charset == "cp1252"
    text, _ = decode_bytes(content, "utf-8")  # the same lie in the HTTP header
    assert_clean(text)


def test_iso_8859_1_label_decodes_0x93_0x94_as_curly_quotes() -> None:
    # Browsers read "iso-8859-1" as windows-1252; pages labelled latin-1 use these bytes.
    content = b"<p>\x93Not now,\x94 she said. It\x92s \x80 5.</p>"
    for label in ("iso-8859-1", "ISO-8859-1", "latin1", "us-ascii"):
        text, _ = decode_bytes(content, label)
        assert text == "<p>“Not now,” she said. It’s € 5.</p>"


def test_valid_utf8_without_declaration_is_utf8() -> None:
    content = page(WESTERN).encode("utf-8")
    assert detect_charset(content) == ("utf-8", "valid-utf-8")
    assert_clean(decode_bytes(content)[0])


def test_an_unknown_charset_label_is_ignored() -> None:
    content = page(WESTERN, '<meta charset="x-no-such-charset">').encode("utf-8")
    text, charset = decode_bytes(content, "bogus-9")
    assert charset == "utf-8"
    assert_clean(text)


@pytest.mark.parametrize(("sample", "codec"), [
    ("Президент заявил, что переговоры продолжатся на следующей неделе в Москве.", "cp1251"),
    ("Zażółć gęślą jaźń. Rozmowy będą kontynuowane w przyszłym tygodniu w Łodzi.", "cp1250"),
    ("Ο πρωθυπουργός δήλωσε ότι οι διαπραγματεύσεις θα συνεχιστούν την επόμενη εβδομάδα.",
     "cp1253"),
])
def test_other_undeclared_legacy_charsets_are_still_detected(sample: str, codec: str) -> None:
    text, _ = decode_bytes(page(sample).encode(codec))
    assert sample in text


def test_an_xhtml_page_declaring_iso_8859_1_in_its_xml_prolog() -> None:
    raw = (DATA / "pages" / "tide-gauge-xhtml.html").read_bytes()
    assert detect_charset(raw) == ("cp1252", "document")  # the latin-1 label, read as browsers do
    text, _ = decode_bytes(raw)
    assert "“We have never seen it come over the wall like that,”" in text
    assert "Siobhán Ní Bhriain" in text


def test_valid_utf8_wins_over_a_legacy_declaration() -> None:
    # Pages re-encoded to UTF-8 that kept their old <meta charset> are common; legacy
    # text is almost never valid multi-byte UTF-8 by chance.
    content = page(WESTERN, '<meta charset="iso-8859-1">').encode("utf-8")
    assert detect_charset(content) == ("utf-8", "valid-utf-8")
    assert_clean(decode_bytes(content)[0])
    ascii_only = page("Plain text.", '<meta charset="iso-8859-1">').encode("utf-8")
    assert detect_charset(ascii_only) == ("cp1252", "document")  # nothing to go on


def test_undeclared_utf8_with_stray_windows_1252_bytes_keeps_both() -> None:
    content = page(WESTERN).encode("utf-8").replace("café’s".encode(), b"caf\xc3\xa9\x92s")
    assert detect_charset(content) == ("utf-8", "mostly-utf-8")
    decoded = decode_document(content)
    assert_clean(decoded.text)
    assert decoded.repairs == {"stray_bytes": 1}


def test_a_stray_byte_undefined_in_windows_1252_is_kept_as_its_latin1_character() -> None:
    content = "<p>Zoë said “no”</p>".encode() + b"\x81"
    decoded = decode_document(content, "utf-8")
    assert decoded.text == "<p>Zoë said “no”</p>\x81"


def test_mojibake_is_repaired_but_correct_text_in_any_script_is_left_alone() -> None:
    assert repair_text("It’s the café")[0] == "It’s the café"
    assert repair_text("Itâ€™s the cafÃ©")[0] == "It’s the café"
    for sample in ("Президент заявил, что переговоры продолжатся.",
                   "Ο πρωθυπουργός δήλωσε ότι οι διαπραγματεύσεις θα συνεχιστούν.",
                   "“Quotes” and ‘single’ — dashes… stay."):
        assert repair_text(sample) == (sample, {})
