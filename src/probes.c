/* probes.c — to be written */
