"""Layer 4: synthesized recordings. A YAML scenario becomes a recording that replays like a real one.

Only proxy.recording (the file format) and proxy.wire (Kubernetes wire knowledge) are used, so a
synthesized file is exactly what the recorder would have written for the same cluster history.
"""

from .build import BuildResult, build_records, write_recording
from .scenario import Scenario, ScenarioError, load_scenario, parse_scenario, parse_scenario_text
from .schema import SCHEMA

__all__ = [
    "SCHEMA",
    "BuildResult",
    "Scenario",
    "ScenarioError",
    "build_records",
    "load_scenario",
    "parse_scenario",
    "parse_scenario_text",
    "write_recording",
]
