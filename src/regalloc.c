/* regalloc.c — to be written */
