"""Layer 5: the aiohttp application around the engines, the control API, kubeconfig writing."""
