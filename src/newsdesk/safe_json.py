"""JSON from untrusted sources, with its nesting depth checked before it is parsed.

Python's parser recurses once per level: JSON nested a few thousand levels deep raises
RecursionError (or exhausts the stack of a thread), and code that walks what it parsed
recurses as deep again. The depth is measured first, without recursion.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]")


class TooDeep(ValueError):
    """JSON nested deeper than the limit."""


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in the JSON ``text`` (strings ignored)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if not brackets:
        return 0
    codes = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


def loads_bounded(text: str, max_depth: int) -> Any:
    """``json.loads`` that refuses nesting deeper than ``max_depth`` before parsing.

    Raises:
        TooDeep: the text nests deeper than ``max_depth``.
        ValueError: the text is not JSON.
    """
    depth = json_depth(text)
    if depth > max_depth:
        raise TooDeep(f"JSON nested {depth} deep, limit {max_depth} (ingest.max_json_depth)")
    try:
        return json.loads(text)
    except RecursionError as exc:  # a limit above what the parser itself can take
        raise TooDeep(f"JSON nested too deep to parse ({depth})") from exc
