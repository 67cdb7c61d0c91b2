"""The scan page a checkpoint volunteer keeps open on their phone, and its service worker."""

from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shoumen.checkpoints import scan_extras
from shoumen.checkpoints.lookup import REASON_NO_PASS, REASON_NO_PASS_LABEL
from shoumen.checkpoints.models import Verdict, VerdictReason
from shoumen.checkpoints.selectors import checkpoint_for
from shoumen.lib.pages import or_404

SW_PATH = "js/scan/sw.js"

# Messages the page composes itself; the rest of its text is in the template.
TEXTS = {
    "list_age": _("Pass list updated %(age)s ago"),
    "list_never": _("No pass list yet: connect once to download it"),
    "minutes": _("%(n)d min"),
    "hours": _("%(n)d h"),
    "pending": _("%(n)d scans waiting to sync"),
    "synced": _("Synced %(created)d scans (%(unchanged)d already known)"),
    "flagged": _(
        "%(n)d let through offline although the pass had been withdrawn: tell community staff"
    ),
    "offline": _("Offline: decided on this phone"),
    "sync_failed": _("Could not sync; will retry"),
    "login_again": _("Your session has ended: log in again to sync"),
    "camera_failed": _("The camera could not be started: use the manual lookup"),
    "lookup_offline": _("The lookup needs the network"),
    "lookup_none": _("Nobody found"),
    "no_pass": _("No pass issued"),
    "record_failed": _("Not recorded: the network went away. Look the resident up again."),
    "recorded": _("Recorded"),
    "queued": _("Saved on this phone; it will sync when the network returns"),
}


@cache
def _service_worker_source() -> bytes:
    path = finders.find(SW_PATH)
    with open(str(path), "rb") as f:
        return f.read()


@login_required
@require_safe
def scan_page(request, pk):
    checkpoint = or_404(checkpoint_for, request.user, pk=pk)
    config = {
        "checkpoint": checkpoint.pk,
        "community": checkpoint.community_id,
        "csrf": get_token(request),
        "urls": {
            "verify": reverse("api:passes_verify"),
            "batch": reverse("api:scans_batch"),
            "revocations": reverse("api:passes_revocations"),
            "lookup": reverse("api:checkpoint_residents", args=[checkpoint.pk]),
            "sw": reverse("checkpoint_scan:service_worker"),
            "noble": static("vendor/noble-ed25519/index.js"),
            "page": request.path,
        },
        "expiry_warning_days": settings.PASS_EXPIRY_WARNING_DAYS,
        # The lookup's residents lists its candidates' verdicts, with one reason of its own.
        "reasons": {r.value: str(r.label) for r in VerdictReason}
        | {REASON_NO_PASS: str(REASON_NO_PASS_LABEL)},
        "verdicts": {v.value: str(v.label) for v in Verdict},
        "texts": {k: str(v) for k, v in TEXTS.items()},
    }
    return render(
        request,
        "checkpoints/scan_page.html",
        {
            "checkpoint": checkpoint,
            "config": config,
            "temperatures": TEMPERATURE_CHIPS,
            "extras": scan_extras.extras_for(request, checkpoint),
        },
    )


# One tap records the scan with the temperature read off the thermometer.
TEMPERATURE_CHIPS = ["36.0", "36.3", "36.5", "36.8", "37.0", "37.2"]


@require_safe
def service_worker(request):
    response = HttpResponse(_service_worker_source(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
