/* ir_build.c — to be written */
