/* main.c: the clausegen program; everything happens in cli.c. */
#include <locale.h>
#include <stdio.h>

#include "cli.h"
#include "out.h"

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C.UTF-8");
	/* An interrupted build removes what it was staging and leaves the
	 * previous outputs as they were (out.h). */
	out_install_signal_cleanup();
	return cli_main(argc, argv, stdout, stderr);
}
