from django.urls import path

from capabilities import views

urlpatterns = [
    path("plans/<int:pk>/capabilities/", views.plan_section, name="capabilities-plan-section"),
]
