from launchgen.cli import main

main()
