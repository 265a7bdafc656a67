"""The walk: the base branch's first-parent history, oldest first, commit by commit.

Each audited commit is judged with the effective configuration before it (governance.py) and,
in the default trust mode, with what its signature proves (signatures.py):

* ``signatures`` — a merge counts only when git verifies its signature against a key the
  registry trusts. Signed by a forge merge key (``trust.merge_keys`` of the *current*
  registry.yaml: the auditor's trust anchor, so removing a key distrusts every merge it
  signed; a key that only a refused change put there counts nowhere), the merge is the author's (GitHub and GitLab record the merging user as author);
  signed by a key listed for an approver in ``approvers`` (before the commit, or now), it is
  that approver's. Anything else — unsigned, bad, or signed by an unknown key — proves
  nothing: it may be a "merge" forged on a branch and fast-forwarded (AUD003).
* ``identities`` — the weaker mode for registries that cannot sign yet: a merge is its author's
  and committer's, by e-mail. Anyone can write any e-mail into a commit and fast-forward a
  forged merge; this mode only catches honest mistakes.

Non-merge commits are direct pushes whatever they claim (AUD002). Order, not dates, bounds
the audit (``since_commit``); committer dates going backwards are reported (AUD005).
"""
from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from registry import gitio, plainclass
from registry.blobfields import BlobFields
from registry.findings import Finding, Message
from registry.layout import is_record_path
from registry.loader import CONFIG_FILE
from registry.models.kinds import ApproverKind

from registry.audit import governance, identity, records, report
from registry.audit.reading import HistoryReading, read_history
from registry.audit.signatures import UNSIGNED, Signature, Verifier, fingerprint

if TYPE_CHECKING:  # the audit reads registry.yaml as twins of it (registry.configfacts.config_twin)
    from registry.models import RegistryConfig

TRUST_MODES = ("signatures", "identities")


@plainclass.dataclass(frozen=True)
class Proof:
    """What a first-parent commit proves about who merged it."""

    how: str  # "direct": not a merge | "unverified": a merge proving nothing | "merger"
    emails: frozenset[str] = frozenset()  # people it is proven to be by (forge-signed author; identities mode)
    units: frozenset[str] = frozenset()  # units whose approver signed it with their own listed key
    signers: frozenset[str] = frozenset()  # those approvers' e-mails (for messages)

    def approves(self, config: RegistryConfig, units: set[str]) -> bool:
        """Whether the merge is an approval by an approver of one of ``units``."""
        if self.how != "merger":
            return False
        if self.units & units:
            return True
        return any(identity.matches(self.emails, identity.approver_emails(config.unit(u))) for u in units)


class Auditor:
    """Replays the history commit by commit, keeping the effective configuration."""

    def __init__(self, repo: gitio.Repo, root: Path, config: RegistryConfig, branch: str, *,
                 mode: str, verifier: Verifier, fields: BlobFields | None = None,
                 locator: report.Locator | None = None) -> None:
        self.repo = repo
        self.fields = fields or BlobFields(repo)
        self.config = config  # the current registry.yaml: trust anchor, and fallback
        self.branch = branch
        self.mode = mode
        self.verifier = verifier
        self.prefix = gitio.root_prefix(repo, root)
        self.locator = locator or report.Locator(root)
        self.records: set[str] = set()
        self.notices: list[Message] = []
        self.counts = {"commits": 0, "merges": 0, "direct": 0}
        self._reading = HistoryReading({}, {}, [])
        self._signatures: dict[str, Signature] = {}
        # Fingerprints of the current registry.yaml's keys that the history accepted (None: not
        # known yet). A key added by a refused change is in the working tree but not in force.
        self._current_ok: set[str] | None = None
        self._final: RegistryConfig | None = None  # the effective configuration after the last commit

    # -- the walk ---------------------------------------------------------------------------

    def walk(self, log: list[gitio.LogEntry], start: int, dates_from: int) -> list[Finding]:
        """Audit ``log[start:]``; earlier commits only build the baseline configuration.

        The current registry.yaml's keys count only if the history put them in force, which the
        walk itself decides: walk again until the keys in force at the end no longer change (a
        key smuggled in by a refused change is then distrusted from the first commit on)."""
        self._reading = read_history(self.repo, self.prefix, log, start, self.fields)
        configs = self._reading.configs
        if self.mode == "signatures":
            self._verify(log[start:], configs)
        findings: list[Finding] = []
        current = self._prints(governance.all_keys(self.config))
        for _ in range(4):
            self.counts = dict.fromkeys(self.counts, 0)
            findings = list(self._pass(log, configs, start, dates_from))
            in_force = self._prints(governance.all_keys(self._final or self.config))
            # A pass that assumed nothing (None) counted every current key: the same pass as one
            # assuming all of them in force, so when they all are, walking again changes nothing.
            assumed = current if self._current_ok is None else self._current_ok
            if assumed == current & in_force:
                break
            self._current_ok = current & in_force
        return findings

    def _pass(self, log: list[gitio.LogEntry], configs: list[RegistryConfig | None], start: int,
              dates_from: int) -> Iterator[Finding]:
        effective: RegistryConfig | None = None
        for i, entry in enumerate(log):
            if dates_from <= i and 0 < i and entry.timestamp < log[i - 1].timestamp:
                yield self.locator.finding("AUD005", self._first_path(entry), "", report.backwards_date(entry, log[i - 1]))
            committed = configs[i]
            unchanged = i > 0 and committed is configs[i - 1]
            if i < start:
                effective = committed or effective
                continue
            before = effective or self._fallback(entry)
            yield from self._audit(entry, before)
            if committed is None or unchanged:
                continue
            if effective is None:  # the first readable registry.yaml founds the configuration
                effective = committed
                continue
            previous = configs[i - 1] if i > 0 else None
            effective = yield from self._govern(entry, before, previous if previous is not None else before, committed)
        self._final = effective

    def _first_path(self, entry: gitio.LogEntry) -> str:
        """Where to report a commit as a whole: its first record file, else registry.yaml."""
        paths = sorted(records.relative(c.path, self.prefix) for c in entry.changes if c.path.startswith(self.prefix))
        return next((p for p in paths if is_record_path(p)), CONFIG_FILE)

    def _fallback(self, entry: gitio.LogEntry) -> RegistryConfig:
        self.note(f"提交 {entry.short} 之前没有可读的 registry.yaml，其批准人按当前 registry.yaml 判断",
                  f"no readable registry.yaml before commit {entry.short}: approvers taken from the current one")
        return self.config

    def _audit(self, entry: gitio.LogEntry, config: RegistryConfig) -> Iterator[Finding]:
        self.counts["commits"] += 1
        self.counts["merges" if entry.merge else "direct"] += 1
        paths = [records.relative(c.path, self.prefix) for c in entry.changes if c.path.startswith(self.prefix)]
        self.records.update(p for p in paths if is_record_path(p))
        proof = self._proof(entry, config)
        if paths and not entry.merge:
            where, message = report.direct_push(entry, paths, self.branch)
            yield self.locator.finding("AUD002", where, "", message)
        elif paths and proof.how == "unverified":
            where, message = report.unverified_merge(entry, paths, self._why_unverified(entry))
            yield self.locator.finding("AUD003", where, "", message)
        for change in records.linked_entries(entry.changes, self.prefix):
            path = records.relative(change.path, self.prefix)
            yield self.locator.finding("AUD006", path, "", report.linked_file(entry, change, path))
        for milestone in self._reading.milestones.get(entry.commit, ()):
            approvers, unit_id, role = identity.approvers_for(config, milestone.milestone)
            if proof.approves(config, {unit_id}):
                continue
            message = report.unapproved_milestone(entry, milestone, (role, unit_id, bool(approvers)), proof.how,
                                                  self._shown(entry, proof), self.branch)
            message = report.with_parents(message, self._brought_by(entry, milestone))
            yield self.locator.finding("AUD001", milestone.path, f"milestones.{milestone.milestone}", message)

    def _govern(self, entry: gitio.LogEntry, before: RegistryConfig, raw_before: RegistryConfig,
                committed: RegistryConfig) -> Generator[Finding, None, RegistryConfig]:
        """AUD004 for governance changes the commit may not make; returns the new effective config.
        (A generator that returns: ``effective = yield from self._govern(...)``.)"""
        changes = governance.governance_changes(raw_before, committed)
        if not changes:
            return governance.apply(before, committed, [])
        proof = self._proof(entry, before)
        accepted = []
        for change in changes:
            allowed, who_zh, who_en = governance.entitled(before, change)
            if proof.approves(before, allowed):
                accepted.append(change)
                continue
            field = self._governance_field(change)
            message = report.unauthorised_governance(entry, change, (who_zh, who_en), proof.how, self._shown(entry, proof))
            yield self.locator.finding("AUD004", CONFIG_FILE, field, message)
        return governance.apply(before, committed, accepted)

    def _governance_field(self, change: governance.GovernanceChange) -> str:
        if change.section == "authorities":
            return f"authorities.{change.fields[0]}"
        if change.section != "units":
            return change.section
        index = next((i for i, u in enumerate(self.config.units) if u.id == change.unit), None)
        return f"units[{index}].{change.fields[0]}" if index is not None else "units"

    # -- who merged -------------------------------------------------------------------------

    def _proof(self, entry: gitio.LogEntry, config: RegistryConfig) -> Proof:
        """What the commit proves about who merged it, judged with ``config`` (before it)."""
        if not entry.merge:
            return Proof("direct")
        if self.mode == "identities":
            people = {entry.author.email, entry.committer.email}
            return Proof("merger", emails=frozenset(p for p in people if not identity.platform(p)))
        signature = self._signatures.get(entry.commit, UNSIGNED)
        if not signature.good:
            return Proof("unverified")
        prints = signature.fingerprints
        author = signature.author_email  # read with the signature, from the signed commit
        forge = frozenset({author}) if prints & self._now(self.config.trust.merge_keys) else frozenset()
        signers = self._key_holders(prints, config)
        if not forge and not signers:
            return Proof("unverified")
        return Proof("merger", emails=forge, units=frozenset(u for u, _ in signers),
                     signers=frozenset(e for _, e in signers))

    def _key_holders(self, prints: set[str] | frozenset[str], config: RegistryConfig) -> set[tuple[str, str]]:
        """(unit id, e-mail) of the approvers whose own key made the signature: a key listed for
        an approver of a unit before the commit, or now for someone who was that unit's approver
        before it. A key proves approval for the unit whose list names it, never another's."""
        found: set[tuple[str, str]] = set()
        for source, keys_of in ((config, self._prints), (self.config, self._now)):
            for unit in source.units:
                before = identity.approver_emails(config.unit(unit.id))
                for entry in unit.approvers:
                    if isinstance(entry, ApproverKind) and prints & keys_of(entry.keys):
                        email = identity.normal_email(entry.email)
                        if email in before:
                            found.add((unit.id, email))
        return found

    def _why_unverified(self, entry: gitio.LogEntry) -> tuple[str, str]:
        status = self._signatures.get(entry.commit, UNSIGNED).status
        if status == "N":
            return "没有签名", "is not signed"
        if status in ("G", "U"):
            return "的签名公钥不在登记簿信任的公钥中", "is signed by a key the registry does not trust"
        return f"的签名无法验证（git 状态 {status}）", f"has a signature that does not verify (git status {status})"

    def _shown(self, entry: gitio.LogEntry, proof: Proof) -> str:
        if proof.emails or proof.signers:
            return "、".join(sorted(proof.emails | proof.signers))
        people = [str(p) for p in (entry.author, entry.committer) if not identity.platform(p.email)]
        return " / ".join(dict.fromkeys(people)) or str(entry.author)

    def _now(self, keys: Iterable[str]) -> set[str]:
        """Fingerprints of keys of the current registry.yaml that the history put in force."""
        found = self._prints(keys)
        return found if self._current_ok is None else found & self._current_ok

    def _prints(self, keys: Iterable[str]) -> set[str]:
        """Fingerprints of ``keys`` (as imported, else as computed from the key text)."""
        found: set[str] = set()
        for key in keys:
            text = key.strip()
            found.update(self.verifier.fingerprints.get(text) or {fingerprint(text)} - {""})
        return found

    def _verify(self, audited: list[gitio.LogEntry], configs: list[RegistryConfig | None]) -> None:
        keys = governance.all_keys(self.config)
        for config in configs:
            if config is not None:
                keys |= governance.all_keys(config)
        self.verifier.trust(sorted(keys))
        merges = [e.commit for e in audited if e.merge]
        self._signatures = self.verifier.verify(str(self.repo.git_dir), merges)

    def _brought_by(self, entry: gitio.LogEntry, change: records.MilestoneChange) -> list[int] | None:
        """For a merge, parent by parent: the (1-based) merged parents whose file already had the
        milestone as the merge left it; [] when none had (the merge itself wrote it); None for a
        non-merge commit."""
        if not entry.merge:
            return None
        wanted = change.values or frozenset({""})
        carriers = []
        for number, parent in enumerate(entry.parents[1:], start=2):
            value = records.value_in(self._reading.parents.get((parent, change.path)), change.milestone)
            if (value if value is not None else "") in wanted:  # absent ('') carries a removal
                carriers.append(number)
        return carriers

    # -- notices ----------------------------------------------------------------------------

    def note(self, zh: str, en: str) -> None:
        message = Message(zh, en)
        if message not in self.notices:
            self.notices.append(message)

    def summary(self) -> list[Message]:
        c = self.counts
        counts = Message(
            f"已审计 {self.branch} 的 {c['commits']} 个首父提交：合并 {c['merges']} 个，直接提交 {c['direct']} 个",
            f"audited {c['commits']} first-parent commits of {self.branch}: {c['merges']} merges, {c['direct']} direct",
        )
        names = identity.approver_names(self.config)
        if names:
            self.note(f"approvers 中的 {'、'.join(names)} 不是邮箱：姓名永远不作为批准人身份，请改写为提交邮箱",
                      f"approvers {', '.join(names)} are not e-mails: names never identify an approver")
        return [mode_notice(self.mode, self.config), counts, *self.notices, *self.verifier.notices]


def mode_notice(mode: str, config: RegistryConfig) -> Message:
    """Which trust mode ran, said in every report."""
    if mode == "identities":
        return Message(
            "审计模式：身份比对（--trust identities，较弱）：只比对合并提交作者、提交者的邮箱，不验证签名；"
            "邮箱可由任何人填写，伪造的合并或快进推送不能发现",
            "trust mode: identities (--trust identities, weaker): merge authors' and committers' e-mails are "
            "compared, signatures are not verified; anyone can write any e-mail, forged merges go unnoticed",
        )
    forge = len(config.trust.merge_keys)
    approver_keys = sum(len(v) for v in identity.keys_of_emails(config).values())
    return Message(
        f"审计模式：签名验证（--trust signatures）：合并须用登记簿信任的公钥验证签名（平台合并公钥 {forge} 个，"
        f"批准人公钥 {approver_keys} 个）",
        f"trust mode: signatures (--trust signatures): merges must verify against trusted keys "
        f"({forge} forge merge keys, {approver_keys} approver keys)",
    )
