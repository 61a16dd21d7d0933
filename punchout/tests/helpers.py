"""Steps the punchout tests share: open a session by cXML, follow the StartPage, read the returned form."""

from __future__ import annotations

import base64
import html
import re

from lxml import etree

from catalogue import safe_xml
from punchout.tests.fixtures import setup_request


def open_session(client, **request) -> str:
    """Post a setup request and return the StartPage path."""
    response = client.generic("POST", "/punchout/cxml/", data=setup_request(**request), content_type="text/xml")
    assert response.status_code == 200, response.content
    url = etree.fromstring(response.content, safe_xml.parser()).findtext("Response/PunchOutSetupResponse/StartPage/URL")
    return "/" + url.split("/", 3)[3]


def start_shopping(client, **request) -> str:
    """Open a session and use its start token; returns the shop's path (with the session key)."""
    response = client.get(open_session(client, **request))
    assert response.status_code == 303
    return response["Location"]


def returned_form(response) -> dict[str, str]:
    """The hidden fields and the action of the auto-posting return form."""
    text = response.content.decode()
    form = re.search(r'<form method="post" action="([^"]*)" id="punchout-return"', text)
    assert form is not None, "no auto-posting return form on the page"
    action = html.unescape(form.group(1))
    fields = {
        html.unescape(name): html.unescape(value) for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', text)
    }
    return {"action": action, **fields}


def returned_cxml(response) -> bytes:
    form = returned_form(response)
    if "cxml-base64" in form:
        return base64.b64decode(form["cxml-base64"])
    return form["cxml-urlencoded"].encode("utf-8")
