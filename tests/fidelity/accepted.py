"""The differences between the real apiserver and emulate that are accepted, each with its reason.

An entry names a case (or "*" for any case) and a pattern every difference line it accepts must match, so
an accepted case still fails on any other difference. Anything not listed fails tests/test_fidelity.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Accepted:
    case: str
    pattern: str
    why: str
    # the pattern sees bookmarks without their revisions (one another entry accepts differs: the initial-events-end
    # bookmark's)
    any_bookmark_rv: bool = False

    def covers(self, case: str, difference: str) -> bool:
        if self.any_bookmark_rv:
            difference = re.sub(r"'BOOKMARK \d+'", "'BOOKMARK'", difference)
        return self.case in ("*", case) and re.search(self.pattern, difference) is not None


ACCEPTED = [
    Accepted("list secrets", r"\.data\.", "Secret values are redacted in the recording (README, Security), so "
             "emulate serves the redacted value; a client that needs real values records with "
             "`--keep-secret-data`."),
    Accepted("watch secrets", r"\.data\.", "as for `list secrets`: redacted in the recording."),
    Accepted("*", r"^body: \.metadata\.resourceVersion: ", "a list's resourceVersion: the real server answers "
             "etcd's current revision, which moves with writes to resources nobody recorded (the apiserver's "
             "own leases and events); emulate answers the newest revision the recording shows. Object "
             "resourceVersions agree."),
    Accepted("*", r"^(body: |event 0: \.object)\.message: \"Timeout: Too large resource version: \d+, current: \d+\"",
             "the "
             "current revision in the 504 for a resourceVersion not reached: etcd's, which moves with writes to "
             "resources nobody recorded, as for a list's resourceVersion."),
    Accepted("*", r"^initial-events-end bookmark \d+: \.object\.(rows\[0\]\.object\.)?metadata\.resourceVersion: ",
             "the bookmark that "
             "ends a sendInitialEvents watch's initial events carries the watch cache's current revision, which "
             "moves with writes to resources nobody recorded (the apiserver's own leases, every 10 s) between the "
             "last recorded change and the watch; emulate carries the newest revision the recording shows, as "
             "for a list's resourceVersion. The events before it agree."),
    Accepted("*", r"^\d+ events ≠ \d+: real \[(?:(.*), )?'BOOKMARK'(?:, 'BOOKMARK')*\] / emulated \[(?(1)\1)\]$",
             "more bookmarks at the end from the real server, everything before them the same (or nothing before "
             "them): its cacher sends one whenever a watcher's bookmark is due and the resource's watch cache "
             "moved — at its first tick after a sendInitialEvents watch's initial-events-end bookmark, before the "
             "deadline, and once a minute (cache_watcher.go, nextBookmarkTime) — and on a real "
             "apiserver a quiet resource's cache learns the cluster's revision at moments of its own (measured on "
             "1.37: about once a minute from a minute after start, services, secrets, service accounts and "
             "replication controllers alike: the object-count poll, `--etcd-count-metric-poll-period`, reads each "
             "resource's keys consistently); emulate syncs at the same period but from the recording's start, "
             "and knows only the revisions the recording shows. (The bookmarks before them are compared one by one "
             "apart.)", any_bookmark_rv=True),
    Accepted("*", r"^\d+ events ≠ \d+: real \[(.*), 'BOOKMARK (\d+)'\] "
                  r"/ emulated \[\1, 'BOOKMARK \d+', 'BOOKMARK \2'\]$",
             "a revision the recording shows moving within a second of a sendInitialEvents watch's start: the "
             "real server sends the initial-events-end bookmark at its cacher's next bookmark tick (every 1 to "
             "1.25 s, at a random phase) with the revision of then, so it carries the move; emulate sends it at "
             "once and carries the move in the bookmark before the deadline. The events and the last revision "
             "agree; which one a run shows depends on the tick's phase."),
    Accepted("watch pods, RV too old", r".", "a watch from a resourceVersion older than the recording: the real "
             "server serves etcd's history until etcd compacts it (every 5 minutes by default), emulate cannot "
             "know what happened before the recording began and answers the apiserver's `410 Expired` ERROR "
             "event, which every client handles by relisting."),
    Accepted("list pods, invalid continue", r"^body: \.message: \"invalid continue token: continue key is not "
             r"valid", "the text after `continue key is not valid:` is Go's JSON decoder's own error for the "
             "undecodable token; the status, reason and the rest of the message agree."),
]


def accepted_why(case: str, differences: list[str]) -> str | None:
    """The reasons that cover every difference of a case, or None when one is not covered."""
    reasons: list[str] = []
    for d in differences:
        entry = next((a for a in ACCEPTED if a.covers(case, d)), None)
        if entry is None:
            return None
        if entry.why not in reasons:
            reasons.append(entry.why)
    return " ".join(reasons)
