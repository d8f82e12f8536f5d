from metarr_desktop.cli.main import main

main()
