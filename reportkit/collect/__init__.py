"""The collection round between rollover and build: packs out to each division, status back, accept.

* ``expected``: the record of the projects a year expects (``expected.json``, written by rollover,
  or a built ``report.json``);
* ``received``: the workbooks under the cards folder with their project, division and problems;
* ``status``: expected against received, per division and per project (``collection_status``);
* ``accept``: file a returned workbook under ``cards/<担当課>/``, archiving the earlier version;
* ``packs``: one folder (and zip) per division with its prefilled workbooks and a checklist.
"""
