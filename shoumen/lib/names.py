"""Masking personal names for lists, checkpoints and public pages: the surname stays, the
given name is hidden (张*, 欧阳**)."""

# Two-character surnames common enough to be kept whole.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "司空", "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤",
        "澹台", "公冶", "宗政", "濮阳", "太史", "申屠", "钟离", "闻人", "赫连", "万俟",
        "呼延", "拓跋",
    ]
)  # fmt: skip


def surname_of(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    if name.isascii() and " " in name:
        return name.split()[0]
    return name[:1]


def mask_name(name: str) -> str:
    """The surname and one ``*`` per hidden character: 单明 → 单*, 欧阳娜娜 → 欧阳**; a
    one-character name still gets one ``*``."""
    name = name.strip()
    if not name:
        return ""
    surname = surname_of(name)
    return surname + "*" * max(len(name) - len(surname), 1)
