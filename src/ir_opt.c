/* ir_opt.c — to be written */
