/* driver.c — to be written */
