"""Layer 4 (beside the engines): what is in a recording, as numbers, text and pictures."""
