/* isel.c — to be written */
