"""The words the school ledgers write, in Chinese whatever the reader's language: the
ledgers are the paper forms schools hand in, headers and values as schools write them."""

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from shoumen.schools.models import FindingKind, Session
from shoumen.schools.symptoms import watched_symptoms

YES, NO = "是", "否"
SESSION_WORDS = {Session.MORNING: "晨检", Session.NOON: "午检", Session.EVENING: "晚检"}
FINDING_WORDS = {
    FindingKind.SICK: "因病缺勤",
    FindingKind.PERSONAL: "事假",
    FindingKind.SYMPTOMATIC: "带症状到校",
}
SEX_WORDS = {"M": "男", "F": "女"}
# The watched symptoms as the ledgers write them, whatever the reader's language; symptoms
# added by setting keep their label.
SYMPTOM_WORDS = {
    "fever": "发热",
    "cough": "咳嗽",
    "headache": "头痛",
    "sore_throat": "咽痛",
    "parotid_swelling": "腮腺肿大",
    "abdominal_pain": "腹痛",
    "diarrhoea": "腹泻",
    "vomiting": "呕吐",
    "rash": "皮疹",
    "dizziness": "头晕",
    "fatigue": "乏力",
    "conjunctival_congestion": "结膜充血",
    "jaundice": "黄疸",
}
COURSE_WORDS = {
    "better": "好转",
    "same": "无变化",
    "worse": "加重",
    "in_hospital": "住院",
    "recovered": "痊愈",
}
ABSENCE_STATUS_WORDS = {"open": "追踪中", "awaiting_return": "待复课", "returned": "已复课"}
# The school alert causes as reports name them (other causes keep their label).
CAUSE_WORDS = {
    "school_class_cluster": "班级聚集性病例",
    "school_ili": "流感样病例聚集",
    "school_ili_emergency": "流感样病例暴发（应急级别）",
    "school_disease": "传染病病例聚集",
    "school_disease_outbreak": "传染病暴发",
    "school_notifiable_case": "法定传染病病例",
    "school_high_fever": "不明原因高热",
}
ACTION_WORDS = {
    "observation_room": "送观察室",
    "guardians_notified": "已通知家长",
    "disinfection": "消毒",
    "class_suspended": "停课",
}


def symptom_labels() -> dict[str, str]:
    return {code: SYMPTOM_WORDS.get(code, str(label)) for code, label in watched_symptoms().items()}


def symptom_text(codes: Iterable[str]) -> str:
    labels = symptom_labels()
    return "、".join(labels.get(code, code) for code in codes)


def counts_text(counter: Counter) -> str:
    """Symptom counts as a school writes them: 发热2、咳嗽1 (most first, then list order)."""
    labels = symptom_labels()
    order = {code: i for i, code in enumerate(labels)}
    ordered = sorted(counter.items(), key=lambda item: (-item[1], order.get(item[0], 99)))
    return "、".join(f"{labels.get(code, code)}{n}" for code, n in ordered)


def yes_no(value: bool) -> str:
    return YES if value else NO


def when_text(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def who_text(user) -> str:
    return str(user) if user is not None else ""


def diagnosis_text(disease, note: str) -> str:
    if disease is not None and note:
        return f"{disease.name}（{note}）"
    return disease.name if disease is not None else note


def cause_label(cause: str) -> str:
    """The words for an alert cause: a school cause as reports name it, else its label."""
    from shoumen.alerts.models import Cause

    if cause in CAUSE_WORDS:
        return CAUSE_WORDS[cause]
    try:
        return str(Cause(cause).label)
    except ValueError:
        return cause


def content_cases(content: dict[str, Any]) -> tuple[int | None, str]:
    """Cases and classes (with their counts) from a report's generated content."""
    cases = content.get("cases")
    count = content.get("count")
    if count is None and isinstance(cases, list):
        count = len(cases)
    by_class = content.get("by_class") or {}
    if not by_class and isinstance(cases, list):
        for case in cases:
            if isinstance(case, dict) and case.get("class"):
                by_class[case["class"]] = by_class.get(case["class"], 0) + 1
    return count, "、".join(f"{name}({n})" for name, n in by_class.items())
