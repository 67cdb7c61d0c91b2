"""Setting a community's duty up: posts with their shifts, people on duty, absences."""

from django.urls import path

from shoumen.duty import setup_views

urlpatterns = [
    path("unit/<int:community_pk>/posts/", setup_views.posts, name="posts"),
    path(
        "unit/<int:community_pk>/posts/from-checkpoints/",
        setup_views.posts_from_checkpoints_view,
        name="posts_from_checkpoints",
    ),
    path("unit/<int:community_pk>/posts/new/", setup_views.post_new, name="post_new"),
    path("posts/<int:post_pk>/", setup_views.post_edit, name="post_edit"),
    path("unit/<int:community_pk>/people/", setup_views.people, name="people"),
    path("unit/<int:community_pk>/people/new/", setup_views.person_new, name="person_new"),
    path("people/<int:person_pk>/", setup_views.person, name="person"),
    path("people/<int:person_pk>/edit/", setup_views.person_edit, name="person_edit"),
    path("absences/<int:absence_pk>/delete/", setup_views.absence_delete, name="absence_delete"),
]
