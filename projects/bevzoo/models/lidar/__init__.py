"""TODO owner fills in."""
