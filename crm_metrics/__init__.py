"""crm-metrics: CRM and help-desk metrics from any export, on the command line."""

__version__ = "0.1.0"
