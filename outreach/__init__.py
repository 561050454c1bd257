"""Communication items, their clearance, and perception readings (recommendation 9)."""
