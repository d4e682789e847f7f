"""The metric catalogue: registry.py holds the definitions, one module per group computes them."""
