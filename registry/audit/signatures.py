"""Signed merges: which trusted key, if any, signed a commit.

Verification is git's own (the machinery of ``git verify-commit``), run against trust material
built for this audit only, in a temporary directory:

* SSH keys go into an allowed-signers file (ssh-keygen(1) "ALLOWED SIGNERS", one
  ``principal namespaces="git" <key>`` line per key) passed as ``gpg.ssh.allowedSignersFile``;
* OpenPGP keys (armoured blocks, or fingerprints exported from the auditor's own keyring) are
  imported into a fresh ``GNUPGHOME`` and given ultimate owner trust there, so nothing else in
  the auditor's keyring is trusted.

A commit counts as signed by a key only when git reports a good signature (``%G?`` = ``G``:
for SSH that means the key is in the allowed-signers file, i.e. trusted; ``U`` for an SSH key
configured by fingerprint only, which ssh-keygen verified without a principal) and the key's
fingerprint (``%GK`` for SSH, ``%GP``/``%GF`` for OpenPGP) is that key's. All candidate
commits are verified in one ``git log --no-walk --stdin`` process.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from registry import plainclass
from registry.findings import Message
from registry.gitproc import GIT_OPTIONS, REAL_OBJECTS

_SEP = "\x1f"
_FORMAT = _SEP.join(("%H", "%G?", "%GK", "%GP", "%GF", "%ae"))  # free text (the e-mail) last


def fingerprint(key: str) -> str:
    """The fingerprint a signature by ``key`` reports: ``SHA256:…`` for an OpenSSH public key
    (as ssh-keygen -l prints it), the 40 upper-case hex digits of an OpenPGP fingerprint,
    '' for an armoured OpenPGP block (known only once imported)."""
    text = key.strip()
    if text.startswith("-----BEGIN"):
        return ""
    if text.startswith("SHA256:"):
        return text
    parts = text.split()
    if len(parts) >= 2 and not _hex(text):
        try:
            blob = base64.b64decode(parts[1], validate=True)
        except (binascii.Error, ValueError):
            return ""
        return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return text.replace(" ", "").removeprefix("0x").upper()


def _hex(text: str) -> bool:
    digits = text.replace(" ", "").removeprefix("0x")
    return len(digits) == 40 and all(c in "0123456789abcdefABCDEF" for c in digits)


@plainclass.dataclass(frozen=True)
class Signature:
    """What git says about one commit's signature."""

    status: str  # %G?: G good, U good but untrusted key, N none, B bad, E cannot check, X/Y/R expired/revoked
    fingerprints: frozenset[str]  # of the signing key (SSH: SHA256:…, OpenPGP: primary and signing key)
    author_email: str = ""  # the signed commit's author e-mail

    @property
    def good(self) -> bool:
        """A good signature by a trusted key, or (``U``) a cryptographically valid SSH signature
        by a key outside the allowed-signers file: trusted only if its fingerprint is configured
        (an SSH key given by fingerprint), which the caller checks."""
        return self.status == "G" or (self.status == "U" and any(p.startswith("SHA256:") for p in self.fingerprints))


UNSIGNED = Signature("N", frozenset())


class Verifier:
    """Trust material for one audit run; use as a context manager (it owns a temporary directory)."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="registry-audit-"))
        self.gnupghome = self._dir / "gnupg"
        self.gnupghome.mkdir(mode=0o700)
        self.allowed_signers = self._dir / "allowed_signers"
        self.allowed_signers.write_text("", encoding="utf-8")
        self.fingerprints: dict[str, frozenset[str]] = {}  # key text → its fingerprints
        self.notices: list[Message] = []

    def __enter__(self) -> Verifier:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    # -- trust material ---------------------------------------------------------------------

    def trust(self, keys: Iterable[str]) -> None:
        """Add keys (SSH lines, OpenPGP blocks or fingerprints) to the trust material."""
        for key in keys:
            text = key.strip()
            if text in self.fingerprints:
                continue
            if text.startswith("-----BEGIN"):
                self.fingerprints[text] = self._import_pgp(text.encode("utf-8"), text[:40])
            elif _hex(text):
                self.fingerprints[text] = self._import_pgp(self._exported(fingerprint(text)), fingerprint(text))
            elif text.startswith("SHA256:"):
                self.fingerprints[text] = frozenset({text})  # matched against a valid signature's key
            else:
                self.fingerprints[text] = self._add_ssh(text)

    def _add_ssh(self, key: str) -> frozenset[str]:
        print_ = fingerprint(key)
        if not print_:
            return frozenset()
        kind, material = key.split()[:2]
        with self.allowed_signers.open("a", encoding="utf-8") as out:
            out.write(f'registry-key-{len(self.fingerprints)} namespaces="git" {kind} {material}\n')
        if shutil.which("ssh-keygen") is None:
            self._note("找不到 ssh-keygen：无法验证 SSH 签名", "ssh-keygen not found: SSH signatures cannot be verified")
        return frozenset({print_})

    def _gpg(self, *args: str, data: bytes | None = None, home: Path | None = None) -> bytes | None:
        if shutil.which("gpg") is None:
            self._note("找不到 gpg：无法验证 OpenPGP 签名", "gpg not found: OpenPGP signatures cannot be verified")
            return None
        env = dict(os.environ)
        if home is not None:
            env["GNUPGHOME"] = str(home)
        done = subprocess.run(["gpg", "--batch", "--no-tty", "--quiet", *args], input=data, env=env,
                              capture_output=True, check=False)
        return done.stdout if done.returncode == 0 else None

    def _exported(self, print_: str) -> bytes:
        """A key named by fingerprint, taken from the auditor's own keyring (GNUPGHOME or ~/.gnupg)."""
        exported = self._gpg("--export", print_) or b""
        if not exported:
            self._note(f"公钥 {print_} 不在本机的 GnuPG 密钥环中，用它签名的合并无法验证：请先 gpg --import 该公钥",
                       f"key {print_} is not in this machine's GnuPG keyring: gpg --import it to verify its signatures")
        return exported

    def _import_pgp(self, material: bytes, label: str) -> frozenset[str]:
        if not material:
            return frozenset()
        listing = self._gpg("--with-colons", "--import-options", "show-only", "--import", data=material, home=self.gnupghome)
        prints = [line.split(":")[9] for line in (listing or b"").decode("utf-8", "replace").splitlines()
                  if line.startswith("fpr:")]
        if not prints or self._gpg("--import", data=material, home=self.gnupghome) is None:
            self._note(f"无法导入 OpenPGP 公钥 {label}…", f"cannot import OpenPGP key {label}…")
            return frozenset()
        owner_trust = "".join(f"{p}:6:\n" for p in prints).encode()
        self._gpg("--import-ownertrust", data=owner_trust, home=self.gnupghome)
        return frozenset(prints)

    def _note(self, zh: str, en: str) -> None:
        message = Message(zh, en)
        if message not in self.notices:
            self.notices.append(message)

    # -- verification -----------------------------------------------------------------------

    def verify(self, git_dir: str, commits: Iterable[str]) -> dict[str, Signature]:
        """Each commit's signature, verified against the trust material (one git process)."""
        wanted = list(dict.fromkeys(commits))
        if not wanted:
            return {}
        env = {**os.environ, "GNUPGHOME": str(self.gnupghome), **REAL_OBJECTS}
        done = subprocess.run(
            ["git", *GIT_OPTIONS, f"--git-dir={git_dir}", "-c", f"gpg.ssh.allowedSignersFile={self.allowed_signers}",
             "-c", "log.showSignature=false", "log", "--no-walk=unsorted", "--stdin", f"--format={_FORMAT}"],
            input="\n".join(wanted).encode() + b"\n", env=env, capture_output=True, check=False,
        )
        found: dict[str, Signature] = {}
        for line in done.stdout.decode("utf-8", "replace").splitlines():
            parts = line.split(_SEP, 5)
            if len(parts) == 6:
                sha, status, *prints, author = parts
                found[sha] = Signature(status, frozenset(p.upper() if not p.startswith("SHA256:") else p
                                                         for p in prints if p), author)
        return found
