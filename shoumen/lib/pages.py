"""Small helpers shared by the server-rendered pages: 404 for out of scope, pagination,
and service ValidationErrors mapped onto form fields."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404

T = TypeVar("T")

PAGE_SIZE = 25


def or_404(selector: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a scoped ``*_for`` selector; an object missing or out of scope is a 404."""
    try:
        return selector(*args, **kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def paginate(request, queryset, per_page: int = PAGE_SIZE) -> Page:
    """One page of ``queryset`` from ``?page=``; a bad page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def add_service_errors(form, exc: ValidationError, field_map: dict[str, str] | None = None):
    """Put a service's ValidationError on the form: per field where the form has the field,
    otherwise on the form as a whole."""
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        name = field_map.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


def posted(request):
    """Form data when the request is a POST (even an empty one), else None for an unbound form."""
    return request.POST if request.method == "POST" else None
