"""What a person may do with an item, for the five uses educators and the public ask about.

``assess_use(rights, use)`` answers one :class:`IntendedUse` from the normalized
:class:`~tsunagu.records.Rights` (``rights.md`` §3.5): ``yes``,
``with_conditions``, ``no`` (the terms rule the use out) or ``ask_institution``
(nothing grants it: in copyright, unknown, or a flag we could not read). The
answer carries reason codes and condition codes; the site turns them into words.

The Copyright Act Art. 35 classroom exception is a statutory exception, not a
permission: it is never counted as ``yes``; class uses that the terms do not
grant get the note ``art35`` explaining it.

:func:`permitted_use_flags` gives the index the same rules as filter flags.
"""

from __future__ import annotations

import dataclasses
import enum

from tsunagu.records import Permission, ReuseLevel, Rights


class IntendedUse(enum.StrEnum):
    """The uses a teacher or a member of the public picks (also for collections)."""

    CLASS_HANDOUT = "class_handout"
    CLASS_WEBSITE = "class_website"
    PRINTED_MATERIAL = "printed_material"
    MODIFIED_WORK = "modified_work"
    COMMERCIAL_PUBLICATION = "commercial_publication"


class Answer(enum.StrEnum):
    YES = "yes"
    WITH_CONDITIONS = "with_conditions"
    NO = "no"
    ASK_INSTITUTION = "ask_institution"


#: Reason codes.
REASON_PUBLIC_DOMAIN = "public_domain"
REASON_LICENCE_ALLOWS = "licence_allows"
REASON_TERMS_ALLOW_WITH_CONDITIONS = "terms_allow_with_conditions"
REASON_NOT_COMMERCIAL = "not_commercial"
REASON_NO_MODIFICATION = "no_modification"
REASON_NOT_ONLINE = "not_online"
REASON_EDUCATION_ONLY = "education_only"
REASON_PERMISSION_REQUIRED = "permission_required"
REASON_UNKNOWN = "rights_unknown"
REASON_NOT_STATED = "not_stated"
#: Condition codes.
CONDITION_ATTRIBUTION = "attribution"
CONDITION_SHARE_ALIKE = "share_alike"
CONDITION_NON_COMMERCIAL = "non_commercial"
CONDITION_NO_MODIFICATION = "no_modification"
CONDITION_NOT_ONLINE = "not_online"
CONDITION_EDUCATION_ONLY = "education_only"
CONDITION_INDICATE_CHANGES = "indicate_changes"
CONDITION_OTHER_RESTRICTIONS = "other_restrictions"
CONDITION_CHECK_TERMS = "check_terms"
#: Note codes (explanations, never permissions).
NOTE_ART35 = "art35"

_CLASS_USES = frozenset({IntendedUse.CLASS_HANDOUT, IntendedUse.CLASS_WEBSITE})
_GRANTING = frozenset({ReuseLevel.OPEN, ReuseLevel.CONDITIONAL})


@dataclasses.dataclass(frozen=True)
class UseAnswer:
    """The answer for one use, with why and on which conditions."""

    use: IntendedUse
    answer: Answer
    reasons: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def permitted(self) -> bool:
        """``yes`` or ``with_conditions``."""
        return self.answer in {Answer.YES, Answer.WITH_CONDITIONS}


def assess_uses(rights: Rights) -> tuple[UseAnswer, ...]:
    """The answers for every :class:`IntendedUse`, in their order."""
    return tuple(assess_use(rights, use) for use in IntendedUse)


def assess_use(rights: Rights, use: IntendedUse) -> UseAnswer:
    """May ``use`` be made of an item under ``rights``?"""
    notes = (NOTE_ART35,) if use in _CLASS_USES else ()
    if rights.reuse is ReuseLevel.UNKNOWN:
        return UseAnswer(use, Answer.ASK_INSTITUTION, (REASON_UNKNOWN,), notes=notes)
    if rights.reuse is ReuseLevel.NO_REUSE:
        return UseAnswer(use, Answer.ASK_INSTITUTION, (REASON_PERMISSION_REQUIRED,), notes=notes)
    permission, blocking = _permission(rights, use)
    if permission is Permission.NO:
        granting = rights.reuse in _GRANTING and blocking != REASON_EDUCATION_ONLY
        answer = Answer.NO if granting else Answer.ASK_INSTITUTION
        return UseAnswer(use, answer, (blocking,), notes=notes)
    if permission is Permission.UNKNOWN:
        return UseAnswer(use, Answer.ASK_INSTITUTION, (REASON_NOT_STATED,), notes=notes)
    conditions = _conditions(rights, use)
    strict = [c for c in conditions if c != CONDITION_ATTRIBUTION]
    if permission is Permission.CONDITIONAL and not strict:
        conditions += (CONDITION_CHECK_TERMS,)
        strict = [CONDITION_CHECK_TERMS]
    if strict:
        return UseAnswer(use, Answer.WITH_CONDITIONS, (REASON_TERMS_ALLOW_WITH_CONDITIONS,),
                         conditions)
    reason = REASON_PUBLIC_DOMAIN if rights.public_domain else REASON_LICENCE_ALLOWS
    return UseAnswer(use, Answer.YES, (reason,), conditions)


def permitted_use_flags(rights: Rights) -> frozenset[str]:
    """Filter flags for the index: ``commercial``, ``modify``, ``education``, ``online``.

    A flag is present when the matching use is answered ``yes`` or
    ``with_conditions``: commercial ↔ commercial publication, modify ↔ modified
    work, education ↔ class handout, online ↔ class website (publication on the
    web).
    """
    pairs = (("commercial", IntendedUse.COMMERCIAL_PUBLICATION),
             ("modify", IntendedUse.MODIFIED_WORK),
             ("education", IntendedUse.CLASS_HANDOUT),
             ("online", IntendedUse.CLASS_WEBSITE))
    return frozenset(flag for flag, use in pairs if assess_use(rights, use).permitted)


def _permission(rights: Rights, use: IntendedUse) -> tuple[Permission, str]:
    """The weakest permission the use needs, and the reason code if it is ``no``."""
    needed: list[tuple[Permission, str]]
    if use is IntendedUse.CLASS_HANDOUT:
        needed = [(rights.education, REASON_PERMISSION_REQUIRED)]
    elif use is IntendedUse.CLASS_WEBSITE:
        needed = [(rights.education, REASON_PERMISSION_REQUIRED),
                  (rights.online, REASON_NOT_ONLINE)]
    elif use is IntendedUse.PRINTED_MATERIAL:
        needed = [(_general_use(rights), REASON_EDUCATION_ONLY)]
    elif use is IntendedUse.MODIFIED_WORK:
        needed = [(_general_use(rights), REASON_EDUCATION_ONLY),
                  (rights.modify, REASON_NO_MODIFICATION)]
    else:
        needed = [(rights.commercial, REASON_NOT_COMMERCIAL)]
        if rights.reuse is ReuseLevel.EDUCATION:
            needed = [(Permission.NO, REASON_EDUCATION_ONLY)]
    order = [Permission.NO, Permission.UNKNOWN, Permission.CONDITIONAL, Permission.YES]
    for level in order:
        for permission, reason in needed:
            if permission is level:
                return permission, reason
    return Permission.YES, ""


def _general_use(rights: Rights) -> Permission:
    """Non-commercial use outside class: granted by open and conditional terms only."""
    if rights.reuse is ReuseLevel.EDUCATION:
        return Permission.NO
    if rights.commercial is Permission.YES and not rights.other_restrictions:
        return Permission.YES
    return Permission.CONDITIONAL


def _conditions(rights: Rights, use: IntendedUse) -> tuple[str, ...]:
    conditions: list[str] = []
    if rights.attribution:
        conditions.append(CONDITION_ATTRIBUTION)
    general = use in {IntendedUse.PRINTED_MATERIAL, IntendedUse.MODIFIED_WORK,
                      IntendedUse.COMMERCIAL_PUBLICATION}
    if general and rights.commercial is Permission.NO:
        conditions.append(CONDITION_NON_COMMERCIAL)
    if use is IntendedUse.MODIFIED_WORK:
        if rights.share_alike:
            conditions.append(CONDITION_SHARE_ALIKE)
        if rights.attribution:
            conditions.append(CONDITION_INDICATE_CHANGES)
    elif rights.modify is Permission.NO:
        conditions.append(CONDITION_NO_MODIFICATION)
    if use is not IntendedUse.CLASS_WEBSITE and rights.online is Permission.NO:
        conditions.append(CONDITION_NOT_ONLINE)
    if rights.reuse is ReuseLevel.EDUCATION and use is not IntendedUse.CLASS_HANDOUT:
        conditions.append(CONDITION_EDUCATION_ONLY)
    if rights.other_restrictions:
        conditions.append(CONDITION_OTHER_RESTRICTIONS)
    if rights.needs_check:
        conditions.append(CONDITION_CHECK_TERMS)
    return tuple(conditions)
