/* features.c — to be written */
