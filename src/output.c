/* output.c — to be written */
