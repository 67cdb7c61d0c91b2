"""The daily report in words: its status ("confirmed at 15:42", "not confirmed"), each
figure with its unit, and the chat text pasted into the work group:

    【光华社区 疫情防控工作日报 2026-12-05】
    今日新增管控对象3人。
    新增管控人员：3人
    …
    状态：已于15:42确认上报（按时）
    备注：…

All in the active language; no personal data (the figures are counts, and who confirmed
is left out)."""

from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from shoumen.lib.metrics import Metric, shown
from shoumen.reports.daily import DayReport, SubUnit

# What each metric counts, as the report's table says it (Metric.unit is a code).
UNIT_WORDS = {
    "persons": pgettext_lazy("metric unit", "persons"),
    "follow-ups": pgettext_lazy("metric unit", "follow-ups"),
    "reports": pgettext_lazy("metric unit", "reports"),
    "alerts": pgettext_lazy("metric unit", "alerts"),
    "households": pgettext_lazy("metric unit", "households"),
    "scans": pgettext_lazy("metric unit", "passages"),
    "checks": pgettext_lazy("metric unit", "class sessions"),
    "person-days": pgettext_lazy("metric unit", "pupil-days"),
    "shifts": pgettext_lazy("metric unit", "shifts"),
    "requests": pgettext_lazy("metric unit", "requests"),
    "calls": pgettext_lazy("metric unit", "calls"),
}

TITLE = _("[%(unit)s daily epidemic prevention report %(date)s]")
STATUS_CONFIRMED = _("Confirmed and sent at %(time)s")
STATUS_CONFIRMED_ON = _("Confirmed and sent on %(date)s at %(time)s")
STATUS_NOT_CONFIRMED = _("Not confirmed")
ON_TIME = _("on time")
LATE = _("late")
OVERDUE = _("overdue")
ZERO_REPORT = _("zero report")
LABEL_STATUS = _("Status")
LABEL_REMARKS = _("Remarks")
LABEL_MISSING = _("Communities not confirmed (%(count)d)")
LABEL_ALL_CONFIRMED = _("All %(count)d communities confirmed")


def unit_word(metric: Metric) -> str:
    return str(UNIT_WORDS.get(metric.unit, metric.unit))


def title_of(day: DayReport) -> str:
    return str(TITLE) % {"unit": day.unit.name, "date": day.date.isoformat()}


def confirmed_words(day: DayReport) -> str:
    """ "Confirmed and sent at 15:42" (with its date when confirmed on a later day), or
    "Not confirmed"."""
    if day.report is None:
        return str(STATUS_NOT_CONFIRMED)
    at = timezone.localtime(day.report.confirmed_at)
    if at.date() != day.date:
        return str(STATUS_CONFIRMED_ON) % {
            "date": at.date().isoformat(),
            "time": at.strftime("%H:%M"),
        }
    return str(STATUS_CONFIRMED) % {"time": at.strftime("%H:%M")}


def status_words(day: DayReport) -> str:
    """The status with its qualifiers: "Confirmed and sent at 15:42 (on time, zero report)",
    "Not confirmed (overdue)"."""
    extra = []
    if day.report is not None:
        extra.append(ON_TIME if day.report.on_time else LATE)
        if day.report.zero:
            extra.append(ZERO_REPORT)
    elif day.overdue:
        extra.append(OVERDUE)
    words = confirmed_words(day)
    if extra:
        comma = pgettext_lazy("list", ", ")
        words += gettext(" (%(notes)s)") % {"notes": str(comma).join(str(e) for e in extra)}
    return words


def sub_unit_words(sub: SubUnit, day: DayReport) -> str:
    """A community's line in its street's report."""
    if sub.report is None:
        return str(STATUS_NOT_CONFIRMED)
    parts = [
        timezone.localtime(sub.report.confirmed_at).strftime("%H:%M"),
        str(ON_TIME if sub.report.on_time else LATE),
    ]
    if sub.report.zero:
        parts.append(str(ZERO_REPORT))
    return str(pgettext_lazy("list", ", ")).join(parts)


def key_rows(day: DayReport) -> list[tuple[Metric, float]]:
    """The figures the chat text names: the notable ones always (a 0 there is news too),
    the others when not 0."""
    return [(m, v) for m, v in day.rows if m.notable or v]


def figure_line(metric: Metric, value: float) -> str:
    return gettext("%(label)s: %(value)s %(unit)s") % {
        "label": metric.label,
        "value": shown(value),
        "unit": unit_word(metric),
    }


def _labelled(label, value) -> str:
    return gettext("%(label)s: %(value)s") % {"label": label, "value": value}


def chat_text(day: DayReport) -> str:
    """One day's report as the text pasted into the work group."""
    lines = [title_of(day)]
    if day.text:
        lines.append(day.text)
    lines += [figure_line(m, v) for m, v in key_rows(day)]
    lines.append(_labelled(LABEL_STATUS, status_words(day)))
    if day.report is not None and day.report.remarks:
        lines.append(_labelled(LABEL_REMARKS, day.report.remarks))
    if day.sub_units:
        missing = day.missing
        if missing:
            names = str(pgettext_lazy("list", ", ")).join(s.unit.name for s in missing)
            lines.append(_labelled(str(LABEL_MISSING) % {"count": len(missing)}, names))
        else:
            lines.append(str(LABEL_ALL_CONFIRMED) % {"count": len(day.sub_units)})
    return "\n".join(lines)


def chat_texts(days: list[DayReport]) -> str:
    """Several days' reports, a blank line between them."""
    return "\n\n".join(chat_text(day) for day in days) + "\n"
