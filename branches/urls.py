from django.urls import path

from branches import views

app_name = "branches"

urlpatterns = [
    path("", views.branch_list, name="list"),
    path("coverage/", views.coverage, name="coverage"),
    path("new/", views.branch_establish, name="establish"),
    path("<int:pk>/", views.branch_detail, name="detail"),
    path("<int:pk>/edit/", views.branch_edit, name="edit"),
    path("<int:pk>/transform/", views.branch_transform, name="transform"),
    path("<int:pk>/dissolve/", views.branch_dissolve, name="dissolve"),
    path("<int:pk>/seats/new/", views.seat_appoint, name="seat_appoint"),
    path("<int:pk>/terms/new/", views.term_record, name="term_record"),
    path("seats/<int:seat_pk>/end/", views.seat_end, name="seat_end"),
    path("<int:pk>/groups/new/", views.party_group_create, name="party_group_create"),
    path("<int:pk>/archives/new/", views.archive_request, name="archive_request"),
    path("archives/<int:archive_pk>/", views.archive_status, name="archive_status"),
    path("archives/<int:archive_pk>/download/", views.archive_download, name="archive_download"),
    path("groups/<int:group_pk>/edit/", views.party_group_edit, name="party_group_edit"),
    path(
        "groups/<int:group_pk>/dissolve/", views.party_group_dissolve, name="party_group_dissolve"
    ),
]
