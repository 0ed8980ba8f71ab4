/* stackalloc.c — to be written */
