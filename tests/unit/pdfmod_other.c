/* pdfmod_other.c: modules that are not the PDF back-end this program can
 * use, for check_hostile: built with OTHER_ABI, a table of another ABI;
 * with OTHER_VERSION, one of another release; with neither, no table. */
#include "pdfmod.h"

#if defined(OTHER_ABI)
CG_PDF_EXPORT const cg_pdf_backend clausegen_pdf_backend = {
	.abi = CG_PDF_ABI + 1,
	.size = sizeof(cg_pdf_backend),
};
#elif defined(OTHER_VERSION)
CG_PDF_EXPORT const cg_pdf_backend clausegen_pdf_backend = {
	.abi = CG_PDF_ABI,
	.size = sizeof(cg_pdf_backend),
	.layout = CG_PDF_LAYOUT,
	.version = "0.0.0-other",
};
#else
CG_PDF_EXPORT const int pdfmod_other_nothing = 1;
#endif
