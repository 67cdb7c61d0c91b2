"""Swaps and sick calls: the staff's list of swaps, asking for a swap, deciding and
withdrawing it, calling in sick and covering the gap."""

from django.urls import path

from shoumen.duty import swap_views

urlpatterns = [
    path("unit/<int:pk>/swaps/", swap_views.swaps_page, name="swaps"),
    path("shifts/<int:pk>/swap/", swap_views.swap_new, name="swap_new"),
    path("swaps/<int:pk>/decide/", swap_views.swap_decide, name="swap_decide"),
    path("swaps/<int:pk>/withdraw/", swap_views.swap_withdraw_view, name="swap_withdraw"),
    path("shifts/<int:pk>/sick/", swap_views.sick_call_view, name="sick_call"),
    path("shifts/<int:pk>/cover/", swap_views.cover_view, name="cover"),
]
