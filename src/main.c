/* main.c: the clausegen program; everything happens in cli.c. */
#include <locale.h>
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C.UTF-8");
	return cli_main(argc, argv, stdout, stderr);
}
