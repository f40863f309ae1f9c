"""Shared pieces for parsing upstream JSON into typed models, once, at the edge.

The real plugins mix formats: model timestamps are UTC ISO-8601 (``2026-11-22T20:33:48+00:00``)
while ``last_customer_response``, ``last_agent_response``, ``resolved_at`` and every FluentCRM
date are naive site-local times (``2026-11-23 06:50:21``). Models declare which with
:data:`UtcTime` or :data:`LocalTime`; local times are read in the site's zone, passed as
validation context, and every datetime a template sees is aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo

from dashboard.fluent import errors

T = TypeVar("T")


def site_zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _blank_to_none(value: Any) -> Any:
    if value in ("", None, "0000-00-00 00:00:00", "0000-00-00"):
        return None
    return value


def _utc(value: Any) -> datetime | None:
    value = _blank_to_none(value)
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _local(value: Any, info: ValidationInfo) -> datetime | None:
    value = _blank_to_none(value)
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo:
        return parsed
    zone = (info.context or {}).get("zone") or ZoneInfo("UTC")
    return parsed.replace(tzinfo=zone)


def _int_or_none(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, str) and not value.lstrip("-").isdigit():
        return None
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


UtcTime = Annotated[datetime | None, BeforeValidator(_utc)]
LocalTime = Annotated[datetime | None, BeforeValidator(_local)]
OptionalInt = Annotated[int | None, BeforeValidator(_int_or_none)]
Text = Annotated[str, BeforeValidator(_text)]


class Model(BaseModel):
    """Unknown keys are ignored and numeric strings become numbers: plugin versions differ."""

    model_config = ConfigDict(extra="ignore", frozen=False, populate_by_name=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = 0
    page: int = 1
    per_page: int = 15
    last_page: int = 1

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page


def parse(model: type[Any], data: Any, *, zone: ZoneInfo | None = None, label: str = "") -> Any:
    """Validate ``data`` into ``model``; a reply that does not fit becomes a BadReplyError."""
    try:
        return model.model_validate(data, context={"zone": zone or ZoneInfo("UTC")})
    except (ValidationError, TypeError, ValueError) as exc:
        raise errors.BadReplyError(
            "The site's answer did not have the expected shape (plugin version mismatch?).",
            site_label=label,
        ) from exc


def paginator(data: Any, key: str) -> dict[str, Any]:
    """Read a Laravel-style paginator nested under ``key`` into Page fields."""
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise errors.BadReplyError(f"The site's answer had no '{key}' list.")
    block = data[key]
    return {
        "items": block.get("data") or [],
        "total": block.get("total") or 0,
        "page": block.get("current_page") or 1,
        "per_page": block.get("per_page") or 15,
        "last_page": block.get("last_page") or 1,
    }
