"""Persistence: the profile folder, the database, the provider cache, configuration and secrets."""
