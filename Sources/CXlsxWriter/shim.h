#ifndef DRS_REPORT_CXLSXWRITER_SHIM_H
#define DRS_REPORT_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
