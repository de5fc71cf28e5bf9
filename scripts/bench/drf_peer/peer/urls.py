from django.urls import path

from . import views

urlpatterns = [path("api/v1/folders/<uuid:folder_id>/boards", views.folder_boards)]
