from django.urls import path

from followup import views

app_name = "followup"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<str:section>.<str:fmt>", views.export, name="export"),
    path("inkop/", views.purchases, name="purchases"),
    path("inkop/<int:purchase_id>/avtal/", views.purchase_agreement, name="purchase-agreement"),
]
