/* liveness.c — to be written */
