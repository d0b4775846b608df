"""The report: aggregation, the order of the projects, the narratives' context, report.json and its model, the
export, the printed forms, and the build pipeline that runs every stage."""
