from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("<int:pk>/", views.article_detail, name="article-detail"),
    # A slug after the id is for people reading the link; the id alone finds the story.
    path("<int:pk>/<str:slug>/", views.article_detail, name="article-detail-slug"),
]
