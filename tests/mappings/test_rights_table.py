"""≥ 150 real rights strings → canonical code, reuse level and key flags.

Every row names where the string was seen. Sources (data only, strings quoted):

* ``R4#n``  — ``rights.md`` §4 mapping table, row n (tsunagu's reference; real-world strings)
* ``IIIF:f`` — nakamura196/iiif @ f7bc811bfc1bc893bbf6193f37e80f1b651c2904,
  ``docs/data/collection/collections/<f>.json`` ``license`` (repository CC0)
* ``NIJL``  — the same commit, NIJL 国書データベース search pages, ``s.license``
* ``NDL``   — nakamura196/ddc-tutorial2025 @ 3cdce58fd7d1dfee06a4d14236ec7680cce2e6b9,
  ``ndl_sru_grouped_result.csv`` ``rights`` (MIT)
* ``JPS``   — Japan Search ``contentsRightsType`` codes in a real ``jps-cross`` response
  (dialogplay/tool-directory @ b66233180c80591697f68cd7a6749ebeb06e76bc, MIT)
* ``DPLA:f`` — dpla/ingestion3 @ 1d1dbae5830f7060f3160b7c44c7825170cb9613,
  ``src/test/resources/<f>`` (MIT)
* ``ZEN``   — Zenodo records recorded in afuetterer/oaipmh-scythe @
  79edafdffafd5d6cb8be1617445ad6a368228c9f (BSD-3-Clause; Zenodo metadata CC0)
* ``LIDO:f`` — nfdi4objects/lido-examples @ c6d8c7d45a2f415d04ce2cff21ee304701ebebb3
* ``JPCOAR`` — JPCOAR/schema @ 86b4ad55903f738ac33aed450e7888d8ec557389 sample records

Flags: a string of C(ommercial) M(odify) E(ducation) letters y/n/c/u (``-`` = not
checked), then ``!`` when ``needs_check`` must be set or ``.`` when it must not.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from tsunagu.mappings.rights import normalize_rights
from tsunagu.records import Permission, ReuseLevel

OPEN, COND, EDU = ReuseLevel.OPEN, ReuseLevel.CONDITIONAL, ReuseLevel.EDUCATION
NO, UNK = ReuseLevel.NO_REUSE, ReuseLevel.UNKNOWN
_LETTER = {"y": Permission.YES, "c": Permission.CONDITIONAL, "n": Permission.NO,
           "u": Permission.UNKNOWN}


class Row(NamedTuple):
    value: str
    code: str
    level: ReuseLevel
    flags: str
    source: str


CC = "http://creativecommons.org/licenses/"
RS = "http://rightsstatements.org/vocab/"
TABLE = [
    # --- rights.md §4: URIs (rows 1–33) -------------------------------------------------
    Row(CC + "by/4.0/", "CC-BY-4.0", OPEN, "yyy.", "R4#1"),
    Row("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0", OPEN, "yyy.", "R4#2"),
    Row("https://creativecommons.org/licenses/by/4.0", "CC-BY-4.0", OPEN, "yyy.", "R4#3"),
    Row("https://creativecommons.org/licenses/by/4.0/deed.ja", "CC-BY-4.0", OPEN, "yyy.", "R4#4"),
    Row("https://creativecommons.org/licenses/by/4.0/legalcode.ja", "CC-BY-4.0", OPEN, "yyy.",
        "R4#5"),
    Row("creativecommons.org/licenses/by-sa/4.0/deed.en", "CC-BY-SA-4.0", OPEN, "yyy.", "R4#6"),
    Row("https://creativecommons.org/licenses/by-nc/4.0/", "CC-BY-NC-4.0", COND, "nyy.", "R4#7"),
    Row(CC + "by-nd/4.0/", "CC-BY-ND-4.0", COND, "yny.", "R4#8"),
    Row("https://creativecommons.org/licenses/by-nc-sa/4.0/deed.ja", "CC-BY-NC-SA-4.0", COND,
        "nyy.", "R4#9"),
    Row("https://creativecommons.org/licenses/by-nc-nd/4.0/", "CC-BY-NC-ND-4.0", COND, "nny.",
        "R4#10"),
    Row("https://creativecommons.org/licenses/by/2.1/jp/", "CC-BY-2.1-JP", OPEN, "yyy.", "R4#11"),
    Row(CC + "by-nc-sa/2.1/jp/deed.ja", "CC-BY-NC-SA-2.1-JP", COND, "nyy.", "R4#12"),
    Row(CC + "by-nc-nd/2.0/jp/legalcode", "CC-BY-NC-ND-2.0-JP", COND, "nny.", "R4#13"),
    Row("https://creativecommons.org/licenses/by/3.0/deed.ja", "CC-BY-3.0", OPEN, "yyy.",
        "R4#14"),
    Row(CC + "by/3.0/nz/", "CC-BY-3.0-NZ", OPEN, "yyy.", "R4#15"),
    Row("https://creativecommons.org/publicdomain/zero/1.0/deed.ja", "CC0-1.0", OPEN, "yyy.",
        "R4#16"),
    Row("http://creativecommons.org/publicdomain/mark/1.0/", "PDM-1.0", OPEN, "yyy.", "R4#17"),
    Row("https://creativecommons.org/publicdomain/mark/1.0/deed.ja", "PDM-1.0", OPEN, "yyy.",
        "R4#18"),
    Row(RS + "InC/1.0/", "RS-InC", NO, "nnn.", "R4#19"),
    Row("https://rightsstatements.org/page/InC-EDU/1.0/?language=en", "RS-InC-EDU", EDU, "nuy.",
        "R4#20"),
    Row("https://rightsstatements.org/page/NoC-CR/1.0/", "RS-NoC-CR", COND, "uuc!", "R4#21"),
    Row(RS + "NoC-NC/1.0/", "RS-NoC-NC", COND, "nyy.", "R4#22"),
    Row(RS + "NoC-OKLR/1.0/", "RS-NoC-OKLR", COND, "uuc!", "R4#23"),
    Row(RS + "InC-NC/1.0/", "RS-InC-NC", COND, "nuy!", "R4#24"),
    Row(RS + "InC-RUU/1.0/", "RS-InC-RUU", NO, "nnn.", "R4#25"),
    Row(RS + "InC-OW-EU/1.0/", "RS-InC-OW-EU", NO, "nnn.", "R4#26"),
    Row(RS + "CNE/1.0/", "RS-CNE", UNK, "uuu!", "R4#27"),
    Row(RS + "UND/1.0/", "RS-UND", UNK, "uuu!", "R4#28"),
    Row(RS + "NKC/1.0/", "RS-NKC", UNK, "uuu!", "R4#29 (product decision: not open)"),
    Row(RS + "NoC-US/1.0/", "RS-NoC-US", UNK, "uuu!", "R4#30"),
    Row("http://www.europeana.eu/rights/rr-f/", "RS-InC", NO, "nnn.", "R4#31"),
    Row("https://www.europeana.eu/rights/out-of-copyright-non-commercial/", "RS-NoC-NC", COND,
        "nyy.", "R4#32"),
    Row("http://www.europeana.eu/rights/unknown/", "RS-UND", UNK, "uuu!", "R4#33"),
    Row("http://www.europeana.eu/rights/rr-p/", "RS-InC", NO, "nnn.", "R4 §1.5"),
    Row("http://www.europeana.eu/rights/rr-r/", "RS-InC", NO, "nnn.", "R4 §1.5"),
    # --- Japan Search codes (rows 34–39 and §2.1) ------------------------------------------
    Row("pdm", "PDM-1.0", OPEN, "yyy.", "R4#34 JPS"),
    Row("cc0", "CC0-1.0", OPEN, "yyy.", "JPS"),
    Row("ccby", "CC-BY", OPEN, "yyy!", "JPS"),
    Row("ccbysa", "CC-BY-SA", OPEN, "yyy!", "R4#35 JPS"),
    Row("ccbync", "CC-BY-NC", COND, "nyy!", "JPS"),
    Row("ccbyncsa", "CC-BY-NC-SA", COND, "nyy!", "JPS"),
    Row("ccbynd", "CC-BY-ND", COND, "yny!", "JPS"),
    Row("ccbyncnd", "CC-BY-NC-ND", COND, "nny!", "JPS"),
    Row("incr", "RS-InC", NO, "nnn.", "JPS"),
    Row("incr_edu", "RS-InC-EDU", EDU, "nuy.", "R4#36 JPS"),
    Row("nocr_cont", "RS-NoC-CR", COND, "uuc!", "R4#37 JPS"),
    Row("nocr_other", "RS-NoC-OKLR", COND, "uuc!", "JPS"),
    Row("uneval", "RS-CNE", UNK, "uuu!", "R4#38 JPS"),
    Row("undet", "RS-UND", UNK, "uuu!", "R4#38 JPS"),
    Row("others", "CUSTOM", UNK, "uuu!", "R4#39 JPS"),
    Row("著作権あり-教育目的の利用可", "RS-InC-EDU", EDU, "nuy.", "JPS label"),
    Row("著作権未評価", "RS-CNE", UNK, "uuu!", "JPS label"),
    # --- rights.md §4 text rules (rows 40–72) ---------------------------------------------
    Row("CC BY 4.0", "CC-BY-4.0", OPEN, "yyy.", "R4#40"),
    Row("CC-BY 4.0 (Attribution)", "CC-BY-4.0", OPEN, "yyy.", "R4#41"),
    Row("CC BY", "CC-BY", OPEN, "yyy!", "R4#42"),
    Row("クリエイティブ・コモンズ 表示 4.0 国際 ライセンス", "CC-BY-4.0", OPEN, "yyy.", "R4#43"),
    Row("クリエイティブ・コモンズ・ライセンス（表示-非営利-改変禁止 2.1 日本）",
        "CC-BY-NC-ND-2.1-JP", COND, "nny.", "R4#44"),
    Row("帰属―非営利―派生禁止 2.0 日本", "CC-BY-NC-ND-2.0-JP", COND, "nny.", "R4#45"),
    Row("Creative Commons Attribution-NonCommercial 3.0 New Zealand", "CC-BY-NC-3.0-NZ", COND,
        "nyy.", "R4#46"),
    Row("CC BY-SA 4.0 © 2019 ○○美術館", "CC-BY-SA-4.0", OPEN, "yyy.", "R4#47"),
    Row("Creative Commons CC0 1.0 Universal", "CC0-1.0", OPEN, "yyy.", "R4#48"),
    Row("パブリックドメイン", "CUSTOM", COND, "uuc!", "R4#49 (decision: text never open)"),
    Row("Public Domain", "CUSTOM", COND, "uuc!", "R4#49"),
    Row("著作権保護期間満了", "CUSTOM", COND, "uuc!", "R4#50"),
    Row("インターネット公開（保護期間満了）", "CUSTOM", COND, "uuc!", "R4#51 NDL"),
    Row("インターネット公開（裁定）", "RS-InC", NO, "nnn", "R4#52 NDL"),
    Row("図書館・個人送信限定", "RS-InC", NO, "nnn", "R4#53 NDL"),
    Row("国立国会図書館内限定", "RS-InC", NO, "nnn", "R4#53 NDL"),
    Row("No known copyright restrictions", "RS-NKC", UNK, "uuu!", "R4#54"),
    Row("All rights reserved", "RS-InC", NO, "nnn", "R4#55"),
    Row("無断転載を禁じます", "RS-InC", NO, "nnn", "R4#55"),
    Row("禁無断転載", "RS-InC", NO, "nnn", "R4#55"),
    Row("©○○博物館", "RS-InC", NO, "nnn!", "R4#56"),
    Row("自由に利用可", "CUSTOM", COND, "uuc!", "R4#57"),
    Row("ご自由にお使いください", "CUSTOM", COND, "uuc!", "R4#57"),
    Row("出典を明記すれば商用利用も含め自由に利用できます", "CUSTOM", COND, "yuc!", "R4#58"),
    Row("出典を明記すれば、改変・商用利用を含め自由に利用できます", "CUSTOM", OPEN, "yyy!",
        "R4#59"),
    Row("商用利用不可", "CUSTOM", COND, "nuc!", "R4#60"),
    Row("非営利目的に限り利用可", "CUSTOM", COND, "nuc!", "R4#60"),
    Row("教育目的に限り利用可", "CUSTOM", EDU, "nuy!", "R4#61"),
    Row("利用の際は事前に申請が必要です", "CUSTOM", NO, "nnn!", "R4#62"),
    Row("要問合せ", "CUSTOM", NO, "nnn!", "R4#62"),
    Row("政府標準利用規約（第2.0版）に準拠", "JP-GSTU-2.0", OPEN, "yyy.", "R4#63"),
    Row("公共データ利用規約（第1.0版）（PDL1.0）", "JP-PDL-1.0", OPEN, "yyy.", "R4#64"),
    Row("https://www.digital.go.jp/resources/open_data/public_data_license_v1.0", "JP-PDL-1.0",
        OPEN, "yyy.", "R4#64"),
    Row("https://www.digital.go.jp/en/resources/open_data/public_data_license_v1.0",
        "JP-PDL-1.0", OPEN, "yyy.", "R4 §1.3 (EN page)"),
    Row("政府標準利用規約（第1.0版）", "JP-GSTU-1.0", COND, "yyy!",
        "R4#65 (decision: prohibited-use clause keeps it conditional)"),
    Row("「プリントアウト・コピー・無料配布」OK", "JP-FUM-COPY", COND, "cnc", "R4#66"),
    Row("「障害者のための非営利目的利用」OK", "JP-FUM-DISABLED", COND, "nyu", "R4#67"),
    Row("「学校教育のための非営利目的利用」OK", "JP-FUM-SCHOOL", EDU, "nuy!", "R4#68"),
    Row("Crown copyright (All metadata for this record is available under the Creative Commons "
        "Attribution 3.0 New Zealand licence.)", "UNKNOWN", UNK, "uuu!", "R4#69"),
    Row("http://creativecommons.org/licenses/by/4.0/（ただし画像は除く）", "CC-BY-4.0", COND,
        "yyy!", "R4#70"),
    # --- nakamura196/iiif licence values ------------------------------------------------------
    Row("https://bird.bukkyo-u.ac.jp/collections/ojoyoshugikikanei18nen", "CUSTOM", UNK, "uuu!",
        "IIIF:bukkyo"),
    Row("https://creativecommons.org/licenses/by/3.0/", "CC-BY-3.0", OPEN, "yyy.", "IIIF:bukkyo"),
    Row("佛教大学図書館<br/>Bukkyo University Library", "UNKNOWN", UNK, "uuu!", "IIIF:bukkyo"),
    Row("水戸市立博物館", "UNKNOWN", UNK, "uuu!", "IIIF:bungaku-report"),
    Row("http://rightsstatements.org/page/NoC-CR/1.0/", "RS-NoC-CR", COND, "uuc!", "IIIF:chiba"),
    Row("http://rightsstatements.org/vocab/InC/1.0/", "RS-InC", NO, "nnn.", "IIIF:chiba"),
    Row("http://rightsstatements.org/vocab/NoC-CR/1.0/", "RS-NoC-CR", COND, "uuc!", "IIIF:chiba"),
    Row("https://creativecommons.org/publicdomain/mark/1.0/", "PDM-1.0", OPEN, "yyy.",
        "IIIF:kansai"),
    Row('<a href="http://dcollections.lib.keio.ac.jp/ja/about" target="_blank">'
        "http://dcollections.lib.keio.ac.jp/ja/about</a>", "CUSTOM", UNK, "uuu!", "IIIF:keio"),
    Row("https://archives.koyasan-u.ac.jp/resource/license/license_ja.html", "CUSTOM", UNK,
        "uuu!", "IIIF:koyasan"),
    Row("CC-BY", "CC-BY", OPEN, "yyy!", "IIIF:nakano"),
    Row("以下URLを参照。https://archive.nakano-library.jp/horiekemonjo-howto/", "CUSTOM", UNK,
        "uuu!", "IIIF:nakano"),
    Row("http://creativecommons.org/publicdomain/mark/1.0/", "PDM-1.0", OPEN, "yyy.",
        "IIIF:nichibun"),
    Row("https://creativecommons.org/share-your-work/public-domain/cc0", "CC0-1.0", OPEN, "yyy.",
        "IIIF:nichibun"),
    Row("https://creativecommons.org/licenses/by-nc/4.0/deed.ja", "CC-BY-NC-4.0", COND, "nyy.",
        "IIIF:ninjal"),
    Row("http://creativecommons.org/licenses/by-nc-sa/4.0/", "CC-BY-NC-SA-4.0", COND, "nyy.",
        "IIIF:saga"),
    Row("https://www.sagalibdb.jp/info/", "CUSTOM", UNK, "uuu!", "IIIF:saga_pref"),
    Row("https://da.lib.shimane-u.ac.jp/static/license/SUL-Limited-NoC_license.html", "CUSTOM",
        UNK, "uuu!", "IIIF:shimane"),
    Row("https://da.lib.shimane-u.ac.jp/static/license/SUL-Open-NoC_license.html", "CUSTOM", UNK,
        "uuu!", "IIIF:shimane"),
    Row("http://dsr.nii.ac.jp/toyobunko/license/", "CUSTOM", UNK, "uuu!", "IIIF:toyo"),
    Row("http://creativecommons.org/licenses/by-nc/4.0/deed.ja", "CC-BY-NC-4.0", COND, "nyy.",
        "IIIF:trc_adeac"),
    Row("https://creativecommons.org/publicdomain/zero/1.0/deed.ja", "CC0-1.0", OPEN, "yyy.",
        "IIIF:trc_adeac"),
    Row("http://creativecommons.org/licenses/by-sa/4.0/", "CC-BY-SA-4.0", OPEN, "yyy.",
        "IIIF:tsukuba"),
    Row("http://www.lib.u-ryukyu.ac.jp/?p=10647", "CUSTOM", UNK, "uuu!", "IIIF:u_ryukyus"),
    Row("https://museum.umic.jp/iiif/license.html", "CUSTOM", UNK, "uuu!", "IIIF:ueda"),
    # --- NIJL s.license -----------------------------------------------------------------------
    Row("all-rights-reserved", "RS-InC", NO, "nnn.", "NIJL"),
    Row("CC-BY-SA", "CC-BY-SA", OPEN, "yyy!", "NIJL"),
    Row("CC-BY-NC-SA", "CC-BY-NC-SA", COND, "nyy!", "NIJL"),
    Row("CC-BY-ND", "CC-BY-ND", COND, "yny!", "NIJL"),
    Row("CC-BY-NC-ND", "CC-BY-NC-ND", COND, "nny!", "NIJL"),
    Row("CC-BY-NC", "CC-BY-NC", COND, "nyy!", "NIJL"),
    # --- NDL Search rights ----------------------------------------------------------------
    Row("著作権なし-契約による制限あり", "RS-NoC-CR", COND, "uuc!", "NDL"),
    Row("pdm; PDM", "PDM-1.0", OPEN, "yyy.", "NDL"),
    Row("本資料の二次利用には事前の利用申請が必要です; Advance application is required to reuse "
        "the material; https://www.lib.kyushu-u.ac.jp/ja/services/visitors/copyright-guidance; "
        "https://www.lib.kyushu-u.ac.jp/en/services/visitors/copyright-guidance", "CUSTOM", NO,
        "nnn!", "NDL"),
    Row("CC-BY; http://www.archives.kyoto.jp/?page_id=7238; CC BY（表示）", "CC-BY", OPEN, "yyy!",
        "NDL"),
    Row("著作権なし", "UNKNOWN", UNK, "uuu!", "NDL"),
    Row("本資料の二次利用には事前の利用申請が必要です; Advance application is required to reuse "
        "the material; https://www.lib.kyushu-u.ac.jp/ja/services/visitors/copyright-guidance; "
        "著作権なし-契約による制限あり", "CUSTOM", NO, "nnn!", "NDL (conflict: most restrictive)"),
    # --- DPLA hub records (ingestion3 test resources) ---------------------------------------
    Row("The contents of The Portal to Texas History (digital content including images, text, "
        "and sound and video recordings) are made publicly available by the collection-holding "
        "partners for use in research, teaching, and private study. For the full terms of use, "
        "see https://texashistory.unt.edu/terms-of-use/", "CUSTOM", EDU, "nuy!", "DPLA:tx.xml"),
    Row("by", "UNKNOWN", UNK, "uuu!", "DPLA:tx.xml (untl license qualifier)"),
    Row("Public domain in the United States; original content released to the public domain via "
        "the Creative Commons CC0 1.0 Universal Public Domain Dedication", "RS-NoC-US", UNK,
        "uuu!", "DPLA:standardebooks.xml"),
    Row("Digital images courtesy of the Getty's Open Content Program.", "UNKNOWN", UNK, "uuu!",
        "DPLA:getty.xml"),
    Row("Users can cite and link to these materials without obtaining permission.", "UNKNOWN",
        UNK, "uuu!", "DPLA:michigan.xml"),
    Row("Copyright Wayne State University", "RS-InC", NO, "nnn!", "DPLA:michigan_bad.xml"),
    Row("Text and images are owned, held, or licensed by Springfield College and are available "
        "for personal, non-commercial, and educational use, provided that ownership is properly "
        "cited. A credit line is required and should read: Courtesy of Springfield College, "
        "Babson Library, Archives and Special Collections. Any commercial use without written "
        "permission from Springfield College is strictly prohibited.", "CUSTOM", COND, "nuc!",
        "DPLA:ma.xml"),
    Row("Contact host institution for more information.", "UNKNOWN", UNK, "uuu!", "DPLA:ma.xml"),
    Row("This work is licensed under a Creative Commons Attribution-NoDerivs 3.0 Unported "
        "License. When this material is used, in whole or in part, proper citation and credit "
        "must be attributed to the Maryland State Archives. For more information go to "
        "http://histpics.msa.maryland.gov/pages/Search.aspx", "CC-BY-ND-3.0", COND, "yny!",
        "DPLA:maryland.xml"),
    Row("Manchester College is providing access to these materials for educational and "
        "research purposes.", "CUSTOM", EDU, "nuy!", "DPLA:in.xml"),
    Row("For information on permissions for use and reproductions please visit UW Libraries "
        "Special Collections Use Permissions page:   "
        "http://www.lib.washington.edu/specialcollections/services/permission-for-use", "CUSTOM",
        UNK, "uuu!", "DPLA:orbis-cascade.xml"),
    Row("Public domain.  The BHL considers that this work is no longer under copyright "
        "protection.", "CUSTOM", COND, "uuc!", "DPLA:bhl.xml"),
    Row("This work is licensed under a Creative Commons Attribution-NonCommercial 4.0 "
        "International License, CC BY-NC.", "CC-BY-NC-4.0", COND, "nyy.", "DPLA:mods"),
    Row("The collection is open and available for research.", "UNKNOWN", UNK, "uuu!",
        "DPLA:ct.xml"),
    Row("Copyright to this collection is held by the Maureen and Mike Mansfield Library, "
        "University of Montana-Missoula. For further information please contact Archives and "
        "Special Collections at the University of Montana, Mansfield Library: "
        "http://www.lib.umt.edu/asc", "RS-InC", NO, "nnn!", "DPLA:mt.xml"),
    Row("Copyright Campbell University. The materials in this collection are made available for "
        "use in research, teaching and private study. Images and text may not be used for any "
        "commercial purposes without prior permission from Campbell University.", "CUSTOM", EDU,
        "nuy!", "DPLA:nc.xml"),
    Row("The researcher assumes full responsibility for conforming with the laws of copyright. "
        "Whenever possible, the Oklahoma State University Archives will provide information "
        "about copyright owners and related information. Securing permission to publish or use "
        "material is the responsibility of the researcher. Copyright for material published by "
        "Oklahoma Agricultural and Mechanical College/Oklahoma State University is held by the "
        "Board of Regents for the Oklahoma Agricultural and Mechanical Colleges. All rights "
        "reserved.", "RS-InC", NO, "nnn", "DPLA:oklahoma.xml"),
    Row("Copyright of Clemson University. Use of materials from this collection beyond the "
        "exceptions provided for in the Fair Use and Educational Use clauses of the U.S. "
        "Copyright Law may violate federal law. Permission to publish or reproduce is required.",
        "CUSTOM", NO, "nnn!", "ZEN (oaipmh-scythe list_records cassette, Clemson)"),
    Row("http://rightsstatements.org/vocab/NoC-OKLR/1.0/ ", "RS-NoC-OKLR", COND, "uuc!",
        "DPLA:oai_dc"),
    Row("http://rightsstatements.org/page/NoC-US/1.0/", "RS-NoC-US", UNK, "uuu!", "DPLA:edm"),
    Row("Public domain in the USA.", "RS-NoC-US", UNK, "uuu!", "DPLA:gutenberg.xml"),
    Row("http://rs.org", "CUSTOM", UNK, "uuu!", "DPLA:il.xml"),
    Row("http://rightsatement.org", "CUSTOM", UNK, "uuu!", "DPLA:txdl"),
    Row("free text rights", "UNKNOWN", UNK, "uuu!", "DPLA:oai_dc"),
    Row("Please contact the Houston Metropolitan Research Center, Houston, Texas.", "UNKNOWN",
        UNK, "uuu!", "DPLA:txdl"),
    # --- Zenodo (oaipmh-scythe cassettes) ---------------------------------------------------
    Row("info:eu-repo/semantics/openAccess", "UNKNOWN", UNK, "uuu!", "ZEN (access, not rights)"),
    Row("info:eu-repo/semantics/restrictedAccess", "UNKNOWN", UNK, "uuu!", "ZEN"),
    Row("info:eu-repo/semantics/embargoedAccess", "UNKNOWN", UNK, "uuu!", "ZEN"),
    Row("https://creativecommons.org/licenses/by/4.0/legalcode", "CC-BY-4.0", OPEN, "yyy.",
        "ZEN"),
    Row("Creative Commons Attribution 4.0 International", "CC-BY-4.0", OPEN, "yyy.", "ZEN"),
    Row("https://creativecommons.org/licenses/by/1.0/legalcode", "CC-BY-1.0", OPEN, "yyy.", "ZEN"),
    Row("Creative Commons Attribution 1.0 Generic", "CC-BY-1.0", OPEN, "yyy.", "ZEN"),
    Row("https://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0", OPEN, "yyy.",
        "ZEN"),
    Row("Creative Commons Zero v1.0 Universal", "CC0-1.0", OPEN, "yyy.", "ZEN"),
    Row("https://creativecommons.org/licenses/by-nc/4.0/legalcode", "CC-BY-NC-4.0", COND, "nyy.",
        "ZEN"),
    Row("Creative Commons Attribution Non Commercial 4.0 International", "CC-BY-NC-4.0", COND,
        "nyy.", "ZEN"),
    Row("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode", "CC-BY-NC-SA-4.0", COND,
        "nyy.", "ZEN"),
    Row("Creative Commons Attribution Non Commercial Share Alike 4.0 International",
        "CC-BY-NC-SA-4.0", COND, "nyy.", "ZEN"),
    Row("https://opensource.org/licenses/MIT", "CUSTOM", UNK, "uuu!", "ZEN"),
    Row("MIT License", "UNKNOWN", UNK, "uuu!", "ZEN"),
    Row("Apache License 2.0", "UNKNOWN", UNK, "uuu!", "ZEN"),
    Row("http://www.apache.org/licenses/LICENSE-2.0", "CUSTOM", UNK, "uuu!", "ZEN"),
    Row("BSD 3-Clause Clear License", "UNKNOWN", UNK, "uuu!", "ZEN"),
    Row("Other (Not Open)", "UNKNOWN", UNK, "uuu!", "ZEN"),
    Row("Copeland Resonant Harmonic Formalism (CRHC v1.0)", "UNKNOWN", UNK, "uuu!", "ZEN"),
    Row("http://labs.metacarta.com/license-explanation.html#license", "CUSTOM", UNK, "uuu!",
        "ZEN"),
    # --- LIDO (DDB / KENOM) -----------------------------------------------------------------
    Row("Namensnennung - Nicht kommerziell 4.0 (CC BY-NC 4.0)", "CC-BY-NC-4.0", COND, "nyy.",
        "LIDO:kenom_oai_chunk20.xml"),
    Row("Attribution - Non Commercial 4.0 (CC BY-NC 4.0)", "CC-BY-NC-4.0", COND, "nyy.",
        "LIDO:kenom_oai_chunk20.xml"),
    Row("Namensnennung - Weitergabe unter gleichen Bedingungen 4.0 International", "UNKNOWN", UNK,
        "uuu!", "LIDO:DDB (German names are not read)"),
    Row("CC0 1.0", "CC0-1.0", OPEN, "yyy.", "LIDO:DDB"),
    Row("Public Domain Mark 1.0", "PDM-1.0", OPEN, "yyy.", "LIDO:DDB"),
    Row("CC BY-NC-SA", "CC-BY-NC-SA", COND, "nyy!", "LIDO:DDB"),
    Row("CC BY-NC-ND", "CC-BY-NC-ND", COND, "nny!", "LIDO:DDB"),
    Row("Attribution-NonCommercial-NoDerivatives 4.0 International (CC BY-NC-ND 4.0)",
        "CC-BY-NC-ND-4.0", COND, "nny.", "LIDO:Museum_Uslar.xml"),
    Row("Urheberrechtsschutz (In Copyright)", "UNKNOWN", UNK, "uuu!", "LIDO v1.1 example"),
    Row("Deutsches Museum, CC BY-SA 4.0", "CC-BY-SA-4.0", OPEN, "yyy.",
        "LIDO:Deutsches_Museum.xml creditLine"),
    Row("Rechte vorbehalten – Freier Zugang", "UNKNOWN", UNK, "uuu!", "LIDO v1.1 example"),
    Row("http://creativecommons.org/licenses/by-nc/4.0/", "CC-BY-NC-4.0", COND, "nyy.", "LIDO"),
    Row("https://creativecommons.org/licenses/by/4.0/deed.de", "CC-BY-4.0", OPEN, "yyy.", "LIDO"),
    Row("In Copyright", "RS-InC", NO, "nnn.", "RS label as text"),
    Row("Copyright Not Evaluated", "RS-CNE", UNK, "uuu!", "RS label as text"),
    # --- JPCOAR samples ---------------------------------------------------------------------
    Row("二次利用の条件は原本の所蔵者によって異なる", "UNKNOWN", UNK, "uuu!", "JPCOAR 12"),
    Row("このデータを使用するにあたっては〇〇", "UNKNOWN", UNK, "uuu!", "JPCOAR 12"),
    Row('<a href="https://kokusho.nijl.ac.jp/page/usage.html">画像利用条件</a>', "CUSTOM", UNK,
        "uuu!", "JPCOAR 12 (license rdf:resource as anchor)"),
    Row("https://creativecommons.org/licenses/by-sa/4.0/deed.en", "CC-BY-SA-4.0", OPEN, "yyy.",
        "JPCOAR 12"),
    # --- Japanese institution wording (rights.md §3.4 step 4 trigger phrases) -------------
    Row("教育目的での利用に限ります。商用利用はできません。", "CUSTOM", EDU, "nuy!", "R4 §3.4"),
    Row("商用利用可。ただし改変不可。", "CUSTOM", COND, "ync!", "R4 §3.4 (exception)"),
    Row("商用・非商用を問わず自由に利用できます", "CUSTOM", COND, "yuc!", "R4 §3.4"),
    Row("改変・加工可、商用利用可、出典を明記してください", "CUSTOM", OPEN, "yyy!", "R4 §3.4"),
    Row("営利目的での利用は禁止します", "CUSTOM", COND, "nuc!", "R4 §3.4"),
    Row("非営利目的に限り利用可。商用利用は要申請。", "CUSTOM", COND, "nuc!",
        "R4 §3.4 (permission qualified by commercial use)"),
    Row("画像はCC BY 4.0、ただし一部の資料を除く", "CC-BY-4.0", COND, "yyy!", "R4 §3.3 exception"),
    Row("本画像はCC BY 4.0で提供します。無断転載を禁じます。", "RS-InC", NO, "nnn!",
        "R4 §3.3 (restriction always wins, conflict)"),
    Row("© Tate", "RS-InC", NO, "nnn!", "R4#56 pattern"),
]


@pytest.mark.parametrize("row", TABLE, ids=[f"{n}-{row.source}" for n, row in enumerate(TABLE)])
def test_real_rights_string(row: Row) -> None:
    rights = normalize_rights([row.value])
    assert (rights.code, rights.reuse) == (row.code, row.level), row.source
    for letter, flag in zip(row.flags[:3], (rights.commercial, rights.modify, rights.education),
                            strict=True):
        if letter != "-":
            assert flag is _LETTER[letter], (row.source, rights)
    if row.flags[3:] == "!":
        assert rights.needs_check, row.source
    elif row.flags[3:] == ".":
        assert not rights.needs_check, row.source
    assert rights.raw == row.value.strip()


def test_the_table_has_at_least_150_real_strings() -> None:
    assert len({row.value for row in TABLE}) >= 150
