"""Capability offers, plan requirements, pledges and the gap view (recommendation 7)."""
