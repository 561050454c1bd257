from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
]
