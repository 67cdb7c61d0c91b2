"""The diagnoses the school rules know, with the national defaults: category and report
deadline (传染病防治法: class A and those managed as class A within 2 hours, the others within
24), the weekly per-school thresholds of 突发公共卫生事件相关信息报告管理工作规范, and the
isolation periods after which a return-to-class certificate lets a pupil back. The
``Disease`` table is seeded from here and edited by administrators afterwards."""

# code, name, category, report within (hours), isolation days, certificate required,
# window days, school threshold, school outbreak threshold, class threshold
DEFAULT_DISEASES: list[tuple[str, str, str, int, int, bool, int, int, int, int]] = [
    ("plague", "鼠疫", "A", 2, 0, True, 7, 1, 0, 0),
    ("cholera", "霍乱", "A", 2, 0, True, 7, 1, 0, 0),
    ("sars", "传染性非典型肺炎", "A", 2, 0, True, 7, 1, 0, 0),
    ("pulmonary_anthrax", "肺炭疽", "A", 2, 0, True, 7, 1, 0, 0),
    ("measles", "麻疹", "B", 24, 5, True, 10, 2, 0, 0),
    ("scarlet_fever", "猩红热", "B", 24, 7, True, 7, 10, 0, 0),
    ("tuberculosis", "肺结核", "B", 24, 0, True, 7, 0, 0, 0),
    ("dysentery", "细菌性和阿米巴性痢疾", "B", 24, 7, True, 7, 0, 0, 0),
    ("hepatitis_a", "甲型病毒性肝炎", "B", 24, 21, True, 7, 0, 0, 0),
    ("influenza", "流行性感冒", "C", 24, 2, True, 7, 0, 0, 0),
    ("mumps", "流行性腮腺炎", "C", 24, 9, True, 7, 10, 0, 0),
    ("rubella", "风疹", "C", 24, 5, True, 7, 0, 0, 0),
    ("hfmd", "手足口病", "C", 24, 10, True, 7, 5, 10, 2),
    ("infectious_diarrhoea", "其它感染性腹泻病", "C", 24, 3, True, 7, 20, 0, 0),
    ("acute_conjunctivitis", "急性出血性结膜炎", "C", 24, 7, True, 7, 0, 0, 0),
    ("varicella", "水痘", "other", 24, 14, True, 7, 10, 0, 0),
    ("norovirus", "诺如病毒感染", "other", 24, 3, True, 7, 20, 0, 0),
    ("food_poisoning", "食物中毒", "other", 2, 0, False, 7, 5, 0, 0),
    ("common_cold", "普通感冒", "other", 24, 0, False, 7, 0, 0, 0),
]

FIELDS = (
    "code",
    "name",
    "category",
    "report_within_hours",
    "isolation_days",
    "certificate_required",
    "window_days",
    "school_threshold",
    "school_outbreak_threshold",
    "class_threshold",
)


def default_disease_rows() -> list[dict]:
    return [dict(zip(FIELDS, row, strict=True)) for row in DEFAULT_DISEASES]


def diseases_ensure() -> None:
    """Add the default diseases that are missing (after a database flush, or to a database
    made before a default was added); existing rows keep their edited numbers."""
    from shoumen.schools.models import Disease

    known = set(Disease.objects.values_list("code", flat=True))
    Disease.objects.bulk_create(
        Disease(**row) for row in default_disease_rows() if row["code"] not in known
    )
