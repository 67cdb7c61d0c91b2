"""Normalising text typed by many hands: full-width characters, stray spaces."""

import unicodedata

_SPACES = {" ", "\u3000", "\t", "\n", "\r", "\u00a0", "\u200b", "\ufeff"}
_NO_SPACES = str.maketrans(dict.fromkeys(_SPACES))


def to_halfwidth(value: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ｘ) to half-width; NFKC does exactly this."""
    return unicodedata.normalize("NFKC", value)


def strip_all_spaces(value: str) -> str:
    return value.translate(_NO_SPACES)


def strip_controls(value: str) -> str:
    """Drop control and format characters (NUL, zero-width, bidi marks) pasted from elsewhere."""
    return "".join(
        ch for ch in value if ch in "\t\n\r" or unicodedata.category(ch) not in {"Cc", "Cf"}
    )


def free_text(value: str) -> str:
    """Names, notes and addresses as people typed them: only control characters and the
    outer spaces go (full-width punctuation such as "，" stays)."""
    return strip_controls(value).strip()


def clean_line(value: str) -> str:
    """Half-width, without control characters, trimmed, inner runs of spaces collapsed."""
    return " ".join(strip_controls(to_halfwidth(value)).split())
