"""Chinese words for the database's full-text engines: jieba segmentation, stored and queried alike.

`index_words` is what a row stores: the search-engine segmentation (words and their shorter parts) of
its texts, lower-cased, one space between words. Both engines split that text at spaces and
punctuation only (PostgreSQL's `simple` configuration, SQLite FTS5's `unicode61`), so each jieba word is
one lexeme. `query_words` cuts a query into whole words of letters and digits only: nothing of what a
user types reaches the engine's query syntax (quotes, `*`, `NEAR`, `:` and `&` are dropped).
"""

from __future__ import annotations

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

# Runs of letters and digits (any script); everything else separates words.
_WORD = re.compile(r"[^\W_]+")


def load_dictionary() -> None:
    """Load jieba's dictionary now. Called as a server process starts (redline/wsgi.py): otherwise each
    worker loads it inside its first search, which takes seconds and, with several workers starting at
    once on a busy machine, ran past gunicorn's 30-second timeout so the workers were killed and the
    next search started over."""
    jieba.initialize()


def _words(tokens) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.extend(_WORD.findall(token.lower()))
    return out


def index_words(*texts: str) -> str:
    words: list[str] = []
    for text in texts:
        if text:
            words.extend(_words(jieba.cut_for_search(str(text))))
    return " ".join(words)


def query_words(query: str, *, limit: int = 16) -> list[str]:
    seen: list[str] = []
    for word in _words(jieba.cut(query or "")):
        if word not in seen:
            seen.append(word)
    return seen[:limit]
