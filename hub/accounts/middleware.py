"""Signed-in users who lack an admin area's permission get the styled 403, not a login page.

Wagtail and Django's admin send such users back to their login form, where a signed-in buyer
could only loop; a clear refusal in the page's language says what happened.
"""

from django.core.exceptions import PermissionDenied

from hub.accounts.access import may_enter_staff_area


class StaffAreaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not may_enter_staff_area(user, request.path_info):
            raise PermissionDenied
        return self.get_response(request)
