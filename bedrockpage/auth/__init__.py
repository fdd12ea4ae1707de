"""Request authentication: SigV4 signing, credentials and bearer tokens."""
