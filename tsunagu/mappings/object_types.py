"""Type and genre values to the small :class:`ObjectType` vocabulary (DCMI Type).

A dictionary, not a guess (``formats.md`` §3.1, §7): DCMI names and URIs
(``StillImage``, ``http://purl.org/dc/dcmitype/Text``), COAR / info:eu-repo
and NII types, common English words and Japanese words (「図書」, 「古典籍」,
「絵画」, 「写真」, 「地図」 …). A value is looked up whole, then by its last
word ("Case Map" → map). MIME types of ``dc:format`` are a fallback. The raw
values are kept by the caller in ``genre_raw``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tsunagu.mappings.text import clean_text
from tsunagu.records import ObjectType

_T = ObjectType.TEXT
_I = ObjectType.IMAGE
_S = ObjectType.SOUND
_M = ObjectType.MOVING_IMAGE
_P = ObjectType.PHYSICAL_OBJECT

#: Normalized keys (lower case, no spaces, hyphens or underscores) to types.
TYPE_WORDS: dict[str, ObjectType] = {
    # DCMI Type vocabulary
    "text": _T, "image": _I, "stillimage": _I, "movingimage": _M, "sound": _S,
    "physicalobject": _P, "dataset": ObjectType.DATASET, "collection": ObjectType.COLLECTION,
    "software": ObjectType.SOFTWARE, "interactiveresource": ObjectType.INTERACTIVE_RESOURCE,
    "event": ObjectType.OTHER, "service": ObjectType.OTHER,
    # info:eu-repo/semantics, NII type, English words
    "article": _T, "book": _T, "bookpart": _T, "conferencepaper": _T, "conferenceobject": _T,
    "conferenceproceedings": _T, "doctoralthesis": _T, "masterthesis": _T,
    "bachelorthesis": _T, "preprint": _T, "report": _T, "technicaldocumentation": _T,
    "workingpaper": _T, "review": _T, "annotation": _T, "contributiontoperiodical": _T,
    "journalarticle": _T, "departmentalbulletinpaper": _T, "thesisordissertation": _T,
    "researchpaper": _T, "technicalreport": _T, "newspaper": _T, "periodical": _T,
    "manuscript": _T, "letter": _T, "document": _T, "thesis": _T, "journal": _T,
    "dataordataset": ObjectType.DATASET, "data": ObjectType.DATASET,
    "map": _I, "photograph": _I, "photo": _I, "picture": _I, "painting": _I, "drawing": _I,
    "print": _I, "poster": _I, "postcard": _I, "illustration": _I, "graphic": _I,
    "video": _M, "film": _M, "movie": _M, "audio": _S, "music": _S, "soundrecording": _S,
    # Tate's classifications (keys without separators, as looked up)
    "onpaper,unique": _I, "onpaper,print": _I, "installation": _P, "relief": _P,
    "blockforprinting": _P,
    "object": _P, "artifact": _P, "artefact": _P, "specimen": _P, "sculpture": _P,
    # Japanese
    "図書": _T, "古典籍": _T, "和古書": _T, "漢籍": _T, "古文書": _T, "文書": _T, "書籍": _T,
    "雑誌": _T, "新聞": _T, "論文": _T, "紀要論文": _T, "学術雑誌論文": _T, "学位論文": _T,
    "報告書": _T, "書写資料": _T, "写本": _T, "版本": _T, "記録": _T, "公文書": _T,
    "絵画": _I, "写真": _I, "地図": _I, "絵図": _I, "浮世絵": _I, "錦絵": _I, "版画": _I,
    "絵葉書": _I, "ポスター": _I, "画像": _I, "静止画": _I, "静止画像": _I, "書跡": _I,
    "映像": _M, "動画": _M, "映画": _M, "録音": _S, "音声": _S, "音楽": _S, "楽譜": _T,
    "立体物": _P, "彫刻": _P, "工芸": _P, "工芸品": _P, "考古資料": _P, "標本": _P, "実物": _P,
    "民俗資料": _P, "建造物": _P,
    # NIJL's 刊写 (printed / manuscript book)
    "刊": _T, "写": _T,
    "データセット": ObjectType.DATASET, "ソフトウェア": ObjectType.SOFTWARE,
}
_MIME_MAJOR = {"image": _I, "text": _T, "audio": _S, "video": _M}
_MIME_TEXT = frozenset({"application/pdf", "application/epub+zip", "application/msword"})
_URI_PREFIX = re.compile(
    r"^(?:https?://purl\.org/dc/dcmitype/|info:eu-repo/semantics/|dcmitype:"
    r"|http://purl\.org/coar/resource_type/)",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[\s\-_]+")


def classify_object_type(types: Iterable[str], formats: Iterable[str] = ()) -> ObjectType:
    """The first recognised type of ``types``, else a type from MIME ``formats``, else OTHER."""
    for value in types:
        found = _lookup(value)
        if found is not None:
            return found
    for value in formats:
        found = _from_mime(value)
        if found is not None:
            return found
    return ObjectType.OTHER


def _lookup(value: str) -> ObjectType | None:
    text = _URI_PREFIX.sub("", clean_text(value)).casefold().rstrip(".")
    if not text:
        return None
    key = _SEPARATORS.sub("", text)
    if key in TYPE_WORDS:
        return TYPE_WORDS[key]
    words = text.split()
    if len(words) > 1:
        return TYPE_WORDS.get(_SEPARATORS.sub("", words[-1]))
    return None


def _from_mime(value: str) -> ObjectType | None:
    mime = clean_text(value).casefold().split(";", 1)[0].strip()
    if mime in _MIME_TEXT:
        return _T
    major, _, minor = mime.partition("/")
    return _MIME_MAJOR.get(major) if minor else None
