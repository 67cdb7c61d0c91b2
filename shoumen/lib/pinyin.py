"""Search keys for Chinese names: full pinyin and initials, every reading of heteronyms."""

from functools import lru_cache
from itertools import islice, product

from pypinyin import Style, pinyin
from pypinyin.seg.simpleseg import seg

# A name of four characters each with three readings is 81 combinations; more is noise.
_MAX_COMBINATIONS = 64
# Search keys also sit in a PostgreSQL B-tree index entry, which must stay well under 2 kB.
MAX_SEARCH_TEXT = 1000


@lru_cache(maxsize=1 << 16)
def _segment_readings(segment: str) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(r)
        for r in pinyin(segment, style=Style.NORMAL, heteronym=True, strict=False, errors="default")
    )


def _readings(name: str) -> list[tuple[str, ...]]:
    """What ``pinyin(name, heteronym=True)`` gives, worked out once per word.

    pypinyin cuts the text into words (its ``seg``) and reads each word on its own, so the
    readings of a name are those of its words in order; a word cut alone is that word again.
    Names share few words (mostly single characters), so each is read once per process."""
    out: list[tuple[str, ...]] = []
    for segment in seg(name):
        out.extend(_segment_readings(segment))
    return out


def _combos(parts: list[list[str]] | list[tuple[str, ...]]) -> list[str]:
    return ["".join(c) for c in islice(product(*parts), _MAX_COMBINATIONS)]


def pinyin_keys(name: str) -> list[str]:
    """All full-pinyin spellings and all initials of ``name``, lower-case, de-duplicated.

    单 gives both ``shan`` and ``dan``; 曾 both ``zeng`` and ``ceng``.
    """
    name = "".join(name.split())
    if not name:
        return []
    readings = _readings(name)
    full = _combos(readings)
    initials = _combos([[r[0] for r in options if r] for options in readings])
    seen: dict[str, None] = {}
    for key in [*initials, *full]:  # initials first: they survive the length cap
        seen.setdefault(key.lower(), None)
    return list(seen)


@lru_cache(maxsize=1 << 18)  # names repeat a lot in bulk loads; each is worked out once
def search_text(name: str) -> str:
    """What a person's name is searched by: the name itself, then its pinyin keys."""
    text = " ".join([name.lower(), *pinyin_keys(name)])
    if len(text) <= MAX_SEARCH_TEXT:
        return text
    return text[: text.rfind(" ", 0, MAX_SEARCH_TEXT + 1)]
