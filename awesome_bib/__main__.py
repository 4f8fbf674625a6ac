from awesome_bib.cli import main

main()
