"""The simulator's request and reply types and route table entries, shared by the WSGI entry
point (app.py) and every route handler, plus how a request's query and body are read."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import policy as email_policy
from email.parser import BytesParser
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .store import User

if TYPE_CHECKING:
    from .state import SiteState


@dataclass
class Reply:
    """A handler's answer: JSON body unless `raw` is given."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json; charset=UTF-8"
    allow: bool = True  # whether the route's Allow header belongs on this answer


@dataclass
class Request:
    method: str
    path: str  # after /wp-json, e.g. /fluent-support/v2/tickets
    query: dict[str, Any]
    body: dict[str, Any]
    user: User | None
    base_url: str
    args: dict[str, str]

    def param(self, name: str, default: Any = None) -> Any:
        if name in self.body:
            return self.body[name]
        return self.query.get(name, default)


class DropConnection(ConnectionAbortedError):
    """Raised to close the client's connection without any answer."""


# A route handler: the site (its data, clock and viewers) and the request in, a reply out.
Handler = Callable[["SiteState", Request], Reply]


@dataclass
class Route:
    """One registered REST route: its path regex, handlers per method and permission rule."""

    path: str
    methods: dict[str, Handler]
    allow: str
    # None = public; otherwise a callable returning None (allowed), 401 or 403.
    policy: Callable[[User | None], int | None] | None = None
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.pattern = re.compile(self.path)

    def check(self, user: User | None) -> int | None:
        return self.policy(user) if self.policy is not None else None


def php_parse(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Parse `a[b][]=1` style keys into nested dicts and lists, like PHP's $_GET."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        match = re.match(r"^([^\[]+)((?:\[[^\]]*\])*)$", key)
        if not match:
            out[key] = value
            continue
        parts = [match.group(1), *re.findall(r"\[([^\]]*)\]", match.group(2))]
        node: Any = out
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if isinstance(node, list):
                if last:
                    node.append(value)
                    break
                child: Any = [] if parts[index + 1] == "" else {}
                node.append(child)
                node = child
                continue
            if last:
                node[part] = value
            else:
                want_list = parts[index + 1] == ""
                existing = node.get(part)
                if not isinstance(existing, (dict, list)):
                    existing = [] if want_list else {}
                    node[part] = existing
                node = existing
    return out


def read_body(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return {}
    raw = environ["wsgi.input"].read(length)
    content_type = environ.get("CONTENT_TYPE", "")
    if "json" in content_type:
        try:
            data = json.loads(raw.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError("invalid JSON body") from exc
        return data if isinstance(data, dict) else {}
    if "multipart" in content_type:
        return _multipart(raw, content_type)
    return php_parse(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


def _multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    """A multipart/form-data body: text fields as strings, files as dicts with their bytes."""
    message = BytesParser(policy=email_policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    out: dict[str, Any] = {}
    if not message.is_multipart():
        return out
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            out[str(name)] = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "content": payload,
            }
        else:
            out[str(name)] = payload.decode("utf-8", "replace")
    return out
