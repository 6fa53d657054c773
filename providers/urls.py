from django.urls import path

from providers import views

app_name = "catalogue"

urlpatterns = [
    path("", views.provider_list, name="provider_list"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider_detail"),
    path("offerings/", views.offering_list, name="offering_list"),
    path("offerings/<slug:slug>/", views.offering_detail, name="offering_detail"),
]
