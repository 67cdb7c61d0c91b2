from django.urls import path

from shoumen.observation import link_views

app_name = "links"
urlpatterns = [
    path("links/person/<int:pk>/", link_views.link_person, name="person"),
    path("links/person/<int:pk>/issue/", link_views.link_issue, name="issue"),
    path("links/<int:pk>/regenerate/", link_views.link_regenerate, name="regenerate"),
    path("links/<int:pk>/revoke/", link_views.link_revoke, name="revoke"),
    path("links/<int:pk>/card/", link_views.link_card, name="card"),
    path("links/<int:pk>/qr.png", link_views.link_qr_png, name="qr_png"),
    path("links/<int:pk>/qr.svg", link_views.link_qr_svg, name="qr_svg"),
    # The personal link itself: short, because it is printed as a QR code.
    path("r/<str:token>/", link_views.self_report, name="self_report"),
]
