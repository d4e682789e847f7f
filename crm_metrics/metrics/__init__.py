"""The metrics: spec.py declares each one once, registry.py looks them up by id, one module per group
computes them."""
