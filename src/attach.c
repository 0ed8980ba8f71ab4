/* attach.c — to be written */
