/* sema.c — to be written */
