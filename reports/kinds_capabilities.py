"""Report kinds of capabilities (registered with `reports.registry.register`)."""
