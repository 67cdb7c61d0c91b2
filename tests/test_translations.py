"""Chinese is the default language and every message has its Chinese text."""

from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

from shoumen.alerts.forms import AlertFiltersForm
from shoumen.alerts.models import AlertStatus
from shoumen.alerts.selectors import STATE_OPEN
from shoumen.screening.models import RoundStatus

PO = Path(settings.BASE_DIR) / "shoumen" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_to_chinese():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_matches_the_source():
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO)) if not e.obsolete}
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(PO.with_suffix(".mo")))}
    assert {k: v for k, v in mo.items() if k[1]} == po


def test_chinese_is_the_default_language():
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("Grid worker") == "网格员"


def test_due_and_open_have_their_own_chinese_for_each_sense():
    with translation.override(settings.LANGUAGE_CODE):
        deadline = translation.pgettext("alert deadline", "Due")
        expected = translation.pgettext("number of reports expected so far", "Due")
        alert = str(AlertStatus.OPEN.label)
        unresolved = str(dict(AlertFiltersForm().fields["state"].choices)[STATE_OPEN])
        round_ = str(RoundStatus.OPEN.label)
    assert alert == translation.pgettext("alert status", "Open")
    assert len({deadline, expected}) == 2 and "Due" not in (deadline, expected)
    assert len({alert, unresolved, round_}) == 3 and "Open" not in (alert, unresolved, round_)
