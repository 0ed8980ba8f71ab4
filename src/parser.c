/* parser.c — to be written */
