"""One's own shifts: the phone page, checking in and out, the calendar feed."""

from django.urls import path

from shoumen.duty import my_views

urlpatterns = [
    path("me/", my_views.my_shifts, name="my_shifts"),
    path("me/shifts/<int:assignment_pk>/check-in/", my_views.check_in, name="check_in"),
    path("me/calendar/reset/", my_views.calendar_reset, name="calendar_reset"),
    path("calendar/<uuid:token>.ics", my_views.calendar, name="calendar"),
]
