"""Names shown to people who should not see them in full (checkpoint volunteers)."""

# Two-character surnames common enough to meet at a gate.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "令狐",
        "宇文",
        "夏侯",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "澹台",
        "司徒",
        "司空",
        "呼延",
        "闻人",
        "万俟",
        "申屠",
        "太史",
        "钟离",
        "赫连",
        "拓跋",
    ]
)


def surname_of(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2]
    if name.isascii():
        return name.split()[0] if " " in name else name[:1]
    return name[:1]


def mask_name(name: str) -> str:
    """The surname and one * per remaining character: 单明 → 单*, 欧阳娜娜 → 欧阳**."""
    name = name.strip()
    surname = surname_of(name)
    return surname + "*" * max(len(name) - len(surname), 1) if name else ""
