/* main.c: the clausegen program; everything happens in cli.c. */
#include <locale.h>
#include <stdio.h>

#include "cli.h"
#include "out.h"

int main(int argc, char **argv)
{
	/* UTF-8 for the character type only: what GLib's charset conversions
	 * (g_strerror, file names in messages) and pango read. Every other
	 * category of C.UTF-8 is the C locale's, which is already set, and
	 * loading them all costs a dozen file opens on every run. */
	setlocale(LC_CTYPE, "C.UTF-8");
	/* An interrupted build removes what it was staging and leaves the
	 * previous outputs as they were (out.h). */
	out_install_signal_cleanup();
	return cli_main(argc, argv, stdout, stderr);
}
