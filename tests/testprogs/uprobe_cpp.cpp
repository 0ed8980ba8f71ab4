/* uprobe_cpp: C++ functions for uprobes with the cpp: qualifier; an
 * overloaded member function, a function template, a plain extern "C"
 * one; each called three times. */
#include <string>

namespace MyApp {
class Server {
public:
	__attribute__((noinline)) int handle_request(int fd) { return fd + 1; }
	__attribute__((noinline)) int handle_request(const std::string &s)
	{
		return (int)s.size();
	}
};
template <typename T> __attribute__((noinline)) T twice(T x) { return x + x; }
}

extern "C" __attribute__((noinline)) int plain_c(int x) { return x * 2; }

int main()
{
	MyApp::Server s;
	volatile int r = 0;
	for (int i = 0; i < 3; i++) {
		r += s.handle_request(i);
		r += s.handle_request(std::string("hello"));
		r += MyApp::twice<long>(i);
		r += plain_c(i);
	}
	return r == 0;
}
