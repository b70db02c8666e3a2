from django.urls import path

from activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("ledger.xlsx", views.activity_ledger, name="ledger"),
    path("compliance/", views.compliance, name="compliance"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/submit/", views.activity_submit, name="submit"),
    path("<int:pk>/delete/", views.activity_delete, name="delete"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("brands/", views.brand_list, name="brands"),
    path("brands/<int:branch_pk>/edit/", views.brand_edit, name="brand_edit"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/document/", views.rule_document, name="rule_document"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/new/", views.suggestion_create, name="suggestion_create"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion_detail"),
    path("suggestions/<int:pk>/next/", views.suggestion_move, name="suggestion_move"),
]
