"""The demo district's plan as pure data: its size, the tree of units and their codes,
the names people and places are drawn from, and the plans of buildings, households and
persons the generator fills."""

import datetime
from dataclasses import dataclass, field

from shoumen.places.models import Level

DEMO_DISTRICT_CODE = "DEMO"
DEMO_DISTRICT_NAME = "海淀区（演示）"
DEFAULT_SEED = 2020

# 北京市海淀区 is the home area of most residents; the rest were born elsewhere.
HOME_AREA = "110108"
OTHER_AREAS = [
    "130102", "130602", "140105", "210102", "220102", "230102", "320102", "340102",
    "350102", "360102", "370102", "370202", "410102", "410105", "420102", "430102",
    "510104", "610102",
]  # fmt: skip

# Mobile prefixes valid for region CN (checked by phonenumbers in the tests).
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
    "191", "198", "199",
]  # fmt: skip

# Roughly in order of frequency; 单 曾 解 仇 查 区 乐 盖 are read differently as surnames.
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严武戴莫孔向汤单解仇查区乐盖"
)
SURNAME_WEIGHTS = [1 / (rank + 4) for rank in range(len(SURNAMES))]
MALE_CHARS = list(
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳建国志文东海峰晨博轩然睿泽宏毅天成新立德庆春"
)
FEMALE_CHARS = list(
    "芳娜敏静丽艳娟霞秀玲桂英燕红婷雪琳洁梅莉兰萍倩颖慧佳欣怡雨萱涵诗梦晓月琪淑珍凤玉美嘉思彤悦"
)

STREET_NAMES = [
    "学院路街道", "中关村街道", "海淀街道", "万寿路街道", "八里庄街道",
    "紫竹院街道", "北太平庄街道", "花园路街道", "清河街道", "甘家口街道",
    "羊坊店街道", "曙光街道",
]  # fmt: skip
_STEMS = (
    "光明和平幸福建设团结春晖东升向阳新华文化安宁友谊红星民主胜利前进长青桃园柳荫枫林翠微锦绣"
    "金台银河玉泉紫荆丁香海棠明光北苑南湖西园东湖"
)
COMMUNITY_STEMS = [_STEMS[i : i + 2] for i in range(0, len(_STEMS), 2)]
COMMUNITY_SUFFIXES = ["", "东里", "西里", "南里", "北里", "新村"]
CHINESE_NUMERALS = "一二三四五六七八九十"

BATCH_PERSONS = 20_000
# Residents per grid in a district of 1,000,000 (least, most, most often: 1,000 on average);
# smaller demos keep the same spread.
GRID_SPREAD = (600, 1600, 800)


@dataclass(frozen=True)
class DemoSize:
    streets: int
    communities_per_street: int
    grids_per_community: int
    persons: int


SIZES = {
    "small": DemoSize(streets=2, communities_per_street=3, grids_per_community=7, persons=420),
    "medium": DemoSize(streets=2, communities_per_street=4, grids_per_community=8, persons=20_000),
    "large": DemoSize(
        streets=10, communities_per_street=10, grids_per_community=10, persons=1_000_000
    ),
}


# ---------------------------------------------------------------- the plan (pure data)


@dataclass
class PersonPlan:
    name: str
    sex: str
    birth_date: datetime.date
    id_number: str
    phone: str  # E.164 or ""
    relation: str
    chronic: bool = False
    pregnant: bool = False
    disabled: bool = False
    lives_alone: bool = False


@dataclass
class HouseholdPlan:
    unit: str
    door_number: str
    members: list[PersonPlan]  # the head first


@dataclass
class BuildingPlan:
    name: str
    units: int
    households: list[HouseholdPlan] = field(default_factory=list)


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    level: str
    parent_code: str | None


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals: 1 一, 10 十, 12 十二, 20 二十, 35 三十五."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CHINESE_NUMERALS[ones - 1]
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def street_code(i: int) -> str:
    return f"{DEMO_DISTRICT_CODE}-S{i}"


def community_code(i: int, j: int) -> str:
    return f"{street_code(i)}-C{j}"


def grid_code(i: int, j: int, k: int) -> str:
    return f"{community_code(i, j)}-G{k}"


def org_units_plan(size: DemoSize) -> list[UnitPlan]:
    """The jurisdiction tree in creation order (parents before children)."""
    units = [UnitPlan(DEMO_DISTRICT_CODE, DEMO_DISTRICT_NAME, Level.DISTRICT, None)]
    n = 0
    for i in range(1, size.streets + 1):
        units.append(UnitPlan(street_code(i), _street_name(i), Level.STREET, DEMO_DISTRICT_CODE))
        for j in range(1, size.communities_per_street + 1):
            stem = COMMUNITY_STEMS[n % len(COMMUNITY_STEMS)]
            suffix = COMMUNITY_SUFFIXES[(n // len(COMMUNITY_STEMS)) % len(COMMUNITY_SUFFIXES)]
            n += 1
            units.append(
                UnitPlan(
                    community_code(i, j), f"{stem}{suffix}社区", Level.COMMUNITY, street_code(i)
                )
            )
            for k in range(1, size.grids_per_community + 1):
                units.append(
                    UnitPlan(
                        grid_code(i, j, k),
                        f"{stem}{suffix}第{chinese_number(k)}网格",
                        Level.GRID,
                        community_code(i, j),
                    )
                )
    return units


def _street_name(i: int) -> str:
    name = STREET_NAMES[(i - 1) % len(STREET_NAMES)]
    rounds = (i - 1) // len(STREET_NAMES)
    return name if rounds == 0 else name.replace("街道", f"{chinese_number(rounds + 1)}街道")
