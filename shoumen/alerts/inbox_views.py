"""The inbox page: the user's messages, newest first, and marking them read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from shoumen.alerts.inbox import inbox_of, notification_for, notifications_mark_read
from shoumen.lib.pages import or_404, paginate


@login_required
@require_GET
def inbox_page(request):
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, inbox_of(request.user, unread_only=unread_only))
    return render(request, "alerts/inbox_list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def inbox_read(request, pk: int):
    note = or_404(notification_for, request.user, pk=pk)
    notifications_mark_read(actor=request.user, notification=note)
    return redirect("inbox:list")


@login_required
@require_POST
def inbox_read_all(request):
    notifications_mark_read(actor=request.user)
    return redirect("inbox:list")
