"""WordPress's text functions, as Fluent Support applies them to what it is sent.

The plugin runs posted text through wp_kses_post, sometimes decodes entities afterwards
(wp_specialchars_decode), runs bulk replies through sanitize_text_field, strips backslashes
(wp_unslash) and wraps content in paragraphs (wpautop) when a ticket is read. Which of these run,
and in which order, decides whether typed text stays literal, so the simulator does each the
way WordPress 6.9 does for the inputs that matter (see REAL-API.md "Text escaping" and the
``seq_escaping_*`` captures). These are reimplementations from the documented behaviour, not
complete ports: rare corners (CSS filtering inside ``style``, every entity name) are simplified.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint

# wp_kses_post's tags (allowedposttags), with the attributes each allows besides the global ones.
_POST_TAGS: dict[str, set[str]] = {
    "address": set(), "a": {"href", "rel", "rev", "name", "target", "download", "hreflang",
    "referrerpolicy"}, "abbr": set(), "acronym": set(), "area": {"alt", "coords", "href",
    "nohref", "shape", "target"}, "article": {"align"}, "aside": {"align"}, "audio": {
    "autoplay", "controls", "loop", "muted", "preload", "src"}, "b": set(), "bdo": set(),
    "big": set(), "blockquote": {"cite"}, "br": set(), "button": {"disabled", "name", "type",
    "value"}, "caption": {"align"}, "cite": set(), "code": set(), "col": {"align", "char",
    "charoff", "span", "valign", "width"}, "colgroup": {"align", "char", "charoff", "span",
    "valign", "width"}, "del": {"datetime"}, "dd": set(), "dfn": set(), "details": {"align",
    "open"}, "div": {"align"}, "dl": set(), "dt": set(), "em": set(), "fieldset": set(),
    "figure": {"align"}, "figcaption": {"align"}, "font": {"color", "face", "size"},
    "footer": {"align"}, "h1": {"align"}, "h2": {"align"}, "h3": {"align"}, "h4": {"align"},
    "h5": {"align"}, "h6": {"align"}, "header": {"align"}, "hgroup": {"align"}, "hr": {
    "align", "noshade", "size", "width"}, "i": set(), "img": {"alt", "align", "border",
    "height", "hspace", "loading", "longdesc", "vspace", "src", "usemap", "width", "decoding",
    "srcset", "sizes"}, "ins": {"datetime", "cite"}, "kbd": set(), "label": {"for"},
    "legend": {"align"}, "li": {"align", "value"}, "main": {"align"}, "map": {"name"},
    "mark": set(), "menu": {"type"}, "nav": {"align"}, "object": {"data", "type"}, "p": {
    "align"}, "pre": {"width"}, "q": {"cite"}, "rb": set(), "rp": set(), "rt": set(),
    "rtc": set(), "ruby": set(), "s": set(), "samp": set(), "span": {"align"}, "section": {
    "align"}, "small": set(), "strike": set(), "strong": set(), "sub": set(), "summary": {
    "align"}, "sup": set(), "table": {"align", "bgcolor", "border", "cellpadding",
    "cellspacing", "rules", "summary", "width"}, "tbody": {"align", "char", "charoff",
    "valign"}, "td": {"abbr", "align", "axis", "bgcolor", "char", "charoff", "colspan",
    "headers", "height", "nowrap", "rowspan", "scope", "valign", "width"}, "textarea": {
    "cols", "rows", "disabled", "name", "readonly"}, "tfoot": {"align", "char", "charoff",
    "valign"}, "th": {"abbr", "align", "axis", "bgcolor", "char", "charoff", "colspan",
    "headers", "height", "nowrap", "rowspan", "scope", "valign", "width"}, "thead": {"align",
    "char", "charoff", "valign"}, "title": set(), "tr": {"align", "bgcolor", "char",
    "charoff", "valign"}, "track": {"default", "kind", "label", "src", "srclang"}, "tt": set(),
    "u": set(), "ul": {"type"}, "ol": {"start", "type", "reversed"}, "var": set(), "video": {
    "autoplay", "controls", "height", "loop", "muted", "playsinline", "poster", "preload",
    "src", "width"},
}  # fmt: skip
_GLOBAL_ATTRIBUTES = {"aria-", "class", "data-", "dir", "id", "lang", "style", "title", "role"}
_URI_ATTRIBUTES = {"action", "cite", "codebase", "data", "href", "longdesc", "poster", "src",
                   "usemap", "xmlns", "background", "formaction", "srcset", "lowsrc"}  # fmt: skip
_PROTOCOLS = {"http", "https", "ftp", "ftps", "mailto", "news", "irc", "irc6", "ircs",
              "gopher", "nntp", "feed", "telnet", "mms", "rtsp", "sms", "svn", "tel", "fax",
              "xmpp", "webcal", "urn"}  # fmt: skip

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TOKEN = re.compile(r"(<!--.*?(?:-->|$))|(<[^>]*(?:>|$)|>)", re.S)
_TAG = re.compile(r"^<\s*(/\s*)?([a-zA-Z0-9-]+)([^>]*)>?$", re.S)


def _attribute_allowed(element: str, name: str) -> bool:
    name = name.lower()
    if name in _POST_TAGS[element] or name in _GLOBAL_ATTRIBUTES:
        return True
    return name.startswith(("data-", "aria-")) and len(name) > 5


def _bad_protocol(value: str) -> str:
    # Strip any scheme that is not allowed (repeatedly, as WordPress does: "javascript:" goes).
    while True:
        match = re.match(r"^\s*([^\s:/?#]+):", value)
        if not match or match.group(1).lower() in _PROTOCOLS:
            return value
        value = value[match.end() :]


def _attributes(attrs: str) -> list[tuple[str, str]]:
    """wp_kses_hair: (name, rebuilt attribute) pairs, first occurrence of each name wins."""
    found: dict[str, str] = {}
    mode, name = 0, ""
    while attrs:
        working = False
        if mode == 0:
            match = re.match(r"[_a-zA-Z][-_a-zA-Z0-9:.]*", attrs)
            if match:
                name, attrs, mode, working = match.group(0), attrs[match.end() :], 1, True
        elif mode == 1:
            match = re.match(r"\s*=\s*", attrs)
            if match:
                attrs, mode, working = attrs[match.end() :], 2, True
            else:
                match = re.match(r"\s+", attrs)
                if match:
                    found.setdefault(name, name)
                    attrs, mode, working = attrs[match.end() :], 0, True
        else:
            for pattern, quote in (
                (r'"([^"]*)"(?:\s+|/?$)', '"'),
                (r"'([^']*)'(?:\s+|/?$)", "'"),
                (r"([^\s\"']+)(?:\s+|/?$)", '"'),
            ):
                match = re.match(pattern, attrs)
                if match:
                    value = match.group(1)
                    if name.lower() in _URI_ATTRIBUTES:
                        value = _bad_protocol(value)
                    found.setdefault(name, f"{name}={quote}{value}{quote}")
                    attrs, mode, working = attrs[match.end() :], 0, True
                    break
        if not working:
            # Not well formed: drop up to the next space and start again.
            attrs = re.sub(r"""^(?:"[^"]*(?:"|$)|'[^']*(?:'|$)|\S)*\s*""", "", attrs, count=1)
            mode = 0
    if mode == 1:
        found.setdefault(name, name)
    return list(found.items())


def _tag(token: str) -> str:
    """wp_kses_split2: one tag-like span, kept (cleaned) only if it is an allowed tag."""
    if not token.startswith("<"):
        return "&gt;"
    if token.startswith("<!--"):
        inner = token.replace("<!--", "").replace("-->", "")
        while (cleaned := kses(inner)) != inner:
            inner = cleaned
        if not inner:
            return ""
        inner = re.sub(r"-$", "", re.sub(r"--+", "-", inner))
        return f"<!--{inner}-->"
    token = token.replace('\\"', '"')
    match = _TAG.match(token)
    if not match:
        return ""
    slash, element, attrs = match.group(1) or "", match.group(2), match.group(3)
    if element.lower() not in _POST_TAGS:
        return ""
    if slash.strip():
        return f"</{element}>"
    closing = " /" if re.search(r"\s*/\s*$", attrs) else ""
    kept = "".join(
        f" {whole}"
        for name, whole in _attributes(attrs)
        if _attribute_allowed(element.lower(), name)
    )
    return f"<{element}{re.sub(r'[<>]', '', kept)}{closing}>"


def _normalize_entities(text: str) -> str:
    """wp_kses_normalize_entities: a bare & becomes &amp;, known entities stay."""
    text = text.replace("&", "&amp;")

    def named(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"&{name};" if name in name2codepoint else f"&amp;{name};"

    def decimal(match: re.Match[str]) -> str:
        digits = match.group(1)
        if not _valid_unicode(int(digits)):
            return f"&amp;#{digits};"
        return "&#" + (digits.lstrip("0") or "0").rjust(3, "0") + ";"

    def hexadecimal(match: re.Match[str]) -> str:
        digits = match.group(1)
        if not _valid_unicode(int(digits, 16)):
            return f"&amp;#x{digits};"
        return "&#x" + digits.lstrip("0") + ";"

    text = re.sub(r"&amp;([A-Za-z]{2,8}[0-9]{0,2});", named, text)
    text = re.sub(r"&amp;#(0*[0-9]{1,7});", decimal, text)
    return re.sub(r"&amp;#[Xx](0*[0-9A-Fa-f]{1,6});", hexadecimal, text)


def _valid_unicode(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def kses(text: str) -> str:
    """wp_kses_post: allowed tags rebuilt with allowed attributes, others removed (their text
    stays), entities normalised, nothing decoded."""
    text = _normalize_entities(_CONTROL.sub("", text))
    return _TOKEN.sub(lambda m: _tag(m.group(0)), text)


_DECODE = {
    "&lt;": "<", "&#060;": "<", "&gt;": ">", "&#062;": ">", "&amp;": "&", "&#038;": "&",
    "&#x26;": "&",
}  # fmt: skip
_DECODE_PATTERN = re.compile("|".join(re.escape(k) for k in _DECODE))


def specialchars_decode(text: str) -> str:
    """wp_specialchars_decode with its default ENT_NOQUOTES: only &lt; &gt; &amp; (and their
    numeric forms) are decoded, in one pass, so "&amp;lt;" becomes "&lt;", not "<"."""
    text = re.sub(r"&#0*60;", "&#060;", text)
    text = re.sub(r"&#0*62;", "&#062;", text)
    text = re.sub(r"&#0*38;", "&#038;", text)
    text = re.sub(r"&#x0*26;", "&#x26;", text, flags=re.I)
    return _DECODE_PATTERN.sub(lambda m: _DECODE[m.group(0)], text)


def unslash(text: str) -> str:
    """wp_unslash (PHP stripslashes): a backslash escapes the next character and is removed."""
    return re.sub(r"\\(.?)", r"\1", text, flags=re.S)


def _strip_tags(text: str) -> str:
    """PHP strip_tags, for text without comments: a "<" followed by a space is not a tag."""
    return re.sub(r"<(?=[^\s<])[^>]*(?:>|$)", "", text)


def strip_all_tags(text: str) -> str:
    """wp_strip_all_tags: script and style go with their content, then every tag."""
    text = re.sub(r"<(script|style)[^>]*?>.*?</\1>", "", text, flags=re.I | re.S)
    return _strip_tags(text).strip()


def sanitize_text_field(text: str) -> str:
    """sanitize_text_field: tags stripped, a lone "<" escaped, whitespace collapsed, octets
    such as %20 removed; entities and quotes are left as they are."""
    if "<" in text:

        def lone(match: re.Match[str]) -> str:
            token = match.group(0)
            return token if ">" in token else token.replace("&", "&amp;").replace("<", "&lt;")

        text = re.sub(r"<[^>]*?((?=<)|>|$)", lone, text)
        text = strip_all_tags(text).replace("<\n", "&lt;\n")
    text = re.sub(r"[\r\n\t ]+", " ", text).strip()
    found = False
    while match := re.search(r"%[a-f0-9]{2}", text, re.I):
        text = text.replace(match.group(0), "")
        found = True
    if found:
        text = re.sub(r" +", " ", text).strip()
    return text


_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form"
    r"|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside"
    r"|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)


def autop(text: str) -> str:
    """wpautop($text, false): blank-line separated blocks wrapped in <p>, each ending "\\n";
    single line breaks are left alone (the plugin calls it without <br> conversion)."""
    if not text.strip():
        return ""
    text += "\n"
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{_BLOCKS}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{_BLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Line breaks inside tags must not split paragraphs.
    text = re.sub(r"<[^>]*>", lambda m: m.group(0).replace("\n", " <!-- wpnl --> "), text)
    text = re.sub(r"\n\n+", "\n\n", text)
    blocks = [b for b in re.split(r"\n\s*\n", text) if b]
    text = "".join(f"<p>{b.strip(chr(10))}</p>\n" for b in blocks)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)", r"\1", text)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


# What Fluent Support 2.0.1 stores for each way text reaches it (the request layer trims and
# strips slashes first; the routes then sanitise as below).


def agent_reply(content: str) -> str:
    """An agent's reply, note or edit: wp_kses_post, nothing decoded."""
    return unslash(kses(kses(unslash(content.strip()))))


def ticket_content(content: str) -> str:
    """A new ticket's text (POST /tickets and the portal): decoded after sanitising, so
    escaped-once text comes out as live HTML."""
    return specialchars_decode(unslash(kses(kses(unslash(content.strip())))))


def customer_reply(content: str) -> str:
    """A customer's reply (customer portal): decoded between two sanitising passes."""
    decoded = specialchars_decode(unslash(kses(unslash(content.strip()))))
    return unslash(kses(decoded))


def title(text: str) -> str:
    """A ticket title: sanitize_text_field (tags go; <, & and quotes stay raw)."""
    return sanitize_text_field(unslash(text.strip()))
