"""Punchout addresses, outside i18n_patterns: ordering systems post to /punchout/cxml/, and the shop's
language comes from the session, not from the path."""

from django.urls import path

from punchout import ubl_views, views

app_name = "punchout"

urlpatterns = [
    path("cxml/", views.cxml_setup, name="cxml-setup"),
    path("cxml", views.cxml_setup),  # without the slash too: a redirect would lose the POST body
    path("oci/", views.oci_start, name="oci-start"),
    path("oci", views.oci_start),
    path("oci/token/", views.oci_token, name="oci-token"),
    path("start/<str:token>/", views.start, name="start"),
    path("s/<str:key>/", views.shop, name="shop"),
    path("s/<str:key>/forslag/", views.suggestions, name="suggestions"),
    path("s/<str:key>/lagg-till/", views.add, name="add"),
    path("s/<str:key>/varukorg/", views.update_basket, name="basket"),
    path("s/<str:key>/overfor/", views.transfer, name="transfer"),
    path("s/<str:key>/avbryt/", views.cancel, name="cancel"),
    path("peppol/start/", ubl_views.start, name="peppol-start"),
    path("peppol/basket/<str:basket_id>/", ubl_views.basket, name="peppol-basket"),
    path("s/<str:key>/order/<str:orgnr>/", ubl_views.order_download, name="order"),
]
