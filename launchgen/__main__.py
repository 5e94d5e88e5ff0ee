from launchgen.entry import main

main()
