from scanner.launch import main

main()
