"""An Arabic word list for clitic decisions: Arramooz's dictionary of nouns and verbs.

Arramooz (the dictionary behind the Qalsadi analyser; `arramooz-pysqlite` on PyPI, GPL) ships
about 30,000 nouns and 14,000 verbs as SQLite. We read its unvocalised forms once, as search keys
(:func:`annotator.text.arabic.key_of`), and ask only "is this a word": وادي is one (its و is a
letter), مناقشة is one while لمناقشة is not (its ل is a clitic). Proper names are mostly absent:
for them the document and the aligned translation are the evidence.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from importlib import resources
from typing import Final

# Endings a dictionary form takes in running text: plurals, the feminine, attached pronouns.
_SUFFIXES: Final = ("ات", "ون", "ين", "ان", "ها", "هم", "هما", "ه", "ة", "ا")


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Return the search keys of every noun and verb of the dictionary (empty if not installed)."""
    from annotator.text.arabic import key_of

    try:
        path = resources.files("arramooz") / "data" / "arabicdictionary.sqlite"
    except ModuleNotFoundError:
        return frozenset()
    with resources.as_file(path) as file:
        connection = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            rows = connection.execute(
                "SELECT unvocalized FROM nouns UNION SELECT unvocalized FROM verbs"
            ).fetchall()
        finally:
            connection.close()
    return frozenset(key for (word,) in rows if word and (key := key_of(word)[0]))


def is_word(key: str) -> bool:
    """Whether a search key is a dictionary word, as it stands or with a common ending off."""
    words = lexicon()
    if key in words:
        return True
    return any(
        key.endswith(suffix) and len(key) - len(suffix) >= 2 and key[: -len(suffix)] in words
        for suffix in _SUFFIXES
    )
