"""Places to prefectures and coordinates (``formats.md`` §1.2 field 11, WGS84).

:func:`derive_prefectures` finds the prefectures named in place strings:
full names (「東京都」, 「京都府」, 「北海道」) anywhere — addresses such as
「東京都千代田区…」 and paths such as 「日本 > 東京都」 — and names without
都/府/県 (「東京」, 「静岡市」, "Kyoto") only as a whole part of the value or
before 市, so that a family name (山口, 秋田屋) inside a longer text is not read
as a place. The designated cities (横浜市, 札幌市 …) name their prefecture.
Old province names (武蔵, 摂津) are not read: a province does not map to one
prefecture.

:func:`parse_coordinates` reads "lat,lon" (or "POINT(lon lat)"), and
:func:`make_coordinates` separate latitude and longitude values; both check
the ranges and return ``None`` for anything else.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

#: The 47 prefectures in JIS X 0401 order, with their romanized names.
PREFECTURES: tuple[tuple[str, str], ...] = (
    ("北海道", "hokkaido"), ("青森県", "aomori"), ("岩手県", "iwate"), ("宮城県", "miyagi"),
    ("秋田県", "akita"), ("山形県", "yamagata"), ("福島県", "fukushima"), ("茨城県", "ibaraki"),
    ("栃木県", "tochigi"), ("群馬県", "gunma"), ("埼玉県", "saitama"), ("千葉県", "chiba"),
    ("東京都", "tokyo"), ("神奈川県", "kanagawa"), ("新潟県", "niigata"), ("富山県", "toyama"),
    ("石川県", "ishikawa"), ("福井県", "fukui"), ("山梨県", "yamanashi"), ("長野県", "nagano"),
    ("岐阜県", "gifu"), ("静岡県", "shizuoka"), ("愛知県", "aichi"), ("三重県", "mie"),
    ("滋賀県", "shiga"), ("京都府", "kyoto"), ("大阪府", "osaka"), ("兵庫県", "hyogo"),
    ("奈良県", "nara"), ("和歌山県", "wakayama"), ("鳥取県", "tottori"), ("島根県", "shimane"),
    ("岡山県", "okayama"), ("広島県", "hiroshima"), ("山口県", "yamaguchi"),
    ("徳島県", "tokushima"), ("香川県", "kagawa"), ("愛媛県", "ehime"), ("高知県", "kochi"),
    ("福岡県", "fukuoka"), ("佐賀県", "saga"), ("長崎県", "nagasaki"), ("熊本県", "kumamoto"),
    ("大分県", "oita"), ("宮崎県", "miyazaki"), ("鹿児島県", "kagoshima"), ("沖縄県", "okinawa"),
)
PREFECTURE_NAMES = tuple(name for name, _ in PREFECTURES)

#: Designated cities (政令指定都市) whose names do not contain their prefecture's.
_CITIES = {
    "札幌市": "北海道", "仙台市": "宮城県", "さいたま市": "埼玉県", "横浜市": "神奈川県",
    "川崎市": "神奈川県", "相模原市": "神奈川県", "浜松市": "静岡県", "名古屋市": "愛知県",
    "堺市": "大阪府", "神戸市": "兵庫県", "北九州市": "福岡県",
}

_SHORT = {name.removesuffix("都").removesuffix("府").removesuffix("県"): name
          for name in PREFECTURE_NAMES if name != "北海道"}
_ROMAN = {roman: name for name, roman in PREFECTURES} | {"hokkaidō": "北海道", "tōkyō": "東京都",
                                                         "kyōto": "京都府", "ōsaka": "大阪府",
                                                         "hyōgo": "兵庫県", "kōchi": "高知県",
                                                         "ōita": "大分県"}
_BOUNDARY = r"(?:^|(?<=[\s>/,、・;:()\[\]「」『』<]))"
_END = r"(?=$|[\s>/,、・;:()\[\]「」『』<]|市)"
_FULL = "|".join(sorted(PREFECTURE_NAMES + tuple(_CITIES), key=len, reverse=True))
_SHORT_ALT = "|".join(sorted(_SHORT, key=len, reverse=True))
_PLACE = re.compile(
    rf"(?P<full>{_FULL})|{_BOUNDARY}(?P<short>{_SHORT_ALT}){_END}"
    rf"|(?<![a-z])(?P<roman>{'|'.join(sorted(_ROMAN, key=len, reverse=True))})"
    rf"(?:[\s-]*(?:prefecture|-ken|-fu|-to|ken|fu))?(?![a-z])"
)
_POINT = re.compile(r"^point\s*\(\s*(?P<lon>\S+)\s+(?P<lat>[^\s)]+)\s*\)$")
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_PAIR = re.compile(rf"^\(?\s*(?P<lat>{_NUMBER})\s*[,;\s]\s*(?P<lon>{_NUMBER})\s*\)?$")


def find_prefectures(text: str) -> tuple[str, ...]:
    """The prefectures named in one place string, in order of appearance.

    >>> find_prefectures("東京都千代田区永田町1-10-1"), find_prefectures("日本 > 京都")
    (('東京都',), ('京都府',))
    """
    value = unicodedata.normalize("NFKC", text).casefold()
    found: list[str] = []
    for match in _PLACE.finditer(value):
        if match.group("full"):
            name = _CITIES.get(match.group("full"), match.group("full"))
        elif match.group("short"):
            name = _SHORT[match.group("short")]
        else:
            name = _ROMAN[match.group("roman")]
        if name not in found:
            found.append(name)
    return tuple(found)


def derive_prefectures(places: Iterable[str]) -> tuple[str, ...]:
    """The prefectures named in any of ``places``, without duplicates."""
    found: dict[str, None] = {}
    for place in places:
        found.update(dict.fromkeys(find_prefectures(place)))
    return tuple(found)


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) from "35.68, 139.76" or WKT "POINT(139.76 35.68)", else ``None``."""
    value = unicodedata.normalize("NFKC", text).strip().casefold()
    match = _POINT.match(value) or _PAIR.match(value)
    if match is None:
        return None
    return make_coordinates(match.group("lat"), match.group("lon"))


def make_coordinates(
    lat: str | float | None, lon: str | float | None
) -> tuple[float, float] | None:
    """(lat, lon) from separate values when both are numbers in range, else ``None``.

    The point (0, 0) is rejected: it is what empty numeric fields become.
    """
    try:
        latitude = float(str(lat).strip()) if lat is not None else math.nan
        longitude = float(str(lon).strip()) if lon is not None else math.nan
    except ValueError:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # also rejects NaN
        return None
    if latitude == 0 and longitude == 0:
        return None
    return latitude, longitude
