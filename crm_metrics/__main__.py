from crm_metrics.cli.app import main

main()
