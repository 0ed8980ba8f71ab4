/* emit.c — to be written */
