from django.urls import path

from accounts import two_factor_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("work/badge/", views.work_badge, name="work-badge"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("suggest/organisations/", views.organisation_suggestions, name="suggest-organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("notifications/", views.notification_inbox, name="notification-inbox"),
    path("notifications/bell/", views.notification_bell, name="notification-bell"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("profile/", views.profile, name="profile"),
    path("profile/language/", views.profile_locale, name="profile-locale"),
    path("login/code/", two_factor_views.two_factor_code, name="two-factor-code"),
    path("profile/two-factor/", two_factor_views.two_factor_setup, name="two-factor-setup"),
    path(
        "profile/two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path(
        "profile/two-factor/recovery-codes/new/",
        two_factor_views.two_factor_recovery_codes_new,
        name="two-factor-recovery-codes-new",
    ),
    path(
        "profile/two-factor/off/",
        two_factor_views.two_factor_disable,
        name="two-factor-disable",
    ),
]
