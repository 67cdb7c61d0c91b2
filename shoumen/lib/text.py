"""Normalising text typed by many hands: full-width characters, stray spaces."""

import unicodedata

_SPACES = {" ", "\u3000", "\t", "\n", "\r", "\u00a0", "\u200b", "\ufeff"}


def to_halfwidth(value: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ｘ) to half-width; NFKC does exactly this."""
    return unicodedata.normalize("NFKC", value)


def strip_all_spaces(value: str) -> str:
    return "".join(ch for ch in value if ch not in _SPACES)


def clean_line(value: str) -> str:
    """Half-width, trimmed, inner runs of spaces collapsed to one."""
    return " ".join(to_halfwidth(value).split())
