"""The health centre's hub (``/health/``): the day's work of a health role, one tap to
each list, for those who hold the centre's records (403 for anyone else: officers and the
CDC, who see the indicators only, have the board)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shoumen.healthcentre.hub import hub_context, may_open_hub
from shoumen.lib.dates import today
from shoumen.lib.errors import deny


@login_required
@require_safe
def hub(request):
    if not may_open_hub(request.user):
        raise deny()
    return render(
        request, "healthcentre/hub/hub.html", {"hub": hub_context(request.user, day=today())}
    )
