"""The health centres of one's streets, for the officers who set them up: the list with a
new centre, and changing one (its name, communities served, phone and address). The
centre's own manager sets up its teams and packages (setup_views).

Access: ``manage_users`` over a street or more, else 403; a centre of another street is
a 404."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from shoumen.healthcentre.centre_selectors import (
    centre_set_up_for,
    centres_set_up_by,
    communities_of,
    sets_up_centres,
    streets_for_centres,
)
from shoumen.healthcentre.centre_services import centre_create, centre_update
from shoumen.healthcentre.models import HealthCentre
from shoumen.healthcentre.page_helpers import submit
from shoumen.lib.errors import deny
from shoumen.lib.pages import or_404
from shoumen.places.models import OrgUnit

MSG_CENTRE_SAVED = _("Health centre saved. Give its manager the role at its communities.")


class CentreForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    street = forms.ModelChoiceField(label=_("Street"), queryset=OrgUnit.objects.none())
    communities = forms.ModelMultipleChoiceField(
        label=_("Communities served"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.CharField(label=_("Public phone"), max_length=32, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, streets, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a centre stays in its street
            del self.fields["street"]
        else:
            self.fields["street"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
                pk__in=[s.pk for s in streets]
            ).order_by("path")
        self.fields["communities"].queryset = communities_of(streets)  # type: ignore[attr-defined]


def _list_page(request, form, status=200):
    context = {"centres": centres_set_up_by(request.user), "form": form}
    return render(request, "healthcentre/centres/centres.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def centres(request):
    """The centres of one's streets; adding one."""
    if not sets_up_centres(request.user):
        raise deny()
    streets = list(streets_for_centres(request.user))
    if request.method != "POST":
        return _list_page(request, CentreForm(streets=streets))
    form = CentreForm(request.POST, streets=streets)
    done = submit(
        request,
        form,
        lambda data: centre_create(actor=request.user, **data),
        message=MSG_CENTRE_SAVED,
        then=lambda _centre: redirect("health:centres"),
    )
    return done or _list_page(request, form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def centre_edit(request, pk):
    """One centre's name, communities served, phone and address."""
    if not sets_up_centres(request.user):
        raise deny()
    found: HealthCentre = or_404(centre_set_up_for, request.user, pk)
    streets = OrgUnit.objects.filter(pk=found.street_id)
    initial = {
        "name": found.name,
        "communities": list(found.communities.all()),
        "phone": found.phone,
        "address": found.address,
    }
    form = CentreForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        streets=streets,
        editing=True,
    )
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda data: centre_update(actor=request.user, centre=found, **data),
            message=MSG_CENTRE_SAVED,
            then=lambda _centre: redirect("health:centres"),
        )
        if done:
            return done
    status = 400 if form.is_bound else 200
    context = {"centre": found, "form": form}
    return render(request, "healthcentre/centres/edit.html", context, status=status)
