"""Sub-commands beyond record/replay/inspect, each a module with `register(subparsers)` and `run(args)`."""
