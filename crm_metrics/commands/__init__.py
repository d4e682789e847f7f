"""One module per crm-metrics command; cli.py registers them."""
