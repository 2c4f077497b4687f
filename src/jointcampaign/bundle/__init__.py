"""Per-partner bundles: BagIt bags with a reproducible zip, their verification, brief and QC report."""
