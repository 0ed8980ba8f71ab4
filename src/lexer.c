/* lexer.c — to be written */
