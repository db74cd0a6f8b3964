"""Layer 4: synthesized recordings. A YAML scenario becomes a recording that replays like a real one.

Lists and watches are answered by proxy.apiserver (the one apiserver model, which emulate drives too) and
written with proxy.recording (the file format), so a synthesized file is what the recorder would have
written for the same cluster history, and what emulate serves back from it.
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
