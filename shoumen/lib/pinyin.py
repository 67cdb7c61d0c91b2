"""Search keys for Chinese names: full pinyin and initials, every reading of heteronyms."""

from functools import lru_cache
from itertools import islice, product

from pypinyin import Style, pinyin

# A name of four characters each with three readings is 81 combinations; more is noise.
_MAX_COMBINATIONS = 64
# Search keys also sit in a PostgreSQL B-tree index entry, which must stay well under 2 kB.
MAX_SEARCH_TEXT = 1000


def _readings(name: str, style: Style) -> list[list[str]]:
    return pinyin(name, style=style, heteronym=True, strict=False, errors="default")


def _combos(parts: list[list[str]]) -> list[str]:
    return ["".join(c) for c in islice(product(*parts), _MAX_COMBINATIONS)]


def pinyin_keys(name: str) -> list[str]:
    """All full-pinyin spellings and all initials of ``name``, lower-case, de-duplicated.

    单 gives both ``shan`` and ``dan``; 曾 both ``zeng`` and ``ceng``.
    """
    name = "".join(name.split())
    if not name:
        return []
    full = _combos(_readings(name, Style.NORMAL))
    initials = _combos(
        [[r[0] for r in readings if r] for readings in _readings(name, Style.NORMAL)]
    )
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
