/* tracefs.c — to be written */
