"""Content-Security-Policy (django-csp): strict on the hub's own pages, Wagtail's needs in its admin.

The public pages run only the hub's own script files, plus inline scripts that carry the request's
nonce (`<script nonce="{{ request.csp_nonce }}">`); no inline styles. Wagtail's admin writes inline
scripts and style attributes, so its paths get 'unsafe-inline' for both, and may frame itself
(page previews). X-Frame-Options DENY stays for everything else.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_ALLOWANCES = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}


class HubCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIXES):
            # 'unsafe-inline' is ignored by browsers when a nonce is present: the admin gets none.
            parts.replace = {**ADMIN_ALLOWANCES, **(parts.replace or {})}
            parts.nonce = None
        return parts
