from django.urls import path

from articles.contributors import views

app_name = "contributors"
urlpatterns = [
    path("contributors/<int:pk>/", views.contributor_detail, name="contributor-detail"),
]
