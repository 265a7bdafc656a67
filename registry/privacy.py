"""Personal contact details out of everything published (site pages and open data).

Contacts and notes are internal fields and never published (:mod:`registry.export`); but a
free-text field can still carry an e-mail address or a phone number that someone typed into a
description, a document title or a git author name. :func:`redact` replaces them wherever
published text is produced, so the defence does not depend on which field the text came from.
Approvers' and reviewers' identities are left out separately unless the registry sets
``publish_identities: true``.
"""
from __future__ import annotations

import re
from typing import Any

HIDDEN = "（已隐去）"

# An e-mail address (local part @ domain with a dot), a mainland mobile number (11 digits
# starting 13–19, optionally +86), and a landline written with its area code and a hyphen
# (0xx-xxxxxxx). Bare digit runs are left alone: document numbers, amounts and dates are not
# phone numbers, and a landline without its area code identifies no one.
_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
# Digits inside a longer code (a checksum, a document number with letters) are not a number.
_MOBILE = r"(?<![0-9A-Za-z])(?:\+?86[\s\-]?)?1[3-9][0-9](?:[\s\-]?[0-9]{4}){2}(?![0-9A-Za-z])"
_LANDLINE = r"(?<![0-9A-Za-z])(?:\+?86[\s\-]?)?0[0-9]{2,3}[\s\-－—][0-9]{7,8}(?![0-9A-Za-z])"
PERSONAL = re.compile(f"{_EMAIL}|{_MOBILE}|{_LANDLINE}")


def redact(text: str) -> str:
    """``text`` with every e-mail address and phone number replaced by （已隐去）."""
    return PERSONAL.sub(HIDDEN, text) if text else text


def redact_all(value: Any) -> Any:
    """:func:`redact` applied to every string inside a JSON-ready value."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_all(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_all(v) for k, v in value.items()}
    return value


def is_personal(identity: str) -> bool:
    """An approver or reviewer entry that names a person's account or address rather than a
    plain name: an e-mail address, a phone number, or a code-hosting handle (``@user``)."""
    return bool(PERSONAL.search(identity)) or "@" in identity
