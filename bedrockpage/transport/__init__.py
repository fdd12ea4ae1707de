"""HTTP transport: signing, sending, retries and clock skew over httpx."""
