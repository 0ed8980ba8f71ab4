#pragma once
struct point {
	int16_t x;
	int16_t y;
};
#define ORIGIN_X 0
