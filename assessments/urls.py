from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/results/", views.cycle_results, name="cycle_results"),
    path("cycles/<int:pk>/advance/", views.cycle_advance, name="cycle_advance"),
    path("cycles/<int:pk>/publish/", views.cycle_publish, name="cycle_publish"),
    path("cycles/<int:pk>/ledger.xlsx", views.cycle_export, name="cycle_export"),
    path("cycles/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("cycles/<int:pk>/inspections/new/", views.inspection_create, name="inspection_create"),
    path("cycles/<int:pk>/score/<int:branch_pk>/", views.score, name="score"),
    path(
        "cycles/<int:pk>/score/<int:branch_pk>/evidence/<int:criterion_pk>/",
        views.score_evidence,
        name="score_evidence",
    ),
    path(
        "cycles/<int:pk>/score/<int:branch_pk>/evidence/<int:criterion_pk>/document/",
        views.score_evidence_document,
        name="score_evidence_document",
    ),
    path("cycles/<int:pk>/evidence/<int:branch_pk>/", views.cycle_evidence, name="evidence"),
    path("tasks/<int:task_pk>/done/", views.task_done, name="task_done"),
    path(
        "inspections/<int:inspection_pk>/rectified/",
        views.inspection_rectified,
        name="inspection_rectified",
    ),
    path("versions/", views.version_list_view, name="versions"),
    path("versions/new/", views.version_create, name="version_create"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/criteria/new/", views.criterion_edit, name="criterion_create"),
    path(
        "versions/<int:pk>/criteria/<int:criterion_pk>/edit/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path("versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:pk>/copy/", views.version_copy, name="version_copy"),
    path("reminders/", views.reminder_list, name="reminders"),
    path("reminders/<int:pk>/", views.reminder_open, name="reminder_open"),
    path("reminders/read/", views.reminders_read, name="reminders_read"),
    path("reminders/undelivered/", views.delivery_list, name="deliveries"),
    path("reminders/undelivered/resend/", views.deliveries_resend, name="deliveries_resend"),
    path("reminders/undelivered/<int:pk>/resend/", views.delivery_resend, name="delivery_resend"),
]
