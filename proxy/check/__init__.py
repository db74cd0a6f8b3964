"""Layer 6 beside the CLI: `watchproxy check`, a client robustness report built on proxy.testing.Replay.

The scenarios of the failure catalogue, each run against the client command on its own replay of a
scripted cluster, classified from the proxy's request log and the client's printed events. See
`proxy.check.scenarios` for the battery, `proxy.check.runner` to run it, `proxy.check.report` for output.
"""

from .runner import CheckError, Options, Row, run_battery
from .scenarios import SCENARIOS

__all__ = ["SCENARIOS", "CheckError", "Options", "Row", "run_battery"]
