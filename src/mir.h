/* mir.h — machine IR (back end) */
