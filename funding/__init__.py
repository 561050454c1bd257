"""Funding instruments, allocations, disbursement requests, the IATI export (recommendation 3)."""
