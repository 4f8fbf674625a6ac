"""What a resolve run did, and how far it is: the closing report and the progress monitor."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from awesome_bib.resolve.http import ServiceClient
from awesome_bib.resolve.services import SERVICES

Progress = Callable[[int, int], None]  # (papers finished, papers to look up)


@dataclass
class ResolveReport:
    """What a run did, by record id; ``requests`` counts every request sent, per service."""

    resolved: list[str] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)
    unresolved: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    offline: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # remembered misses, not asked again
    stopped: int = 0  # papers still in the works when the deadline came
    kept: dict[str, list[str]] = field(default_factory=dict)
    local_keys: dict[str, str] = field(default_factory=dict)  # record id -> key of the local entry it matched
    requests: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SERVICES, 0))

    @property
    def exit_status(self) -> int:
        """0 when every lookup finished, 1 when some paper is unresolved or still to look up."""
        return 1 if self.unresolved or self.offline or self.kept or self.missing or self.stopped else 0

    def summary(self) -> str:
        """The closing summary of a run, one fact a line, unresolved entries with their reasons."""
        lines = [
            f"resolved: {len(self.resolved) + len(self.upgraded)} "
            f"({len(self.upgraded)} upgraded to the published version)",
            f"unchanged: {len(self.unchanged)}, nothing to look up: {len(self.skipped)}",
        ]
        if self.offline:
            lines.append(f"not looked up (offline): {len(self.offline)}")
        if self.stopped:
            lines.append(f"stopped at the deadline: {self.stopped} papers left for the next run")
        if self.missing:
            lines.append(f"no service knew them lately, not asked again: {len(self.missing)} "
                         "(`status` says since when; --retry-missing asks now)")
        if self.kept:
            lines.append(f"looked up again but failed, earlier result kept: {len(self.kept)} "
                         "(the next run tries again)")
            lines += [f"  {record_id}: {'; '.join(reasons)}"
                      for record_id, reasons in self.kept.items()]
        if self.local_keys:
            lines.append(f"from local bibliographies: {len(self.local_keys)}")
        lines.append(f"unresolved: {len(self.unresolved)}")
        lines += [f"  {record_id}: {'; '.join(reasons)}"
                  for record_id, reasons in self.unresolved.items()]
        lines.append("requests: " + ", ".join(f"{name} {n}" for name, n in self.requests.items()))
        return "\n".join(lines)

    def sort(self) -> None:
        """Order every list by record id, so that the report does not depend on timing."""
        self.resolved.sort()
        self.upgraded.sort()
        self.unchanged.sort()
        self.offline.sort()
        self.missing.sort()
        self.unresolved = dict(sorted(self.unresolved.items()))
        self.skipped = dict(sorted(self.skipped.items()))
        self.kept = dict(sorted(self.kept.items()))


@dataclass
class RunMonitor:
    """How far a run is, for a progress display: papers done of those to look up, and the state of
    each service (``ok``, ``slowed``, ``down``) while it runs."""

    total: int = 0
    finished: int = 0
    clients: Mapping[str, ServiceClient] = field(default_factory=dict)

    def line(self) -> str:
        """``resolving: 120/4000 done, 3880 left; arxiv ok, crossref slowed, ...``"""
        states = ", ".join(f"{name} {client.state}" for name, client in self.clients.items())
        left = self.total - self.finished
        return f"resolving: {self.finished}/{self.total} done, {left} left" + (f"; {states}" if states else "")
