"""The bank in the forms clinics collect with, and how those tools export what was collected.

- `redcap`: the bank as a REDCap data dictionary (CSV);
- `xlsform`: the bank as an XLSForm (ODK Collect and Central, KoboToolbox), written with
  openpyxl on first use;
- `logic`: a condition as REDCap branching logic or XLSForm `relevant` XPath, both from one walk
  of the condition tree;
- `fields`: what both forms add beside the questions (the bank's version) and share;
- `exports`: the one table of how REDCap, ODK Central and KoboToolbox lay out their CSV exports,
  which `batch` reads them with.

A bank a format cannot hold (a condition its logic cannot write, a name it keeps for itself) is
refused whole with an `ExportError` naming every question at fault.
"""

from __future__ import annotations

from .exports import EXPORT_FORMATS, ExportFormat, recognise
from .redcap import data_dictionary, data_dictionary_csv
from .xlsform import XlsForm, xlsform, xlsform_bytes

__all__ = [
    "EXPORT_FORMATS",
    "ExportFormat",
    "XlsForm",
    "data_dictionary",
    "data_dictionary_csv",
    "recognise",
    "xlsform",
    "xlsform_bytes",
]
