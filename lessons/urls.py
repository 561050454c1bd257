from django.urls import path

from lessons import views

urlpatterns = [
    path("lessons/", views.lesson_list, name="lesson-list"),
    path("lessons/new/", views.lesson_capture, name="lesson-capture"),
    path("lessons/following/", views.subscriptions, name="lesson-subscriptions"),
    path(
        "lessons/following/<int:pk>/stop/",
        views.subscription_stop,
        name="lesson-subscription-stop",
    ),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson-detail"),
    path("lessons/<int:pk>/edit/", views.lesson_edit, name="lesson-edit"),
    path("lessons/<int:pk>/move/", views.lesson_transition, name="lesson-transition"),
    path("lessons/<int:pk>/release/", views.lesson_release, name="lesson-release"),
    path(
        "lessons/<int:pk>/release/decide/",
        views.lesson_release_decide,
        name="lesson-release-decide",
    ),
    path("lessons/<int:pk>/actions/new/", views.action_create, name="lesson-action-create"),
    path(
        "lessons/<int:pk>/actions/<int:action_pk>/",
        views.action_update,
        name="lesson-action-update",
    ),
    path(
        "lessons/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="lesson-attachment",
    ),
    path("lessons/related/plan/<int:pk>/", views.related_to_plan, name="lesson-related-plan"),
]
