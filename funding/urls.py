from django.urls import path

from funding import views

urlpatterns = [
    path("plans/<int:pk>/funding/", views.plan_section, name="funding-plan-section"),
]
