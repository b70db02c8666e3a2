from django.urls import path

from members import dues_views, moves_views, recruitment_views, views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("import/", views.roster_import, name="import"),
    path("import/template.xlsx", views.roster_template, name="template"),
    path("export.xlsx", views.roster_export, name="export"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_pk>/step/", views.transfer_step, name="transfer_step"),
    path("transfers/<int:transfer_pk>/letter/", moves_views.letter_record, name="letter_record"),
    path("letters/<int:letter_pk>/arrival/", moves_views.letter_arrival, name="letter_arrival"),
    path("letters/<int:letter_pk>/receipt/", moves_views.letter_receipt, name="letter_receipt"),
    path("letters/<int:letter_pk>/correct/", moves_views.letter_correct, name="letter_correct"),
    path("branches/<int:pk>/moves/", moves_views.branch_moves, name="branch_moves"),
    path("<int:pk>/transfer-out/", moves_views.letter_issue, name="letter_issue"),
    path("<int:pk>/certificate/", moves_views.certificate_record, name="certificate_record"),
    path("posts/<int:post_pk>/end/", views.post_end, name="post_end"),
    path("dues/", dues_views.overview, name="dues"),
    path("dues/<int:year>.xlsx", dues_views.summary_xlsx, name="dues_summary_xlsx"),
    path("dues/branch/<int:pk>/", dues_views.branch_ledger, name="dues_branch"),
    path("dues/branch/<int:pk>/<int:year>.xlsx", dues_views.year_xlsx, name="dues_year_xlsx"),
    path("dues/branch/<int:pk>/<str:month>/", dues_views.collect, name="dues_collect"),
    path("dues/branch/<int:pk>/<str:month>.xlsx", dues_views.month_xlsx, name="dues_month_xlsx"),
    path("<int:pk>/dues/base/", dues_views.base_record, name="dues_base"),
    path("<int:pk>/dues/reason/", dues_views.reason_record, name="dues_reason"),
    path("recruiting/", recruitment_views.street, name="recruiting_street"),
    path("recruiting/due/", recruitment_views.due, name="recruiting_due"),
    path(
        "recruiting/<int:candidate_pk>/",
        recruitment_views.candidate_detail,
        name="candidate_detail",
    ),
    path(
        "recruiting/<int:candidate_pk>/end/",
        recruitment_views.candidate_end,
        name="candidate_end",
    ),
    path(
        "recruiting/<int:candidate_pk>.xlsx",
        recruitment_views.candidate_xlsx,
        name="candidate_xlsx",
    ),
    path("branches/<int:pk>/recruiting/", recruitment_views.pipeline, name="recruiting"),
    path(
        "branches/<int:pk>/recruiting/new/",
        recruitment_views.candidate_create,
        name="candidate_create",
    ),
    path(
        "branches/<int:pk>/recruiting.xlsx", recruitment_views.pipeline_xlsx, name="recruiting_xlsx"
    ),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/personal-data/", views.member_personal_data, name="personal_data"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/move/", views.member_move, name="move"),
    path("<int:pk>/leave/", views.member_leave, name="leave"),
    path("<int:pk>/join/", views.member_join, name="join"),
    path("<int:pk>/transfer/", views.transfer_request, name="transfer_request"),
    path("<int:pk>/posts/new/", views.post_assign, name="post_assign"),
    path("branches/<int:pk>/elections/", views.election_list, name="elections"),
    path("branches/<int:pk>/elections/new/", views.election_create, name="election_create"),
    path("branches/<int:pk>/decisions/new/", views.decision_create, name="decision_create"),
    path("elections/<int:election_pk>/", views.election_detail, name="election_detail"),
    path("elections/<int:election_pk>/appoint/", views.election_appoint, name="election_appoint"),
]
