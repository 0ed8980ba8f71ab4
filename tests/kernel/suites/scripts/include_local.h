/* the script's own header: found beside include_local.bt */
#ifndef INCLUDE_LOCAL_H
#define INCLUDE_LOCAL_H

#include <stdint.h>
#include "include_lib/point.h"
#include "include_lib/point.h" /* #pragma once: read once */

#define NAME_LEN 8
#define LIMIT (NAME_LEN * 4 + 1)

struct rec {
	uint32_t id;
	char name[NAME_LEN];
	struct point where;
	uint64_t value;
};

typedef struct rec rec_t;

union word {
	uint32_t u;
	uint8_t b[4];
};

enum mode { MODE_OFF, MODE_ON = 5, MODE_AUTO };

#endif
