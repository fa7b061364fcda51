"""End-to-end helpers. The tests run against the real action server, Rasa and gateway, started once
per test session with scripts/services.py (the same code scripts/run.sh uses), on free ports and a
fresh data dir; the fixtures that start them are in tests/conftest.py, shared with tests/browser.

Needs RASA_ENV, API_ENV and RASA_MODEL in the environment; scripts/test.sh sets them.
"""

import json
import urllib.error
import urllib.request

# The `services` and `base_url` fixtures live in tests/conftest.py (shared with tests/browser).


def call(base_url, method, path, body=None, raw=None, timeout=60):
    """(status, content type, parsed body) of one HTTP call; never raises for HTTP errors."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base_url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, ctype, text = r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        status, ctype, text = e.code, e.headers.get("Content-Type", ""), e.read().decode()
    return status, ctype, (json.loads(text) if "json" in ctype else text)


class Chat:
    """One conversation through POST /api/v1/chat."""

    def __init__(self, base_url):
        self.base_url, self.session_id, self.last = base_url, None, None

    def say(self, text=None, payload=None):
        body = {"text": text} if text is not None else {"payload": payload}
        if self.session_id:
            body["session_id"] = self.session_id
        status, _, reply = call(self.base_url, "POST", "/api/v1/chat", body)
        assert status == 200, (status, reply)
        self.session_id = reply["session_id"]
        self.last = reply["messages"]
        return reply["messages"]

    def texts(self):
        return " ".join(m.get("text", "") for m in self.last or [])

    def custom(self, kind):
        return [m["custom"] for m in self.last or [] if (m.get("custom") or {}).get("type") == kind]

    def buttons(self):
        return [b for m in self.last or [] for b in (m.get("buttons") or [])]
