# Every page of a plan is named "plan-…", so the nav marks "Plans" as current.
from django.urls import path

from missions import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("suggest/plans/", views.plan_suggestions, name="suggest-plans"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan-submit"),
    path("plans/<int:pk>/review/", views.plan_review, name="plan-review"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan-approve"),
    path("plans/<int:pk>/activate/", views.plan_activate, name="plan-activate"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan-close"),
    path("plans/<int:pk>/lines/new/", views.line_create, name="plan-line-create"),
    path("plans/lines/<int:pk>/edit/", views.line_edit, name="plan-line-edit"),
    path("plans/lines/<int:pk>/delete/", views.line_delete, name="plan-line-delete"),
    path(
        "plans/lines/<int:pk>/activities/new/",
        views.activity_create,
        name="plan-activity-create",
    ),
    path("plans/activities/<int:pk>/edit/", views.activity_edit, name="plan-activity-edit"),
    path("plans/activities/<int:pk>/delete/", views.activity_delete, name="plan-activity-delete"),
    path(
        "plans/activities/<int:pk>/progress/",
        views.activity_progress,
        name="plan-activity-progress",
    ),
    path("plans/<int:pk>/milestones/new/", views.milestone_create, name="plan-milestone-create"),
    path("plans/milestones/<int:pk>/edit/", views.milestone_edit, name="plan-milestone-edit"),
    path("plans/milestones/<int:pk>/delete/", views.milestone_delete, name="plan-milestone-delete"),
    path(
        "plans/<int:pk>/consultations/new/",
        views.consultation_create,
        name="plan-consultation-create",
    ),
    path(
        "plans/consultations/<int:pk>/edit/",
        views.consultation_edit,
        name="plan-consultation-edit",
    ),
    path(
        "plans/consultations/<int:pk>/delete/",
        views.consultation_delete,
        name="plan-consultation-delete",
    ),
    path(
        "plans/<int:pk>/field-reports/new/",
        views.field_report_create,
        name="plan-field-report-create",
    ),
    path(
        "plans/attachments/<int:pk>/",
        views.attachment_download,
        name="plan-attachment-download",
    ),
]
