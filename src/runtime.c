/* runtime.c — to be written */
