/* main.c - counts and hashes a small built-in text, like a tiny wc. */
#include "demo.h"

static const char text[] =
	"renacer traces a whole process tree:\n"
	"make, the compilers it starts, the assembler and the linker,\n"
	"and finally this little program.\n";

int main(void)
{
	report("built-in text", count_text(text), checksum(text));
	return 0;
}
