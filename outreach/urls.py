from django.urls import path

from outreach import views

urlpatterns = [
    path("plans/<int:pk>/communication/", views.plan_section, name="outreach-plan-section"),
]
