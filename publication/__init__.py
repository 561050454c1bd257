"""The anonymous public pages and feed, built only from what was published (recommendation 9)."""
