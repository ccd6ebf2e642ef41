"""Chinese search for the case library: jieba word segmentation stored with each case.

The stored text holds the search-engine segmentation (words and their shorter parts) of the title,
summary, causes, lessons and tags; a query is segmented the same way and every token must occur in it
(`icontains`), which works alike on SQLite and PostgreSQL without a full-text extension.
"""

from __future__ import annotations

import logging
import unicodedata

import jieba

jieba.setLogLevel(logging.WARNING)


def _is_word(token: str) -> bool:
    token = token.strip()
    return bool(token) and any(unicodedata.category(ch)[0] in "LN" for ch in token)


def segment(*texts: str) -> str:
    words: list[str] = []
    for value in texts:
        if value:
            words.extend(t.strip().lower() for t in jieba.cut_for_search(str(value)) if _is_word(t))
    # The plain text follows the words, so a token the segmenter joined differently still matches.
    plain = " ".join(str(v).lower() for v in texts if v)
    return " ".join(words) + "\n" + plain


def query_tokens(query: str) -> list[str]:
    seen: list[str] = []
    for token in jieba.cut(query or ""):
        token = token.strip().lower()
        if _is_word(token) and token not in seen:
            seen.append(token)
    return seen
