"""JPCOAR licences by scope and per file (``rights.md`` §0, §3.3).

``jpcoar:license/@licenseType`` names the scope of a licence: ``file`` (the
content), ``thumbnail`` or ``metadata``. Content rights are the item's ``file``
licences and ``dc:rights`` (``@rdf:resource`` and text), else those of its
``jpcoar:catalog`` (the database's conditions, warning ``rights_from_catalog``),
else the source default; the thumbnail inherits the content unless a
``thumbnail`` licence is given; metadata rights are the ``metadata`` licence, else
the source's. A licence inside a ``jpcoar:file`` (outside the XSD, seen in
repository output) is that file's own rights, origin ``media``.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from tsunagu.mappings.identifiers import is_http_url, is_iiif_manifest, is_image_url
from tsunagu.mappings.rights import assess_rights, normalize_rights
from tsunagu.mappings.text import clean_text
from tsunagu.records import Media, Rights, RightsOrigin, RightsSet, Source

DC_NS = "http://purl.org/dc/elements/1.1/"
RDF_RESOURCE = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"
RIGHTS_FROM_CATALOG = "rights_from_catalog"
MEDIA_URL_INVALID = "media_url_invalid"
_MEDIA_ROLES = {"thumbnail": "thumbnail", "fulltext": "full", "iiif": "iiif_manifest"}


def _children(element: etree._Element, namespace: str, name: str) -> list[etree._Element]:
    return list(element.iterfind(f"{{{namespace}}}{name}"))


def read_file(element: etree._Element, ns: str, warnings: list[str]) -> Media | None:
    """A ``jpcoar:file`` as :class:`Media` (``None`` without a usable http URL)."""
    uri = element.find(f"{{{ns}}}URI")
    url = clean_text(uri.text) if uri is not None else ""
    if not url:
        return None
    if not is_http_url(url):
        warnings.append(MEDIA_URL_INVALID)
        return None
    kind = (uri.get("objectType") or "").casefold() if uri is not None else ""
    role = _MEDIA_ROLES.get(kind, "download")
    if role == "iiif_manifest" and not is_iiif_manifest(url):
        role = "iiif_image_service"
    if role == "download" and is_image_url(url):
        role = "full"
    values = _licence_values(element, ns, "file")
    rights = None
    if values:
        assessed = assess_rights(values)
        rights = dataclasses.replace(assessed.rights, origin=RightsOrigin.MEDIA)
    return Media(url, role=role, rights=rights)


def _licence_values(element: etree._Element, ns: str, scope: str) -> list[str]:
    """``jpcoar:license`` of one scope (+ ``dc:rights`` for files): URI and text."""
    elements = [e for e in _children(element, ns, "license")
                if (e.get("licenseType") or "file").casefold() == scope]
    if scope == "file":
        elements += _children(element, DC_NS, "rights")
    values: list[str] = []
    for e in elements:
        for value in (e.get(RDF_RESOURCE), "".join(e.itertext())):
            text = clean_text(value)
            if text and text not in values:
                values.append(text)
    return values


def derive_jpcoar_rights(root: etree._Element, ns: str, source: Source,
                         warnings: list[str]) -> RightsSet:
    """The three scopes of a record; warnings of the content scope are added to ``warnings``."""
    catalog = root.find(f"{{{ns}}}catalog")
    content_values = _licence_values(root, ns, "file")
    if not content_values and catalog is not None:
        content_values = _licence_values(catalog, ns, "file")
        if content_values:
            warnings.append(RIGHTS_FROM_CATALOG)
    content = assess_rights(content_values, default=source.default_rights)
    warnings.extend(content.warnings)
    scoped: dict[str, Rights] = {}
    for scope in ("thumbnail", "metadata"):
        values = _licence_values(root, ns, scope)
        if not values and catalog is not None:
            values = _licence_values(catalog, ns, scope)
        if values:
            assessed = assess_rights(values)
            scoped[scope] = assessed.rights
            warnings.extend(f"{scope}_{w}" for w in assessed.warnings)
    metadata = scoped.get("metadata") or (
        normalize_rights((), default=source.metadata_rights) if source.metadata_rights
        else Rights())
    return RightsSet(content=content.rights,
                     thumbnail=scoped.get("thumbnail", content.rights), metadata=metadata)
