"""The Japanese era table (元号): every era from 大化 (645) to 令和, as data.

Each :class:`Era` gives the Gregorian year of its first year (元年) and of its
last year. An era year converts as ``start + n − 1``; the last year of one era
is the first year of the next (the change happened during that year), so
「昭和64年」 and 「平成元年」 are both 1989.

Years are conventional year-level equivalents. Before the calendar reform of
明治6年 (1873) the Japanese calendar was lunisolar: its years began between late
January and late February, so a date late in a lunisolar year (the 12th month)
falls in the next Gregorian year. Year-level conversions are therefore exact to
±1 at the year boundary, and month and day are never converted.

The Northern and Southern Courts (南北朝, 1331–1392) counted years in separate
eras; both are listed, with ``court`` ``"south"`` (南朝, the 大覚寺統) or
``"north"`` (北朝). 建武 was used by both courts, for a different length.
Eras without a court are those of the single court before and after.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

#: The last Gregorian year a date may name (the date parser rejects later ones).
LAST_YEAR = 2100

#: The first Gregorian year of the solar calendar in Japan (明治6年).
SOLAR_CALENDAR_YEAR = 1873


@dataclasses.dataclass(frozen=True)
class Era:
    """One era: its name, first and last Gregorian year, and court (``""`` when single)."""

    name: str
    start: int
    end: int | None
    court: str = ""

    @property
    def last_era_year(self) -> int:
        """The highest year number the era reached; for the current era, the last
        year the date parser accepts (2100), so that both agree."""
        return LAST_YEAR - self.start + 1 if self.end is None else self.end - self.start + 1

    def to_gregorian(self, era_year: int) -> int | None:
        """The Gregorian year of era year ``era_year`` (1 = 元年), ``None`` when out of the era."""
        if not 1 <= era_year <= self.last_era_year:
            return None
        return self.start + era_year - 1

    @property
    def lunisolar(self) -> bool:
        """True when the era began before the solar calendar (its dates are lunisolar)."""
        return self.start < SOLAR_CALENDAR_YEAR


# (name, first year) in order, per court. The last year is the next era's first
# year unless an explicit end is given in _EXPLICIT_ENDS (gaps without an era:
# 654–686 and 686–701).
_SINGLE_BEFORE = (
    ("大化", 645), ("白雉", 650), ("朱鳥", 686), ("大宝", 701), ("慶雲", 704), ("和銅", 708),
    ("霊亀", 715), ("養老", 717), ("神亀", 724), ("天平", 729), ("天平感宝", 749),
    ("天平勝宝", 749), ("天平宝字", 757), ("天平神護", 765), ("神護景雲", 767), ("宝亀", 770),
    ("天応", 781), ("延暦", 782), ("大同", 806), ("弘仁", 810), ("天長", 824), ("承和", 834),
    ("嘉祥", 848), ("仁寿", 851), ("斉衡", 854), ("天安", 857), ("貞観", 859), ("元慶", 877),
    ("仁和", 885), ("寛平", 889), ("昌泰", 898), ("延喜", 901), ("延長", 923), ("承平", 931),
    ("天慶", 938), ("天暦", 947), ("天徳", 957), ("応和", 961), ("康保", 964), ("安和", 968),
    ("天禄", 970), ("天延", 973), ("貞元", 976), ("天元", 978), ("永観", 983), ("寛和", 985),
    ("永延", 987), ("永祚", 989), ("正暦", 990), ("長徳", 995), ("長保", 999), ("寛弘", 1004),
    ("長和", 1012), ("寛仁", 1017), ("治安", 1021), ("万寿", 1024), ("長元", 1028),
    ("長暦", 1037), ("長久", 1040), ("寛徳", 1044), ("永承", 1046), ("天喜", 1053),
    ("康平", 1058), ("治暦", 1065), ("延久", 1069), ("承保", 1074), ("承暦", 1077),
    ("永保", 1081), ("応徳", 1084), ("寛治", 1087), ("嘉保", 1094), ("永長", 1096),
    ("承徳", 1097), ("康和", 1099), ("長治", 1104), ("嘉承", 1106), ("天仁", 1108),
    ("天永", 1110), ("永久", 1113), ("元永", 1118), ("保安", 1120), ("天治", 1124),
    ("大治", 1126), ("天承", 1131), ("長承", 1132), ("保延", 1135), ("永治", 1141),
    ("康治", 1142), ("天養", 1144), ("久安", 1145), ("仁平", 1151), ("久寿", 1154),
    ("保元", 1156), ("平治", 1159), ("永暦", 1160), ("応保", 1161), ("長寛", 1163),
    ("永万", 1165), ("仁安", 1166), ("嘉応", 1169), ("承安", 1171), ("安元", 1175),
    ("治承", 1177), ("養和", 1181), ("寿永", 1182), ("元暦", 1184), ("文治", 1185),
    ("建久", 1190), ("正治", 1199), ("建仁", 1201), ("元久", 1204), ("建永", 1206),
    ("承元", 1207), ("建暦", 1211), ("建保", 1213), ("承久", 1219), ("貞応", 1222),
    ("元仁", 1224), ("嘉禄", 1225), ("安貞", 1227), ("寛喜", 1229), ("貞永", 1232),
    ("天福", 1233), ("文暦", 1234), ("嘉禎", 1235), ("暦仁", 1238), ("延応", 1239),
    ("仁治", 1240), ("寛元", 1243), ("宝治", 1247), ("建長", 1249), ("康元", 1256),
    ("正嘉", 1257), ("正元", 1259), ("文応", 1260), ("弘長", 1261), ("文永", 1264),
    ("建治", 1275), ("弘安", 1278), ("正応", 1288), ("永仁", 1293), ("正安", 1299),
    ("乾元", 1302), ("嘉元", 1303), ("徳治", 1306), ("延慶", 1308), ("応長", 1311),
    ("正和", 1312), ("文保", 1317), ("元応", 1319), ("元亨", 1321), ("正中", 1324),
    ("嘉暦", 1326), ("元徳", 1329),
)
_SOUTH = (
    ("元弘", 1331), ("建武", 1334), ("延元", 1336), ("興国", 1340), ("正平", 1346),
    ("建徳", 1370), ("文中", 1372), ("天授", 1375), ("弘和", 1381), ("元中", 1384),
)
_NORTH = (
    ("正慶", 1332), ("建武", 1334), ("暦応", 1338), ("康永", 1342), ("貞和", 1345),
    ("観応", 1350), ("文和", 1352), ("延文", 1356), ("康安", 1361), ("貞治", 1362),
    ("応安", 1368), ("永和", 1375), ("康暦", 1379), ("永徳", 1381), ("至徳", 1384),
    ("嘉慶", 1387), ("康応", 1389),
)
_SINGLE_AFTER = (
    ("明徳", 1390), ("応永", 1394), ("正長", 1428), ("永享", 1429), ("嘉吉", 1441),
    ("文安", 1444), ("宝徳", 1449), ("享徳", 1452), ("康正", 1455), ("長禄", 1457),
    ("寛正", 1460), ("文正", 1466), ("応仁", 1467), ("文明", 1469), ("長享", 1487),
    ("延徳", 1489), ("明応", 1492), ("文亀", 1501), ("永正", 1504), ("大永", 1521),
    ("享禄", 1528), ("天文", 1532), ("弘治", 1555), ("永禄", 1558), ("元亀", 1570),
    ("天正", 1573), ("文禄", 1592), ("慶長", 1596), ("元和", 1615), ("寛永", 1624),
    ("正保", 1644), ("慶安", 1648), ("承応", 1652), ("明暦", 1655), ("万治", 1658),
    ("寛文", 1661), ("延宝", 1673), ("天和", 1681), ("貞享", 1684), ("元禄", 1688),
    ("宝永", 1704), ("正徳", 1711), ("享保", 1716), ("元文", 1736), ("寛保", 1741),
    ("延享", 1744), ("寛延", 1748), ("宝暦", 1751), ("明和", 1764), ("安永", 1772),
    ("天明", 1781), ("寛政", 1789), ("享和", 1801), ("文化", 1804), ("文政", 1818),
    ("天保", 1830), ("弘化", 1844), ("嘉永", 1848), ("安政", 1854), ("万延", 1860),
    ("文久", 1861), ("元治", 1864), ("慶応", 1865), ("明治", 1868), ("大正", 1912),
    ("昭和", 1926), ("平成", 1989), ("令和", 2019),
)
#: Last years that are not the next era's first year: eras followed by a gap,
#: the last single-court era before the split, the last era of each court.
_EXPLICIT_ENDS = {("白雉", ""): 654, ("朱鳥", ""): 686, ("元徳", ""): 1332,
                  ("元中", "south"): 1392, ("康応", "north"): 1390}


def _build(eras: tuple[tuple[str, int], ...], court: str, last: int | None) -> list[Era]:
    built = []
    for index, (name, start) in enumerate(eras):
        following = eras[index + 1][1] if index + 1 < len(eras) else last
        end = _EXPLICIT_ENDS.get((name, court), following)
        built.append(Era(name, start, end, court))
    return built


#: Every era in table order: single court to 元徳, the Southern, the Northern Court,
#: then the single court again from 明徳 (the courts were reunited in 明徳3, 1392).
ERAS: tuple[Era, ...] = (
    *_build(_SINGLE_BEFORE, "", 1332),
    *_build(_SOUTH, "south", 1392),
    *_build(_NORTH, "north", 1390),
    *_build(_SINGLE_AFTER, "", None),
)


def _index(eras: tuple[Era, ...]) -> Mapping[str, Era]:
    """Era by name; 建武 (both courts) keeps its longer, Northern span."""
    by_name: dict[str, Era] = {}
    for era in eras:
        known = by_name.get(era.name)
        if known is None or era.last_era_year > known.last_era_year:
            by_name[era.name] = era
    return MappingProxyType(by_name)


ERAS_BY_NAME: Mapping[str, Era] = _index(ERAS)

#: Traditional (旧字) forms of characters in era names, to their table form.
ERA_VARIANTS = str.maketrans({
    "萬": "万", "寶": "宝", "寳": "宝", "應": "応", "壽": "寿", "龜": "亀", "靈": "霊", "曆": "暦",
    "祿": "禄", "觀": "観", "德": "徳", "寬": "寛", "齊": "斉",
})

#: Letters for the modern eras (M3, T12, S20, H13, R1).
ERA_LETTERS: Mapping[str, str] = MappingProxyType(
    {"m": "明治", "t": "大正", "s": "昭和", "h": "平成", "r": "令和"}
)


def find_era(name: str) -> Era | None:
    """The era called ``name`` (旧字 forms accepted), or ``None``."""
    return ERAS_BY_NAME.get(name.translate(ERA_VARIANTS))


def list_court(court: str) -> tuple[Era, ...]:
    """The eras of one court in order: ``""`` (single court), ``"south"`` or ``"north"``."""
    return tuple(era for era in ERAS if era.court == court)
