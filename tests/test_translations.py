"""Chinese is the default language and every message has its Chinese text."""

import subprocess
from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation
from django.utils.translation import templatize

from shoumen.alerts.forms import AlertFiltersForm
from shoumen.alerts.models import AlertStatus
from shoumen.alerts.selectors import STATE_OPEN
from shoumen.screening.models import RoundStatus

BASE = Path(settings.BASE_DIR)
PO = BASE / "shoumen" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# What `make messages` reads: the code and the templates (not tests, bench or vendor files).
SOURCES = [BASE / "shoumen", BASE / "templates"]
TEMPLATE_SUFFIXES = {".html", ".txt"}
# makemessages' own xgettext keywords for the "django" domain.
XGETTEXT = [
    "xgettext",
    "--language=Python",
    "--from-code=UTF-8",
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
    "--output=-",
]


def _strings_in_the_code(work: Path) -> polib.POFile:
    """Extract every translatable literal as `make messages` does: Python files as they
    are, templates ({% translate %}, {% blocktranslate %}, _("...")) through Django's
    templatize."""
    files = []
    for root in SOURCES:
        for path in sorted(root.rglob("*")):
            if not path.is_file() or "locale" in path.parts:
                continue
            if path.suffix == ".py":
                files.append(str(path))
            elif path.suffix in TEMPLATE_SUFFIXES:
                copy = work / f"{len(files)}{path.suffix}.py"
                copy.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)))
                files.append(str(copy))
    listing = work / "files.txt"
    listing.write_text("\n".join(files))
    done = subprocess.run(
        [*XGETTEXT, f"--files-from={listing}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return polib.pofile(done.stdout)


def test_every_message_is_translated_to_chinese():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    extracted = _strings_in_the_code(tmp_path)
    assert len(extracted) > 100  # the extraction found the code's strings
    catalogue = {
        (e.msgctxt, e.msgid): e
        for e in polib.pofile(str(PO))
        if not e.obsolete and "fuzzy" not in e.flags
    }
    missing = sorted(
        (e.msgctxt or "", e.msgid)
        for e in extracted
        if e.msgid
        and (
            (e.msgctxt, e.msgid) not in catalogue or not catalogue[e.msgctxt, e.msgid].translated()
        )
    )
    assert missing == []


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
