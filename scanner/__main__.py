from scanner.launch import console

console()
