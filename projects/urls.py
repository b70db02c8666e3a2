from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("lead-times/", views.lead_times, name="lead_times"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/timeline/", views.project_timeline_edit, name="timeline"),
    path("<int:pk>/managers/new/", views.manager_appoint, name="manager_appoint"),
    path("<int:pk>/managers/<int:manager_pk>/end/", views.manager_end, name="manager_end"),
    path("<int:pk>/enterprises/add/", views.participation_add, name="participation_add"),
    path(
        "<int:pk>/enterprises/<int:participation_pk>/end/",
        views.participation_end,
        name="participation_end",
    ),
    path("<int:pk>/working-groups/new/", views.working_group_create, name="working_group_create"),
    path(
        "working-groups/<int:group_pk>/edit/", views.working_group_edit, name="working_group_edit"
    ),
    path(
        "working-groups/<int:group_pk>/members/add/",
        views.working_group_member_add,
        name="working_group_member_add",
    ),
    path(
        "working-groups/members/<int:membership_pk>/leave/",
        views.working_group_member_leave,
        name="working_group_member_leave",
    ),
    path("<int:pk>/coordination/new/", views.coordination_raise, name="coordination_raise"),
    path("coordination/", views.coordination_list, name="coordination"),
    path("coordination/<int:item_pk>/", views.coordination_detail, name="coordination_detail"),
    path("coordination/<int:item_pk>/move/", views.coordination_move, name="coordination_move"),
    path("enterprises/", views.enterprise_list, name="enterprises"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
]
