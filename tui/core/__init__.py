"""The headless core: plain Python and httpx, never Textual (a test enforces it)."""
