"""Fetching machinery: retries, pacing, quotas, circuit breaking, health, the fetch orchestrator."""
