from django.urls import path

from reports import views

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/status/", views.report_status, name="report-status"),
    path("reports/<int:pk>/download/", views.report_download, name="report-download"),
    path("reports/<int:pk>/retry/", views.report_retry, name="report-retry"),
]
