#define FINE 1
struct broken {
	int a
	int b;
};
