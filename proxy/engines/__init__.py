"""Layer 4: engines. Each serves an `Incoming` request onto a `Responder`; none knows aiohttp's server."""
