from crm_metrics.cli import main

main()
