"""What the institution pages and the JSON API share: the pipeline, answers, form fields.

Every institution page answers HTML or data from the same handler: a path under
``/api/`` or ending in ``.json`` (``.jsonl``/``.csv`` for exports) gets data
(:func:`tsunagu.site.account_errors.wants_json`). An action (POST) answers a
page with a 303 redirect to where its result shows, and the API with JSON.
The services in :mod:`tsunagu.institutions` and :mod:`tsunagu.accounts` check
every authorization rule themselves; handlers only find out who is asking.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tsunagu.errors import ConfigError
from tsunagu.pipeline import Pipeline
from tsunagu.site.account_errors import wants_json
from tsunagu.site.rendering import Renderer

#: Largest JSON body of an API call (registration, probe).
MAX_JSON_BODY = 64 * 1024


def pipeline_of(request: Request) -> Pipeline:
    """The pipeline opened by the app's lifespan (it shares the catalog's store)."""
    pipeline: Pipeline = request.state.pipeline
    return pipeline


def renderer_of(request: Request) -> Renderer:
    renderer: Renderer = request.app.state.renderer
    return renderer


def answer(request: Request, template: str, context: dict[str, Any],
           payload: Any, *, status_code: int = 200) -> Response:
    """The page (``template`` with ``context``) or its JSON twin (``payload``)."""
    renderer = renderer_of(request)
    if wants_json(request):
        return renderer.json(plain(payload), status_code=status_code)
    return renderer.html(request, template, context, status_code=status_code)


def done(request: Request, location: str, payload: Any, *, status_code: int = 200) -> Response:
    """After an action: a redirect for a page, the result for the API."""
    if wants_json(request):
        return renderer_of(request).json(plain(payload), status_code=status_code)
    return RedirectResponse(location, status_code=303)


def plain(value: Any) -> Any:
    """Dataclasses, enums, tuples and dicts as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name))
                for field in dataclasses.fields(value) if not callable(getattr(
                    value, field.name))}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(plain(key)): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return value


async def fields_of(request: Request) -> dict[str, Any]:
    """The request's fields: a JSON object (API) or the form (pages), files included."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if len(body) > MAX_JSON_BODY:
            raise ConfigError("the JSON body is too large")
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            raise ConfigError(f"the body is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError("the body must be a JSON object")
        return data
    form: FormData = await request.form()
    fields: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key in fields and not isinstance(value, UploadFile):
            existing = fields[key]
            fields[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            fields[key] = value
    return fields


def text(fields: Mapping[str, Any], name: str, default: str = "") -> str:
    """A single text field (stripped); a list takes its first value."""
    value = fields.get(name, default)
    if isinstance(value, list):
        value = value[0] if value else default
    if value is None:
        return default
    if not isinstance(value, str | int | float):
        raise ConfigError(f"{name} must be text", field=name)
    return str(value).strip()


def texts(fields: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """A repeated field, or one field of values separated by commas or lines."""
    value = fields.get(name)
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{name} must be text", field=name)
        found.extend(part.strip() for part in item.replace("\n", ",").split(","))
    return tuple(part for part in found if part)


async def upload_of(fields: Mapping[str, Any], name: str = "file") -> tuple[bytes, str]:
    """The bytes and file name of an uploaded file field."""
    upload = fields.get(name)
    if not isinstance(upload, UploadFile):
        raise ConfigError("choose a file to upload", field=name)
    data = await upload.read()
    await upload.close()
    return data, upload.filename or ""
