from django.urls import path

from secondments import views

urlpatterns = [
    path("secondments/", views.secondment_list, name="secondment-list"),
    path("secondments/new/", views.secondment_create, name="secondment-create"),
    path("secondments/<int:pk>/", views.secondment_detail, name="secondment-detail"),
    path("secondments/<int:pk>/decide/", views.secondment_decide, name="secondment-decide"),
    path("secondments/<int:pk>/extend/", views.secondment_extend, name="secondment-extend"),
    path("secondments/<int:pk>/end/", views.secondment_end, name="secondment-end"),
    path("secondments/<int:pk>/cancel/", views.secondment_cancel, name="secondment-cancel"),
    path(
        "secondments/people/<int:pk>/",
        views.person_secondments,
        name="secondment-person",
    ),
    path("posts/<int:pk>/", views.post_detail, name="post-detail"),
    path("suggest/posts/", views.post_suggestions, name="suggest-posts"),
    path("trainings/", views.training_list, name="training-list"),
    path("trainings/completed/", views.trainings_completed, name="trainings-completed"),
    path("trainings/<int:pk>/register/", views.training_register, name="training-register"),
]
