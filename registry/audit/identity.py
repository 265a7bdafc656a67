"""Who an approver is: an e-mail address, never a name.

Git lets whoever commits write any name and any e-mail. Names are compared by nobody here;
e-mails are compared after Unicode NFKC normalisation, trimming and case folding, so
``Approver@DSJ.gov.cn`` and ``approver@dsj.gov.cn`` are one person. An approver written
``@login`` stands for GitHub's no-reply address of that login (``<id>+login@users.noreply.github.com``).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from registry.models.kinds import ApproverKind

from registry.audit.rules import AUTHORITY_OF_MILESTONE

if TYPE_CHECKING:  # the audit reads registry.yaml as twins of these (registry.configfacts.config_twin)
    from registry.models import RegistryConfig
    from registry.models.config import Approver, Unit

# Shared identities of the hosting platform: they never stand for a person's approval.
PLATFORM_EMAILS = frozenset({"noreply@github.com"})
_GITHUB_NOREPLY = re.compile(r"(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com")


def normal_email(text: str) -> str:
    """The comparable form of an e-mail address (or ``@login``)."""
    return unicodedata.normalize("NFKC", text).strip().strip("<>").strip().casefold()


def is_email(text: str) -> bool:
    """An address (``x@y``) or ``@login``: anything else (a name) can never match."""
    value = normal_email(text)
    return "@" in value and " " not in value


def approver_email(entry: str | Approver) -> str:
    return normal_email(entry.email if isinstance(entry, ApproverKind) else entry)


def approver_emails(unit: Unit | None) -> set[str]:
    """The unit's approvers as comparable e-mails (names dropped: they never grant anything)."""
    if unit is None:
        return set()
    return {e for e in (approver_email(a) for a in unit.approvers) if is_email(e)}


def approver_names(config: RegistryConfig) -> list[str]:
    """Approver entries that are not e-mails (kept for compatibility, reported, never matched)."""
    return [f"{u.id}: {a}" for u in config.units for a in u.approvers if not is_email(approver_email(a))]


def keys_of_emails(config: RegistryConfig) -> dict[str, set[str]]:
    """e-mail → the public keys listed for it in any unit's ``approvers``."""
    found: dict[str, set[str]] = {}
    for unit in config.units:
        for entry in unit.approvers:
            if isinstance(entry, ApproverKind):
                found.setdefault(normal_email(entry.email), set()).update(k.strip() for k in entry.keys)
    return found


def authority_of(config: RegistryConfig, milestone: str) -> tuple[str, str]:
    """(role, unit id) of the authority that decides ``milestone``; a role without a unit in
    ``authorities`` (finance, crypto are optional) falls back to the data authority."""
    role = AUTHORITY_OF_MILESTONE[milestone]
    unit_id = getattr(config.authorities, role, None)
    if unit_id is None:
        return "data_authority", config.authorities.data_authority
    return role, str(unit_id)


def approvers_for(config: RegistryConfig, milestone: str) -> tuple[list[str], str, str]:
    """(approver e-mails, unit id, role) of the authority that decides ``milestone``."""
    role, unit_id = authority_of(config, milestone)
    return sorted(approver_emails(config.unit(unit_id))), unit_id, role


def platform(email: str) -> bool:
    return normal_email(email) in PLATFORM_EMAILS


def matches(people: Iterable[str], approvers: Iterable[str]) -> bool:
    """Whether one of ``people`` (e-mails) is one of ``approvers`` (e-mails or ``@login``)."""
    emails = {normal_email(p) for p in people if not platform(p)}
    logins = {m.group("login") for e in emails if (m := _GITHUB_NOREPLY.fullmatch(e))}
    for approver in approvers:
        wanted = normal_email(approver)
        if wanted in emails or (wanted.startswith("@") and wanted[1:] in logins):
            return True
    return False
