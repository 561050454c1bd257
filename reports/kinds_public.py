"""Report kinds of public (registered with `reports.registry.register`)."""
