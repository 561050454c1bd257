"""Report kinds of funding (registered with `reports.registry.register`)."""
